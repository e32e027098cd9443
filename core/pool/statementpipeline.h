#pragma once

#include "connectionpool.h"
#include "db/pgconnection.h"
#include "db/pgresult.h"

#include <chrono>
#include <memory>
#include <vector>

namespace melodee {

// Single statements that are safe to run again (reads) from any number of threads, sent down a
// few connections leased from a ConnectionPool in libpq's pipeline mode.
//
// With leases, a caller waits until a connection is free, and the backend sleeps between one
// caller's answer and the next caller's statement. Here a caller writes its statement behind the
// ones already in flight on its thread's connection and does not wait for the connection at all:
// the backend finds the next statement in its socket as soon as it has answered the last. One
// caller at a time reads a connection; it hands each answer it reads to the caller it belongs to
// and, once its own has come, passes the reading on to the oldest caller still waiting.
//
// Each statement is followed by its own Sync, so it runs in its own implicit transaction and its
// error fails only its caller. Not for transactions, SET, or anything that must see the same
// session twice: use ConnectionPool::withConnection() for those.
//
// Every call has a deadline. When a statement has not answered by then, its connection is shut
// down: its caller gets a timeout, and the statements queued behind it stop waiting for it. A
// statement whose connection broke (so also one of those) runs once more on a fresh connection
// (it is a read), then fails with the connection's error.
class StatementPipeline
{
public:
    // `connections` connections are leased from `pool` as they are first needed and kept until
    // the pipeline is destroyed; they count as in use in the pool's statistics.
    StatementPipeline(ConnectionPool &pool, int connections);
    // Waits for no caller: no thread may be inside query() by then. Closes the connections
    // instead of returning them, so no pipeline mode or prepared statement outlives the pipeline.
    ~StatementPipeline();
    StatementPipeline(const StatementPipeline &) = delete;
    StatementPipeline &operator=(const StatementPipeline &) = delete;

    // Runs sql (prepared once per connection, or unnamed behind a transaction pooler) and
    // returns its result. Thread-safe; blocks the caller. Throws DbError.
    PgResult query(const QByteArray &sql,
                   const PgParams &params = {},
                   std::chrono::milliseconds timeout = std::chrono::seconds(30),
                   const OpContext &ctx = {});

    int connections() const { return int(m_lanes.size()); }
    // Statements sent and not yet answered, on all connections. No network.
    int inFlight() const;

private:
    struct Lane;
    struct Pending;
    enum class Outcome { Answered, Broken };

    Outcome runOnce(Lane &lane,
                    Pending &pending,
                    const QByteArray &sql,
                    const PgParams &params,
                    std::chrono::steady_clock::time_point deadline);
    Lane &laneForThisThread();

    ConnectionPool &m_pool;
    std::vector<std::unique_ptr<Lane>> m_lanes;
};

} // namespace melodee
