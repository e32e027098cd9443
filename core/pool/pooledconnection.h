#pragma once

class QSqlDatabase;

namespace melodee {

class ConnectionPool;
class PgConnection;
struct PoolSlot;

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

    // A QSqlDatabase over this leased connection for QSqlQuery, valid in the calling thread until
    // the lease is released (PooledSqlDriver; QPSQL's driver cannot adopt a PGconn).
    QSqlDatabase sqlDatabase();
    // Forces the connection to be closed instead of reused when the lease ends.
    void discard();

private:
    friend class ConnectionPool;
    PooledConnection(ConnectionPool *pool, PoolSlot *slot)
        : m_pool(pool)
        , m_slot(slot)
    {}

    ConnectionPool *m_pool = nullptr;
    PoolSlot *m_slot = nullptr;
};

} // namespace melodee
