// ConnectionPool's policy without a server: a fake Connector stands in for PostgreSQL, as Go's
// database/sql is tested against its fake driver. The same pool against a real server is
// tst_pgconnector.
#include <db/dberror.h>
#include <pool/connectionpool.h>
#include <pool/connector.h>

#include <QElapsedTimer>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <thread>

using namespace melodee;
using namespace std::chrono_literals;

namespace {

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
    int openCount()
    {
        std::lock_guard lock(mutex);
        return int(ids.size());
    }
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

// A clock the test moves by hand, so lifetime and idle tests need no sleeps.
struct ManualClock
{
    std::shared_ptr<std::atomic<std::chrono::steady_clock::rep>> offset
        = std::make_shared<std::atomic<std::chrono::steady_clock::rep>>(0);
    PoolClock clock() const
    {
        return [o = offset] {
            return std::chrono::steady_clock::now()
                   + std::chrono::steady_clock::duration(o->load());
        };
    }
    void advance(std::chrono::nanoseconds d) { offset->fetch_add(d.count()); }
};

DatabaseConfig limits(int maxOpen, int maxIdle)
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

DbError brokenError(bool mayHaveExecuted)
{
    DbError e(QStringLiteral("query"), QString(), QStringLiteral("fake: server closed"));
    e.setConnectionBroken(true);
    e.setMayHaveExecuted(mayHaveExecuted);
    return e;
}

} // namespace

class tst_ConnectionPool : public QObject
{
    Q_OBJECT

private slots:
    // --- Go's limits ---------------------------------------------------------------------------

    void maxOpenIsCountedBeforeDialling()
    {
        Fixture f(limits(3, 3));
        f.server->holdOpens = true;
        std::vector<std::unique_ptr<Waiting>> callers;
        for (int i = 0; i < 6; ++i)
            callers.push_back(std::make_unique<Waiting>(f.pool, 10s));
        // Three dial at once; the other three wait, although nothing is open yet.
        QTRY_COMPARE(f.pool.stats().pendingWaiters, 3);
        QCOMPARE(f.server->opensInProgress, 3);
        QCOMPARE(f.pool.stats().openConnections, 3);
        f.server->releaseOpens();
        const auto served = [&callers] {
            return int(std::count_if(
                callers.begin(), callers.end(), [](const auto &c) { return c->served(); }));
        };
        QTRY_COMPARE(served(), 3);
        QCOMPARE(f.pool.stats().pendingWaiters, 3);
        for (auto &c : callers) {
            if (c->served())
                c->release(); // returned: the waiters get them
        }
        QTRY_COMPARE(served(), 6);
        QCOMPARE(f.server->opened, 3);
        QCOMPARE(f.pool.stats().waitCount, 3);
    }

    void unlimitedOpenNeverWaits()
    {
        Fixture f(limits(0, 2));
        std::vector<PooledConnection> leases;
        for (int i = 0; i < 20; ++i)
            leases.push_back(f.pool.acquire());
        QCOMPARE(f.pool.stats().openConnections, 20);
        QCOMPARE(f.pool.stats().waitCount, 0);
        leases.clear();
        QCOMPARE(f.pool.stats().idle, 2);
        QCOMPARE(f.pool.stats().maxIdleClosed, 18);
        QCOMPARE(f.server->openCount(), 2);
    }

    void maxIdleClosesSurplusOnReturn_data()
    {
        QTest::addColumn<int>("maxOpen");
        QTest::addColumn<int>("maxIdle");
        QTest::addColumn<int>("held");
        QTest::addColumn<int>("expectIdle");
        QTest::addColumn<int>("expectMaxIdleClosed");
        QTest::newRow("idle below open") << 4 << 2 << 4 << 2 << 2;
        QTest::newRow("unlimited open") << 0 << 1 << 3 << 1 << 2;
        QTest::newRow("idle capped at open") << 2 << 5 << 2 << 2 << 0;
        QTest::newRow("no idle kept (0)") << 3 << 0 << 3 << 0 << 3;
        QTest::newRow("negative idle = none") << 2 << -1 << 2 << 0 << 2;
    }
    void maxIdleClosesSurplusOnReturn()
    {
        QFETCH(int, maxOpen);
        QFETCH(int, maxIdle);
        QFETCH(int, held);
        QFETCH(int, expectIdle);
        QFETCH(int, expectMaxIdleClosed);
        Fixture f(limits(maxOpen, maxIdle));
        {
            std::vector<PooledConnection> leases;
            for (int i = 0; i < held; ++i)
                leases.push_back(f.pool.acquire());
        }
        const PoolStats s = f.pool.stats();
        QCOMPARE(s.idle, expectIdle);
        QCOMPARE(s.maxIdleClosed, expectMaxIdleClosed);
        QCOMPARE(s.openConnections, expectIdle);
        QCOMPARE(f.server->openCount(), expectIdle);
    }

