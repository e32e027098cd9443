#pragma once

#include "connector.h"
#include "db/pgconnection.h"
#include "pooledsqldriver.h"
#include "sourcesite.h"

#include <QPointer>
#include <QString>

#include <chrono>
#include <memory>

namespace melodee {

// One open connection of a ConnectionPool and what the pool knows about it. The pool owns every
// slot (a std::unique_ptr in its list of open connections); the idle list, waiters and leases
// only point at it. Guarded by the pool's mutex, except `conn` while it is leased.
struct PoolSlot
{
    using Clock = std::chrono::steady_clock;

    PoolSlot() = default;
    PoolSlot(const PoolSlot &) = delete;
    PoolSlot &operator=(const PoolSlot &) = delete;
    // Closes the connection through the connector that opened it. The slot keeps that connector
    // alive: a lease returned while the pool shuts down lets the pool's destructor finish before
    // the connection is closed.
    ~PoolSlot()
    {
        if (connector && conn)
            connector->close(std::move(conn));
    }

    std::shared_ptr<Connector> connector;
    std::unique_ptr<PgConnection> conn;
    Clock::time_point createdAt;
    Clock::time_point returnedAt;
    Clock::time_point acquiredAt;
    std::chrono::nanoseconds jitter{0}; // subtracted from the lifetime so connections do not
                                        // expire together
    SourceSite where;
    unsigned long long generation = 0;
    bool inUse = false;
    bool leakReported = false;
    bool discard = false;
    QString sqlName; // the QSqlDatabase registered for this lease, if any
    QPointer<PooledSqlDriver> sqlDriver;
};

} // namespace melodee
