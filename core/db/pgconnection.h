#pragma once

#include "config/appconfig.h"
#include "pgresult.h"
#include "sessionchanges.h"

#include <QByteArray>
#include <QByteArrayList>
#include <QHash>
#include <QList>
#include <QString>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>

typedef struct pg_conn PGconn;
typedef struct pg_cancel PGcancel;

namespace melodee {

// A text-format query parameter; std::nullopt is SQL NULL.
using PgParam = std::optional<QByteArray>;
using PgParams = QList<PgParam>;

// Which plan a cached statement runs on (plan_cache_mode for that one execution). Server leaves
// it to the server's setting; Generic suits statements whose best plan does not depend on the
// parameter values, over partitioned tables where planning costs more than running; Custom suits
// those whose best plan does (a search pattern's selectivity).
enum class PlanChoice { Server, Generic, Custom };

// Names the work for error messages: DbError's operation and table.
struct OpContext
{
    QString operation;
    QString table;
};

// One libpq connection. Used by one thread at a time (libpq's rule); cancel() may be called from
// any thread. Every failure throws DbError with SQLSTATE, detail, hint and whether the statement
// may have reached the server. What the server reports with NOTICE or WARNING goes to the log
// (melodee.sql.notice), redacted, never straight to stderr.
class PgConnection
{
public:
    explicit PgConnection(PGconn *conn);
    ~PgConnection();
    PgConnection(const PgConnection &) = delete;
    PgConnection &operator=(const PgConnection &) = delete;

    // Connects through PQconnectdbParams keyword arrays. Throws DbError on failure.
    static std::unique_ptr<PgConnection> open(const DatabaseConfig &config);

    PGconn *handle() const { return m_conn; }
    bool isBroken() const;
    int backendPid() const;
    QString serverVersion() const;
    bool sslInUse() const;
    QString sslDescription() const; // "TLSv1.3 TLS_AES_256_GCM_SHA384" or empty

    PgResult exec(const QByteArray &sql, const OpContext &ctx = {});
    PgResult exec(const QByteArray &sql, const PgParams &params, const OpContext &ctx = {});
    // Prepares sql once per connection and reuses it (the per-connection statement cache) when
    // prepared statements are enabled; otherwise runs it unnamed, which works behind PgBouncer.
    // With a PlanChoice other than Server the statement runs on that kind of plan: outside a
    // transaction block the setting and the statement go in one pipeline, one round trip, and
    // set_config(..., true) ends with the pipeline's implicit transaction; inside one, SET and
    // RESET surround it. Either way the session's setting is the same afterwards.
    PgResult execCached(const QByteArray &sql,
                        const PgParams &params,
                        const OpContext &ctx = {},
                        PlanChoice plan = PlanChoice::Server);
    // Low-level form for binary parameters (e.g. an int8[] for = ANY($1)).
    PgResult execRaw(const QByteArray &sql,
                     int nParams,
                     const unsigned int *types,
                     const char *const *values,
                     const int *lengths,
                     const int *formats,
                     int resultFormat,
                     const OpContext &ctx);

    // gorm.slow_threshold: a statement that takes at least this long is logged as a warning on
    // melodee.sql.slow with its duration and (redacted) parameters; zero turns it off. A new
    // connection starts with the process default, which the front ends set from the config.
    void setSlowThreshold(Duration threshold) { m_slowThreshold = threshold; }
    Duration slowThreshold() const { return m_slowThreshold; }
    static void setDefaultSlowThreshold(Duration threshold);
    static Duration defaultSlowThreshold();

    // Behind a transaction pooler (database.pooler) named statements stay off whatever is asked:
    // the next transaction may run on a server session that never saw them.
    void setUsePreparedStatements(bool on) { m_usePrepared = on && !m_transactionPooler; }
    bool behindTransactionPooler() const { return m_transactionPooler; }
    bool usePreparedStatements() const { return m_usePrepared; }
    int preparedCount() const { return int(m_prepared.size()); }

    // Asks the server to cancel the statement running now. Thread-safe; false if it could not ask.
    bool cancel(QString *error = nullptr);
    bool queryRunning() const { return m_running.load(std::memory_order_acquire); }

    // True when the server has closed the connection or sent something while idle (for example a
    // termination notice): a cheap, non-blocking check used before reusing an idle connection.
    bool isIdleBroken();

    std::chrono::steady_clock::time_point createdAt() const { return m_createdAt; }

    // What the statements sent since the last clearSessionChanges() may have left in the session
    // (SessionChange bits, sessionchanges.h), so a pool can reset only a connection that needs
    // it. The statement cache remembers each statement's bits.
    int sessionChanges() const
    {
        return m_sessionChanges | (m_sessionSettings.isEmpty() ? 0 : int(SessionSettings));
    }
    void clearSessionChanges()
    {
        m_sessionChanges = 0;
        m_sessionSettings.clear();
    }

private:
    class SlowWatch;
    PgResult finish(const OpContext &ctx, const QByteArray &sql);
    PgResult finishPipeline(const OpContext &ctx, const QByteArray &sql);
    // The statement is over: clears the running flag (and a cancel that came too late to cancel
    // it), then throws `error` when there is one or `failed` says so, or returns `last`.
    PgResult settle(const OpContext &ctx,
                    const PgResult &error,
                    PgResult last,
                    bool failed,
                    const QByteArray &sql);
    [[noreturn]] void
    throwResultError(const OpContext &ctx, const PGresult *error, const QByteArray &sql);
    const QByteArray &preparedName(const QByteArray &sql, int nParams, const OpContext &ctx);
    PgResult execWithPlanSet(const QByteArray &sql,
                             const PgParams &params,
                             const OpContext &ctx,
                             PlanChoice plan);
    // Notes what sql may leave in the session; returns the setting it RESETs, if any.
    QByteArray noteSessionChanges(const QByteArray &sql);
    void forgetSessionSetting(const QByteArray &name);
    [[noreturn]] void failSend(const OpContext &ctx);

    PGconn *m_conn = nullptr;
    PGcancel *m_cancel = nullptr;
    std::mutex m_cancelMutex;
    std::atomic<bool> m_running{false};
    // cancel() was called while a statement ran: its 57014 is a cancellation, not a timeout.
    std::atomic<bool> m_cancelRequested{false};
    bool m_broken = false; // a connection-class error was seen
    bool m_usePrepared = true;
    bool m_transactionPooler = false;
    int m_sessionChanges = 0;
    QByteArrayList m_sessionSettings; // SET for the session and not RESET since
    struct Prepared
    {
        QByteArray name;
        int sessionChanges = 0;
    };
    QHash<QByteArray, Prepared> m_prepared; // sql -> statement
    std::chrono::steady_clock::time_point m_createdAt;
    Duration m_slowThreshold;
};

} // namespace melodee
