// ConnectionPool's runtime settings (Go's setters and their effects), reset, warm-up, the
// housekeeper's sweep and the statistics. The acquire and return paths are in connectionpool.cpp.
#include "connectionpool.h"

#include "poolslot.h"
#include "util/logging.h"

namespace melodee {

using namespace std::chrono;

void ConnectionPool::setHandoffWindow(Duration window)
{
    std::lock_guard lock(m_mutex);
    m_waiters.setWindow(window);
}

void ConnectionPool::setClock(PoolClock clock)
{
    std::lock_guard lock(m_mutex);
    m_clock = std::move(clock);
}

void ConnectionPool::shrinkIdleLocked(CloseList &toClose)
{
    const int keep = maxIdleLocked();
    while (int(m_idle.size()) > keep) {
        // Close the least recently used first; the LIFO top stays warm.
        PoolSlot *s = m_idle.front();
        m_idle.erase(m_idle.begin());
        ++m_counts.maxIdleClosed;
        retireLocked(s, toClose);
    }
}

void ConnectionPool::setMaxOpenConns(int n)
{
    CloseList toClose;
    WaitQueue::WakeList wake;
    {
        std::lock_guard lock(m_mutex);
        m_maxOpen = std::max(n, 0);
        if (m_maxOpen > 0 && m_maxIdle > m_maxOpen) {
            m_maxIdle = m_maxOpen; // Go calls SetMaxIdleConns(n) here
            shrinkIdleLocked(toClose);
        }
        handOffPermitsLocked(wake);
    }
    WaitQueue::wake(wake);
}

void ConnectionPool::setMaxIdleConns(int n)
{
    CloseList toClose;
    std::lock_guard lock(m_mutex);
    m_maxIdle = std::max(n, 0);
    if (m_maxOpen > 0 && m_maxIdle > m_maxOpen)
        m_maxIdle = m_maxOpen;
    shrinkIdleLocked(toClose);
}

void ConnectionPool::updateLimits(const std::function<void(Housekeeper::Limits &)> &change)
{
    std::lock_guard lock(m_mutex);
    Housekeeper::Limits limits = m_housekeeper.limits();
    change(limits);
    m_housekeeper.setLimits(limits);
}

void ConnectionPool::setConnMaxLifetime(Duration d)
{
    updateLimits([d](Housekeeper::Limits &l) { l.maxLifetime = std::max(d, Duration(0)); });
}

void ConnectionPool::setConnMaxIdleTime(Duration d)
{
    updateLimits([d](Housekeeper::Limits &l) { l.maxIdleTime = std::max(d, Duration(0)); });
}

void ConnectionPool::setLeakDetectionThreshold(Duration d)
{
    updateLimits([d](Housekeeper::Limits &l) { l.leakThreshold = std::max(d, Duration(0)); });
}

void ConnectionPool::setAcquireTimeout(Duration d)
{
    m_acquireTimeoutMs = std::max<milliseconds::rep>(duration_cast<milliseconds>(d).count(), 0);
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
    WaitQueue::WakeList wake;
    {
        std::lock_guard lock(m_mutex);
        ++m_generation;
        for (PoolSlot *s : m_idle) {
            ++m_counts.resetClosed;
            retireLocked(s, toClose);
        }
        m_idle.clear();
        handOffPermitsLocked(wake);
    }
    WaitQueue::wake(wake);
    qCInfo(lcPool,
           "pool reset: %d idle connections closed, in-use ones retire on return",
           int(toClose.size()));
}

int ConnectionPool::prewarm(int n, std::stop_token stop)
{
    int opened = 0;
    while (!stop.stop_requested()) {
        CloseList toClose; // declared before the lock: closes after it is released
        WaitQueue::WakeList wake;
        std::unique_lock lock(m_mutex);
        const int idle = int(m_idle.size());
        if (m_closed || idle >= n || idle >= maxIdleLocked() || !reserveOpenLocked())
            break;
        PoolSlot *slot = openNew(lock, toClose); // dials outside the lock; throws DbError
        if (!slot)
            break; // the pool closed meanwhile
        ++opened;
        ++m_counts.openedAhead;
        slot->returnedAt = now();
        m_idle.push_back(slot);
        handIdleToWaitersLocked(wake, toClose);
        lock.unlock();
        WaitQueue::wake(wake);
    }
    return opened;
}

QFuture<int> ConnectionPool::prewarmInBackground(int n)
{
    return startTask(&m_runPool, [this, n](std::stop_token stop) { return prewarm(n, stop); });
}

void ConnectionPool::runMaintenance()
{
    CloseList toClose;
    WaitQueue::WakeList wake;
    {
        std::lock_guard lock(m_mutex);
        const auto t = now();
        m_housekeeper.sweepIdle(m_idle, t, [&](PoolSlot *s, Housekeeper::Expiry why) {
            ++(why == Housekeeper::Expiry::IdleTime ? m_counts.maxIdleTimeClosed
                                                    : m_counts.maxLifetimeClosed);
            retireLocked(s, toClose);
        });
        m_counts.leaked += m_housekeeper.sweepLeaks(m_slots, t);
        handOffPermitsLocked(wake);
    }
    WaitQueue::wake(wake);
}

QList<int> ConnectionPool::backendPids() const
{
    QList<int> pids;
    std::lock_guard lock(m_mutex);
    pids.reserve(int(m_slots.size()));
    for (const auto &s : m_slots)
        pids << s->conn->backendPid();
    return pids;
}

PoolStats ConnectionPool::stats() const
{
    PoolStats s;
    {
        std::lock_guard lock(m_mutex);
        s = m_counts;
        s.maxOpenConnections = m_maxOpen;
        s.openConnections = m_numOpen;
        s.idle = int(m_idle.size());
        s.inUse = m_numOpen - s.idle;
        s.pendingWaiters = m_waiters.size();
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

} // namespace melodee
