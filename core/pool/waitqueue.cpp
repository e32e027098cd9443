#include "waitqueue.h"

#include <optional>

#ifdef __linux__
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace melodee {

using namespace std::chrono;

// A connection returned while callers wait goes straight to the oldest waiter, unless the thread
// returning it is looping (it asks again at once; ConnectionPool's per-thread record). Then it
// goes to the idle list, where that thread takes it again at once, until the oldest waiter has
// waited this long; from then on every returned connection is handed over. Strict hand-off costs
// two thread switches per acquire once looping callers outnumber connections; like Go's
// sync.Mutex starvation mode, the window keeps most acquires on the running thread and still
// bounds how long a waiter can be overtaken. Measured with 16 callers on 8 connections
// (docs/pool.md): 2 ms gave 0.74x pgbench, 10 ms 0.84x, 50 ms 0.86x, no bound 0.91x.
const nanoseconds WaitQueue::kDefaultWindow = 10ms;

#ifdef __linux__

void WakeSignal::release()
{
    m_state.store(1, std::memory_order_release);
    // The waiter may already have seen the store and returned; waking a futex word that is no
    // longer in use only causes a spurious wake-up, which every futex waiter tolerates.
    syscall(SYS_futex, &m_state, FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
}

bool WakeSignal::tryAcquireUntil(steady_clock::time_point deadline)
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

void WakeSignal::acquire()
{
    while (m_state.exchange(0, std::memory_order_acquire) != 1)
        syscall(SYS_futex, &m_state, FUTEX_WAIT_PRIVATE, 0, nullptr, nullptr, 0);
}

#else

void WakeSignal::release()
{
    // Notify under the lock: once it is released the waiter may already be gone.
    std::lock_guard lock(m_mutex);
    m_set = true;
    m_cv.notify_one();
}

bool WakeSignal::tryAcquireUntil(steady_clock::time_point deadline)
{
    std::unique_lock lock(m_mutex);
    if (!m_cv.wait_until(lock, deadline, [this] { return m_set; }))
        return false;
    m_set = false;
    return true;
}

void WakeSignal::acquire()
{
    std::unique_lock lock(m_mutex);
    m_cv.wait(lock, [this] { return m_set; });
    m_set = false;
}

#endif

WaitQueue::WaitQueue(std::mutex &poolMutex)
    : m_mutex(poolMutex)
    , m_window(kDefaultWindow)
{}

WaitQueue::Clock::time_point
WaitQueue::push(Waiter &w, Clock::time_point now, Clock::time_point deadline)
{
    w.queued = true;
    w.prev = m_tail;
    w.next = nullptr;
    if (m_tail)
        m_tail->next = &w;
    else
        m_head = &w;
    m_tail = &w;
    ++m_size;
    // The window never outlasts half of what is left of the acquire timeout, so a looping caller
    // cannot make a waiter with a short timeout fail.
    const auto window = std::min<Clock::duration>(m_window, (deadline - now) / 2);
    w.handoffAt = now + window;
    // Half a window after ours ends, releases have been handed to us for that long; a waiter
    // still queued then looks for what a looping caller left idle.
    return now + window * 3 / 2;
}

void WaitQueue::remove(Waiter &w)
{
    if (!w.queued)
        return;
    if (w.prev)
        w.prev->next = w.next;
    else
        m_head = w.next;
    if (w.next)
        w.next->prev = w.prev;
    else
        m_tail = w.prev;
    w.prev = w.next = nullptr;
    w.queued = false;
    --m_size;
}

WaitQueue::Waiter *WaitQueue::pop()
{
    Waiter *w = m_head;
    if (w)
        remove(*w);
    return w;
}

WaitQueue::Outcome WaitQueue::wait(std::unique_lock<std::mutex> &lock,
                                   Waiter &w,
                                   Clock::time_point idleCheck,
                                   Clock::time_point deadline,
                                   const std::stop_token *stop,
                                   const std::function<void(WakeList &)> &sweepIdle)
{
    auto onStop = [this, &w] {
        std::lock_guard l(m_mutex);
        if (w.queued) {
            remove(w);
            w.cancelled = true;
            w.ready.release();
        }
    };
    bool got = false;
    {
        std::optional<std::stop_callback<decltype(onStop)>> callback;
        if (stop)
            callback.emplace(*stop, onStop);
        // Until the hand-off window ends a looping caller may keep the connections it returns.
        // Half a window later, look at the idle list: what a looping caller left there goes to
        // the waiters, oldest first, which may be us.
        if (idleCheck < deadline) {
            got = w.ready.tryAcquireUntil(idleCheck);
            if (!got) {
                WakeList others;
                {
                    std::lock_guard l(m_mutex);
                    if (w.queued)
                        sweepIdle(others);
                }
                wake(others);
            }
        }
        if (!got)
            got = w.ready.tryAcquireUntil(deadline);
        // Leaving this scope waits for a stop callback that is running right now.
    }
    if (!got) {
        lock.lock();
        if (w.queued) {
            remove(w);
            return Outcome::TimedOut;
        }
        lock.unlock();
        w.ready.acquire(); // dequeued concurrently: the wake-up is on its way
    }
    if (w.cancelled)
        return Outcome::Cancelled;
    if (w.closed)
        return Outcome::Closed;
    return Outcome::Served;
}

} // namespace melodee
