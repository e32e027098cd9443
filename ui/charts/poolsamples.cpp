#include "poolsamples.h"

namespace melodee {

PoolSample PoolRateCalculator::add(const PoolStats &stats,
                                   const LatencyCounts &acquireLatency,
                                   qint64 elapsedNs,
                                   int maxIdle)
{
    PoolSample s;
    s.open = stats.openConnections;
    s.inUse = stats.inUse;
    s.idle = stats.idle;
    s.maxOpen = stats.maxOpenConnections;
    s.maxIdle = maxIdle;
    bool restarted = m_previous
                     && (stats.waitCount < m_previous->waitCount
                         || stats.waitDuration < m_previous->waitDuration
                         || stats.totalAcquires < m_previous->totalAcquires);
    LatencyCounts interval{};
    for (int i = 0; i < LatencyHistogram::kBuckets && !restarted; ++i) {
        restarted = acquireLatency[i] < m_previousLatency[i];
        interval[i] = acquireLatency[i] - m_previousLatency[i];
    }
    if (m_previous && !restarted && elapsedNs > 0) {
        m_t += double(elapsedNs) / 1e9;
        const qint64 waits = stats.waitCount - m_previous->waitCount;
        const double waitedNs = double((stats.waitDuration - m_previous->waitDuration).count());
        s.waitsPerSecond = double(waits) / (double(elapsedNs) / 1e9);
        s.avgWaitMs = waits > 0 ? waitedNs / double(waits) / 1e6 : 0;
        for (const std::uint64_t n : interval)
            s.acquires += qint64(n);
        s.acquireP99Us = LatencyHistogram::percentileUs(interval, 99);
    } else if (m_previous && elapsedNs > 0) {
        m_t += double(elapsedNs) / 1e9;
    }
    s.tSeconds = m_t;
    m_previous = stats;
    m_previousLatency = acquireLatency;
    return s;
}

void PoolRateCalculator::reset()
{
    m_previous.reset();
    m_previousLatency = {};
    m_t = 0;
}

void PoolSampleHistory::append(const PoolSample &sample)
{
    m_samples.push_back(sample);
    while (int(m_samples.size()) > m_capacity)
        m_samples.pop_front();
}

QList<QPointF> PoolSampleHistory::series(double PoolSample::*field) const
{
    QList<QPointF> points;
    points.reserve(int(m_samples.size()));
    for (const PoolSample &s : m_samples)
        points.append(QPointF(s.tSeconds, s.*field));
    return points;
}

QList<QPointF> PoolSampleHistory::series(int PoolSample::*field) const
{
    QList<QPointF> points;
    points.reserve(int(m_samples.size()));
    for (const PoolSample &s : m_samples)
        points.append(QPointF(s.tSeconds, double(s.*field)));
    return points;
}

} // namespace melodee
