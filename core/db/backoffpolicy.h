#pragma once

#include "config/appconfig.h"

#include <QRandomGenerator>

#include <chrono>

namespace melodee {

// How a schema change is tried again after a retryable error (lock_timeout, deadlock,
// serialization failure, lost connection): a migration statement in the migration engine, a step
// of a table's conversion to partitions. Each attempt may wait up to lock_timeout
// for a table lock; between attempts it sleeps a random time with full jitter (uniform in
// [0, min(5 s, 200 ms x 2^attempt)]) so two migrators that collided do not collide again in
// lockstep. With the defaults: 3 retries, each attempt waiting at most 5 s.
class BackoffPolicy
{
public:
    static constexpr std::chrono::milliseconds kBase{200};
    static constexpr std::chrono::milliseconds kCap{5000};

    explicit BackoffPolicy(const MigrateConfig &config);

    // Retries after the first attempt (migrate.retries).
    int retries() const { return m_retries; }
    // How long one attempt waits for a table lock (migrate.lock_timeout).
    std::chrono::milliseconds attemptTimeout() const { return m_attemptTimeout; }
    // The upper bound of the sleep before retry number attempt + 1 (attempt is 0-based).
    std::chrono::milliseconds ceiling(int attempt) const;
    // The sleep before retry number attempt + 1: uniform in [0, ceiling(attempt)].
    std::chrono::milliseconds delay(int attempt, QRandomGenerator &random) const;
    // The longest a statement can take to give up on a lock: every attempt's lock wait plus
    // every sleep at its ceiling.
    std::chrono::milliseconds worstCase() const;

private:
    int m_retries = 0;
    std::chrono::milliseconds m_attemptTimeout{0};
};

} // namespace melodee
