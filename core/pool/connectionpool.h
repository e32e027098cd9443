#pragma once

#include "async/task.h"
#include "config/appconfig.h"
#include "db/dberror.h"
#include "db/pgconnection.h"
#include "poolstats.h"

#include <QFuture>
#include <QList>
#include <QPromise>
#include <QThreadPool>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <thread>
#include <type_traits>
#include <vector>

class QSqlDatabase;

namespace melodee {

class ConnectionPool;

// A leased connection. Move-only; returns the connection to the pool when destroyed (or closes
// it when it broke). Dereferences to the PgConnection.
class PooledConnection
{
public:
    PooledConnection() = default;
    PooledConnection(PooledConnection &&other) noexcept;
    PooledConnection &operator=(PooledConnection &&other) noexcept;
    PooledConnection(const PooledConnection &) = delete;
    PooledConnection &operator=(const PooledConnection &) = delete;
    ~PooledConnection();

    PgConnection *operator->() const;
    PgConnection &operator*() const;
    PgConnection *get() const;
    explicit operator bool() const;
    // Returns the connection now instead of at destruction.
    void release();

    // A QSqlDatabase over this leased connection for QSqlQuery, valid in the calling thread until
    // the lease is released (PooledSqlDriver; QPSQL's driver cannot adopt a PGconn).
    QSqlDatabase sqlDatabase();
    // Forces the connection to be closed instead of reused when the lease ends.
    void discard();

private:
    friend class ConnectionPool;
    struct Slot;
    ConnectionPool *m_pool = nullptr;
    Slot *m_slot = nullptr;
};

// When ConnectionPool::withConnection()/query() may run work again on a fresh connection.
struct RetryPolicy
{
    // Attempts in all. Go tries twice on a cached connection, then once on a new one.
    int maxAttempts = 3;
    // false (writes): retry only when the connection broke before anything was sent (Go's
    // ErrBadConn rule). true (reads): also retry when the connection broke while the statement
    // ran, because running a read again has no effect.
    bool idempotent = false;

    static RetryPolicy read() { return {3, true}; }
    static RetryPolicy write() { return {3, false}; }
};

// Where acquire() was called, for leak reports. Our own std::source_location: clang 14 cannot
// compile libstdc++ 12's (it lacks __builtin_source_location), and the TSAN build uses clang 14.
struct SourceSite
{
    const char *file = "";
    int line = 0;
    const char *function = "";
    static constexpr SourceSite current(const char *file = __builtin_FILE(),
                                        int line = __builtin_LINE(),
                                        const char *function = __builtin_FUNCTION())
    {
        return {file, line, function};
    }
};

using PoolClock = std::function<std::chrono::steady_clock::time_point()>;

class ConnectionPool
{
public:
    using Clock = std::chrono::steady_clock;

    ConnectionPool(const DatabaseConfig &database, const SessionConfig &session);
    ~ConnectionPool();
    ConnectionPool(const ConnectionPool &) = delete;
    ConnectionPool &operator=(const ConnectionPool &) = delete;

    // Blocks up to the configured acquire timeout (DatabaseConfig::acquireTimeout); throws DbError.
    PooledConnection acquire(SourceSite where = SourceSite::current());
    PooledConnection acquire(std::chrono::milliseconds timeout,
                             SourceSite where = SourceSite::current());
    // As above; a stop request on `stop` ends the wait with DbError (SQLSTATE 57014).
    PooledConnection acquire(std::chrono::milliseconds timeout,
                             std::stop_token stop,
                             SourceSite where = SourceSite::current());

    // Always checks the connection before handing it out, also one handed over by a caller that
    // returned it (withConnection's retries).
    PooledConnection acquireValidated(SourceSite where = SourceSite::current());

