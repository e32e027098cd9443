#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <thread>
#include <vector>

namespace melodee {

struct PoolSlot;

// The pool's sweeps, Go's connectionCleaner plus leak detection: idle connections past
// conn_max_idle_time or conn_max_lifetime are closed, and a lease held past
// leak_detection_threshold is reported once. Runs them on its own thread every
// min(lifetime, idle time) with Go's 1 s floor, or every quarter of the leak threshold when that
// is shorter; a new limit wakes it at once to recompute the interval.
// limits() and the sweeps are guarded by the pool's mutex; the thread has its own.
class Housekeeper
{
public:
    using Clock = std::chrono::steady_clock;
    struct Limits
    {
        std::chrono::nanoseconds maxLifetime{0}; // 0: none
        std::chrono::nanoseconds lifetimeJitter{0};
        std::chrono::nanoseconds maxIdleTime{0};
        std::chrono::nanoseconds leakThreshold{0};
    };
    enum class Expiry { IdleTime, Lifetime };

    Housekeeper() = default;
    ~Housekeeper();
    Housekeeper(const Housekeeper &) = delete;
    Housekeeper &operator=(const Housekeeper &) = delete;

    // Starts the thread, which calls `sweep` (it takes the pool's mutex itself) every interval.
    void start(std::function<void()> sweep);
    void stop();

    // --- under the pool's mutex ---
    const Limits &limits() const { return m_limits; }
    void setLimits(const Limits &limits);
    bool expired(Clock::time_point createdAt,
                 std::chrono::nanoseconds jitter,
                 Clock::time_point now) const
    {
        return m_limits.maxLifetime > std::chrono::nanoseconds(0)
               && now >= createdAt + m_limits.maxLifetime - jitter;
    }
    // Takes out of `idle` what has been idle or alive too long and hands each to `retire`.
    void sweepIdle(std::vector<PoolSlot *> &idle,
                   Clock::time_point now,
                   const std::function<void(PoolSlot *, Expiry)> &retire) const;
    // Logs each lease held past the leak threshold, once; returns how many it logged now.
    int sweepLeaks(const std::vector<std::unique_ptr<PoolSlot>> &openSlots,
                   Clock::time_point now) const;

    static std::chrono::nanoseconds interval(const Limits &limits);

private:
    void loop(std::stop_token stop);

    Limits m_limits;

    std::mutex m_mutex; // guards what follows
    std::condition_variable_any m_wake;
    std::chrono::nanoseconds m_interval{0}; // 0: sleep until a limit changes
    unsigned long long m_kick = 0;
    std::function<void()> m_sweep;
    std::jthread m_thread;
};

} // namespace melodee