    void runtimeSettersHaveGoEffects()
    {
        Fixture f(limits(4, 4));
        {
            std::vector<PooledConnection> leases;
            for (int i = 0; i < 4; ++i)
                leases.push_back(f.pool.acquire());
        }
        QCOMPARE(f.pool.stats().idle, 4);
        // SetMaxIdleConns closes the surplus now and counts it.
        f.pool.setMaxIdleConns(1);
        QCOMPARE(f.pool.stats().idle, 1);
        QCOMPARE(f.pool.stats().maxIdleClosed, 3);
        QCOMPARE(f.server->openCount(), 1);
        // SetMaxOpenConns below max idle lowers max idle too.
        f.pool.setMaxIdleConns(4);
        f.pool.setMaxOpenConns(2);
        QCOMPARE(f.pool.maxIdleConns(), 2);
        // In-use connections above a lowered max open close on return, uncounted (as Go).
        f.pool.setMaxOpenConns(0);
        std::vector<PooledConnection> leases;
        for (int i = 0; i < 3; ++i)
            leases.push_back(f.pool.acquire());
        f.pool.setMaxOpenConns(1);
        const qint64 idleClosedBefore = f.pool.stats().maxIdleClosed;
        leases.clear();
        QCOMPARE(f.pool.stats().openConnections, 1);
        QCOMPARE(f.pool.stats().maxIdleClosed, idleClosedBefore);
        // Raising max open lets a waiter open a connection at once.
        PooledConnection one = f.pool.acquire();
        Waiting waiter(f.pool, 10s);
        QTRY_COMPARE(f.pool.stats().pendingWaiters, 1);
        f.pool.setMaxOpenConns(2);
        QTRY_VERIFY(waiter.served());
        QCOMPARE(f.pool.stats().openConnections, 2);
    }

    void lifetimeClosesWithInjectedClock()
    {
        DatabaseConfig c = limits(2, 2);
        c.connMaxLifetime = 30min;
        ManualClock clock;
        Fixture f(c);
        f.pool.setClock(clock.clock());

        // Expired while idle: closed before reuse.
        int id = f.id(f.pool.acquire());
        clock.advance(31min);
        QVERIFY(f.id(f.pool.acquire()) != id);
        QCOMPARE(f.pool.stats().maxLifetimeClosed, 1);

        // Expired while in use: never interrupted, closed on return.
        {
            PooledConnection lease = f.pool.acquire();
            id = f.id(lease);
            clock.advance(31min);
            QCOMPARE(f.id(lease), id);
        }
        QCOMPARE(f.pool.stats().maxLifetimeClosed, 2);
        QCOMPARE(f.pool.stats().idle, 0);

        // Expired while idle: closed by the housekeeper.
        f.pool.acquire().release();
        QCOMPARE(f.pool.stats().idle, 1);
        clock.advance(31min);
        f.pool.runMaintenance();
        QCOMPARE(f.pool.stats().maxLifetimeClosed, 3);
        QCOMPARE(f.pool.stats().openConnections, 0);
        QCOMPARE(f.server->openCount(), 0);
    }

    void lifetimeJitterRetiresEarlier()
    {
        DatabaseConfig c = limits(1, 1);
        c.connMaxLifetime = 10min;
        c.connMaxLifetimeJitter = 10min; // up to the whole lifetime earlier
        ManualClock clock;
        Fixture f(c);
        f.pool.setClock(clock.clock());
        f.pool.acquire().release();
        // Never later than the lifetime.
        clock.advance(10min);
        f.pool.runMaintenance();
        QCOMPARE(f.pool.stats().maxLifetimeClosed, 1);
    }

