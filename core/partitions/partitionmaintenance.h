#pragma once

#include "config/appconfig.h"
#include "partitionmanager.h"
#include "util/error.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>
#include <stop_token>

namespace melodee {

class PgConnection;

// A maintenance request refused before anything is changed: kind Usage for a request out of
// range, Failure for a state of the database that maintenance cannot handle.
class PartitionError : public Error
{
public:
    explicit PartitionError(const QString &message, ErrorKind kind = ErrorKind::Usage)
        : m_message(message)
        , m_kind(kind)
        , m_what(message.toUtf8())
    {}
    QString message() const override { return m_message; }
    ErrorKind kind() const override { return m_kind; }
    const char *what() const noexcept override { return m_what.constData(); }
    void raise() const override { throw *this; }
    PartitionError *clone() const override { return new PartitionError(*this); }

private:
    QString m_message;
    ErrorKind m_kind;
    QByteArray m_what;
};

struct MaintenanceRequest
{
    enum class Scope {
        All,             // the window's months, plus the months of the default partitions' rows
        DefaultRowsOnly, // only the months of the default partitions' rows
    };
    QDateTime now; // the reference time; invalid means the current time
    int premakeMonths = 6;
    std::optional<Month> from; // also create months back to this one (imports)
    Scope scope = Scope::All;
    // A window longer than PartitionMaintenance::kMaxWindowMonths is refused without this.
    bool confirmLargeWindow = false;
};

// The months a request covers: [first, end).
struct MaintenanceWindow
{
    Month first;
    Month end;
    int months() const { return end.index() - first.index(); }
};

struct MaintenanceStep
{
    enum class Kind { Lock, Detach, Create, CreateDefault, Privileges, Copy, Delete, Attach };
    Kind kind = Kind::Lock;
    QString sql;
    QString description; // one line for progress and the log
};

// What maintenance does to one table, in one transaction.
struct MaintenancePlan
{
    QString table;
    QList<Month> create;      // missing month partitions, ascending
    QList<Month> moveMonths;  // months whose rows move out of the default partition
    QList<qint64> moveCounts; // the rows of each of moveMonths
    qint64 defaultRows = 0;   // all rows in the default partition
    qint64 rowsToMove = 0;    // of them, the rows of moveMonths
    qint64 strandedRows = 0;  // of them, rows no month partition can take; they stay
    bool hasDefault = false;
    QList<MaintenanceStep> steps;
    QStringList statements() const;
};

struct MaintenancePreview
{
    QDateTime now;
    MaintenanceWindow window;
    QList<MaintenancePlan> plans; // only the tables that have something to do
    // What stays as it is, and why (rows no month partition can take, tables not migrated yet).
    QStringList notes;
    bool isEmpty() const { return plans.isEmpty(); }
    int stepCount() const;
    // Per table a comment, BEGIN, the statements, COMMIT: what apply() runs.
    QString script() const;
};

struct MaintenanceProgress
{
    int done = 0; // steps finished, over all tables
    int total = 0;
    QString table;
    QString message;      // the step about to run, a retry, or the table's result
    qint64 rowsDone = -1; // batched moves: rows moved so far of rowsTotal; -1 otherwise
    qint64 rowsTotal = -1;
};

struct MaintenanceResult
{
    QString table;
    int created = 0;
    qint64 moved = 0;
    qint64 countBefore = 0; // rows in the relations touched (default + new partitions)
    qint64 countAfter = 0;
    QString summary() const; // "melodee_songs: created 3 partitions, moved 10 rows ..."
};

// The one partition-maintenance workflow of the command line, the desktop app and migrations:
// a session set up for maintenance, a preview (exactly the statements that will run) and apply.
// Apply runs each table's plan in one transaction (core/db/transaction.h): ACCESS EXCLUSIVE on
// the parent, detach the default partition, create the months, move the default's rows into
// them, attach the default again, and roll back unless the row counts before and after agree.
// Lock timeouts and deadlocks are retried with jitter.
//
// Every step is logged on melodee.partitions at info and reported to the progress callback (on
// the working thread). A stop requested on the token cancels the running statement on the server
// at once (PQcancel) and stops between steps; the work then throws DbError::cancelled() and the
// open transaction rolls back, so nothing is half-applied.
class PartitionMaintenance
{
public:
    using ProgressFn = std::function<void(const MaintenanceProgress &)>;

