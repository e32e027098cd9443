#pragma once

#include <pool/poolstats.h>

#include <QList>
#include <QPointF>

#include <array>
#include <cstdint>

#include <deque>
#include <optional>

namespace melodee {

// One point of the Dashboard's pool charts. Rates come from the difference of two cumulative
// snapshots divided by the time that really passed between them (a 1 Hz timer drifts and
// stalls when the event loop is busy, so "per tick" would lie).
struct PoolSample
{
    double tSeconds = 0; // since the sampler started
    int open = 0;
    int inUse = 0;
    int idle = 0;
    int maxOpen = 0;
    int maxIdle = 0;
    double waitsPerSecond = 0;
    double avgWaitMs = 0; // wait time added in the interval / waits in the interval
    // p99 of the acquires made in the interval (0 when there were none), not since the start:
    // a load test shows while it runs and is gone once it ends.
    double acquireP99Us = 0;
    qint64 acquires = 0; // in the interval
};

using LatencyCounts = std::array<std::uint64_t, LatencyHistogram::kBuckets>;

// Pure: turns successive PoolStats snapshots plus real elapsed nanoseconds into samples.
class PoolRateCalculator
{
public:
    // elapsedNs: time since the previous snapshot (ignored for the first). The first snapshot
    // has no interval, so its rates are 0. A counter that went down (the pool was replaced)
    // restarts the baseline instead of reporting a negative rate. acquireLatency: the pool's
    // cumulative histogram (ConnectionPool::acquireLatencyCounts()).
    PoolSample
    add(const PoolStats &stats, const LatencyCounts &acquireLatency, qint64 elapsedNs, int maxIdle);
    void reset();

private:
    std::optional<PoolStats> m_previous;
    LatencyCounts m_previousLatency{};
    double m_t = 0;
};

// The last `capacity` samples (5 minutes at 1 Hz by default), with the series the charts need.
class PoolSampleHistory
{
public:
    explicit PoolSampleHistory(int capacity = 300)
        : m_capacity(capacity)
    {}

    void append(const PoolSample &sample);
    void clear() { m_samples.clear(); }
    int size() const { return int(m_samples.size()); }
    int capacity() const { return m_capacity; }
    const PoolSample &last() const { return m_samples.back(); }
    // x = seconds since sampling started, y = the field.
    QList<QPointF> series(double PoolSample::*field) const;
    QList<QPointF> series(int PoolSample::*field) const;

private:
    int m_capacity;
    std::deque<PoolSample> m_samples;
};

} // namespace melodee
