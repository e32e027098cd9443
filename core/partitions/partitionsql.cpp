#include "partitionsql.h"

#include "config/appconfig.h"

#include <QRegularExpression>

namespace melodee {

Month Month::parse(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("^(\\d{4})-(\\d{2})$"));
    const auto m = re.match(text.trimmed());
    if (!m.hasMatch())
        return {};
    Month out{m.captured(1).toInt(), m.captured(2).toInt()};
    return out.isValid() ? out : Month{};
}

Month Month::addMonths(int n) const
{
    const int i = index() + n;
    return {i / 12, i % 12 + 1};
}

QString Month::toString() const
{
    return QStringLiteral("%1-%2")
        .arg(year, 4, 10, QLatin1Char('0'))
        .arg(month, 2, 10, QLatin1Char('0'));
}

QStringList partitionedTables(const SessionConfig &session)
{
    return {session.tableName(QStringLiteral("album")), session.tableName(QStringLiteral("song"))};
}

QString monthPartitionName(const QString &parent, const Month &month)
{
    return QStringLiteral("%1_%2_%3")
        .arg(parent)
        .arg(month.year, 4, 10, QLatin1Char('0'))
        .arg(month.month, 2, 10, QLatin1Char('0'));
}

QString defaultPartitionName(const QString &parent)
{
    return parent + QStringLiteral("_default");
}

QString utcBoundLiteral(const Month &month)
{
    // Not QDate::toString(Qt::ISODate): it prints nothing for years after 9999, and the upper
    // bound of 9999-12 is 10000-01-01.
    return QStringLiteral("'%1-%2-01 00:00:00+00'")
        .arg(month.year, 4, 10, QLatin1Char('0'))
        .arg(month.month, 2, 10, QLatin1Char('0'));
}

QString createMonthPartitionSql(const QString &parent, const Month &month)
{
    return QStringLiteral(
               "CREATE TABLE IF NOT EXISTS %1 PARTITION OF %2 FOR VALUES FROM (%3) TO (%4)")
        .arg(monthPartitionName(parent, month),
             parent,
             utcBoundLiteral(month),
             utcBoundLiteral(month.addMonths(1)));
}

QString attachMonthPartitionSql(const QString &parent, const QString &partition, const Month &month)
{
    return QStringLiteral("ALTER TABLE %1 ATTACH PARTITION %2 FOR VALUES FROM (%3) TO (%4)")
        .arg(parent, partition, utcBoundLiteral(month), utcBoundLiteral(month.addMonths(1)));
}

QString createDefaultPartitionSql(const QString &parent)
{
    return QStringLiteral("CREATE TABLE IF NOT EXISTS %1 PARTITION OF %2 DEFAULT")
        .arg(defaultPartitionName(parent), parent);
}

QList<Month> monthWindow(const Month &first, int count)
{
    QList<Month> out;
    for (int i = 0; i < count; ++i)
        out << first.addMonths(i);
    return out;
}

} // namespace melodee
