#pragma once

#include "partitionsql.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace melodee {

class PgConnection;
struct SessionConfig;

struct PartitionInfo
{
    QString name;
    bool isDefault = false;
    QString bounds; // as PostgreSQL prints them
    QDateTime from; // UTC; invalid for the default partition
    QDateTime to;
    qint64 estimatedRows = -1; // reltuples; -1 = never analysed
    qint64 exactRows = -1;     // with exact counting only
    qint64 totalBytes = 0;
};

struct PartitionedTableInfo
{
    QString table;
    bool exists = false;
    QList<PartitionInfo> partitions; // month partitions by lower bound, then the default
    QList<std::pair<QDateTime, QDateTime>> gaps;
    int monthsAhead = 0; // whole months after the current one covered without a gap
    bool nextMonthCovered = false;
    bool hasDefault = false;
    qint64 defaultRows = 0; // exact
};

// Reads the partitions of albums and songs. Works in any session TimeZone: bounds are parsed
// with their UTC offset. Maintenance (creating and moving) is PartitionMaintenance's.
QList<PartitionedTableInfo>
listPartitions(PgConnection &conn, const SessionConfig &session, const QDateTime &now, bool exact);

// For the health check: a problem description when next month has no partition or a default
// partition holds rows; std::nullopt when fine or when the schema is not migrated yet.
std::optional<QString>
partitionHealthProblem(PgConnection &conn, const SessionConfig &session, const QDateTime &now);

} // namespace melodee
