#include "poolstats.h"

#include <bit>

namespace melodee {

int LatencyHistogram::bucketOf(std::uint64_t ns)
{
    constexpr std::uint64_t sub = 1u << kSubBits;
    if (ns < sub)
        return int(ns);
    const int msb = 63 - std::countl_zero(ns);
    const int shift = msb - kSubBits;
    return ((shift + 1) << kSubBits) + int((ns >> shift) & (sub - 1));
}

std::uint64_t LatencyHistogram::bucketUpper(int bucket)
{
    constexpr int sub = 1 << kSubBits;
    if (bucket < sub)
        return std::uint64_t(bucket) + 1;
    const int shift = (bucket >> kSubBits) - 1;
    const std::uint64_t lower = std::uint64_t(sub + (bucket & (sub - 1))) << shift;
    return lower + (std::uint64_t(1) << shift);
}

void LatencyHistogram::record(std::chrono::nanoseconds value)
{
    const std::uint64_t ns = value.count() > 0 ? std::uint64_t(value.count()) : 0;
    m_counts[bucketOf(ns)].fetch_add(1, std::memory_order_relaxed);
}

std::array<std::uint64_t, LatencyHistogram::kBuckets> LatencyHistogram::snapshot() const
{
    std::array<std::uint64_t, kBuckets> out{};
    for (int i = 0; i < kBuckets; ++i)
        out[i] = m_counts[i].load(std::memory_order_relaxed);
    return out;
}

void LatencyHistogram::reset()
{
    for (auto &c : m_counts)
        c.store(0, std::memory_order_relaxed);
}

double LatencyHistogram::percentileUs(const std::array<std::uint64_t, kBuckets> &counts, double p)
{
    std::uint64_t total = 0;
    for (std::uint64_t c : counts)
        total += c;
    if (total == 0)
        return 0;
    // The smallest bucket whose cumulative count reaches p% of the samples.
    const double target = p / 100.0 * double(total);
    std::uint64_t seen = 0;
    for (int i = 0; i < kBuckets; ++i) {
        seen += counts[i];
        if (counts[i] && double(seen) >= target)
            return double(bucketUpper(i)) / 1000.0;
    }
    return double(bucketUpper(kBuckets - 1)) / 1000.0;
}

QJsonObject PoolStats::toJson() const
{
    return QJsonObject{
        {QStringLiteral("max_open_connections"), maxOpenConnections},
        {QStringLiteral("open_connections"), openConnections},
        {QStringLiteral("in_use"), inUse},
        {QStringLiteral("idle"), idle},
        {QStringLiteral("wait_count"), double(waitCount)},
        {QStringLiteral("wait_duration_ms"), double(waitDuration.count()) / 1e6},
        {QStringLiteral("max_idle_closed"), double(maxIdleClosed)},
        {QStringLiteral("max_idle_time_closed"), double(maxIdleTimeClosed)},
        {QStringLiteral("max_lifetime_closed"), double(maxLifetimeClosed)},
        {QStringLiteral("pending_waiters"), pendingWaiters},
        {QStringLiteral("total_acquires"), double(totalAcquires)},
        {QStringLiteral("timeouts"), double(timeouts)},
        {QStringLiteral("cancelled_waits"), double(cancelledWaits)},
        {QStringLiteral("leaked"), double(leaked)},
        {QStringLiteral("broken_closed"), double(brokenClosed)},
        {QStringLiteral("reset_closed"), double(resetClosed)},
        {QStringLiteral("opened"), double(opened)},
        {QStringLiteral("opened_ahead"), double(openedAhead)},
        {QStringLiteral("open_failures"), double(openFailures)},
        {QStringLiteral("session_resets"), double(sessionResets)},
        {QStringLiteral("acquire_p50_us"), acquireP50Us},
        {QStringLiteral("acquire_p95_us"), acquireP95Us},
        {QStringLiteral("acquire_p99_us"), acquireP99Us},
    };
}

} // namespace melodee
