#pragma once

#include "partitionmaintenance.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

namespace melodee {

struct RetentionRequest
{
    QDateTime now;      // invalid: the current time
    int keepMonths = 0; // keep partitions that end after the first day of (current - keep)
    bool detachOnly = false;
    static constexpr int kMaxKeepMonths = 1200;
};

// One partition older than the horizon.
struct RetentionItem
{
    QString table;
    QString partition;
    QDateTime from; // UTC
    QDateTime to;
    qint64 estimatedRows = -1;
    enum class State { Attached, DetachPending, Detached };
    State state = State::Attached;
    QStringList statements; // what apply runs for it, each its own transaction
};

struct RetentionPreview
{
    QDateTime now;
    Month horizon; // partitions ending on or before its first day go
    int keepMonths = 0;
    bool detachOnly = false;
    QList<RetentionItem> items;
    QStringList notes;
    bool isEmpty() const { return items.isEmpty(); }
    QStringList statements() const;
    QString script() const;
};

struct RetentionResult
{
    int detached = 0;
    int dropped = 0;
    QStringList lines;
};

// Retention like pg_partman's: detaches, then (unless detachOnly) drops the month partitions that
// end on or before the horizon. Never the default partition, never a table's last month
// partition. DETACH ... CONCURRENTLY when the table has no default partition (PostgreSQL refuses
// it otherwise); else a plain DETACH under lock_timeout with retries. Each statement is its own
// transaction; a rerun after an interruption finishes a pending concurrent detach (FINALIZE) and
// drops tables an earlier run detached (standalone <table>_YYYY_MM tables older than the horizon
// that are not staging tables of a move).
class PartitionRetention
{
public:
    explicit PartitionRetention(PartitionMaintenance &maintenance);

    static Month horizon(const QDateTime &now, int keepMonths);
    // Reads only; throws PartitionError (Usage) for a keep out of range.
    RetentionPreview preview(const RetentionRequest &request);
    // Run the production guard (PartitionGuard) on preview.statements() first.
    RetentionResult apply(const RetentionPreview &preview);

private:
    PartitionMaintenance &m_maintenance;
    PgConnection &m_conn;
};

} // namespace melodee
