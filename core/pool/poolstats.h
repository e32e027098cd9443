#pragma once

#include <QJsonObject>
#include <QtGlobal>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

namespace melodee {

// Log-linear latency histogram (8 sub-buckets per power of two, ~6% resolution). Recording is
// one relaxed atomic add, so every acquire can record without a lock.
class LatencyHistogram
{
public:
    static constexpr int kSubBits = 3;
    static constexpr int kBuckets = 64 << kSubBits;

    void record(std::chrono::nanoseconds value);
    // Copies the counters; the copy can be queried without touching the live histogram.
    std::array<std::uint64_t, kBuckets> snapshot() const;
    void reset();

    static int bucketOf(std::uint64_t ns);
    // Upper bound of a bucket in nanoseconds.
    static std::uint64_t bucketUpper(int bucket);
    // Percentile (0..100) of a snapshot, in microseconds; 0 when empty.
    static double percentileUs(const std::array<std::uint64_t, kBuckets> &counts, double p);

private:
    std::array<std::atomic<std::uint64_t>, kBuckets> m_counts{};
};

// Go's sql.DBStats (first block, same counting rules) plus what Go's users asked for.
struct PoolStats
{
    int maxOpenConnections = 0; // 0 = unlimited
    int openConnections = 0;    // in use + idle (+ being opened, as Go counts them)
    int inUse = 0;
    int idle = 0;
    qint64 waitCount = 0; // acquires that had to wait for a connection
    std::chrono::nanoseconds waitDuration{0};
    qint64 maxIdleClosed = 0;     // closed on return because the idle set was full
    qint64 maxIdleTimeClosed = 0; // closed by the cleaner after conn_max_idle_time
    qint64 maxLifetimeClosed = 0; // closed after conn_max_lifetime

    int pendingWaiters = 0;
    qint64 totalAcquires = 0;
    qint64 timeouts = 0;
    qint64 cancelledWaits = 0;
    qint64 leaked = 0;
    qint64 brokenClosed = 0; // broken connections discarded (never returned to the pool)
    qint64 resetClosed = 0;  // retired by reset()
    qint64 opened = 0;       // connections ever opened
    qint64 openedAhead = 0;  // of them, opened ahead of need (prewarm())
    qint64 openFailures = 0;
    qint64 sessionResets = 0; // returned connections whose session state was reset
    double acquireP50Us = 0;
    double acquireP95Us = 0;
    double acquireP99Us = 0;

    QJsonObject toJson() const;
};

} // namespace melodee
