#pragma once

#include "async/task.h"
#include "config/appconfig.h"
#include "db/dberror.h"
#include "db/pgconnection.h"
#include "housekeeper.h"
#include "pooledconnection.h"
#include "poolstats.h"
#include "sourcesite.h"
#include "waitqueue.h"

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

namespace melodee {

class Connector;
struct PoolSlot;

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

using PoolClock = std::function<std::chrono::steady_clock::time_point()>;

// Leases PgConnections to any thread with Go database/sql's limits and statistics, served FIFO.
// The parts: a Connector opens and judges connections, the WaitQueue holds the callers waiting
// for one, the Housekeeper closes what lived or idled too long and reports leaks.
class ConnectionPool
{
public:
    using Clock = std::chrono::steady_clock;

    ConnectionPool(const DatabaseConfig &database, const SessionConfig &session);
    // Over another Connector (tests use a fake one and no server); the limits come from
    // `database` as above.
    ConnectionPool(const DatabaseConfig &database,
                   const SessionConfig &session,
                   std::unique_ptr<Connector> connector);
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
    // Opens connections, one at a time on the calling thread, until `n` are idle, max open or
    // max idle is reached, the pool closes or `stop` is requested. Each goes to a waiting caller
    // or the idle list as soon as it is open, so no caller waits for the rest and none is kept
    // from the ones already open. Returns how many it opened. Throws DbError when one cannot be
    // opened.
    int prewarm(int n, std::stop_token stop = {});
    // prewarm() on one of the pool's worker threads.
    QFuture<int> prewarmInBackground(int n);

    // Tests: replaces the time source for lifetime, idle time and leak detection, and runs the
    // housekeeper's sweep now instead of waiting for its timer.
    void setClock(PoolClock clock);
    // Tests: how long a waiter may be overtaken by callers that return a connection and take it
    // again at once (10 ms).
    void setHandoffWindow(Duration window);
    void runMaintenance();
    Clock::time_point now() const;

    QThreadPool *threadPool() { return &m_runPool; }

private:
    friend class PooledConnection;
    // What acquire() may hand out: any connection, or one only after a look at its socket.
    enum class Reuse { Any, Checked };
    struct Request;
    struct Handoff;
    // Connections retired under the mutex. Declared before the lock is taken, so they are closed
    // once it is released: closing writes to the socket.
    using CloseList = std::vector<std::unique_ptr<PoolSlot>>;

    PooledConnection acquireImpl(Request &request);
    PoolSlot *takeIdleLocked(Clock::time_point t, CloseList &toClose);
    PoolSlot *popIdleLocked();
    bool reserveOpenLocked();
    Handoff
    waitForHandoff(std::unique_lock<std::mutex> &lock, Request &request, CloseList &toClose);
    PoolSlot *openNew(std::unique_lock<std::mutex> &lock, CloseList &toClose);
    bool stillAlive(std::unique_lock<std::mutex> &lock,
                    PoolSlot *slot,
                    bool handedOver,
                    CloseList &toClose);
    PooledConnection lease(std::unique_lock<std::mutex> &lock,
                           PoolSlot *slot,
                           const Request &request,
                           bool handedOver);
    void giveBack(PoolSlot *slot);
    bool leaseBroken(PooledConnection &lease);

    void handOffPermitsLocked(WaitQueue::WakeList &wake);
    void giveToWaiterLocked(WaitQueue::Waiter *w, PoolSlot *slot, Clock::time_point t);
    // Hands idle connections to the queued waiters, oldest first (a returned connection that no
    // one took again within the hand-off window).
    void handIdleToWaitersLocked(WaitQueue::WakeList &wake, CloseList &toClose);
    void retireLocked(PoolSlot *slot, CloseList &toClose);
    bool expiredLocked(const PoolSlot *slot, Clock::time_point t) const;
    int maxIdleLocked() const;
    void shrinkIdleLocked(CloseList &toClose);
    void updateLimits(const std::function<void(Housekeeper::Limits &)> &change);
    [[noreturn]] void throwTimeout(std::chrono::milliseconds timeout);

    DatabaseConfig m_database;
    SessionConfig m_session;
    std::shared_ptr<Connector> m_connector;

    // Guards everything below except the atomics; never held across the network.
    mutable std::mutex m_mutex;
    std::vector<std::unique_ptr<PoolSlot>> m_slots; // every open connection (owner)
    std::vector<PoolSlot *> m_idle;                 // LIFO: back is the most recently returned
    WaitQueue m_waiters{m_mutex};
    int m_numOpen = 0; // open and being opened, as Go counts them
    int m_maxOpen = 0;
    int m_maxIdle = 0;
    Duration m_validateAfterIdle{0};
    std::atomic<std::chrono::milliseconds::rep> m_acquireTimeoutMs{30000};
    unsigned long long m_generation = 0;
    bool m_closed = false;
    std::condition_variable m_drained;
    PoolStats m_counts; // the counters; stats() adds the live figures
    PoolClock m_clock;  // empty: steady_clock

    LatencyHistogram m_acquireLatency;
    std::atomic<std::chrono::nanoseconds::rep> m_waitDurationAtomic{0};
    Housekeeper m_housekeeper;
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
            const bool broken = e.connectionBroken() || leaseBroken(lease);
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
