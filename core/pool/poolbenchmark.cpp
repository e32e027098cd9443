#include "poolbenchmark.h"

#include "connectionpool.h"
#include "db/dberror.h"
#include "statementpipeline.h"

#include <QElapsedTimer>

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace melodee {

namespace {

struct Worker
{
    LatencyHistogram latency;
    std::atomic<qint64> ops{0};
    std::atomic<qint64> errors{0};
};

} // namespace

PoolBenchmarkResult runPoolBenchmark(ConnectionPool &pool,
                                     int workers,
                                     double seconds,
                                     const QByteArray &query,
                                     std::stop_token stop,
                                     RetryPolicy policy,
                                     PoolBenchmarkPath path)
{
    // As many connections as the pool may open; one per worker when it has no limit.
    std::unique_ptr<StatementPipeline> pipeline;
    if (path == PoolBenchmarkPath::Pipeline)
        pipeline = std::make_unique<StatementPipeline>(
            pool, pool.maxOpenConns() > 0 ? pool.maxOpenConns() : workers);
    std::vector<std::unique_ptr<Worker>> stats;
    for (int i = 0; i < workers; ++i)
        stats.push_back(std::make_unique<Worker>());
    std::atomic<bool> done{false};
    std::mutex errorMutex;
    PoolBenchmarkResult result;
    std::vector<std::thread> threads;
    QElapsedTimer elapsed;
    elapsed.start();
    for (int i = 0; i < workers; ++i) {
        threads.emplace_back([&, w = stats[i].get()] {
            const PgParams none;
            while (!done.load(std::memory_order_relaxed)) {
                const auto t0 = std::chrono::steady_clock::now();
                try {
                    if (pipeline)
                        pipeline->query(query, none);
                    else
                        pool.withConnection(
                            [&](PgConnection &conn) { return conn.execCached(query, none); },
                            policy);
                } catch (const DbError &e) {
                    w->errors.fetch_add(1, std::memory_order_relaxed);
                    std::lock_guard lock(errorMutex);
                    if (result.firstError.isEmpty())
                        result.firstError = e.toString();
                    continue;
                }
                w->latency.record(std::chrono::steady_clock::now() - t0);
                w->ops.fetch_add(1, std::memory_order_relaxed);
            }
        });
    }
    // Sleep in short slices so a cancel ends the run within 50 ms.
    const qint64 totalNs = qint64(seconds * 1e9);
    while (!stop.stop_requested()) {
        const qint64 left = totalNs - elapsed.nsecsElapsed();
        if (left <= 0)
            break;
        std::this_thread::sleep_for(std::chrono::nanoseconds(std::min<qint64>(left, 50'000'000)));
    }
    result.cancelled = stop.stop_requested();
    done = true;
    result.seconds = double(elapsed.nsecsElapsed()) / 1e9;
    for (std::thread &t : threads)
        t.join();

    std::array<std::uint64_t, LatencyHistogram::kBuckets> merged{};
    for (const auto &w : stats) {
        result.ops += w->ops.load();
        result.errors += w->errors.load();
        const auto counts = w->latency.snapshot();
        for (int i = 0; i < LatencyHistogram::kBuckets; ++i)
            merged[i] += counts[i];
    }
    result.opsPerSec = result.seconds > 0 ? double(result.ops) / result.seconds : 0;
    result.p50Us = LatencyHistogram::percentileUs(merged, 50);
    result.p99Us = LatencyHistogram::percentileUs(merged, 99);
    return result;
}

} // namespace melodee
