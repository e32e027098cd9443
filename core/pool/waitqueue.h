#pragma once

#include "sourcesite.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <stop_token>
#include <vector>

namespace melodee {

struct PoolSlot;

// A one-shot wake-up. On Linux a futex: one syscall to wake, one to sleep, and the woken thread
// does not then block on a mutex the waker still holds (as with a condition variable notified
// under its lock). Not std::binary_semaphore: libstdc++ 12's timed wait on it backs off with
// sleep_for/sched_yield instead of a futex, which cost milliseconds per handoff under load.
class WakeSignal
{
public:
    void release();
    bool tryAcquireUntil(std::chrono::steady_clock::time_point deadline);
    void acquire();

private:
#ifdef __linux__
    std::atomic<std::uint32_t> m_state{0};
#else
    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_set = false;
#endif
};

// The callers blocked in ConnectionPool::acquire(), oldest first, and how a returned connection
// reaches them: straight away, or after the hand-off window when the caller that returned it is
// looping. Its state is guarded by the pool's mutex, which it is given; wait() takes it itself.
class WaitQueue
{
public:
    using Clock = std::chrono::steady_clock;

    // A caller blocked in acquire(). Lives on its stack; linked FIFO under the pool's mutex.
    // Whoever dequeues it fills in the outcome and then wakes it exactly once (wake()), so the
    // waiter must always consume that wake-up before returning.
    struct Waiter
    {
        Waiter *prev = nullptr;
        Waiter *next = nullptr;
        WakeSignal ready;
        SourceSite where;
        // From then on returned connections are handed to it (the hand-off window, or half its
        // acquire timeout if that is shorter, so a looping caller cannot make it time out).
        Clock::time_point handoffAt;
        PoolSlot *slot = nullptr; // direct handoff of a returned connection
        bool permit = false;      // may open a new connection (already counted as open)
        bool closed = false;
        bool cancelled = false;
        bool queued = false;
    };
    // Waiters to wake once the pool's mutex is released.
    using WakeList = std::vector<Waiter *>;
    enum class Outcome { Served, TimedOut, Cancelled, Closed };

    // How long a looping caller may keep the connections it returns while callers wait.
    static const std::chrono::nanoseconds kDefaultWindow;

    explicit WaitQueue(std::mutex &poolMutex);
    WaitQueue(const WaitQueue &) = delete;
    WaitQueue &operator=(const WaitQueue &) = delete;

    // --- under the pool's mutex ---
    void setWindow(std::chrono::nanoseconds window) { m_window = window; }
    // Queues w behind every other waiter. Returns when w, if still queued then, should look at
    // the idle list for what a looping caller left there (half a window after its own window).
    Clock::time_point push(Waiter &w, Clock::time_point now, Clock::time_point deadline);
    void remove(Waiter &w);
    Waiter *pop();
    bool empty() const { return m_head == nullptr; }
    int size() const { return m_size; }
    // Whether a connection returned now goes to the oldest waiter instead of the idle list.
    bool handOffNow(bool returnerLooping, bool idleFull) const
    {
        return m_head && (!returnerLooping || idleFull || Clock::now() >= m_head->handoffAt);
    }

    // --- without the pool's mutex ---
    // Sleeps until w is served, cancelled through `stop`, woken by the pool closing, or the
    // deadline passes. At `idleCheck`, if w is still queued, runs sweepIdle under the mutex: it
    // hands idle connections to the queue and lists the waiters to wake. Returns with the mutex
    // released, except after a timeout: then `lock` holds it and w has left the queue, so the
    // caller can count and report the timeout under the same lock.
    Outcome wait(std::unique_lock<std::mutex> &lock,
                 Waiter &w,
                 Clock::time_point idleCheck,
                 Clock::time_point deadline,
                 const std::stop_token *stop,
                 const std::function<void(WakeList &)> &sweepIdle);
    static void wake(Waiter *w) { w->ready.release(); }
    static void wake(const WakeList &waiters)
    {
        for (Waiter *w : waiters)
            w->ready.release();
    }

private:
    std::mutex &m_mutex;
    Waiter *m_head = nullptr;
    Waiter *m_tail = nullptr;
    int m_size = 0;
    std::chrono::nanoseconds m_window;
};

} // namespace melodee
