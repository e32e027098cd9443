#pragma once

#include "partitionsql.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
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
// with their UTC offset.
QList<PartitionedTableInfo>
listPartitions(PgConnection &conn, const SessionConfig &session, const QDateTime &now, bool exact);

struct MaintenancePlan
{
    QString table;
    QList<Month> create;        // missing month partitions, ascending
    QList<Month> defaultMonths; // months that have rows in the default partition
    qint64 defaultRows = 0;
    bool hasDefault = false;
    QStringList statements; // what maintain() runs, for previews and --dry-run
};

// What `partitions maintain` would do: partitions from `from` (or the current month) through
// the premake window, plus every month that has rows in the default partition.
QList<MaintenancePlan> planMaintenance(PgConnection &conn,
                                       const SessionConfig &session,
                                       const QDateTime &now,
                                       int premakeMonths,
                                       std::optional<Month> from);

struct MaintenanceResult
{
    QString table;
    int created = 0;
    qint64 moved = 0;
    qint64 countBefore = 0; // rows in the relations touched (default + new partitions)
    qint64 countAfter = 0;
};

// Runs each table's plan in one transaction: ACCESS EXCLUSIVE on the parent, detach the default,
// create the partitions, move the default's rows into them, re-attach the default, and roll back
// unless the row counts before and after are equal. Retries lock timeouts with jitter.
QList<MaintenanceResult> runMaintenance(PgConnection &conn,
                                        const QList<MaintenancePlan> &plans,
                                        int retries,
                                        const std::function<void(const QString &)> &log = {});

// For the health check: a problem description when next month has no partition or a default
// partition holds rows; std::nullopt when fine or when the schema is not migrated yet.
std::optional<QString>
partitionHealthProblem(PgConnection &conn, const SessionConfig &session, const QDateTime &now);

} // namespace melodee