    // Runs fn(PgConnection &) on a lease, retrying on a fresh connection per `policy` when the
    // connection broke. Any other failure, or one that may have executed a non-idempotent
    // statement, is thrown as DbError (mayHaveExecuted() tells which).
    template<typename Fn>
    auto withConnection(Fn &&fn, RetryPolicy policy = RetryPolicy::write())
        -> std::invoke_result_t<Fn, PgConnection &>;
    // A read through the statement cache with the read retry policy.
    PgResult query(const QByteArray &sql, const PgParams &params = {}, const OpContext &ctx = {});
    // A single statement with the write retry policy (never re-run once it may have executed).
    PgResult exec(const QByteArray &sql, const PgParams &params = {}, const OpContext &ctx = {});

    // Runs fn on a pooled connection on a worker thread (startTask()): fn(PgConnection &), or
    // fn(PgConnection &, std::stop_token) for work of several steps that checks the token
    // between them. Cancelling the returned future ends a waiting acquire and sends PQcancel for
    // the statement running at that moment, at once.
    template<typename Fn>
    auto run(Fn &&fn);

    PoolStats stats() const;
    // The server process ids of the open connections, idle and in use: which sessions in
    // pg_stat_activity are this pool's. No network.
    QList<int> backendPids() const;
    // The acquire latency histogram's counters since the pool started (the Dashboard takes
    // differences for the latency of each interval).
    std::array<std::uint64_t, LatencyHistogram::kBuckets> acquireLatencyCounts() const
    {
        return m_acquireLatency.snapshot();
    }
    const DatabaseConfig &databaseConfig() const;
    const SessionConfig &sessionConfig() const;

    // Go's runtime setters, with Go's effects (closing surplus idle connections now, in-use ones
    // when they come back).
    void setMaxOpenConns(int n);
    void setMaxIdleConns(int n);
    void setConnMaxLifetime(Duration d);
    void setConnMaxIdleTime(Duration d);
    void setAcquireTimeout(Duration d);
    void setLeakDetectionThreshold(Duration d);
    int maxOpenConns() const;
    int maxIdleConns() const; // effective value (capped at max open)

    // Retires every connection (after a failover): idle ones are closed now, in-use ones when
    // they are returned. New acquires get new connections.
    void reset();
    // Opens connections until `n` are idle or max open is reached (warm-up). Throws DbError.
    void prewarm(int n);

    // Tests: replaces the time source for lifetime, idle time and leak detection, and runs the
    // cleaner's pass now instead of waiting for its timer.
    void setClock(PoolClock clock);
    // Tests: how long a waiter may be overtaken by callers that return a connection and take it
    // again at once (10 ms).
    void setHandoffWindow(Duration window);
    void runMaintenance();
    Clock::time_point now() const;

    QThreadPool *threadPool() { return &m_runPool; }

private:
    friend class PooledConnection;
    struct Waiter;
    // What acquireImpl() may hand out: any connection, or one only after a look at its socket.
    enum class Reuse { Any, Checked };
    struct CloseList;
    using Slot = PooledConnection::Slot;

    PooledConnection acquireImpl(Clock::time_point deadline,
                                 std::chrono::milliseconds timeout,
                                 const std::stop_token *stop,
                                 Reuse reuse,
                                 const SourceSite &where);
    Slot *openSlot();
    Slot *takeIdleLocked();
    void giveBack(Slot *slot, bool discard);
    void enqueueLocked(Waiter *w);
    void removeLocked(Waiter *w);
    Waiter *popWaiterLocked();
    void handOffPermitsLocked(std::vector<Waiter *> &wake);
    void giveToWaiterLocked(Waiter *w, Slot *slot, Clock::time_point t);
    // Hands idle connections to the queued waiters, oldest first (a returned connection that no
    // one took again within the hand-off window).
    void handIdleToWaitersLocked(std::vector<Waiter *> &wake, std::vector<Slot *> &toClose);
    void retireLocked(Slot *slot, std::vector<Slot *> &toClose);
    bool expiredLocked(const Slot *slot, Clock::time_point now) const;
    void closeSlots(std::vector<Slot *> &slots);
    int maxIdleLocked() const;
    void shrinkIdleLocked(std::vector<Slot *> &toClose);
    void cleanerLoop(std::stop_token stop);
    std::chrono::nanoseconds cleanerIntervalLocked() const;
    void cleanLocked(Clock::time_point now, std::vector<Slot *> &toClose);
    [[noreturn]] void throwTimeout(std::chrono::milliseconds timeout);

