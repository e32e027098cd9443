#pragma once

#include "connectionpool.h"
#include "poolstats.h"

#include <QByteArray>
#include <QString>

#include <stop_token>

namespace melodee {

struct PoolBenchmarkResult
{
    qint64 ops = 0;
    qint64 errors = 0;
    double seconds = 0; // measured, not requested
    double opsPerSec = 0;
    double p50Us = 0; // acquire + query + release, per iteration
    double p99Us = 0;
    bool cancelled = false;
    QString firstError;
};

// How each iteration reaches the server: a lease from the pool for the one statement (as
// withConnection() gives the product's own work), or a StatementPipeline over as many of the
// pool's connections as it may open (statements queue on a connection without waiting for it).
enum class PoolBenchmarkPath { Lease, Pipeline };

// The loop behind `melodee bench pool` and the Dashboard's load test: `workers` threads loop
// { acquire; run `query`; release } for `seconds` or until `stop` is requested. Blocking.
// On the Lease path each iteration runs through ConnectionPool::withConnection() with `policy`,
// as the product's own statements do: a read whose backend was terminated runs again on a fresh
// connection instead of counting as an error. The Pipeline path runs reads only, and retries them
// in the same way.
PoolBenchmarkResult runPoolBenchmark(ConnectionPool &pool,
                                     int workers,
                                     double seconds,
                                     const QByteArray &query,
                                     std::stop_token stop = {},
                                     RetryPolicy policy = RetryPolicy::read(),
                                     PoolBenchmarkPath path = PoolBenchmarkPath::Lease);

} // namespace melodee
