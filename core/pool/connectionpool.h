#pragma once

// CONTRACT (written by the lead so the library, migration and UI work can code against it while
// the pool is being built). The pool engineer implements it and may ADD members, but keeps these
// signatures.

#include "config/appconfig.h"
#include "db/pgconnection.h"

#include <QFuture>

#include <chrono>
#include <memory>

namespace melodee {

class ConnectionPool;
struct PoolStats;

// A leased connection. Move-only; returns the connection to the pool when destroyed (or closes
// it when it broke). Dereferences to the PgConnection.
class PooledConnection
{
public:
    PooledConnection() = default;
    PooledConnection(PooledConnection &&other) noexcept;
    PooledConnection &operator=(PooledConnection &&other) noexcept;
    PooledConnection(const PooledConnection &) = delete;
    PooledConnection &operator=(const PooledConnection &) = delete;
    ~PooledConnection();

    PgConnection *operator->() const;
    PgConnection &operator*() const;
    PgConnection *get() const;
    explicit operator bool() const;
    // Returns the connection now instead of at destruction.
    void release();

private:
    friend class ConnectionPool;
    struct Slot;
    ConnectionPool *m_pool = nullptr;
    Slot *m_slot = nullptr;
};

class ConnectionPool
{
public:
    ConnectionPool(const DatabaseConfig &database, const SessionConfig &session);
    ~ConnectionPool();

    // Blocks up to the configured acquire timeout (DatabaseConfig::acquireTimeout); throws DbError.
    PooledConnection acquire();
    PooledConnection acquire(std::chrono::milliseconds timeout);

    // Runs fn(PgConnection &) on a pooled connection on a worker thread. Cancelling the returned
    // future (or the token the pool engineer adds) sends PQcancel to the server when a query runs.
    template<typename Fn>
    auto run(Fn &&fn) -> QFuture<std::invoke_result_t<Fn, PgConnection &>>;

    PoolStats stats() const;
    const DatabaseConfig &databaseConfig() const;
    const SessionConfig &sessionConfig() const;
};

} // namespace melodee