    DatabaseConfig m_database;
    SessionConfig m_session;

    mutable std::mutex m_mutex;
    std::vector<Slot *> m_idle;  // LIFO: back is the most recently returned
    std::vector<Slot *> m_slots; // every open connection
    Waiter *m_waitHead = nullptr;
    Waiter *m_waitTail = nullptr;
    int m_numOpen = 0;
    int m_maxOpen = 0;
    int m_maxIdle = 0;
    Duration m_maxLifetime{0};
    Duration m_maxIdleTime{0};
    Duration m_jitter{0};
    Duration m_leakThreshold{0};
    Duration m_validateAfterIdle{0};
    Duration m_handoffWindow;
    std::atomic<std::chrono::milliseconds::rep> m_acquireTimeoutMs{30000};
    quint64 m_generation = 0;
    bool m_closed = false;
    std::condition_variable m_drained;

    // Counters, guarded by m_mutex.
    int m_pendingWaiters = 0;
    qint64 m_waitCount = 0;
    std::chrono::nanoseconds m_waitDuration{0};
    qint64 m_maxIdleClosed = 0;
    qint64 m_maxIdleTimeClosed = 0;
    qint64 m_maxLifetimeClosed = 0;
    qint64 m_totalAcquires = 0;
    qint64 m_timeouts = 0;
    qint64 m_cancelledWaits = 0;
    qint64 m_leaked = 0;
    qint64 m_brokenClosed = 0;
    qint64 m_resetClosed = 0;
    qint64 m_opened = 0;
    qint64 m_openFailures = 0;
    LatencyHistogram m_acquireLatency;

    PoolClock m_clock; // empty: steady_clock

    std::atomic<std::chrono::nanoseconds::rep> m_waitDurationAtomic{0};
    quint64 m_cleanerKick = 0;
    std::condition_variable_any m_cleanerWake;
    std::jthread m_cleaner;

    QThreadPool m_runPool;
};

// --- templates -----------------------------------------------------------------------------

namespace detail {
bool poolShouldRetry(const DbError &error, bool broken, const RetryPolicy &policy);
}

template<typename Fn>
auto ConnectionPool::withConnection(Fn &&fn, RetryPolicy policy)
    -> std::invoke_result_t<Fn, PgConnection &>
{
    for (int attempt = 1;; ++attempt) {
        PooledConnection lease = attempt == 1 ? acquire() : acquireValidated();
        try {
            return fn(*lease);
        } catch (const DbError &e) {
            // The error may not say so (a FATAL read as a notice while idle), so look at the
            // socket too; this costs a poll only on the error path.
            const bool broken = e.connectionBroken() || lease->isBroken() || lease->isIdleBroken();
            if (broken)
                lease.discard();
            if (attempt >= policy.maxAttempts || !detail::poolShouldRetry(e, broken, policy))
                throw;
        }
    }
}

namespace detail {
// Sends PQcancel for the statement running on conn when the task is cancelled.
class CancelOnStop
{
public:
    CancelOnStop(PgConnection &conn, std::stop_token stop);

private:
    struct Send
    {
        PgConnection *conn;
        void operator()() const;
    };
    std::stop_callback<Send> m_callback;
};
} // namespace detail

template<typename Fn>
auto ConnectionPool::run(Fn &&fn)
{
    constexpr bool takesToken = std::is_invocable_v<Fn, PgConnection &, std::stop_token>;
    auto work = [this, fn = std::forward<Fn>(fn)](std::stop_token stop) mutable {
        PooledConnection lease
            = acquire(std::chrono::milliseconds(m_acquireTimeoutMs.load()), stop);
        detail::CancelOnStop cancelOnStop(*lease, stop);
        if constexpr (takesToken)
            return fn(*lease, stop);
        else
            return fn(*lease);
    };
    return startTask(&m_runPool, std::move(work));
}

} // namespace melodee
