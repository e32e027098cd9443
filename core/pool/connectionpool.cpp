#include "connectionpool.h"

#include "pooledsqldriver.h"
#include "util/logging.h"

#include <libpq-fe.h>

#include <QPointer>
#include <QRandomGenerator>
#include <QSqlDatabase>

#include <optional>

#ifdef __linux__
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace melodee {

using namespace std::chrono;

struct PooledConnection::Slot
{
    std::unique_ptr<PgConnection> conn;
    ConnectionPool::Clock::time_point createdAt;
    ConnectionPool::Clock::time_point returnedAt;
    ConnectionPool::Clock::time_point acquiredAt;
    nanoseconds jitter{0}; // subtracted from the lifetime so connections do not expire together
    SourceSite where;
    quint64 generation = 0;
    bool inUse = false;
    bool leakReported = false;
    bool discard = false;
    QString sqlName; // the QSqlDatabase registered for this lease, if any
    QPointer<PooledSqlDriver> sqlDriver;
};

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
    bool looping = false;
};
thread_local LastReturned t_lastReturned;
constexpr nanoseconds kLoopGap = 50us;

// A connection returned while callers wait goes straight to the oldest waiter, unless the thread
// returning it is looping (above). Then it goes to the idle list, where that thread takes it again
// at once, until the oldest waiter has waited this long; from then on every returned connection is
// handed over. Strict hand-off costs two thread switches per acquire once looping callers
// outnumber connections; like Go's sync.Mutex starvation mode, the window keeps most acquires on
// the running thread and still bounds how long a waiter can be overtaken. Measured with 16
// callers on 8 connections (docs/pool.md): 2 ms gave 0.74x pgbench, 10 ms 0.84x, 50 ms 0.86x, no
// bound 0.91x.
constexpr nanoseconds kHandoffWindow = 10ms;

