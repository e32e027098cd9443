#pragma once

// A server-less stand-in for PostgreSQL behind ConnectionPool, as Go tests database/sql against a
// fake driver, and the helpers the pool's unit tests share.
#include "manualclock.h"

#include <db/dberror.h>
#include <pool/connectionpool.h>
#include <pool/connector.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

namespace melodee::test {

// What the fake server knows; the test keeps it after the pool took the connector.
struct FakeServer
{
    std::mutex mutex;
    std::condition_variable changed;
    std::map<const PgConnection *, int> ids;       // open connections, numbered from 1
    std::set<const PgConnection *> broken;         // known broken (a connection-class error)
    std::set<const PgConnection *> closedByServer; // found only by looking at the socket
    std::set<const PgConnection *> dirty;          // session state to reset on return
    int opened = 0;
    int refuseOpens = 0;    // the next n opens fail
    bool holdOpens = false; // opens block until released
    int opensInProgress = 0;
    int closed = 0;

    int id(const PgConnection *c)
    {
        std::lock_guard lock(mutex);
        const auto it = ids.find(c);
        return it == ids.end() ? 0 : it->second;
    }
    void breakConnection(const PgConnection *c)
    {
        std::lock_guard lock(mutex);
        broken.insert(c);
    }
    void closeFromServer(const PgConnection *c)
    {
        std::lock_guard lock(mutex);
        closedByServer.insert(c);
    }
    void releaseOpens()
    {
        std::lock_guard lock(mutex);
        holdOpens = false;
        changed.notify_all();
    }
    int dialling()
    {
        std::lock_guard lock(mutex);
        return opensInProgress;
    }
    int openCount()
    {
        std::lock_guard lock(mutex);
        return int(ids.size());
    }
};

// Lets held opens go on when it goes out of scope.
struct OpensReleased
{
    FakeServer &server;
    ~OpensReleased() { server.releaseOpens(); }
};

// Connections are PgConnection objects without a libpq handle, told apart by address.
class FakeConnector : public Connector
{
public:
    explicit FakeConnector(std::shared_ptr<FakeServer> server)
        : m_server(std::move(server))
    {}

    std::unique_ptr<PgConnection> open() override
    {
        std::unique_lock lock(m_server->mutex);
        ++m_server->opensInProgress;
        m_server->changed.notify_all();
        m_server->changed.wait(lock, [this] { return !m_server->holdOpens; });
        --m_server->opensInProgress;
        if (m_server->refuseOpens > 0) {
            --m_server->refuseOpens;
            DbError e(QStringLiteral("connect"), QString(), QStringLiteral("fake: refused"));
            e.setConnectionBroken(true);
            e.setMayHaveExecuted(false);
            throw e;
        }
        auto conn = std::make_unique<PgConnection>(nullptr);
        m_server->ids[conn.get()] = ++m_server->opened;
        return conn;
    }
    bool isBroken(const PgConnection &conn) override
    {
        std::lock_guard lock(m_server->mutex);
        return m_server->broken.count(&conn) > 0;
    }
    bool isIdleBroken(PgConnection &conn) override
    {
        std::lock_guard lock(m_server->mutex);
        return m_server->broken.count(&conn) > 0 || m_server->closedByServer.count(&conn) > 0;
    }
    Recycled recycle(PgConnection &conn) override
    {
        std::lock_guard lock(m_server->mutex);
        if (m_server->broken.count(&conn))
            return Recycled::Broken;
        return m_server->dirty.erase(&conn) ? Recycled::Reset : Recycled::AsIs;
    }
    void close(std::unique_ptr<PgConnection> conn) override
    {
        std::lock_guard lock(m_server->mutex);
        m_server->ids.erase(conn.get());
        m_server->broken.erase(conn.get());
        m_server->closedByServer.erase(conn.get());
        ++m_server->closed;
    }

private:
    std::shared_ptr<FakeServer> m_server;
};

inline DatabaseConfig limits(int maxOpen, int maxIdle)
{
    DatabaseConfig c;
    c.maxOpenConns = maxOpen;
    c.maxIdleConns = maxIdle;
    c.connMaxLifetime = 0s;
    c.connMaxIdleTime = 0s;
    c.validateAfterIdle = 0s;
    c.acquireTimeout = 5s;
    return c;
}

// A pool over a fake server.
struct Fixture
{
    explicit Fixture(const DatabaseConfig &config)
        : pool(config, SessionConfig(), std::make_unique<FakeConnector>(server))
    {}
    std::shared_ptr<FakeServer> server = std::make_shared<FakeServer>();
    ConnectionPool pool;
    int id(const PooledConnection &lease) { return server->id(lease.get()); }
};

// A caller that loops acquire / release without pause until it is destroyed (also when a
// QVERIFY returns early, so its thread is always joined).
class LoopingCaller
{
public:
    explicit LoopingCaller(ConnectionPool &pool)
        : m_thread([this, &pool] {
            while (!m_stop.load()) {
                PooledConnection lease = pool.acquire();
                m_loops.fetch_add(1);
            }
        })
    {}
    ~LoopingCaller()
    {
        m_stop = true;
        m_thread.join();
    }
    int loops() const { return m_loops.load(); }

private:
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_loops{0};
    std::thread m_thread; // last: starts once the counters exist
};

// Runs acquire(timeout) on its own thread and keeps the lease until the object is destroyed.
class Waiting
{
public:
    Waiting(ConnectionPool &pool, std::chrono::milliseconds timeout, std::stop_token stop = {})
        : m_thread([this, &pool, timeout, stop] {
            try {
                PooledConnection lease = pool.acquire(timeout, stop);
                m_connection = lease.get();
                m_served = true;
                std::unique_lock lock(m_mutex);
                m_wake.wait(lock, [this] { return m_release; });
            } catch (const DbError &e) {
                std::lock_guard lock(m_mutex);
                m_error = e.message();
                m_sqlState = e.sqlState();
                m_failed = true;
            }
        })
    {}
    ~Waiting()
    {
        release();
        m_thread.join();
    }
    void release()
    {
        std::lock_guard lock(m_mutex);
        m_release = true;
        m_wake.notify_all();
    }
    bool served() const { return m_served.load(); }
    bool failed() const { return m_failed.load(); }
    const PgConnection *connection() const { return m_connection.load(); }
    QString error()
    {
        std::lock_guard lock(m_mutex);
        return m_error;
    }
    QString sqlState()
    {
        std::lock_guard lock(m_mutex);
        return m_sqlState;
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_release = false;
    std::atomic<bool> m_served{false};
    std::atomic<bool> m_failed{false};
    std::atomic<const PgConnection *> m_connection{nullptr};
    QString m_error;
    QString m_sqlState;
    std::thread m_thread; // last
};

inline DbError brokenError(bool mayHaveExecuted)
{
    DbError e(QStringLiteral("query"), QString(), QStringLiteral("fake: server closed"));
    e.setConnectionBroken(true);
    e.setMayHaveExecuted(mayHaveExecuted);
    return e;
}

} // namespace melodee::test