    void idleTimeClosesWithInjectedClock()
    {
        DatabaseConfig c = limits(3, 3);
        c.connMaxIdleTime = 5min;
        ManualClock clock;
        Fixture f(c);
        f.pool.setClock(clock.clock());
        PooledConnection a = f.pool.acquire();
        PooledConnection b = f.pool.acquire();
        const int idB = f.id(b);
        a.release();
        clock.advance(4min);
        b.release();
        clock.advance(2min); // a idle 6 min, b idle 2 min
        f.pool.runMaintenance();
        PoolStats s = f.pool.stats();
        QCOMPARE(s.maxIdleTimeClosed, 1);
        QCOMPARE(s.idle, 1);
        QCOMPARE(f.id(f.pool.acquire()), idB);
        clock.advance(10min);
        f.pool.runMaintenance();
        s = f.pool.stats();
        QCOMPARE(s.maxIdleTimeClosed, 2);
        QCOMPARE(s.openConnections, 0);
    }

    void housekeeperRunsOnItsOwn()
    {
        DatabaseConfig c = limits(2, 2);
        c.connMaxIdleTime = 1s; // Go's cleaner interval floor
        Fixture f(c);
        f.pool.acquire().release();
        QTRY_COMPARE_WITH_TIMEOUT(f.pool.stats().maxIdleTimeClosed, 1, 10000);
        QCOMPARE(f.pool.stats().openConnections, 0);
    }

    void aNewLimitWakesTheHousekeeper()
    {
        Fixture f(limits(2, 2)); // no limits: the housekeeper sleeps until one is set
        f.pool.acquire().release();
        f.pool.setConnMaxIdleTime(1ms); // floored at 1 s, and swept without a call from the test
        QTRY_COMPARE_WITH_TIMEOUT(f.pool.stats().maxIdleTimeClosed, 1, 10000);
    }

    // --- waiting -------------------------------------------------------------------------------

    void acquireTimesOut_data()
    {
        QTest::addColumn<int>("maxOpen");
        QTest::newRow("1") << 1;
        QTest::newRow("3") << 3;
    }
    void acquireTimesOut()
    {
        QFETCH(int, maxOpen);
        Fixture f(limits(maxOpen, maxOpen));
        std::vector<PooledConnection> held;
        for (int i = 0; i < maxOpen; ++i)
            held.push_back(f.pool.acquire());
        QElapsedTimer timer;
        timer.start();
        try {
            f.pool.acquire(150ms);
            QFAIL("acquire beyond max open must time out");
        } catch (const DbError &e) {
            QVERIFY2(e.message().contains(QLatin1String("within 150 ms")), e.what());
            QVERIFY2(e.message().contains(QStringLiteral("max_open_conns=%1").arg(maxOpen)),
                     e.what());
            QCOMPARE(e.sqlState(), QStringLiteral("08004"));
            QVERIFY(!e.mayHaveExecuted());
        }
        QVERIFY(timer.elapsed() >= 140);
        const PoolStats s = f.pool.stats();
        QCOMPARE(s.timeouts, 1);
        QCOMPARE(s.waitCount, 1);
        QVERIFY(s.waitDuration >= 140ms);
        QCOMPARE(s.pendingWaiters, 0);
        QCOMPARE(s.openConnections, maxOpen);
        QCOMPARE(s.totalAcquires, maxOpen);
    }

    void waitersAreServedFifo()
    {
        Fixture f(limits(1, 1));
        PooledConnection held = f.pool.acquire();
        std::mutex mutex;
        QList<int> order;
        std::vector<std::thread> threads;
        for (int i = 0; i < 6; ++i) {
            threads.emplace_back([&, i] {
                PooledConnection lease = f.pool.acquire(10s);
                std::lock_guard lock(mutex);
                order << i;
            });
            // Queue them in a known order.
            QTRY_COMPARE(f.pool.stats().pendingWaiters, i + 1);
        }
        held.release();
        for (auto &t : threads)
            t.join();
        QCOMPARE(order, (QList<int>{0, 1, 2, 3, 4, 5}));
        QCOMPARE(f.pool.stats().waitCount, 6);
        QCOMPARE(f.pool.stats().openConnections, 1);
        QCOMPARE(f.server->opened, 1);
    }

