#pragma once

// Helpers of the pool's tests against the fixture's PostgreSQL.
#include "manualclock.h"
#include "testenv.h"

#include <pool/connectionpool.h>

#include <QUuid>

#include <atomic>
#include <thread>

namespace melodee::test {

using namespace std::chrono_literals;

inline QString uniqueAppName()
{
    return QStringLiteral("tst-pool-") + QUuid::createUuid().toString(QUuid::Id128).left(10);
}

inline DatabaseConfig poolConfig(int maxOpen, int maxIdle)
{
    DatabaseConfig c = TestEnv::superuser();
    c.applicationName = uniqueAppName();
    c.maxOpenConns = maxOpen;
    c.maxIdleConns = maxIdle;
    c.connMaxLifetime = 0s;
    c.connMaxIdleTime = 0s;
    c.acquireTimeout = 5s;
    return c;
}

// A caller that loops acquire / SELECT 1 / release without pause until it is destroyed (also
// when a QVERIFY returns early, so its thread is always joined).
class LoopingCaller
{
public:
    explicit LoopingCaller(ConnectionPool &pool)
        : m_thread([this, &pool] {
            while (!m_stop.load()) {
                PooledConnection lease = pool.acquire();
                lease->execCached("SELECT 1", {});
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

inline int countBackends(const QString &appName)
{
    return TestEnv::psql(QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE "
                                        "application_name = '%1'")
                             .arg(appName))
        .toInt();
}

inline void terminate(int pid)
{
    TestEnv::psql(QStringLiteral("SELECT pg_terminate_backend(%1, 5000)").arg(pid));
}

} // namespace melodee::test
