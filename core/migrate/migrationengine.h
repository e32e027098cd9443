#pragma once

#include "config/appconfig.h"
#include "plan.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

namespace melodee {

class PgConnection;

// A row of <prefix>schema_migrations.
struct HistoryRow
{
    int version = 0;
    QString name;
    QString checksum;
    QDateTime appliedAt;
    QString appliedBy;
    QString reviewer;
    QString planHash;
    qint64 executionMs = 0;
    QString status; // applied, running (non-transactional, interrupted), failed
};

struct MigrationState
{
    int version = 0;
    QString name;
    int phase = 0;
    QString state; // applied, pending, drifted, failed, running, missing (in history, no file)
    std::optional<HistoryRow> history;
    QString currentChecksum;
};

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
    // Checked between statements; when set, the current transaction is rolled back.
    const std::atomic<bool> *cancel = nullptr;
};

struct MigrateApplyOptions
{
    QString reviewer;
    QString expectedHash; // non-empty: refuse unless the plan's hash equals it (exit 4)
    QStringList expectedStatements;
    bool allowDestructive = false;
};

// The migration engine on one dedicated session (the advisory lock is per session). Used by the
// CLI and, from a worker thread, by the GUI's review screen. Throws MigrateError with an exit code
// or DbError.
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
    };

    MigrationEngine(const AppConfig &config, const QString &migrationDir = {});
    ~MigrationEngine();

    const QList<Migration> &migrations() const { return m_migrations; }
    QString historyTable() const;

    // Opens the session and applies lock_timeout, statement_timeout and TimeZone UTC.
    void connect();
    PgConnection *connection() const { return m_conn.get(); }
    // Takes the session advisory lock, waiting up to migrate.lock_wait; throws MigrateError exit 6
    // naming the holder (pid, user, application, client, since) when it cannot.
    void lock(const Callbacks &callbacks = {});
    void unlock();
    // The holder of the migration lock, or empty.
    QString lockHolder();

    QList<HistoryRow> history();
    QList<MigrationState> status();
    // Throws MigrateError exit 4 naming every drifted migration.
    void checkDrift();
    // Rewrites drifted checksums and forgets failed attempts; returns what it did.
    QStringList repair();

    // The plan against the connected database, or offline (an empty database) when not connected.
    Plan plan(const QDateTime &now);
    // Throws MigrateError exit 5 when production rules forbid the plan.
    void checkGuard(const Plan &plan, bool allowDestructive) const;
    ApplyResult
    apply(const Plan &plan, const ApplyOptions &options, const Callbacks &callbacks = {});
    RehearseResult rehearse(const Plan &plan, const Callbacks &callbacks = {});

    // Down-migrations: the "-- melodee:down" part of every applied migration above toVersion,
    // newest first. Throws MigrateError exit 5 when one is irreversible (never undone), exit 1
    // when one has no down part.
    Plan planDown(int toVersion);
    // Applies a down plan: each migration's down statements and the removal of its history row
    // in one transaction. Production needs allowDestructive when a down statement is destructive.
    ApplyResult applyDown(const Plan &plan, bool allowDestructive, const Callbacks &callbacks = {});

    QList<IntegrityProblem> integrityCheck();
    QStringList refreshViews(bool concurrently = true);

    QString targetDescription() const;

private:
    void ensureHistoryTable();
    void applySession();
    void reconnect(const Callbacks &callbacks);
    void applyTransactional(const PlannedMigration &pm,
                            const QString &planHash,
                            const ApplyOptions &options,
                            const Callbacks &callbacks,
                            bool down = false);
    void applyNonTransactional(const PlannedMigration &pm,
                               const QString &planHash,
                               const ApplyOptions &options,
                               const Callbacks &callbacks);
    void recordHistory(const Migration &m,
                       const QString &status,
                       const QString &planHash,
                       const QString &reviewer,
                       qint64 ms,
                       const QString &error);
    bool historyHasApplied(int version);
    void
    backoff(int attempt, const QString &what, const QString &error, const Callbacks &callbacks);
    bool cancelled(const Callbacks &callbacks) const;

    AppConfig m_config;
    QList<Migration> m_migrations;
    std::unique_ptr<PgConnection> m_conn;
    bool m_locked = false;
};

} // namespace melodee
