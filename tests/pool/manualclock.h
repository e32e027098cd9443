#pragma once

#include <pool/connectionpool.h>

#include <atomic>
#include <chrono>
#include <memory>

namespace melodee::test {

// A clock the test moves by hand, so lifetime and idle tests need no sleeps.
struct ManualClock
{
    std::shared_ptr<std::atomic<std::chrono::steady_clock::rep>> offset
        = std::make_shared<std::atomic<std::chrono::steady_clock::rep>>(0);
    PoolClock clock() const
    {
        return [o = offset] {
            return std::chrono::steady_clock::now()
                   + std::chrono::steady_clock::duration(o->load());
        };
    }
    void advance(std::chrono::nanoseconds d) { offset->fetch_add(d.count()); }
};

} // namespace melodee::test