    void cancelWaitingAcquire()
    {
        Fixture f(limits(1, 1));
        PooledConnection held = f.pool.acquire();
        std::stop_source stop;
        Waiting waiter(f.pool, 30s, stop.get_token());
        QTRY_COMPARE(f.pool.stats().pendingWaiters, 1);
        QElapsedTimer timer;
        timer.start();
        stop.request_stop();
        QTRY_VERIFY(waiter.failed());
        QVERIFY(timer.elapsed() < 5000);
        QCOMPARE(waiter.sqlState(), QStringLiteral("57014"));
        QCOMPARE(f.pool.stats().cancelledWaits, 1);
        QCOMPARE(f.pool.stats().pendingWaiters, 0);
        // The connection goes to the next caller, not to the cancelled one.
        const int id = f.id(held);
        held.release();
        QCOMPARE(f.id(f.pool.acquire(1s)), id);
    }

    void anAcquireCancelledBeforeItWaitsFailsAtOnce()
    {
        Fixture f(limits(1, 1));
        PooledConnection held = f.pool.acquire();
        std::stop_source stop;
        stop.request_stop();
        try {
            f.pool.acquire(30s, stop.get_token());
            QFAIL("a cancelled acquire must not wait");
        } catch (const DbError &e) {
            QVERIFY(e.isCancelled());
        }
        QCOMPARE(f.pool.stats().cancelledWaits, 1);
        QCOMPARE(f.pool.stats().waitCount, 0);
        // With a connection idle, a cancelled token does not matter.
        held.release();
        QVERIFY(f.pool.acquire(1s, stop.get_token()));
    }

    // A caller that returns its connection and asks again at once may keep it for a moment (the
    // hand-off window), but never for good.
    void loopingCallerCannotStarveAWaiter()
    {
        Fixture f(limits(1, 1));
        int served = 0;
        QString error;
        int loopsBefore = 0;
        int loopsAfter = 0;
        {
            LoopingCaller hog(f.pool);
            QTRY_VERIFY(hog.loops() > 1000);
            loopsBefore = hog.loops();
            // The loop holds the only connection almost all the time. Each acquire runs on a
            // thread of its own, so the caller is never a loop itself.
            for (int i = 0; i < 20 && error.isEmpty(); ++i) {
                std::thread([&] {
                    try {
                        served += f.pool.acquire(5s) ? 1 : 0;
                    } catch (const DbError &e) {
                        error = e.toString();
                    }
                }).join();
            }
            loopsAfter = hog.loops();
        }
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(served, 20);
        QVERIFY(f.pool.stats().waitCount > 0);
        QVERIFY(loopsAfter > loopsBefore);
        QCOMPARE(f.pool.stats().timeouts, 0);
    }

    // The window never outlasts half of a waiter's acquire timeout.
    void theWindowIsCappedAtHalfTheAcquireTimeout()
    {
        Fixture f(limits(1, 1));
        f.pool.setHandoffWindow(std::chrono::minutes(10));
        QString error;
        {
            LoopingCaller loop(f.pool);
            QTRY_VERIFY(loop.loops() > 1000);
            try {
                PooledConnection lease = f.pool.acquire(2s);
            } catch (const DbError &e) {
                error = e.toString();
            }
        }
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(f.pool.stats().timeouts, 0);
    }

    // A caller that is not looping hands its connection to the oldest waiter at once, whatever
    // the hand-off window.
    void aReturnedConnectionGoesStraightToTheWaiter()
    {
        Fixture f(limits(1, 1));
        f.pool.setHandoffWindow(std::chrono::minutes(10));
        PooledConnection held = f.pool.acquire();
        const PgConnection *conn = held.get();
        Waiting waiter(f.pool, 60s);
        QTRY_COMPARE(f.pool.stats().pendingWaiters, 1);
        held.release();
        QTRY_VERIFY(waiter.served());
        QCOMPARE(waiter.connection(), conn);
        QCOMPARE(f.pool.stats().idle, 0);
        QCOMPARE(f.pool.stats().totalAcquires, 2);
    }

