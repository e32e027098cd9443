#pragma once

#include "partitionmaintenance.h"
#include "tableprivileges.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace melodee {

struct MoveRequest
{
    MaintenanceRequest maintenance;
    qint64 batchRows = 10000; // rows per batch, each batch its own transaction
    int pauseMs = 0;          // sleep between batches (throttle)
};

// One new partition of an online move.
struct MoveMonth
{
    Month month;
    QString partition;      // the new partition; also the staging table's name until ATTACH
    qint64 defaultRows = 0; // rows of this month in the default partition at preview time
    bool staged = false;    // a staging table from an earlier run exists: resume
    qint64 stagedRows = 0;  // rows already moved into it
    bool helper = false;    // the default partition carries the helper constraint already
    bool helperValid = false;
};

// An online move for one table: the default partition holds rows, so each new partition is made
// as a standalone table, the rows move in batches, and ATTACH skips both scans because CHECK
// constraints prove the bounds.
struct MoveTablePlan
{
    QString table;
    QString defaultPartition;
    QString columns;            // quoted column list of the parent
    TablePrivileges privileges; // the parent's, given to each new partition as it is attached
    QList<MoveMonth> months;
    qint64 rowsToMove = 0;
    // Per step, in the order apply runs them; batches repeat until they move no row.
    QStringList statements;
};

struct MovePreview
{
    qint64 batchRows = 0;
    int pauseMs = 0;
    MaintenancePreview direct;   // tables with an empty default: the one-transaction plan
    QList<MoveTablePlan> tables; // tables moved online
    QStringList notes;
    bool isEmpty() const { return direct.isEmpty() && tables.isEmpty(); }
    QString script() const;
};

struct MoveResult
{
    QString table;
    int attached = 0;
    qint64 moved = 0;
    int batches = 0;
    // Sequential scans of the default partition inside the ATTACH transactions, as
    // pg_stat_xact_user_tables counts them; 0 proves ATTACH did not scan it. -1: not measured.
    qint64 defaultScans = -1;
    QString summary() const;
};

// The batched, throttled, resumable move of rows out of the default partition, and new
// partitions next to a non-empty default without a scan under lock. Per new month M of table T
// with default partition D, each numbered step its own short transaction:
//   1. CREATE TABLE P (LIKE T ...) with a CHECK of M's range (melodee_stage), standalone;
//   2. batches: WITH moved AS (DELETE FROM D WHERE ctid = ANY(... LIMIT n) RETURNING ...)
//      INSERT INTO P ...: a row is in D or in P, never both, never neither;
//   3. ADD CONSTRAINT melodee_excl_YYYY_MM CHECK (NOT M's range) NOT VALID on D (brief lock, no
//      scan), then the batches again for rows that arrived meanwhile;
//   4. VALIDATE CONSTRAINT (SHARE UPDATE EXCLUSIVE: reads and writes go on);
//   5. ATTACH P, DROP both helper constraints, give P the owner and privileges of T, in one
//      transaction: no scan of D or P.
// After a kill at any moment a rerun finds the staging tables and helper constraints in the
// catalog and carries on. Rows moved but not yet attached are not visible through T.
class PartitionMover
{
public:
    // Works on maintenance's session, progress callback and stop token.
    explicit PartitionMover(PartitionMaintenance &maintenance);

    // Reads only.
    MovePreview preview(const MoveRequest &request);
    QList<MoveResult> apply(const MovePreview &preview);

    static QString stageName() { return QStringLiteral("melodee_stage"); }
    static QString helperName(const Month &m);
    static QString rangeSql(const Month &m); // created_at IS NOT NULL AND ... >= ... AND ... < ...
    static QString batchSql(const MoveTablePlan &plan, const MoveMonth &m, qint64 batchRows);

private:
    MoveTablePlan planTable(const MaintenancePlan &plan, qint64 batchRows, QStringList &notes);
    MoveResult applyTable(const MoveTablePlan &plan, qint64 batchRows, int pauseMs);
    qint64 moveBatches(const MoveTablePlan &plan,
                       const MoveMonth &m,
                       qint64 batchRows,
                       int pauseMs,
                       MoveResult &res,
                       qint64 total);
    bool exists(const QString &sql, const QString &a, const QString &b = {});

    PartitionMaintenance &m_maintenance;
    PgConnection &m_conn;
};

} // namespace melodee
