#pragma once

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
