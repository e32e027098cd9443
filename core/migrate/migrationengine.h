#pragma once

#include "config/appconfig.h"
#include "db/backoffpolicy.h"
#include "migrationhistory.h"
#include "plan.h"
#include "rehearsaltrace.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <functional>
#include <memory>
#include <stop_token>
#include <utility>

namespace melodee {

class PgConnection;
class DbError;

struct IntegrityProblem
{
    QString check;
    qint64 count = 0;
    QStringList samples;
};

struct MigrateCallbacks
{
    // Before each statement: migration version, statement index (1-based), count, SQL.
    std::function<void(int version, int index, int count, const QString &sql)> statement;
    // Human-readable events: waiting for the lock, retries, redone INVALID indexes.
    std::function<void(const QString &message)> log;
    // A stop request cancels a transactional migration's running statement at once (the whole
    // migration rolls back), a lock wait at its next poll, and a non-transactional migration
    // before its next statement (a statement that commits on its own is never cut off).
    std::stop_token stop;
};

struct MigrateApplyOptions
{
    QString reviewer;
    QString expectedHash; // non-empty: refuse unless the plan's hash equals it (Drift)
    QStringList expectedStatements;
    bool allowDestructive = false;
    bool forceEnvironment = false; // apply although the history says production and we do not
};

// The migration engine on one dedicated session (the advisory lock is per session). Front ends
// use it through MigrationWorkflow; it throws MigrateError (with an ErrorKind) or DbError.
class MigrationEngine
{
public:
    using Callbacks = MigrateCallbacks;
    using ApplyOptions = MigrateApplyOptions;

    struct ApplyResult
    {
        int applied = 0;
        int finalVersion = 0;
        QString planHash;
        QStringList messages;
    };

    struct RehearseResult
    {
        int rehearsed = 0;        // migrations that ran before the rollback
        QStringList notRehearsed; // non-transactional migrations
        QString failure;          // empty when every statement ran
        int failedVersion = 0;
        QList<StatementTrace> traces; // what each statement locked, rewrote and blocked
    };

    MigrationEngine(const AppConfig &config, const QString &migrationDir = {});
    ~MigrationEngine();

    const QList<Migration> &migrations() const { return m_migrations; }
    const AppConfig &config() const { return m_config; }
    QString historyTable() const;
    // The two int4 keys of the session advisory lock that serialises migrators.
    static std::pair<qint32, qint32> lockKeys(const QString &historyTable);

    // Opens the session and applies lock_timeout, statement_timeout and TimeZone UTC.
    void connect();
    PgConnection *connection() const { return m_conn.get(); }
    // Takes the session advisory lock, waiting up to migrate.lock_wait; throws MigrateError
    // (LockWait) naming the holder (pid, user, application, client, since) when it cannot.
    void lock(const Callbacks &callbacks = {});
    void unlock();
    bool isLocked() const { return m_locked; }
    // The holder of the migration lock, or empty.
    QString lockHolder();

    QList<HistoryRow> history();
    QList<MigrationState> status();
    // Throws MigrateError (Drift) naming every drifted migration.
    void checkDrift();
    // Rewrites drifted checksums and forgets failed attempts; returns what it did.
    QStringList repair();

    // The plan against the connected database, or offline (an empty database) when not connected.
    // With liveFacts (and a connection) lint also reads the catalog: table sizes, default
    // partitions and the sessions using the tables now.
    Plan plan(const QDateTime &now, bool liveFacts = false);
    // Throws MigrateError (Guard) when the production guard refuses the plan.
    void checkGuard(const Plan &plan, bool allowDestructive, bool forceEnvironment = false) const;
    ApplyResult
    apply(const Plan &plan, const ApplyOptions &options, const Callbacks &callbacks = {});
    // Runs the transactional migrations in one transaction and rolls it back.
    RehearseResult rehearse(const Plan &plan, const Callbacks &callbacks = {});

    // Down-migrations: the "-- melodee:down" part of every applied migration above toVersion,
    // newest first. Throws MigrateError (Guard) when one is irreversible (never undone), Failure
    // when one has no down part.
    Plan planDown(int toVersion);
    // Applies a down plan: each migration's down statements and the removal of its history row
    // in one transaction. Production needs allowDestructive when a down statement is destructive.
    ApplyResult
    applyDown(const Plan &plan, const ApplyOptions &options, const Callbacks &callbacks = {});

    QList<IntegrityProblem> integrityCheck();
    QStringList refreshViews(bool concurrently = true);

    QString targetDescription() const;
    // A duration as PostgreSQL reads it in SET: "5s", "10min", "250ms".
    static QString durationSql(Duration d);

private:
    // How applying one migration ended.
    enum class Outcome { Applied, AlreadyApplied };

    void ensureHistoryTable();
    void applySession();
    void reconnect(const Callbacks &callbacks);
    // After a lost connection the lock was gone for a while: another migrator may have applied
    // migrations meanwhile. Re-plans and compares with what is left of the plan (from index
    // `from`); returns AlreadyApplied when the migration at `from` is applied now, throws
    // MigrateError (Drift) when anything else differs.
    Outcome replanAfterReconnect(const Plan &plan, int from);
    Outcome applyTransactional(const Plan &plan,
                               int index,
                               const QString &planHash,
                               const ApplyOptions &options,
                               const Callbacks &callbacks);
    Outcome applyNonTransactional(const Plan &plan,
                                  int index,
                                  const QString &planHash,
                                  const ApplyOptions &options,
                                  const Callbacks &callbacks);
    // Runs one statement of a non-transactional migration with the retry rules; false when a
    // re-plan after a reconnect found the migration applied by another session.
    bool runNonTransactionalStatement(const Plan &plan,
                                      int index,
                                      int statement,
                                      const Callbacks &callbacks);
    // Writes the history row. Never replaces an applied row: returns false when the version is
    // already applied (by another session).
    bool recordHistory(const Migration &m,
                       MigrationStatus status,
                       const QString &planHash,
                       const QString &reviewer,
                       qint64 ms,
                       const QString &error);
    void recordFailure(const Migration &m,
                       const QString &planHash,
                       const ApplyOptions &options,
                       qint64 ms,
                       const QString &error,
                       const Callbacks &callbacks);
    // Who holds a lock on the tables a statement touches (for a lock_timeout message).
    QString tableLockHolders(const QString &sql);
    MigrateError retriesExhausted(const QString &what, const QString &sql, const DbError &e);
    void
    backoff(int attempt, const QString &what, const QString &error, const Callbacks &callbacks);
    QString columnType(const QString &table, const QString &column);
    // The statements of a pending migration as the plan runs them (generated ones included).
    QList<SqlStatement> parseMigration(const Migration &m, const QDateTime &now) const;

    AppConfig m_config;
    BackoffPolicy m_backoff;
    QList<Migration> m_migrations;
    std::unique_ptr<PgConnection> m_conn;
    bool m_locked = false;   // this session holds the advisory lock
    bool m_wantLock = false; // the run holds it: a reconnect takes it again
};

// Holds the migration lock for a scope: taken in the constructor, released in the destructor
// (the engine takes it again by itself after a reconnect).
class MigrationLock
{
public:
    MigrationLock(MigrationEngine &engine, const MigrateCallbacks &callbacks);
    ~MigrationLock();
    MigrationLock(const MigrationLock &) = delete;
    MigrationLock &operator=(const MigrationLock &) = delete;

private:
    MigrationEngine &m_engine;
};

} // namespace melodee