    // A looping caller that stops during the window leaves its connection idle; the waiter takes
    // it when its window ends instead of sleeping until the acquire timeout.
    void aConnectionLeftIdleByALoopGoesToTheWaiter()
    {
        Fixture f(limits(1, 1));
        f.pool.setHandoffWindow(200ms);
        std::atomic<bool> served{false};
        std::atomic<int> loopsWhileQueued{0};
        std::thread loop([&] {
            while (loopsWhileQueued.load() < 5 && !served.load()) {
                PooledConnection lease = f.pool.acquire();
                if (f.pool.stats().pendingWaiters > 0)
                    loopsWhileQueued.fetch_add(1);
            }
        });
        QTRY_VERIFY(f.pool.stats().totalAcquires > 100);
        QString error;
        QElapsedTimer timer;
        timer.start();
        try {
            PooledConnection lease = f.pool.acquire(30s);
        } catch (const DbError &e) {
            error = e.toString();
        }
        served = true;
        loop.join();
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(timer.elapsed() < 20000);
        QCOMPARE(f.pool.stats().timeouts, 0);
        QCOMPARE(f.pool.stats().idle, 1);
    }

    // --- which connection ----------------------------------------------------------------------

    void idleConnectionsAreReusedLifo()
    {
        Fixture f(limits(3, 3));
        PooledConnection a = f.pool.acquire();
        PooledConnection b = f.pool.acquire();
        PooledConnection c = f.pool.acquire();
        const int idB = f.id(b);
        std::thread([&] {
            a.release();
            c.release();
            b.release(); // most recently returned
        }).join();
        QCOMPARE(f.id(f.pool.acquire()), idB);
    }

    // A thread gets back the connection it returned last, not the newest idle one.
    void aThreadGetsBackTheConnectionItReturned()
    {
        Fixture f(limits(2, 2));
        std::promise<int> taken;
        std::promise<void> mainTook, returned, mainReturned;
        int again = 0;
        std::thread other([&] {
            PooledConnection lease = f.pool.acquire();
            taken.set_value(f.id(lease));
            mainTook.get_future().wait();
            lease.release();
            returned.set_value();
            mainReturned.get_future().wait();
            again = f.id(f.pool.acquire());
        });
        const int idOther = taken.get_future().get();
        PooledConnection mine = f.pool.acquire();
        const int idMine = f.id(mine);
        mainTook.set_value();
        returned.get_future().wait();
        mine.release(); // now the most recently returned: plain LIFO would hand out this one
        mainReturned.set_value();
        other.join();
        QVERIFY(idOther != idMine);
        QCOMPARE(again, idOther);
        QCOMPARE(f.id(f.pool.acquire()), idMine); // and this thread gets its own
    }

    // --- broken connections --------------------------------------------------------------------

    void brokenConnectionIsNeverPooled()
    {
        Fixture f(limits(2, 2));
        {
            PooledConnection lease = f.pool.acquire();
            f.server->breakConnection(lease.get());
        }
        PoolStats s = f.pool.stats();
        QCOMPARE(s.brokenClosed, 1);
        QCOMPARE(s.openConnections, 0);
        QCOMPARE(f.server->openCount(), 0);
        {
            PooledConnection lease = f.pool.acquire();
            lease.discard(); // the holder says so
        }
        s = f.pool.stats();
        QCOMPARE(s.brokenClosed, 2);
        QCOMPARE(s.idle, 0);
    }

    void deadIdleConnectionIsReplacedOnBorrow()
    {
        DatabaseConfig c = limits(2, 2);
        c.validateAfterIdle = 1s;
        ManualClock clock;
        Fixture f(c);
        f.pool.setClock(clock.clock());
        PooledConnection first = f.pool.acquire();
        const int id = f.id(first);
        f.server->closeFromServer(first.get());
        first.release();
        // Idle for less than validate_after_idle: handed out without a look.
        QCOMPARE(f.id(f.pool.acquire()), id);
        clock.advance(2s);
        QVERIFY(f.id(f.pool.acquire()) != id);
        QCOMPARE(f.pool.stats().brokenClosed, 1);
    }

