#pragma once

#include "config/appconfig.h"

#include <functional>
#include <memory>

namespace melodee {

class PgConnection;

// How a ConnectionPool reaches the database: it opens connections and judges the ones the pool
// holds. The pool keeps the policy (limits, waiters, lifetimes, statistics) and the Connector the
// protocol, so the policy can be tested without a server against a fake Connector, as Go tests
// database/sql against its fake driver. Called without the pool's mutex, from any thread, for
// one connection at a time.
class Connector
{
public:
    enum class Recycled {
        AsIs,   // fit for the next caller as it was returned
        Reset,  // fit after resetting what the lease changed in the session
        Broken, // to be closed
    };

    virtual ~Connector() = default;

    // A new connection. Throws DbError when it cannot connect.
    virtual std::unique_ptr<PgConnection> open() = 0;
    // True when the connection is known to be unusable without asking the server.
    virtual bool isBroken(const PgConnection &conn) = 0;
    // A cheap, non-blocking look at an idle connection: true when the server closed it meanwhile.
    virtual bool isIdleBroken(PgConnection &conn) = 0;
    // Makes a returned connection fit for the next caller, or says it must be closed.
    virtual Recycled recycle(PgConnection &conn) = 0;
    // Closes a connection the pool retired.
    virtual void close(std::unique_ptr<PgConnection> conn) = 0;
};

// The Connector of a real PostgreSQL server, through libpq (PgConnection).
class PgConnector final : public Connector
{
public:
    // Work for every connection the pool opens, before its first lease: caching plans the
    // connection's first statements would otherwise pay for (SongBrowser::warmUp()). A DbError
    // from it is logged and the connection handed out all the same, unless it broke.
    using WarmUp = std::function<void(PgConnection &)>;

    PgConnector(const DatabaseConfig &database, bool usePreparedStatements, WarmUp warmUp = {});

    std::unique_ptr<PgConnection> open() override;
    bool isBroken(const PgConnection &conn) override;
    bool isIdleBroken(PgConnection &conn) override;
    Recycled recycle(PgConnection &conn) override;
    void close(std::unique_ptr<PgConnection> conn) override;

private:
    DatabaseConfig m_database;
    bool m_usePreparedStatements;
    WarmUp m_warmUp;
};

} // namespace melodee
