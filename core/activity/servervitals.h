#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <chrono>
#include <optional>

namespace melodee {

class PgConnection;

// The cumulative counters of pg_stat_database for one database. They only grow until the
// statistics are reset (statsResetUs changes) or the server restarts without its stats file.
struct DatabaseCounters
{
    qint64 xactCommit = 0;
    qint64 xactRollback = 0;
    qint64 tupReturned = 0;
    qint64 tupFetched = 0;
    qint64 tupInserted = 0;
    qint64 tupUpdated = 0;
    qint64 tupDeleted = 0;
    qint64 blksRead = 0;
    qint64 blksHit = 0;
    qint64 statsResetUs = 0; // pg_stat_database.stats_reset in µs since the epoch, 0 when never

    bool operator==(const DatabaseCounters &other) const = default;
};

// How many client sessions of the database are in one pg_stat_activity state.
struct SessionStateCount
{
    QString state; // "active", "idle", "idle in transaction", ...; empty when the role may not see
    int count = 0;
};

// A session that waits for a lock another session holds (pg_blocking_pids).
struct LockWait
{
    int pid = 0;
    QList<int> blockingPids;
    QString blockers; // "4711 (psql, idle in transaction)" for each blocker, comma-separated
    QString application;
    QString user;
    QString lockType;         // wait_event: relation, transactionid, tuple, advisory, ...
    double waitedSeconds = 0; // since pg_locks.waitstart (the lock wait, not the statement)
    QString query;            // as the server reports it: any text, several lines
};

// The oldest open transaction of a client session (ours that takes the sample excluded).
struct OldestTransaction
{
    int pid = 0;
    QString application;
    QString user;
    QString state;
    double ageSeconds = 0;
    qint64 xminAge = -1; // age(backend_xmin) in transactions, -1 when it holds no snapshot
    QString query;
};

// One partition of a partitioned table with the configured prefix, as autovacuum sees it.
struct PartitionVacuum
{
    QString partition;
    QString parent;
    qint64 deadTuples = 0;
    qint64 liveTuples = 0;
    QDateTime lastAutovacuum; // UTC; invalid when never
    qint64 autovacuumCount = 0;
    // Set while a VACUUM runs on it (pg_stat_progress_vacuum).
    QString vacuumPhase;
    bool autovacuumWorker = false; // the running VACUUM is autovacuum's, not a manual one
    qint64 heapBlocksTotal = 0;
    qint64 heapBlocksScanned = 0;

    bool vacuuming() const { return !vacuumPhase.isEmpty(); }
};

// What one sample read, all in one statement and so from one moment of the server.
struct VitalsSample
{
    qint64 serverTimeUs = 0; // the server's clock_timestamp() when it read the counters
    QString database;
    int selfPid = 0;
    DatabaseCounters counters;
    QList<SessionStateCount> sessionStates; // client backends of the database, ours excluded
    int sessions = 0;
    QList<LockWait> lockWaits; // longest wait first, at most kMaxRows
    std::optional<OldestTransaction> oldestTransaction;
    QList<PartitionVacuum> partitions; // being vacuumed first, then most dead tuples; kMaxRows
    int partitionCount = 0;            // all partitions, also those beyond kMaxRows
    qint64 deadTuples = 0;             // over all partitions
    int vacuumsRunning = 0;            // VACUUMs running in the database, on any table

    QDateTime serverTime() const;
    int sessionsIn(const QString &state) const;
    // For --json: counters as strings (exact beyond 2^53), times as ISO 8601 UTC.
    QJsonObject toJson() const;
};

// Per-second rates between two samples. valid is false when there is nothing to divide: no
// earlier sample, no time between them (or the server's clock went back), or the counters
// restarted (a stats reset, a crash, a counter that went down): never a negative rate.
struct VitalsRates
{
    bool valid = false;
    bool countersRestarted = false;
    double seconds = 0; // the server time between the two samples
    double commits = 0;
    double rollbacks = 0;
    double returned = 0;
    double fetched = 0;
    double inserted = 0;
    double updated = 0;
    double deleted = 0;
    double blocksRead = 0;
    double blocksHit = 0;

    QJsonObject toJson() const;
};

// The server's vital signs for the Dashboard and the CLI: pg_stat_database's counters,
// sessions by state, lock waits with who blocks whom, the oldest open transaction and
// autovacuum on the partitions of the prefixed partitioned tables. A sample is one statement in
// a read-only transaction under statement_timeout/lock_timeout; it blocks on the network, so run
// it on a worker (ConnectionPool::run()). Errors are DbError with operation "server vitals".
class ServerVitals
{
public:
    static constexpr int kMaxRows = 50;

    explicit ServerVitals(QString tablePrefix = QStringLiteral("melodee_"),
                          std::chrono::milliseconds timeout = std::chrono::seconds(5));

    VitalsSample sample(PgConnection &conn) const;

    // Pure: the rates from `before` to `after`, over the server time between them.
    static VitalsRates rates(const DatabaseCounters &before,
                             qint64 beforeUs,
                             const DatabaseCounters &after,
                             qint64 afterUs);
    static VitalsRates rates(const VitalsSample &before, const VitalsSample &after)
    {
        return rates(before.counters, before.serverTimeUs, after.counters, after.serverTimeUs);
    }

    // Parses the statement's one JSON value; throws DbError on anything malformed.
    static VitalsSample parse(const QByteArray &json);

private:
    QString m_tablePrefix;
    std::chrono::milliseconds m_timeout;
};

} // namespace melodee