    // withConnection's retries: the second attempt looks at a connection handed over by a caller
    // that returned it (its backend may be gone without the client knowing yet).
    void checkedAcquireLooksAtAHandedOverConnection()
    {
        Fixture f(limits(1, 1));
        PooledConnection held = f.pool.acquire();
        const int oldId = f.id(held);
        int id = 0;
        std::thread waiter([&] { id = f.id(f.pool.acquireValidated()); });
        QTRY_COMPARE(f.pool.stats().pendingWaiters, 1);
        f.server->closeFromServer(held.get());
        held.release();
        waiter.join();
        QVERIFY(id != 0 && id != oldId);
        const PoolStats s = f.pool.stats();
        QCOMPARE(s.brokenClosed, 1);
        QCOMPARE(s.openConnections, 1);
        QCOMPARE(s.totalAcquires, 2); // the replacement, not the dead one
    }

    void withConnectionFollowsTheRetryPolicy_data()
    {
        QTest::addColumn<bool>("idempotent");
        QTest::addColumn<bool>("mayHaveExecuted");
        QTest::addColumn<int>("expectRuns");
        QTest::addColumn<bool>("expectSuccess");
        QTest::newRow("write, not sent") << false << false << 2 << true;
        QTest::newRow("write, may have run") << false << true << 1 << false;
        QTest::newRow("read, may have run") << true << true << 2 << true;
    }
    void withConnectionFollowsTheRetryPolicy()
    {
        QFETCH(bool, idempotent);
        QFETCH(bool, mayHaveExecuted);
        QFETCH(int, expectRuns);
        QFETCH(bool, expectSuccess);
        Fixture f(limits(2, 2));
        int runs = 0;
        bool succeeded = false;
        try {
            f.pool.withConnection(
                [&](PgConnection &conn) {
                    if (++runs == 1) {
                        f.server->breakConnection(&conn);
                        throw brokenError(mayHaveExecuted);
                    }
                    return 0;
                },
                RetryPolicy{3, idempotent});
            succeeded = true;
        } catch (const DbError &e) {
            QVERIFY(e.mayHaveExecuted());
        }
        QCOMPARE(runs, expectRuns);
        QCOMPARE(succeeded, expectSuccess);
        QCOMPARE(f.pool.stats().brokenClosed, 1);
    }

    void retriesStopAfterMaxAttempts()
    {
        Fixture f(limits(4, 4));
        int runs = 0;
        try {
            f.pool.withConnection(
                [&](PgConnection &) -> int {
                    ++runs;
                    throw brokenError(false);
                },
                RetryPolicy::read());
            QFAIL("every attempt fails");
        } catch (const DbError &e) {
            QVERIFY(e.connectionBroken());
        }
        QCOMPARE(runs, 3);
        QCOMPARE(f.pool.stats().brokenClosed, 3);
    }

    // --- failures to open ----------------------------------------------------------------------

    // An open that fails hands its place to the next waiter, which tries too: with the server
    // refusing, every caller fails fast instead of waiting for the acquire timeout.
    void openFailuresHandThePermitOn()
    {
        Fixture f(limits(1, 1));
        PooledConnection held = f.pool.acquire();
        std::vector<std::unique_ptr<Waiting>> waiters;
        for (int i = 0; i < 3; ++i) {
            waiters.push_back(std::make_unique<Waiting>(f.pool, 60s));
            QTRY_COMPARE(f.pool.stats().pendingWaiters, i + 1);
        }
        {
            std::lock_guard lock(f.server->mutex);
            f.server->refuseOpens = 3;
        }
        held.discard();
        held.release(); // closes it: its place goes to the first waiter
        for (auto &w : waiters)
            QTRY_VERIFY(w->failed());
        for (auto &w : waiters)
            QCOMPARE(w->error(), QStringLiteral("fake: refused"));
        const PoolStats s = f.pool.stats();
        QCOMPARE(s.openFailures, 3);
        QCOMPARE(s.openConnections, 0);
        QCOMPARE(s.timeouts, 0);
        QCOMPARE(s.pendingWaiters, 0);
        // The server is back: the pool opens again.
        QVERIFY(f.pool.acquire(1s));
        QCOMPARE(f.pool.stats().opened, 2);
    }