    // More months per table than this in one request need MaintenanceRequest::confirmLargeWindow:
    // each month is a table with its indexes, created in one transaction under the lock.
    static constexpr int kMaxWindowMonths = 240;

    // The session maintenance and migrations run in: lock_timeout and statement_timeout from
    // the configuration, TimeZone UTC (partition bounds print in UTC) and a client connection
    // check, so a killed client's transaction ends within seconds instead of holding its locks.
    static QStringList sessionStatements(const MigrateConfig &config);
    static void setUpSession(PgConnection &conn, const MigrateConfig &config);
    // A new connection with that session, without prepared statements (works behind PgBouncer).
    static std::unique_ptr<PgConnection> openSession(const AppConfig &config);

    static MaintenanceWindow window(const MaintenanceRequest &request, const QDateTime &now);
    // The request's window; throws PartitionError (Usage) when it is out of range: not a month,
    // a from after the current month, past 9999-12, or too long without confirmation.
    static MaintenanceWindow checkRequest(const MaintenanceRequest &request, const QDateTime &now);

    // Works on a session of its own (openSession()).
    explicit PartitionMaintenance(const AppConfig &config, std::stop_token stop = {});
    // Works on conn, which must be set up with setUpSession().
    PartitionMaintenance(PgConnection &conn, const AppConfig &config, std::stop_token stop = {});
    ~PartitionMaintenance();
    PartitionMaintenance(const PartitionMaintenance &) = delete;
    PartitionMaintenance &operator=(const PartitionMaintenance &) = delete;

    void setProgress(ProgressFn progress) { m_progress = std::move(progress); }

    // For the workflows built on this session (PartitionMover, PartitionRetention, drift check).
    PgConnection &connection() const { return m_conn; }
    const AppConfig &config() const { return m_config; }
    // Logs the message on melodee.partitions at info and hands it to the progress callback.
    void report(const MaintenanceProgress &progress);
    void report(int done, int total, const QString &table, const QString &message);
    // Throws DbError::cancelled() when a stop was requested.
    void checkStop(const QString &operation, const QString &table = {}) const;
    // Sleeps, waking at once (and throwing DbError::cancelled()) on a stop.
    void pause(qint64 ms, const QString &table) const;
    // Runs fn, and again after a lock timeout or deadlock with full-jitter backoff, up to
    // migrate.retries times; fn must be one transaction (or one statement), so a retry is clean.
    void withRetries(const QString &table, const std::function<void()> &fn);

    QList<PartitionedTableInfo> list(const QDateTime &now, bool exact);
    // Reads only; changes nothing.
    MaintenancePreview preview(const MaintenanceRequest &request);
    QList<MaintenanceResult> apply(const MaintenancePreview &preview);

    // REFRESH MATERIALIZED VIEW CONCURRENTLY of the count views; throws PartitionError when a
    // view does not exist yet.
    QStringList previewRefreshViews();
    // Runs those statements; one "<view> refreshed in N ms" line each.
    QStringList refreshViews(const QStringList &statements);

private:
    struct Canceller
    {
        PgConnection *conn;
        void operator()() const;
    };

    MaintenancePlan planTable(const PartitionedTableInfo &table,
                              const MaintenanceWindow &window,
                              MaintenanceRequest::Scope scope,
                              QStringList &notes);
    MaintenanceResult applyTable(const MaintenancePlan &plan, int done, int total);
    MaintenanceResult applyOnce(const MaintenancePlan &plan, int done, int total);
    qint64 countRows(const QStringList &relations);

    PartitionMaintenance(std::unique_ptr<PgConnection> owned,
                         const AppConfig &config,
                         std::stop_token stop);

    std::unique_ptr<PgConnection> m_owned;
    PgConnection &m_conn;
    AppConfig m_config;
    std::stop_token m_stop;
    std::stop_callback<Canceller> m_onStop;
    ProgressFn m_progress;
};

} // namespace melodee
