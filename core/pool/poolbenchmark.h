#pragma once

#include "poolstats.h"

#include <QByteArray>
#include <QString>

#include <stop_token>

namespace melodee {

class ConnectionPool;

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

// The loop behind `melodee bench pool` and the Dashboard's load test: `workers` threads loop
// { acquire; run `query`; release } for `seconds` or until `stop` is requested. Blocking.
PoolBenchmarkResult runPoolBenchmark(ConnectionPool &pool,
                                     int workers,
                                     double seconds,
                                     const QByteArray &query,
                                     std::stop_token stop = {});

} // namespace melodee