    void aFailedOpenFreesItsPlace()
    {
        Fixture f(limits(1, 1));
        {
            std::lock_guard lock(f.server->mutex);
            f.server->refuseOpens = 1;
        }
        try {
            f.pool.acquire(1s);
            QFAIL("the open is refused");
        } catch (const DbError &e) {
            QVERIFY(e.connectionBroken());
        }
        QCOMPARE(f.pool.stats().openConnections, 0);
        QVERIFY(f.pool.acquire(1s)); // not blocked by the failed one's place
    }

    // --- reset, leaks, closing -----------------------------------------------------------------

    void resetRetiresEveryConnection()
    {
        Fixture f(limits(2, 2));
        PooledConnection held = f.pool.acquire();
        const int heldId = f.id(held);
        const int idleId = f.id(f.pool.acquire());
        f.pool.reset();
        QCOMPARE(f.pool.stats().idle, 0);
        QCOMPARE(f.pool.stats().resetClosed, 1);
        held.release();
        QCOMPARE(f.pool.stats().resetClosed, 2);
        QCOMPARE(f.server->openCount(), 0);
        const int id = f.id(f.pool.acquire());
        QVERIFY(id != heldId && id != idleId);
    }

    void resetLetsAWaiterOpenANewConnection()
    {
        Fixture f(limits(1, 1));
        PooledConnection held = f.pool.acquire();
        const int heldId = f.id(held);
        Waiting waiter(f.pool, 10s);
        QTRY_COMPARE(f.pool.stats().pendingWaiters, 1);
        f.pool.reset();
        held.release(); // retired, not handed over: the waiter opens a new one
        QTRY_VERIFY(waiter.served());
        QVERIFY(f.server->id(waiter.connection()) != heldId);
        QCOMPARE(f.pool.stats().resetClosed, 1);
    }

    void leakIsDetectedOnceWithItsOrigin()
    {
        DatabaseConfig c = limits(2, 2);
        c.leakDetectionThreshold = 10min;
        ManualClock clock;
        Fixture f(c);
        f.pool.setClock(clock.clock());
        static QStringList messages;
        messages.clear();
        const auto previous = qInstallMessageHandler(
            [](QtMsgType, const QMessageLogContext &, const QString &m) { messages << m; });
        PooledConnection lease = f.pool.acquire();
        f.pool.runMaintenance();
        QCOMPARE(f.pool.stats().leaked, 0);
        clock.advance(11min);
        f.pool.runMaintenance();
        f.pool.runMaintenance();
        qInstallMessageHandler(previous);
        QCOMPARE(f.pool.stats().leaked, 1);
        QCOMPARE(messages.size(), 1);
        QVERIFY2(messages.first().contains(QLatin1String("tst_connectionpool.cpp")),
                 qPrintable(messages.first()));
        QVERIFY2(messages.first().contains(QLatin1String("leakIsDetectedOnceWithItsOrigin")),
                 qPrintable(messages.first()));
    }

    void closingThePoolWakesItsWaiters()
    {
        auto f = std::make_unique<Fixture>(limits(1, 1));
        PooledConnection held = f->pool.acquire();
        Waiting waiter(f->pool, 60s);
        QTRY_COMPARE(f->pool.stats().pendingWaiters, 1);
        // The destructor waits for the lease still out, so it runs on its own thread.
        std::thread closer([&] { f.reset(); });
        QTRY_VERIFY(waiter.failed());
        QVERIFY2(waiter.error().contains(QLatin1String("closed")), qPrintable(waiter.error()));
        held.release();
        closer.join();
    }

    // --- statistics ----------------------------------------------------------------------------

