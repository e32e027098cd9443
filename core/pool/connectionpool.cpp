#include "connectionpool.h"

#include "connector.h"
#include "poolslot.h"
#include "util/logging.h"

#include <QRandomGenerator>

namespace melodee {

using namespace std::chrono;

namespace {

// What this thread last did with a pool. acquire() hands the connection it returned last back
// to the same thread when that one is idle, so a thread keeps talking to one server process as a
// thread with its own connection would (HikariCP's per-thread list does the same). Moving between
// backends cost 15 % of the throughput on the 2-core test machine: the scheduler could not keep a
// client thread and its backend on one CPU. The pointers are only compared with the idle list's
// contents, so stale ones are harmless.
struct LastReturned
{
    const void *pool = nullptr;
    const void *slot = nullptr;
    std::chrono::steady_clock::time_point at;
    // It asked again within kLoopGap of returning one: a loop that will take the next one back.
    // Such a caller may keep what it returns for the hand-off window (WaitQueue).
    bool looping = false;
};
thread_local LastReturned t_lastReturned;
constexpr nanoseconds kLoopGap = 50us;

DbError poolError(const QString &message, const QString &sqlState = QString())
{
    DbError e(QStringLiteral("acquire connection"), QString(), message);
    e.setMayHaveExecuted(false);
    if (!sqlState.isEmpty())
        e.setSqlState(sqlState);
    e.setCancelled(sqlState == QLatin1String(DbError::kQueryCanceled));
    return e;
}

} // namespace

// One call of acquire().
struct ConnectionPool::Request
{
    Clock::time_point start;
    Clock::time_point deadline;
    milliseconds timeout;
    const std::stop_token *stop;
    Reuse reuse;
    const SourceSite &where;
    bool waited = false; // counted in waitCount once per acquire, however often it queues
};

// What a waiter was given: a connection (`ready`: hand it out as it is) or, with no slot, a
// permit to open one.
struct ConnectionPool::Handoff
{
    PoolSlot *slot = nullptr;
    bool ready = false;
};

namespace detail {

bool poolShouldRetry(const DbError &error, bool broken, const RetryPolicy &policy)
{
    if (!broken)
        return false;
    return !error.mayHaveExecuted() || policy.idempotent;
}

} // namespace detail

ConnectionPool::ConnectionPool(const DatabaseConfig &database, const SessionConfig &session)
    : ConnectionPool(
        database, session, std::make_unique<PgConnector>(database, session.prepareStmt))
{}

ConnectionPool::ConnectionPool(const DatabaseConfig &database,
                               const SessionConfig &session,
                               std::unique_ptr<Connector> connector)
    : m_database(database)
    , m_session(session)
    , m_connector(std::move(connector))
{
    m_validateAfterIdle = database.validateAfterIdle;
    m_acquireTimeoutMs = duration_cast<milliseconds>(database.acquireTimeout).count();
    // Replaying Go's setters in this order gives Go's capping (max idle at most max open).
    setMaxOpenConns(database.maxOpenConns);
    setMaxIdleConns(database.maxIdleConns);
    updateLimits([&database](Housekeeper::Limits &l) {
        l.maxLifetime = std::max(database.connMaxLifetime, Duration(0));
        l.lifetimeJitter = std::max(database.connMaxLifetimeJitter, Duration(0));
        l.maxIdleTime = std::max(database.connMaxIdleTime, Duration(0));
        l.leakThreshold = std::max(database.leakDetectionThreshold, Duration(0));
    });
    m_runPool.setObjectName(QStringLiteral("melodee-pool-run"));
    m_runPool.setMaxThreadCount(std::max(4, m_maxOpen > 0 ? m_maxOpen : 16));
    m_housekeeper.start([this] { runMaintenance(); });
}

ConnectionPool::~ConnectionPool()
{
    {
        CloseList toClose;
        std::unique_lock lock(m_mutex);
        m_closed = true;
        for (PoolSlot *s : m_idle)
            retireLocked(s, toClose);
        m_idle.clear();
        while (WaitQueue::Waiter *w = m_waiters.pop()) {
            w->closed = true;
            WaitQueue::wake(w);
        }
        lock.unlock();
    }
    m_runPool.waitForDone();
    m_housekeeper.stop();
    // Leases still out refer to this pool; wait for them rather than leave them dangling.
    std::unique_lock lock(m_mutex);
    while (!m_drained.wait_for(lock, 5s, [this] { return m_numOpen == 0; }))
        qCWarning(lcPool, "pool shutdown waits for %d connections still leased", m_numOpen);
}

ConnectionPool::Clock::time_point ConnectionPool::now() const
{
    return m_clock ? m_clock() : Clock::now();
}

PooledConnection ConnectionPool::acquire(SourceSite where)
{
    const milliseconds timeout(m_acquireTimeoutMs.load(std::memory_order_relaxed));
    const auto start = Clock::now();
    Request request{start, start + timeout, timeout, nullptr, Reuse::Any, where};
    return acquireImpl(request);
}

PooledConnection ConnectionPool::acquire(milliseconds timeout, SourceSite where)
{
    const auto start = Clock::now();
    Request request{start, start + timeout, timeout, nullptr, Reuse::Any, where};
    return acquireImpl(request);
}

PooledConnection
ConnectionPool::acquire(milliseconds timeout, std::stop_token stop, SourceSite where)
{
    const auto start = Clock::now();
    Request request{start, start + timeout, timeout, &stop, Reuse::Any, where};
    return acquireImpl(request);
}

PooledConnection ConnectionPool::acquireValidated(SourceSite where)
{
    const milliseconds timeout(m_acquireTimeoutMs.load(std::memory_order_relaxed));
    const auto start = Clock::now();
    Request request{start, start + timeout, timeout, nullptr, Reuse::Checked, where};
    return acquireImpl(request);
}

void ConnectionPool::throwTimeout(milliseconds timeout)
{
    throw poolError(QStringLiteral("no pooled connection became free within %1 ms "
                                   "(max_open_conns=%2, %3 in use, %4 waiting); raise "
                                   "database.max_open_conns or database.acquire_timeout, or look "
                                   "for leaked connections")
                        .arg(timeout.count())
                        .arg(m_maxOpen)
                        .arg(m_numOpen - int(m_idle.size()))
                        .arg(m_waiters.size()),
                    QStringLiteral("08004"));
}

PooledConnection ConnectionPool::acquireImpl(Request &request)
{
    t_lastReturned.looping
        = t_lastReturned.pool == this && request.start - t_lastReturned.at < kLoopGap;
    CloseList toClose; // declared before the lock: closes after it is released
    std::unique_lock lock(m_mutex);
    for (;;) {
        if (m_closed)
            throw poolError(QStringLiteral("the connection pool is closed"));
        const auto t = now();
        bool handedOver = false; // counted as an acquire by giveToWaiterLocked() already
        bool opened = false;
        // 1. Take an idle connection: this thread's own last one, else the most recent.
        PoolSlot *slot = takeIdleLocked(t, toClose);
        if (!slot && !reserveOpenLocked()) {
            // 2. None idle and max open reached: wait for a returned connection, or for a
            // permit to open one when another connection closes.
            const Handoff handoff = waitForHandoff(lock, request, toClose);
            if (handoff.ready) {
                // Direct handoff: giveBack() already marked it in use and counted it.
                m_acquireLatency.record(Clock::now() - request.start);
                return PooledConnection(this, handoff.slot);
            }
            slot = handoff.slot;
            handedOver = slot != nullptr;
        }
        if (!slot) {
            // 3. Open a new connection; its place is counted in m_numOpen already.
            slot = openNew(lock, toClose);
            if (!slot)
                continue; // the pool closed meanwhile
            opened = true;
        }
        const bool check = !opened
                           && (request.reuse == Reuse::Checked
                               || (m_validateAfterIdle > Duration(0)
                                   && t - slot->returnedAt > m_validateAfterIdle));
        if (check && !stillAlive(lock, slot, handedOver, toClose))
            continue;
        return lease(lock, slot, request, handedOver);
    }
}

PoolSlot *ConnectionPool::popIdleLocked()
{
    // LIFO, except that this thread's own last connection comes first.
    auto it = m_idle.end() - 1;
    if (t_lastReturned.pool == this && *it != t_lastReturned.slot) {
        const auto own = std::find(m_idle.begin(), m_idle.end(), t_lastReturned.slot);
        if (own != m_idle.end())
            it = own;
    }
    PoolSlot *s = *it;
    m_idle.erase(it);
    return s;
}

PoolSlot *ConnectionPool::takeIdleLocked(Clock::time_point t, CloseList &toClose)
{
    while (!m_idle.empty()) {
        PoolSlot *s = popIdleLocked();
        if (!expiredLocked(s, t))
            return s;
        ++m_counts.maxLifetimeClosed;
        retireLocked(s, toClose);
    }
    return nullptr;
}

bool ConnectionPool::reserveOpenLocked()
{
    if (m_maxOpen > 0 && m_numOpen >= m_maxOpen)
        return false;
    ++m_numOpen; // counted before dialing, as Go does, so concurrent opens respect max
    return true;
}

ConnectionPool::Handoff ConnectionPool::waitForHandoff(std::unique_lock<std::mutex> &lock,
                                                       Request &request,
                                                       CloseList &toClose)
{
    if (request.stop && request.stop->stop_requested()) {
        ++m_counts.cancelledWaits;
        throw poolError(QStringLiteral("acquire cancelled"), QStringLiteral("57014"));
    }
    WaitQueue::Waiter w;
    w.where = request.where;
    const auto waitStart = Clock::now();
    const auto idleCheck = m_waiters.push(w, waitStart, request.deadline);
    if (!request.waited)
        ++m_counts.waitCount; // once per acquire, however often it rejoins the queue
    request.waited = true;
    lock.unlock();
    toClose.clear();
    const auto outcome = m_waiters.wait(
        lock, w, idleCheck, request.deadline, request.stop, [this, &toClose](auto &wake) {
            handIdleToWaitersLocked(wake, toClose);
        });
    if (outcome == WaitQueue::Outcome::TimedOut) {
        ++m_counts.timeouts;
        m_counts.waitDuration += Clock::now() - waitStart;
        throwTimeout(request.timeout);
    }
    m_waitDurationAtomic.fetch_add((Clock::now() - waitStart).count(), std::memory_order_relaxed);
    if (outcome == WaitQueue::Outcome::Cancelled) {
        lock.lock();
        ++m_counts.cancelledWaits;
        throw poolError(QStringLiteral("acquire cancelled while waiting for a pooled connection"),
                        QStringLiteral("57014"));
    }
    if (outcome == WaitQueue::Outcome::Closed)
        throw poolError(QStringLiteral("the connection pool is closed"));
    if (!w.permit && request.reuse == Reuse::Any)
        return {w.slot, true};
    lock.lock();
    // A retry looks at a handed-over connection as at an idle one.
    return {w.slot, false};
}

PoolSlot *ConnectionPool::openNew(std::unique_lock<std::mutex> &lock, CloseList &toClose)
{
    lock.unlock();
    toClose.clear();
    auto slot = std::make_unique<PoolSlot>();
    slot->connector = m_connector;
    try {
        slot->conn = m_connector->open();
    } catch (const DbError &) {
        WaitQueue::WakeList wake;
        lock.lock();
        --m_numOpen;
        ++m_counts.openFailures;
        // The next waiter tries too, so an unreachable server fails every caller fast.
        handOffPermitsLocked(wake);
        lock.unlock();
        WaitQueue::wake(wake);
        throw;
    }
    lock.lock();
    slot->createdAt = now();
    if (const auto jitter = m_housekeeper.limits().lifetimeJitter; jitter > Duration(0))
        slot->jitter
            = nanoseconds(QRandomGenerator::global()->bounded(quint64(jitter.count()) + 1));
    slot->generation = m_generation;
    PoolSlot *opened = slot.get();
    m_slots.push_back(std::move(slot));
    ++m_counts.opened;
    if (m_closed) {
        retireLocked(opened, toClose);
        return nullptr;
    }
    return opened;
}

bool ConnectionPool::stillAlive(std::unique_lock<std::mutex> &lock,
                                PoolSlot *slot,
                                bool handedOver,
                                CloseList &toClose)
{
    // A cheap, non-blocking look at the socket; a dead one is replaced transparently.
    slot->inUse = true;
    lock.unlock();
    const bool broken = m_connector->isIdleBroken(*slot->conn);
    lock.lock();
    if (!broken)
        return true;
    ++m_counts.brokenClosed;
    if (handedOver)
        --m_counts.totalAcquires; // the replacement is counted instead
    slot->inUse = false;
    retireLocked(slot, toClose);
    return false;
}

PooledConnection ConnectionPool::lease(std::unique_lock<std::mutex> &lock,
                                       PoolSlot *slot,
                                       const Request &request,
                                       bool handedOver)
{
    slot->inUse = true;
    slot->acquiredAt = now();
    slot->where = request.where;
    slot->leakReported = false;
    if (!handedOver)
        ++m_counts.totalAcquires;
    lock.unlock();
    m_acquireLatency.record(Clock::now() - request.start);
    return PooledConnection(this, slot);
}

void ConnectionPool::giveBack(PoolSlot *slot)
{
    // Outside the lock: making the connection fit again may talk to the server.
    const Connector::Recycled recycled
        = slot->discard ? Connector::Recycled::Broken : m_connector->recycle(*slot->conn);
    slot->discard = false;

    const bool looping = t_lastReturned.pool == this && t_lastReturned.looping;
    WaitQueue::Waiter *handoff = nullptr;
    WaitQueue::WakeList wake;
    CloseList toClose;
    {
        std::lock_guard lock(m_mutex);
        slot->inUse = false;
        const auto t = now();
        bool retire = true;
        if (recycled == Connector::Recycled::Reset)
            ++m_counts.sessionResets;
        if (recycled == Connector::Recycled::Broken)
            ++m_counts.brokenClosed;
        else if (m_closed)
            ;
        else if (slot->generation != m_generation)
            ++m_counts.resetClosed;
        else if (expiredLocked(slot, t))
            ++m_counts.maxLifetimeClosed;
        else if (m_maxOpen > 0 && m_numOpen > m_maxOpen)
            ; // max open was lowered: Go closes it without counting
        else if (!m_waiters.empty()
                 && m_waiters.handOffNow(looping, int(m_idle.size()) >= maxIdleLocked())) {
            handoff = m_waiters.pop();
            giveToWaiterLocked(handoff, slot, t);
            retire = false;
        } else if (int(m_idle.size()) < maxIdleLocked()) {
            slot->returnedAt = t;
            m_idle.push_back(slot);
            retire = false;
        } else {
            ++m_counts.maxIdleClosed;
        }
        if (retire) {
            retireLocked(slot, toClose);
            handOffPermitsLocked(wake);
        }
    }
    t_lastReturned = {this, slot, Clock::now(), looping};
    if (handoff)
        WaitQueue::wake(handoff);
    WaitQueue::wake(wake);
}

bool ConnectionPool::leaseBroken(PooledConnection &lease)
{
    return m_connector->isBroken(*lease) || m_connector->isIdleBroken(*lease);
}

bool ConnectionPool::expiredLocked(const PoolSlot *slot, Clock::time_point t) const
{
    return m_housekeeper.expired(slot->createdAt, slot->jitter, t);
}

void ConnectionPool::retireLocked(PoolSlot *slot, CloseList &toClose)
{
    --m_numOpen;
    const auto it = std::find_if(
        m_slots.begin(), m_slots.end(), [slot](const auto &owned) { return owned.get() == slot; });
    if (it != m_slots.end()) {
        toClose.push_back(std::move(*it));
        if (it != m_slots.end() - 1)
            *it = std::move(m_slots.back());
        m_slots.pop_back();
    }
    if (m_numOpen == 0)
        m_drained.notify_all();
}

void ConnectionPool::giveToWaiterLocked(WaitQueue::Waiter *w, PoolSlot *slot, Clock::time_point t)
{
    w->slot = slot;
    slot->inUse = true;
    slot->acquiredAt = t;
    slot->where = w->where;
    slot->leakReported = false;
    ++m_counts.totalAcquires;
}

void ConnectionPool::handIdleToWaitersLocked(WaitQueue::WakeList &wake, CloseList &toClose)
{
    const auto t = now();
    while (!m_waiters.empty() && !m_idle.empty()) {
        PoolSlot *s = popIdleLocked();
        if (expiredLocked(s, t)) {
            ++m_counts.maxLifetimeClosed;
            retireLocked(s, toClose);
            handOffPermitsLocked(wake);
            continue;
        }
        WaitQueue::Waiter *w = m_waiters.pop();
        giveToWaiterLocked(w, s, t);
        wake.push_back(w);
    }
}

void ConnectionPool::handOffPermitsLocked(WaitQueue::WakeList &wake)
{
    // Go's maybeOpenNewConnections: a freed place lets the oldest waiter dial.
    while (!m_waiters.empty() && !m_closed && (m_maxOpen <= 0 || m_numOpen < m_maxOpen)) {
        WaitQueue::Waiter *w = m_waiters.pop();
        w->permit = true;
        ++m_numOpen;
        wake.push_back(w);
    }
}

int ConnectionPool::maxIdleLocked() const
{
    return m_maxOpen > 0 ? std::min(m_maxIdle, m_maxOpen) : m_maxIdle;
}

PgResult ConnectionPool::query(const QByteArray &sql, const PgParams &params, const OpContext &ctx)
{
    return withConnection([&](PgConnection &c) { return c.execCached(sql, params, ctx); },
                          RetryPolicy::read());
}

PgResult ConnectionPool::exec(const QByteArray &sql, const PgParams &params, const OpContext &ctx)
{
    return withConnection([&](PgConnection &c) { return c.execCached(sql, params, ctx); },
                          RetryPolicy::write());
}

// --- run() support ---------------------------------------------------------------------------

namespace detail {

CancelOnStop::CancelOnStop(PgConnection &conn, std::stop_token stop)
    : m_callback(std::move(stop), Send{&conn})
{}

void CancelOnStop::Send::operator()() const
{
    // Runs on the thread that cancelled the task. PgConnection::cancel() is thread-safe, and the
    // callback is unregistered before the lease goes back to the pool, so it never reaches a
    // connection another caller holds.
    if (!conn->queryRunning())
        return;
    QString error;
    if (!conn->cancel(&error))
        qCWarning(lcPool, "could not send a cancel request: %s", qPrintable(error));
}

} // namespace detail

} // namespace melodee
