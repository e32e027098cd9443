#include "housekeeper.h"

#include "poolslot.h"
#include "util/logging.h"

namespace melodee {

using namespace std::chrono;

namespace {

QString whereText(const SourceSite &w)
{
    return QStringLiteral("%1:%2 (%3)")
        .arg(QString::fromUtf8(w.file))
        .arg(w.line)
        .arg(QString::fromUtf8(w.function));
}

} // namespace

Housekeeper::~Housekeeper()
{
    stop();
}

void Housekeeper::start(std::function<void()> sweep)
{
    m_sweep = std::move(sweep);
    m_thread = std::jthread([this](std::stop_token st) { loop(st); });
}

void Housekeeper::stop()
{
    m_thread.request_stop();
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

void Housekeeper::setLimits(const Limits &limits)
{
    m_limits = limits;
    {
        std::lock_guard lock(m_mutex);
        m_interval = interval(limits);
        ++m_kick;
    }
    m_wake.notify_all();
}

nanoseconds Housekeeper::interval(const Limits &limits)
{
    // Go's connectionCleaner: the shorter of the two limits, at least one second.
    nanoseconds d = nanoseconds::max();
    if (limits.maxLifetime > nanoseconds(0))
        d = std::min(d, limits.maxLifetime);
    if (limits.maxIdleTime > nanoseconds(0))
        d = std::min(d, limits.maxIdleTime);
    if (d != nanoseconds::max())
        d = std::max<nanoseconds>(d, 1s);
    if (limits.leakThreshold > nanoseconds(0))
        d = std::min<nanoseconds>(d, std::max<nanoseconds>(limits.leakThreshold / 4, 10ms));
    return d == nanoseconds::max() ? nanoseconds(0) : d;
}

void Housekeeper::loop(std::stop_token stop)
{
    std::unique_lock lock(m_mutex);
    while (!stop.stop_requested()) {
        const unsigned long long seen = m_kick;
        const auto changed = [this, seen] {
            return m_kick != seen;
        };
        if (m_interval == nanoseconds(0))
            m_wake.wait(lock, stop, changed);
        else if (m_wake.wait_for(lock, stop, m_interval, changed))
            continue; // a limit changed: recompute the interval
        if (stop.stop_requested())
            break;
        lock.unlock();
        m_sweep();
        lock.lock();
    }
}

void Housekeeper::sweepIdle(std::vector<PoolSlot *> &idle,
                            Clock::time_point now,
                            const std::function<void(PoolSlot *, Expiry)> &retire) const
{
    if (m_limits.maxIdleTime <= nanoseconds(0) && m_limits.maxLifetime <= nanoseconds(0))
        return;
    const auto idleSince = now - m_limits.maxIdleTime;
    std::vector<PoolSlot *> keep;
    keep.reserve(idle.size());
    for (PoolSlot *s : idle) {
        if (m_limits.maxIdleTime > nanoseconds(0) && s->returnedAt < idleSince)
            retire(s, Expiry::IdleTime);
        else if (expired(s->createdAt, s->jitter, now))
            retire(s, Expiry::Lifetime);
        else
            keep.push_back(s);
    }
    idle.swap(keep);
}

int Housekeeper::sweepLeaks(const std::vector<std::unique_ptr<PoolSlot>> &openSlots,
                            Clock::time_point now) const
{
    if (m_limits.leakThreshold <= nanoseconds(0))
        return 0;
    int found = 0;
    for (const auto &s : openSlots) {
        if (s->inUse && !s->leakReported && now - s->acquiredAt > m_limits.leakThreshold) {
            s->leakReported = true;
            ++found;
            qCWarning(lcPool,
                      "possible connection leak: a pooled connection (backend pid %d) has been "
                      "held for %lld ms, longer than leak_detection_threshold; it was taken at %s",
                      s->conn->backendPid(),
                      qint64(duration_cast<milliseconds>(now - s->acquiredAt).count()),
                      qPrintable(whereText(s->where)));
        }
    }
    return found;
}

} // namespace melodee
