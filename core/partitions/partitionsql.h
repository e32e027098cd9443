#pragma once

#include <QDate>
#include <QList>
#include <QString>
#include <QStringList>

namespace melodee {

struct SessionConfig;

// A calendar month in UTC; partitions cover [first day 00:00 UTC, next month's first day).
struct Month
{
    int year = 0;
    int month = 0;

    // The months a partition can be made for: PostgreSQL's timestamptz and QDate agree on them.
    static constexpr int kFirstYear = 1;
    static constexpr int kLastYear = 9999;

    static Month fromDate(const QDate &date) { return {date.year(), date.month()}; }
    // "2026-11"; returns an invalid Month (year 0) for anything else.
    static Month parse(const QString &text);
    bool isValid() const { return year > 0 && month >= 1 && month <= 12; }
    Month addMonths(int n) const;
    QDate firstDay() const { return QDate(year, month, 1); }
    int index() const { return year * 12 + (month - 1); }
    QString toString() const; // "2026-11"
    friend bool operator==(const Month &a, const Month &b) = default;
    friend bool operator<(const Month &a, const Month &b) { return a.index() < b.index(); }
};

// The tables partitioned by month of created_at, as SessionConfig names them (albums, songs).
QStringList partitionedTables(const SessionConfig &session);

// "melodee_songs_2026_11"
QString monthPartitionName(const QString &parent, const Month &month);
QString defaultPartitionName(const QString &parent);
// '2026-11-01 00:00:00+00': explicit UTC, so the server's TimeZone cannot shift it.
QString utcBoundLiteral(const Month &month);

QString createMonthPartitionSql(const QString &parent, const Month &month);
QString createDefaultPartitionSql(const QString &parent);
// ALTER TABLE parent ATTACH PARTITION partition FOR VALUES FROM (month) TO (next month).
QString
attachMonthPartitionSql(const QString &parent, const QString &partition, const Month &month);

// count months starting at first: the migration's and maintenance's premake window.
QList<Month> monthWindow(const Month &first, int count);

} // namespace melodee