#ifdef __linux__
// A one-shot wake-up on a futex: one syscall to wake, one to sleep, and the woken thread does not
// then block on a mutex the waker still holds (as with a condition variable notified under its
// lock). Not std::binary_semaphore: libstdc++ 12's timed wait on it backs off with
// sleep_for/sched_yield instead of a futex, which cost milliseconds per handoff under load.
class WakeSignal
{
public:
    void release()
    {
        m_state.store(1, std::memory_order_release);
        // The waiter may already have seen the store and returned; waking a futex word that is no
        // longer in use only causes a spurious wake-up, which every futex waiter tolerates.
        syscall(SYS_futex, &m_state, FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
    }
    bool try_acquire_until(steady_clock::time_point deadline)
    {
        // steady_clock is CLOCK_MONOTONIC, the clock FUTEX_WAIT_BITSET uses for its absolute time.
        const auto since = deadline.time_since_epoch();
        timespec ts{};
        ts.tv_sec = time_t(duration_cast<seconds>(since).count());
        ts.tv_nsec = long((since - duration_cast<seconds>(since)).count());
        for (;;) {
            if (m_state.exchange(0, std::memory_order_acquire) == 1)
                return true;
            if (steady_clock::now() >= deadline)
                return false;
            syscall(SYS_futex,
                    &m_state,
                    FUTEX_WAIT_BITSET_PRIVATE,
                    0,
                    &ts,
                    nullptr,
                    FUTEX_BITSET_MATCH_ANY);
        }
    }
    void acquire()
    {
        while (m_state.exchange(0, std::memory_order_acquire) != 1)
            syscall(SYS_futex, &m_state, FUTEX_WAIT_PRIVATE, 0, nullptr, nullptr, 0);
    }

private:
    std::atomic<std::uint32_t> m_state{0};
};
#else
// A one-shot wake-up. Not std::binary_semaphore: libstdc++ 12's timed wait on it backs off with
// sleep_for/sched_yield instead of a futex, which cost milliseconds per handoff under load.
class WakeSignal
{
public:
    void release()
    {
        // Notify under the lock: once it is released the waiter may already be gone.
        std::lock_guard lock(m_mutex);
        m_set = true;
        m_cv.notify_one();
    }
    bool try_acquire_until(std::chrono::steady_clock::time_point deadline)
    {
        std::unique_lock lock(m_mutex);
        if (!m_cv.wait_until(lock, deadline, [this] { return m_set; }))
            return false;
        m_set = false;
        return true;
    }
    void acquire()
    {
        std::unique_lock lock(m_mutex);
        m_cv.wait(lock, [this] { return m_set; });
        m_set = false;
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_set = false;
};
#endif

} // namespace

// A caller blocked in acquire(). Lives on its stack; linked FIFO under m_mutex. Whoever dequeues
// it fills in the outcome and then releases `ready` exactly once, so the waiter must always
// consume that release before returning.
struct ConnectionPool::Waiter
{
    Waiter *prev = nullptr;
    Waiter *next = nullptr;
    WakeSignal ready;
    SourceSite where;
    // From then on returned connections are handed to it (the hand-off window, or half its
    // acquire timeout if that is shorter, so a looping caller cannot make it time out).
    ConnectionPool::Clock::time_point handoffAt;
    Slot *slot = nullptr; // direct handoff of a returned connection
    bool permit = false;  // may open a new connection (already counted in m_numOpen)
    bool closed = false;
    bool cancelled = false;
    bool queued = false;
};

namespace {

QString whereText(const SourceSite &w)
{
    return QStringLiteral("%1:%2 (%3)")
        .arg(QString::fromUtf8(w.file))
        .arg(w.line)
        .arg(QString::fromUtf8(w.function));
}

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

// Closes connections outside the lock (PQfinish writes to the socket).
struct ConnectionPool::CloseList
{
    std::vector<Slot *> items;
    ~CloseList()
    {
        for (Slot *s : items)
            delete s;
    }
};

namespace detail {

bool poolShouldRetry(const DbError &error, bool broken, const RetryPolicy &policy)
{
    if (!broken)
        return false;
    return !error.mayHaveExecuted() || policy.idempotent;
}

} // namespace detail

// --- PooledConnection ------------------------------------------------------------------------

PooledConnection::PooledConnection(PooledConnection &&other) noexcept
    : m_pool(std::exchange(other.m_pool, nullptr))
    , m_slot(std::exchange(other.m_slot, nullptr))
{}

PooledConnection &PooledConnection::operator=(PooledConnection &&other) noexcept
{
    if (this != &other) {
        release();
        m_pool = std::exchange(other.m_pool, nullptr);
        m_slot = std::exchange(other.m_slot, nullptr);
    }
    return *this;
}

PooledConnection::~PooledConnection()
{
    release();
}

PgConnection *PooledConnection::operator->() const
{
    return m_slot ? m_slot->conn.get() : nullptr;
}

PgConnection &PooledConnection::operator*() const
{
    return *m_slot->conn;
}

PgConnection *PooledConnection::get() const
{
    return m_slot ? m_slot->conn.get() : nullptr;
}

PooledConnection::operator bool() const
{
    return m_slot != nullptr;
}

void PooledConnection::discard()
{
    if (m_slot)
        m_slot->discard = true;
}

void PooledConnection::release()
{
    if (!m_slot)
        return;
    Slot *slot = std::exchange(m_slot, nullptr);
    ConnectionPool *pool = std::exchange(m_pool, nullptr);
    if (!slot->sqlName.isEmpty()) {
        // The driver must not touch the connection once another thread may lease it.
        if (slot->sqlDriver)
            slot->sqlDriver->detach();
        QSqlDatabase::removeDatabase(slot->sqlName);
        slot->sqlName.clear();
    }
    pool->giveBack(slot, false);
}

QSqlDatabase PooledConnection::sqlDatabase()
{
    if (!m_slot)
        throw DbError(QStringLiteral("open QSqlDatabase"),
                      QString(),
                      QStringLiteral("the lease holds no connection"));
    if (!m_slot->sqlName.isEmpty())
        return QSqlDatabase::database(m_slot->sqlName, false);
    static std::atomic<quint64> counter{0};
    m_slot->sqlName = QStringLiteral("melodee-pool-%1").arg(++counter);
    auto *driver = new PooledSqlDriver(m_slot->conn.get());
    m_slot->sqlDriver = driver;
    return QSqlDatabase::addDatabase(driver, m_slot->sqlName);
}

// --- ConnectionPool --------------------------------------------------------------------------

ConnectionPool::ConnectionPool(const DatabaseConfig &database, const SessionConfig &session)
    : m_database(database)
    , m_session(session)
{
    m_jitter = std::max(database.connMaxLifetimeJitter, Duration(0));
    m_validateAfterIdle = database.validateAfterIdle;
    m_handoffWindow = kHandoffWindow;
    m_leakThreshold = std::max(database.leakDetectionThreshold, Duration(0));
    m_acquireTimeoutMs = duration_cast<milliseconds>(database.acquireTimeout).count();
    // The seed calls the setters in this order; replaying them gives Go's capping.
    setMaxOpenConns(database.maxOpenConns);
    setMaxIdleConns(database.maxIdleConns);
    setConnMaxLifetime(database.connMaxLifetime);
    setConnMaxIdleTime(database.connMaxIdleTime);
    m_runPool.setObjectName(QStringLiteral("melodee-pool-run"));
    m_runPool.setMaxThreadCount(std::max(4, m_maxOpen > 0 ? m_maxOpen : 16));
    m_cleaner = std::jthread([this](std::stop_token st) { cleanerLoop(st); });
}

ConnectionPool::~ConnectionPool()
{
    CloseList toClose;
    {
        std::unique_lock lock(m_mutex);
        m_closed = true;
        for (Slot *s : m_idle)
            retireLocked(s, toClose.items);
        m_idle.clear();
        while (Waiter *w = popWaiterLocked()) {
            w->closed = true;
            w->ready.release();
        }
    }
    for (Slot *s : toClose.items)
        delete s;
    toClose.items.clear();
    m_runPool.waitForDone();
    m_cleaner.request_stop();
    m_cleanerWake.notify_all();
    if (m_cleaner.joinable())
        m_cleaner.join();
    // Leases still out refer to this pool; wait for them rather than leave them dangling.
    std::unique_lock lock(m_mutex);
    while (!m_drained.wait_for(lock, 5s, [this] { return m_numOpen == 0; }))
        qCWarning(lcPool, "pool shutdown waits for %d connections still leased", m_numOpen);
}

ConnectionPool::Clock::time_point ConnectionPool::now() const
{
    return m_clock ? m_clock() : Clock::now();
}

void ConnectionPool::setHandoffWindow(Duration window)
{
    std::lock_guard lock(m_mutex);
    m_handoffWindow = window;
}

void ConnectionPool::setClock(PoolClock clock)
{
    std::lock_guard lock(m_mutex);
    m_clock = std::move(clock);
}

PooledConnection ConnectionPool::acquire(SourceSite where)
{
    const milliseconds timeout(m_acquireTimeoutMs.load(std::memory_order_relaxed));
    return acquireImpl(Clock::now() + timeout, timeout, nullptr, Reuse::Any, where);
}

PooledConnection ConnectionPool::acquire(milliseconds timeout, SourceSite where)
{
    return acquireImpl(Clock::now() + timeout, timeout, nullptr, Reuse::Any, where);
}

PooledConnection
ConnectionPool::acquire(milliseconds timeout, std::stop_token stop, SourceSite where)
{
    return acquireImpl(Clock::now() + timeout, timeout, &stop, Reuse::Any, where);
}

PooledConnection ConnectionPool::acquireValidated(SourceSite where)
{
    const milliseconds timeout(m_acquireTimeoutMs.load(std::memory_order_relaxed));
    return acquireImpl(Clock::now() + timeout, timeout, nullptr, Reuse::Checked, where);
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
                        .arg(m_pendingWaiters),
                    QStringLiteral("08004"));
}

PooledConnection ConnectionPool::acquireImpl(Clock::time_point deadline,
                                             milliseconds timeout,
                                             const std::stop_token *stop,
                                             Reuse reuse,
                                             const SourceSite &where)
{
    const auto start = Clock::now();
    t_lastReturned.looping = t_lastReturned.pool == this && start - t_lastReturned.at < kLoopGap;
    CloseList toClose; // declared before the lock: closes after it is released
    bool counted = false;
    std::unique_lock lock(m_mutex);
    for (;;) {
        if (m_closed)
            throw poolError(QStringLiteral("the connection pool is closed"));
        Slot *slot = nullptr;
        bool open = false;
        bool handedOver = false; // counted as an acquire by giveToWaiterLocked() already
        const auto t = now();
        while (!m_idle.empty()) {
            Slot *s = takeIdleLocked();
            if (expiredLocked(s, t)) {
                ++m_maxLifetimeClosed;
                retireLocked(s, toClose.items);
                continue;
            }
            slot = s;
            break;
        }
        if (!slot) {
            if (m_maxOpen <= 0 || m_numOpen < m_maxOpen) {
                ++m_numOpen; // counted before dialing, as Go does, so concurrent opens respect max
                open = true;
            } else {
                if (stop && stop->stop_requested()) {
                    ++m_cancelledWaits;
                    throw poolError(QStringLiteral("acquire cancelled"), QStringLiteral("57014"));
                }
                Waiter w;
                w.where = where;
                enqueueLocked(&w);
                if (!counted)
                    ++m_waitCount; // once per acquire, however often it rejoins the queue
                counted = true;
                const auto waitStart = Clock::now();
                const auto window
                    = std::min<Clock::duration>(m_handoffWindow, (deadline - waitStart) / 2);
                w.handoffAt = waitStart + window;
                // Half a window after ours ends, releases have been handed to us for that long;
                // a waiter still queued then looks for what a looping caller left idle.
                const auto idleCheck = waitStart + window * 3 / 2;
                lock.unlock();
                for (Slot *s : toClose.items)
                    delete s;
                toClose.items.clear();
                auto onStop = [this, &w] {
                    std::lock_guard l(m_mutex);
                    if (w.queued) {
                        removeLocked(&w);
                        w.cancelled = true;
                        w.ready.release();
                    }
                };
                bool got = false;
                {
                    std::optional<std::stop_callback<decltype(onStop)>> callback;
                    if (stop)
                        callback.emplace(*stop, onStop);
                    // Until the hand-off window ends a looping caller may keep the connections it
                    // returns. Half a window later, look at the idle list: what a looping caller
                    // left there goes to the waiters, oldest first, which may be us.
                    if (idleCheck < deadline) {
                        got = w.ready.try_acquire_until(idleCheck);
                        if (!got) {
                            std::vector<Waiter *> wake;
                            {
                                std::lock_guard l(m_mutex);
                                if (w.queued)
                                    handIdleToWaitersLocked(wake, toClose.items);
                            }
                            for (Waiter *other : wake)
                                other->ready.release();
                        }
                    }
                    if (!got)
                        got = w.ready.try_acquire_until(deadline);
                    // Leaving this scope waits for a stop callback that is running right now.
                }
                if (!got) {
                    lock.lock();
                    if (w.queued) {
                        removeLocked(&w);
                        ++m_timeouts;
                        m_waitDuration += Clock::now() - waitStart;
                        throwTimeout(timeout);
                    }
                    lock.unlock();
                    w.ready.acquire(); // dequeued concurrently: the release is on its way
                }
                m_waitDurationAtomic.fetch_add((Clock::now() - waitStart).count(),
                                               std::memory_order_relaxed);
                if (w.cancelled) {
                    lock.lock();
                    ++m_cancelledWaits;
                    throw poolError(QStringLiteral("acquire cancelled while waiting for a pooled "
                                                   "connection"),
                                    QStringLiteral("57014"));
                }
                if (w.closed)
                    throw poolError(QStringLiteral("the connection pool is closed"));
                if (!w.permit && reuse == Reuse::Any) {
                    // Direct handoff: giveBack() already marked it in use and counted it.
                    m_acquireLatency.record(Clock::now() - start);
                    PooledConnection lease;
                    lease.m_pool = this;
                    lease.m_slot = w.slot;
                    return lease;
                }
                lock.lock();
                // A retry looks at a handed-over connection as at an idle one, below.
                slot = w.slot;
                handedOver = slot != nullptr;
                open = !slot;
            }
        }

        if (open) {
            lock.unlock();
            for (Slot *s : toClose.items)
                delete s;
            toClose.items.clear();
            try {
                slot = openSlot();
            } catch (const DbError &) {
                lock.lock();
                --m_numOpen;
                ++m_openFailures;
                // The next waiter tries too, so an unreachable server fails every caller fast.
                std::vector<Waiter *> wake;
                handOffPermitsLocked(wake);
                lock.unlock();
                for (Waiter *w : wake)
                    w->ready.release();
                throw;
            }
            lock.lock();
            slot->generation = m_generation;
            m_slots.push_back(slot);
            ++m_opened;
            if (m_closed) {
                retireLocked(slot, toClose.items);
                continue;
            }
        } else if ((reuse == Reuse::Checked
                    || (m_validateAfterIdle > Duration(0)
                        && t - slot->returnedAt > m_validateAfterIdle))) {
            // A cheap, non-blocking look at the socket; a dead one is replaced transparently.
            slot->inUse = true;
            lock.unlock();
            const bool broken = slot->conn->isIdleBroken();
            lock.lock();
            if (broken) {
                ++m_brokenClosed;
                if (handedOver)
                    --m_totalAcquires; // the replacement is counted instead
                slot->inUse = false;
                retireLocked(slot, toClose.items);
                continue;
            }
        }
        slot->inUse = true;
        slot->acquiredAt = now();
        slot->where = where;
        slot->leakReported = false;
        if (!handedOver)
            ++m_totalAcquires;
        lock.unlock();
        m_acquireLatency.record(Clock::now() - start);
        PooledConnection lease;
        lease.m_pool = this;
        lease.m_slot = slot;
        return lease;
    }
}

ConnectionPool::Slot *ConnectionPool::openSlot()
{
    auto conn = PgConnection::open(m_database);
    conn->setUsePreparedStatements(m_session.prepareStmt);
    auto *slot = new Slot;
    slot->conn = std::move(conn);
    std::lock_guard lock(m_mutex);
    slot->createdAt = now();
    if (m_jitter > Duration(0))
        slot->jitter
            = nanoseconds(QRandomGenerator::global()->bounded(quint64(m_jitter.count()) + 1));
    return slot;
}

void ConnectionPool::giveBack(Slot *slot, bool discard)
{
    PgConnection &c = *slot->conn;
    bool broken = discard || slot->discard || c.isBroken();
    slot->discard = false;
    if (!broken) {
        // Never hand out a connection in the middle of a transaction or a statement.
        const PGTransactionStatusType ts = PQtransactionStatus(c.handle());
        if (ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR) {
            try {
                c.exec("ROLLBACK", {QStringLiteral("rollback abandoned transaction"), QString()});
            } catch (const DbError &) {
                broken = true;
            }
        } else if (ts != PQTRANS_IDLE) {
            broken = true;
        }
    }

    const bool looping = t_lastReturned.pool == this && t_lastReturned.looping;
    Waiter *handoff = nullptr;
    std::vector<Waiter *> wake;
    CloseList toClose;
    {
        std::lock_guard lock(m_mutex);
        slot->inUse = false;
        const auto t = now();
        bool retire = true;
        if (broken)
            ++m_brokenClosed;
        else if (m_closed)
            ;
        else if (slot->generation != m_generation)
            ++m_resetClosed;
        else if (expiredLocked(slot, t))
            ++m_maxLifetimeClosed;
        else if (m_maxOpen > 0 && m_numOpen > m_maxOpen)
            ; // max open was lowered: Go closes it without counting
        else if (m_waitHead
                 && (!looping || int(m_idle.size()) >= maxIdleLocked()
                     || Clock::now() >= m_waitHead->handoffAt)) {
            handoff = popWaiterLocked();
            giveToWaiterLocked(handoff, slot, t);
            retire = false;
        } else if (int(m_idle.size()) < maxIdleLocked()) {
            slot->returnedAt = t;
            m_idle.push_back(slot);
            retire = false;
        } else {
            ++m_maxIdleClosed;
        }
        if (retire) {
            retireLocked(slot, toClose.items);
            handOffPermitsLocked(wake);
        }
    }
    t_lastReturned = {this, slot, Clock::now(), looping};
    if (handoff)
        handoff->ready.release();
    for (Waiter *w : wake)
        w->ready.release();
}

ConnectionPool::Slot *ConnectionPool::takeIdleLocked()
{
    // LIFO, except that this thread's own last connection comes first.
    auto it = m_idle.end() - 1;
    if (t_lastReturned.pool == this && *it != t_lastReturned.slot) {
        const auto own = std::find(m_idle.begin(), m_idle.end(), t_lastReturned.slot);
        if (own != m_idle.end())
            it = own;
    }
    Slot *s = *it;
    m_idle.erase(it);
    return s;
}

bool ConnectionPool::expiredLocked(const Slot *slot, Clock::time_point t) const
{
    return m_maxLifetime > Duration(0) && t >= slot->createdAt + m_maxLifetime - slot->jitter;
}

void ConnectionPool::retireLocked(Slot *slot, std::vector<Slot *> &toClose)
{
    --m_numOpen;
    auto it = std::find(m_slots.begin(), m_slots.end(), slot);
    if (it != m_slots.end()) {
        *it = m_slots.back();
        m_slots.pop_back();
    }
    toClose.push_back(slot);
    if (m_numOpen == 0)
        m_drained.notify_all();
}

void ConnectionPool::enqueueLocked(Waiter *w)
{
    w->queued = true;
    w->prev = m_waitTail;
    w->next = nullptr;
    if (m_waitTail)
        m_waitTail->next = w;
    else
        m_waitHead = w;
    m_waitTail = w;
    ++m_pendingWaiters;
}

void ConnectionPool::removeLocked(Waiter *w)
{
    if (!w->queued)
        return;
    if (w->prev)
        w->prev->next = w->next;
    else
        m_waitHead = w->next;
    if (w->next)
        w->next->prev = w->prev;
    else
        m_waitTail = w->prev;
    w->prev = w->next = nullptr;
    w->queued = false;
    --m_pendingWaiters;
}

ConnectionPool::Waiter *ConnectionPool::popWaiterLocked()
{
    Waiter *w = m_waitHead;
    if (w)
        removeLocked(w);
    return w;
}

void ConnectionPool::giveToWaiterLocked(Waiter *w, Slot *slot, Clock::time_point t)
{
    w->slot = slot;
    slot->inUse = true;
    slot->acquiredAt = t;
    slot->where = w->where;
    slot->leakReported = false;
    ++m_totalAcquires;
}

void ConnectionPool::handIdleToWaitersLocked(std::vector<Waiter *> &wake,
                                             std::vector<Slot *> &toClose)
{
    const auto t = now();
    while (m_waitHead && !m_idle.empty()) {
        Slot *s = takeIdleLocked();
        if (expiredLocked(s, t)) {
            ++m_maxLifetimeClosed;
            retireLocked(s, toClose);
            handOffPermitsLocked(wake);
            continue;
        }
        Waiter *w = popWaiterLocked();
        giveToWaiterLocked(w, s, t);
        wake.push_back(w);
    }
}

void ConnectionPool::handOffPermitsLocked(std::vector<Waiter *> &wake)
{
    // Go's maybeOpenNewConnections: a freed slot lets the oldest waiter dial.
    while (m_waitHead && !m_closed && (m_maxOpen <= 0 || m_numOpen < m_maxOpen)) {
        Waiter *w = popWaiterLocked();
        w->permit = true;
        ++m_numOpen;
        wake.push_back(w);
    }
}

int ConnectionPool::maxIdleLocked() const
{
    return m_maxOpen > 0 ? std::min(m_maxIdle, m_maxOpen) : m_maxIdle;
}

void ConnectionPool::shrinkIdleLocked(std::vector<Slot *> &toClose)
{
    const int keep = maxIdleLocked();
    while (int(m_idle.size()) > keep) {
        // Close the least recently used first; the LIFO top stays warm.
        Slot *s = m_idle.front();
        m_idle.erase(m_idle.begin());
        ++m_maxIdleClosed;
        retireLocked(s, toClose);
    }
}

void ConnectionPool::setMaxOpenConns(int n)
{
    CloseList toClose;
    std::vector<Waiter *> wake;
    {
        std::lock_guard lock(m_mutex);
        m_maxOpen = std::max(n, 0);
        if (m_maxOpen > 0 && m_maxIdle > m_maxOpen) {
            m_maxIdle = m_maxOpen; // Go calls SetMaxIdleConns(n) here
            shrinkIdleLocked(toClose.items);
        }
        handOffPermitsLocked(wake);
    }
    for (Waiter *w : wake)
        w->ready.release();
}

void ConnectionPool::setMaxIdleConns(int n)
{
    CloseList toClose;
    std::lock_guard lock(m_mutex);
    m_maxIdle = std::max(n, 0);
    if (m_maxOpen > 0 && m_maxIdle > m_maxOpen)
        m_maxIdle = m_maxOpen;
    shrinkIdleLocked(toClose.items);
}

void ConnectionPool::setConnMaxLifetime(Duration d)
{
    {
        std::lock_guard lock(m_mutex);
        m_maxLifetime = std::max(d, Duration(0));
        ++m_cleanerKick;
    }
    m_cleanerWake.notify_all();
}

void ConnectionPool::setConnMaxIdleTime(Duration d)
{
    {
        std::lock_guard lock(m_mutex);
        m_maxIdleTime = std::max(d, Duration(0));
        ++m_cleanerKick;
    }
    m_cleanerWake.notify_all();
}

void ConnectionPool::setAcquireTimeout(Duration d)
{
    m_acquireTimeoutMs = std::max<milliseconds::rep>(duration_cast<milliseconds>(d).count(), 0);
}

void ConnectionPool::setLeakDetectionThreshold(Duration d)
{
    {
        std::lock_guard lock(m_mutex);
        m_leakThreshold = std::max(d, Duration(0));
        ++m_cleanerKick;
    }
    m_cleanerWake.notify_all();
}

int ConnectionPool::maxOpenConns() const
{
    std::lock_guard lock(m_mutex);
    return m_maxOpen;
}

int ConnectionPool::maxIdleConns() const
{
    std::lock_guard lock(m_mutex);
    return maxIdleLocked();
}

void ConnectionPool::reset()
{
    CloseList toClose;
    std::vector<Waiter *> wake;
    {
        std::lock_guard lock(m_mutex);
        ++m_generation;
        for (Slot *s : m_idle) {
            ++m_resetClosed;
            retireLocked(s, toClose.items);
        }
        m_idle.clear();
        handOffPermitsLocked(wake);
    }
    for (Waiter *w : wake)
        w->ready.release();
    qCInfo(lcPool,
           "pool reset: %d idle connections closed, in-use ones retire on return",
           int(toClose.items.size()));
}

void ConnectionPool::prewarm(int n)
{
    std::vector<PooledConnection> leases;
    for (int i = 0; i < n; ++i) {
        {
            std::lock_guard lock(m_mutex);
            if (m_maxOpen > 0 && m_numOpen >= m_maxOpen)
                break;
        }
        leases.push_back(acquire());
    }
}

nanoseconds ConnectionPool::cleanerIntervalLocked() const
{
    // Go's connectionCleaner: the shorter of the two limits, at least one second.
    nanoseconds d = nanoseconds::max();
    if (m_maxLifetime > Duration(0))
        d = std::min<nanoseconds>(d, m_maxLifetime);
    if (m_maxIdleTime > Duration(0))
        d = std::min<nanoseconds>(d, m_maxIdleTime);
    if (d != nanoseconds::max())
        d = std::max<nanoseconds>(d, 1s);
    if (m_leakThreshold > Duration(0))
        d = std::min<nanoseconds>(d, std::max<nanoseconds>(m_leakThreshold / 4, 10ms));
    return d == nanoseconds::max() ? nanoseconds(0) : d;
}

void ConnectionPool::cleanLocked(Clock::time_point t, std::vector<Slot *> &toClose)
{
    if (m_maxIdleTime > Duration(0) || m_maxLifetime > Duration(0)) {
        const auto idleSince = t - m_maxIdleTime;
        std::vector<Slot *> keep;
        keep.reserve(m_idle.size());
        for (Slot *s : m_idle) {
            if (m_maxIdleTime > Duration(0) && s->returnedAt < idleSince) {
                ++m_maxIdleTimeClosed;
                retireLocked(s, toClose);
            } else if (expiredLocked(s, t)) {
                ++m_maxLifetimeClosed;
                retireLocked(s, toClose);
            } else {
                keep.push_back(s);
            }
        }
        m_idle.swap(keep);
    }
    if (m_leakThreshold > Duration(0)) {
        for (Slot *s : m_slots) {
            if (s->inUse && !s->leakReported && t - s->acquiredAt > m_leakThreshold) {
                s->leakReported = true;
                ++m_leaked;
                qCWarning(lcPool,
                          "possible connection leak: a pooled connection (backend pid %d) has "
                          "been held for %lld ms, longer than leak_detection_threshold; it was "
                          "taken at %s",
                          s->conn->backendPid(),
                          qint64(duration_cast<milliseconds>(t - s->acquiredAt).count()),
                          qPrintable(whereText(s->where)));
            }
        }
    }
}

void ConnectionPool::runMaintenance()
{
    CloseList toClose;
    std::vector<Waiter *> wake;
    {
        std::lock_guard lock(m_mutex);
        cleanLocked(now(), toClose.items);
        handOffPermitsLocked(wake);
    }
    for (Waiter *w : wake)
        w->ready.release();
}

void ConnectionPool::cleanerLoop(std::stop_token stop)
{
    std::unique_lock lock(m_mutex);
    while (!stop.stop_requested()) {
        const quint64 seen = m_cleanerKick;
        const nanoseconds interval = cleanerIntervalLocked();
        const auto changed = [this, seen] {
            return m_cleanerKick != seen;
        };
        if (interval == nanoseconds(0))
            m_cleanerWake.wait(lock, stop, changed);
        else if (m_cleanerWake.wait_for(lock, stop, interval, changed))
            continue; // a setting changed: recompute the interval
        if (stop.stop_requested())
            break;
        std::vector<Slot *> toClose;
        std::vector<Waiter *> wake;
        cleanLocked(now(), toClose);
        handOffPermitsLocked(wake);
        lock.unlock();
        for (Waiter *w : wake)
            w->ready.release();
        for (Slot *s : toClose)
            delete s;
        lock.lock();
    }
}

QList<int> ConnectionPool::backendPids() const
{
    QList<int> pids;
    std::lock_guard lock(m_mutex);
    pids.reserve(int(m_slots.size()));
    for (const Slot *s : m_slots)
        pids << s->conn->backendPid();
    return pids;
}

PoolStats ConnectionPool::stats() const
{
    PoolStats s;
    {
        std::lock_guard lock(m_mutex);
        s.maxOpenConnections = m_maxOpen;
        s.openConnections = m_numOpen;
        s.idle = int(m_idle.size());
        s.inUse = m_numOpen - s.idle;
        s.waitCount = m_waitCount;
        s.maxIdleClosed = m_maxIdleClosed;
        s.maxIdleTimeClosed = m_maxIdleTimeClosed;
        s.maxLifetimeClosed = m_maxLifetimeClosed;
        s.pendingWaiters = m_pendingWaiters;
        s.totalAcquires = m_totalAcquires;
        s.timeouts = m_timeouts;
        s.cancelledWaits = m_cancelledWaits;
        s.leaked = m_leaked;
        s.brokenClosed = m_brokenClosed;
        s.resetClosed = m_resetClosed;
        s.opened = m_opened;
        s.openFailures = m_openFailures;
        s.waitDuration = m_waitDuration;
    }
    s.waitDuration += nanoseconds(m_waitDurationAtomic.load(std::memory_order_relaxed));
    const auto counts = m_acquireLatency.snapshot();
    s.acquireP50Us = LatencyHistogram::percentileUs(counts, 50);
    s.acquireP95Us = LatencyHistogram::percentileUs(counts, 95);
    s.acquireP99Us = LatencyHistogram::percentileUs(counts, 99);
    return s;
}

const DatabaseConfig &ConnectionPool::databaseConfig() const
{
    return m_database;
}

const SessionConfig &ConnectionPool::sessionConfig() const
{
    return m_session;
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