    void statisticsFollowGo()
    {
        Fixture f(limits(2, 1));
        PooledConnection a = f.pool.acquire();
        PooledConnection b = f.pool.acquire();
        PoolStats s = f.pool.stats();
        QCOMPARE(s.maxOpenConnections, 2);
        QCOMPARE(s.openConnections, 2);
        QCOMPARE(s.inUse, 2);
        QCOMPARE(s.idle, 0);
        QCOMPARE(s.opened, 2);
        QCOMPARE(s.waitCount, 0); // Go counts only acquires that waited
        QCOMPARE(s.waitDuration, std::chrono::nanoseconds(0));
        {
            Waiting waiter(f.pool, 10s);
            QTRY_COMPARE(f.pool.stats().pendingWaiters, 1);
            a.release();
            QTRY_VERIFY(waiter.served());
        }
        s = f.pool.stats();
        QCOMPARE(s.waitCount, 1);
        QVERIFY(s.waitDuration > std::chrono::nanoseconds(0));
        QCOMPARE(s.totalAcquires, 3);
        QCOMPARE(s.idle, 1);
        b.release(); // max idle 1: closed on return
        s = f.pool.stats();
        QCOMPARE(s.maxIdleClosed, 1);
        QCOMPARE(s.openConnections, 1);
        QCOMPARE(s.inUse, 0);
        QVERIFY(s.acquireP50Us > 0);
        QVERIFY(s.acquireP99Us >= s.acquireP95Us && s.acquireP95Us >= s.acquireP50Us);
        const QJsonObject json = s.toJson();
        QCOMPARE(json.value(QLatin1String("wait_count")).toInt(), 1);
        QCOMPARE(json.value(QLatin1String("max_idle_closed")).toInt(), 1);
        QCOMPARE(json.value(QLatin1String("total_acquires")).toInt(), 3);
    }

    // A connection whose session the Connector reset goes back to the pool, counted.
    void aResetSessionIsCountedAndKept()
    {
        Fixture f(limits(1, 1));
        {
            PooledConnection lease = f.pool.acquire();
            std::lock_guard lock(f.server->mutex);
            f.server->dirty.insert(lease.get());
        }
        f.pool.acquire().release();
        const PoolStats s = f.pool.stats();
        QCOMPARE(s.sessionResets, 1);
        QCOMPARE(s.idle, 1);
        QCOMPARE(s.opened, 1);
        QCOMPARE(s.toJson().value(QLatin1String("session_resets")).toInt(), 1);
    }

    void stressKeepsCountsConsistent()
    {
        Fixture f(limits(4, 2));
        std::atomic<int> errors{0};
        std::vector<std::thread> threads;
        for (int i = 0; i < 12; ++i) {
            threads.emplace_back([&] {
                for (int n = 0; n < 2000; ++n) {
                    try {
                        PooledConnection lease = f.pool.acquire();
                    } catch (const DbError &) {
                        ++errors;
                    }
                }
            });
        }
        for (auto &t : threads)
            t.join();
        QCOMPARE(errors.load(), 0);
        const PoolStats s = f.pool.stats();
        QCOMPARE(s.totalAcquires, 12 * 2000);
        QCOMPARE(s.inUse, 0);
        QVERIFY(s.openConnections <= 4);
        QCOMPARE(s.idle, s.openConnections);
        QCOMPARE(f.server->openCount(), s.openConnections);
        QCOMPARE(qint64(f.server->opened), s.opened);
        QCOMPARE(s.opened - s.openConnections, s.maxIdleClosed);
    }

    void runReturnsAFuture()
    {
        Fixture f(limits(2, 2));
        QFuture<int> ok = f.pool.run([&](PgConnection &c) { return f.server->id(&c); });
        QVERIFY(ok.result() > 0);
        QFuture<int> bad = f.pool.run([](PgConnection &) -> int { throw brokenError(false); });
        try {
            bad.waitForFinished();
            QFAIL("the error must cross the future");
        } catch (const DbError &e) {
            QVERIFY(e.connectionBroken());
        }
        QTRY_COMPARE(f.pool.stats().inUse, 0);
    }

    void cancellingRunWhileWaitingForAConnection()
    {
        Fixture f(limits(1, 1));
        PooledConnection held = f.pool.acquire();
        QFuture<int> future = f.pool.run([](PgConnection &) { return 1; });
        QTRY_COMPARE(f.pool.stats().pendingWaiters, 1);
        future.cancel();
        // The waiter leaves the queue in the cancelling thread and counts itself when it wakes.
        QTRY_COMPARE(f.pool.stats().cancelledWaits, 1);
        QCOMPARE(f.pool.stats().pendingWaiters, 0);
    }
};

QTEST_GUILESS_MAIN(tst_ConnectionPool)
#include "tst_connectionpool.moc"
