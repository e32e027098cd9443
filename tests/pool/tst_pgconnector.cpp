// ConnectionPool over PgConnector against the fixture's PostgreSQL: what needs a real server
// (broken sessions, retries, PQcancel, session state), and the pool's rules end to end. The same
// rules without a server are in tst_connectionpool.
#include "testenv.h"

#include <db/dberror.h>
#include <pool/connectionpool.h>

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QSqlQuery>
#include <QTest>
#include <QUuid>

#include <atomic>
#include <future>
#include <mutex>
#include <thread>

using namespace melodee;
using namespace melodee::test;
using namespace std::chrono_literals;

namespace {

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

QString uniqueAppName()
{
    return QStringLiteral("tst-pool-") + QUuid::createUuid().toString(QUuid::Id128).left(10);
}

DatabaseConfig poolConfig(int maxOpen, int maxIdle)
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

int countBackends(const QString &appName)
{
    return TestEnv::psql(QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE "
                                        "application_name = '%1'")
                             .arg(appName))
        .toInt();
}

void terminate(int pid)
{
    TestEnv::psql(QStringLiteral("SELECT pg_terminate_backend(%1, 5000)").arg(pid));
}

} // namespace

class tst_PgConnector : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { MELODEE_REQUIRE_POSTGRES(); }

    void acquireSetsApplicationName()
    {
        const DatabaseConfig c = poolConfig(4, 4);
        ConnectionPool pool(c, SessionConfig());
        {
            PooledConnection lease = pool.acquire();
            QVERIFY(lease);
            QCOMPARE(lease->exec("SELECT current_setting('application_name')").text(0, 0),
                     c.applicationName);
            QCOMPARE(countBackends(c.applicationName), 1);
            const PoolStats s = pool.stats();
            QCOMPARE(s.openConnections, 1);
            QCOMPARE(s.inUse, 1);
            QCOMPARE(s.idle, 0);
        }
        const PoolStats s = pool.stats();
        QCOMPARE(s.inUse, 0);
        QCOMPARE(s.idle, 1);
        QCOMPARE(s.totalAcquires, 1);
        QCOMPARE(s.waitCount, 0); // Go counts only acquires that waited
        QVERIFY(s.acquireP50Us > 0);
    }

    void preparedStatementsFollowSession_data()
    {
        QTest::addColumn<bool>("prepare");
        QTest::newRow("prepare_stmt on") << true;
        QTest::newRow("prepare_stmt off (PgBouncer)") << false;
    }
    void preparedStatementsFollowSession()
    {
        QFETCH(bool, prepare);
        SessionConfig session;
        session.prepareStmt = prepare;
        ConnectionPool pool(poolConfig(1, 1), session);
        pool.query("SELECT 1");
        pool.query("SELECT 1");
        PooledConnection lease = pool.acquire();
        QCOMPARE(lease->usePreparedStatements(), prepare);
        QCOMPARE(lease->preparedCount(), prepare ? 1 : 0);
        QCOMPARE(lease->exec("SELECT count(*) FROM pg_prepared_statements").text(0, 0),
                 prepare ? QStringLiteral("1") : QStringLiteral("0"));
    }

    void exhaustionTimesOut_data()
    {
        QTest::addColumn<int>("maxOpen");
        QTest::newRow("1") << 1;
        QTest::newRow("3") << 3;
    }
    void exhaustionTimesOut()
    {
        QFETCH(int, maxOpen);
        ConnectionPool pool(poolConfig(maxOpen, maxOpen), SessionConfig());
        std::vector<PooledConnection> held;
        for (int i = 0; i < maxOpen; ++i)
            held.push_back(pool.acquire());
        QElapsedTimer timer;
        timer.start();
        try {
            pool.acquire(150ms);
            QFAIL("acquire beyond max open must time out");
        } catch (const DbError &e) {
            QVERIFY2(e.message().contains(QLatin1String("within 150 ms")), e.what());
            QVERIFY2(e.message().contains(QStringLiteral("max_open_conns=%1").arg(maxOpen)),
                     e.what());
            QVERIFY(!e.mayHaveExecuted());
        }
        QVERIFY(timer.elapsed() >= 140);
        const PoolStats s = pool.stats();
        QCOMPARE(s.timeouts, 1);
        QCOMPARE(s.waitCount, 1);
        QVERIFY(s.waitDuration >= 140ms);
        QCOMPARE(s.pendingWaiters, 0);
        QCOMPARE(s.openConnections, maxOpen);
    }

    void cancelWaitingAcquire()
    {
        ConnectionPool pool(poolConfig(1, 1), SessionConfig());
        PooledConnection held = pool.acquire();
        std::stop_source stop;
        std::atomic<bool> failed{false};
        QString sqlState;
        std::thread waiter([&] {
            try {
                pool.acquire(30s, stop.get_token());
            } catch (const DbError &e) {
                sqlState = e.sqlState();
                failed = true;
            }
        });
        QTRY_COMPARE(pool.stats().pendingWaiters, 1);
        QElapsedTimer timer;
        timer.start();
        stop.request_stop();
        waiter.join();
        QVERIFY(timer.elapsed() < 2000);
        QVERIFY(failed);
        QCOMPARE(sqlState, QStringLiteral("57014"));
        const PoolStats s = pool.stats();
        QCOMPARE(s.cancelledWaits, 1);
        QCOMPARE(s.pendingWaiters, 0);
        // The pool still works for the holder and the next caller.
        held.release();
        QVERIFY(pool.acquire(1s));
    }

    void waitersAreServedFifo()
    {
        ConnectionPool pool(poolConfig(1, 1), SessionConfig());
        PooledConnection held = pool.acquire();
        std::mutex mutex;
        QList<int> order;
        std::vector<std::thread> threads;
        for (int i = 0; i < 4; ++i) {
            threads.emplace_back([&, i] {
                PooledConnection lease = pool.acquire(10s);
                std::lock_guard lock(mutex);
                order << i;
            });
            // Queue them in a known order.
            QTRY_COMPARE(pool.stats().pendingWaiters, i + 1);
        }
        held.release();
        for (auto &t : threads)
            t.join();
        QCOMPARE(order, (QList<int>{0, 1, 2, 3}));
        QCOMPARE(pool.stats().waitCount, 4);
        QCOMPARE(pool.stats().openConnections, 1);
    }

    // A caller that returns its connection and asks again at once may keep it for a moment
    // (the hand-off window), but never for good: a waiter must still be served while that
    // caller loops without pause.
    void loopingCallerCannotStarveAWaiter()
    {
        ConnectionPool pool(poolConfig(1, 1), SessionConfig());
        bool served = false;
        QString error;
        int loopsWhileWaiting = 0;
        {
            LoopingCaller hog(pool);
            QTRY_VERIFY(hog.loops() > 100);
            try {
                PooledConnection lease = pool.acquire(5s);
                served = lease->backendPid() > 0;
            } catch (const DbError &e) {
                error = e.toString();
            }
            loopsWhileWaiting = hog.loops();
        }
        QVERIFY2(served, qPrintable(error));
        QVERIFY(loopsWhileWaiting > 100);
        QCOMPARE(pool.stats().timeouts, 0);
    }

    // The window never outlasts half of a waiter's acquire timeout: a looping caller cannot make
    // a waiter with a short timeout fail.
    void aShortAcquireTimeoutShortensTheWindow()
    {
        ConnectionPool pool(poolConfig(1, 1), SessionConfig());
        pool.setHandoffWindow(std::chrono::minutes(10));
        QString error;
        int loopsWhileWaiting = 0;
        {
            LoopingCaller loop(pool);
            QTRY_VERIFY(loop.loops() > 100);
            try {
                PooledConnection lease = pool.acquire(4s);
            } catch (const DbError &e) {
                error = e.toString();
            }
            loopsWhileWaiting = loop.loops();
        }
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(loopsWhileWaiting > 100);
        QCOMPARE(pool.stats().timeouts, 0);
    }

    // withConnection's retries: the second attempt looks at the socket of a connection handed
    // over by a caller that returned it (its backend may be gone without libpq knowing yet).
    void checkedAcquireLooksAtAHandedOverConnection()
    {
        ConnectionPool pool(poolConfig(1, 1), SessionConfig());
        PooledConnection held = pool.acquire();
        const int oldPid = held->backendPid();
        int pid = 0;
        QString error;
        std::thread waiter([&] {
            try {
                PooledConnection lease = pool.acquireValidated();
                pid = lease->backendPid();
                lease->execCached("SELECT 1", {});
            } catch (const DbError &e) {
                error = e.toString();
            }
        });
        QTRY_COMPARE(pool.stats().pendingWaiters, 1);
        TestEnv::psql(QStringLiteral("SELECT pg_terminate_backend(%1)").arg(oldPid));
        QTRY_COMPARE(TestEnv::psql(QStringLiteral("SELECT count(*) FROM pg_stat_activity "
                                                  "WHERE pid = %1")
                                       .arg(oldPid)),
                     QStringLiteral("0"));
        held.release(); // libpq has not read the FATAL yet, so this goes to the waiter as it is
        waiter.join();
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(pid != oldPid);
        QCOMPARE(pool.stats().brokenClosed, 1);
        QCOMPARE(pool.stats().openConnections, 1);
    }

    // A thread gets back the connection it returned last, not the newest idle one, so it keeps
    // talking to one server process.
    void aThreadGetsBackTheConnectionItReturned()
    {
        ConnectionPool pool(poolConfig(2, 2), SessionConfig());
        std::promise<int> taken;
        std::promise<void> mainTook, returned, mainReturned;
        int again = 0;
        std::thread other([&] {
            PooledConnection lease = pool.acquire();
            taken.set_value(lease->backendPid());
            mainTook.get_future().wait();
            lease.release();
            returned.set_value();
            mainReturned.get_future().wait();
            again = pool.acquire()->backendPid();
        });
        const int pidOther = taken.get_future().get();
        PooledConnection mine = pool.acquire();
        const int pidMine = mine->backendPid();
        mainTook.set_value();
        returned.get_future().wait();
        mine.release(); // now the most recently returned: plain LIFO would hand out this one
        mainReturned.set_value();
        other.join();
        QVERIFY(pidOther != pidMine);
        QCOMPARE(again, pidOther);
        QCOMPARE(pool.acquire()->backendPid(), pidMine); // and this thread gets its own
    }

    // A caller that is not looping hands its connection to the oldest waiter at once, whatever
    // the hand-off window.
    void aReturnedConnectionGoesStraightToTheWaiter()
    {
        ConnectionPool pool(poolConfig(1, 1), SessionConfig());
        pool.setHandoffWindow(std::chrono::minutes(10));
        PooledConnection held = pool.acquire();
        QString error;
        std::thread waiter([&] {
            try {
                pool.acquire(20s);
            } catch (const DbError &e) {
                error = e.toString();
            }
        });
        QTRY_COMPARE(pool.stats().pendingWaiters, 1);
        held.release();
        waiter.join();
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(pool.stats().waitCount, 1);
    }

    // A looping caller that stops during the window leaves its connection idle; the waiter takes
    // it when its window ends instead of sleeping until the acquire timeout.
    void aConnectionLeftIdleByALoopGoesToTheWaiter()
    {
        ConnectionPool pool(poolConfig(1, 1), SessionConfig());
        pool.setHandoffWindow(200ms);
        std::atomic<int> loopsWhileQueued{0};
        std::atomic<bool> served{false};
        // It stops after five turns that overtook the waiter, or when the waiter was served first
        // (a preempted loop is no longer "looping" and hands its connection over).
        std::thread loop([&] {
            while (loopsWhileQueued.load() < 5 && !served.load()) {
                PooledConnection lease = pool.acquire();
                lease->execCached("SELECT 1", {});
                if (pool.stats().pendingWaiters > 0)
                    loopsWhileQueued.fetch_add(1);
            }
        });
        QTRY_VERIFY(pool.stats().totalAcquires > 100);
        QString error;
        try {
            PooledConnection lease = pool.acquire(10s);
        } catch (const DbError &e) {
            error = e.toString();
        }
        served = true;
        loop.join();
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(pool.stats().timeouts, 0);
        QCOMPARE(pool.stats().idle, 1);
    }

    void idleConnectionsAreReusedLifo()
    {
        ConnectionPool pool(poolConfig(3, 3), SessionConfig());
        PooledConnection a = pool.acquire();
        PooledConnection b = pool.acquire();
        PooledConnection c = pool.acquire();
        const int pidB = b->backendPid();
        a.release();
        c.release();
        b.release(); // most recently returned
        QCOMPARE(pool.acquire()->backendPid(), pidB);
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
        const DatabaseConfig c = poolConfig(maxOpen, maxIdle);
        ConnectionPool pool(c, SessionConfig());
        {
            std::vector<PooledConnection> leases;
            for (int i = 0; i < held; ++i)
                leases.push_back(pool.acquire());
        }
        const PoolStats s = pool.stats();
        QCOMPARE(s.idle, expectIdle);
        QCOMPARE(s.maxIdleClosed, expectMaxIdleClosed);
        QCOMPARE(s.openConnections, expectIdle);
        QTRY_COMPARE(countBackends(c.applicationName), expectIdle);
    }

    void runtimeSettersHaveGoEffects()
    {
        ConnectionPool pool(poolConfig(4, 4), SessionConfig());
        {
            std::vector<PooledConnection> leases;
            for (int i = 0; i < 4; ++i)
                leases.push_back(pool.acquire());
        }
        QCOMPARE(pool.stats().idle, 4);
        // SetMaxIdleConns closes the surplus now and counts it.
        pool.setMaxIdleConns(1);
        QCOMPARE(pool.stats().idle, 1);
        QCOMPARE(pool.stats().maxIdleClosed, 3);
        // SetMaxOpenConns below max idle lowers max idle too.
        pool.setMaxIdleConns(4);
        pool.setMaxOpenConns(2);
        QCOMPARE(pool.maxIdleConns(), 2);
        // In-use connections above a lowered max open close on return, uncounted (as Go).
        pool.setMaxOpenConns(0);
        std::vector<PooledConnection> leases;
        for (int i = 0; i < 3; ++i)
            leases.push_back(pool.acquire());
        pool.setMaxOpenConns(1);
        const qint64 idleClosedBefore = pool.stats().maxIdleClosed;
        leases.clear();
        const PoolStats s = pool.stats();
        QCOMPARE(s.openConnections, 1);
        QCOMPARE(s.maxIdleClosed, idleClosedBefore);
        // Raising max open lets a waiter open a connection at once.
        PooledConnection one = pool.acquire();
        std::atomic<bool> got{false};
        std::thread waiter([&] {
            PooledConnection l = pool.acquire(10s);
            got = true;
        });
        QTRY_COMPARE(pool.stats().pendingWaiters, 1);
        pool.setMaxOpenConns(2);
        waiter.join();
        QVERIFY(got);
    }

    void lifetimeClosesWithInjectedClock()
    {
        DatabaseConfig c = poolConfig(2, 2);
        c.connMaxLifetime = 30min;
        c.validateAfterIdle = 0s;
        ManualClock clock;
        ConnectionPool pool(c, SessionConfig());
        pool.setClock(clock.clock());

        // Expired while idle: closed before reuse.
        int pid = pool.acquire()->backendPid();
        clock.advance(31min);
        QVERIFY(pool.acquire()->backendPid() != pid);
        QCOMPARE(pool.stats().maxLifetimeClosed, 1);

        // Expired while in use: never interrupted, closed on return.
        {
            PooledConnection lease = pool.acquire();
            pid = lease->backendPid();
            clock.advance(31min);
            QCOMPARE(lease->exec("SELECT 1").text(0, 0), QStringLiteral("1"));
        }
        QCOMPARE(pool.stats().maxLifetimeClosed, 2);
        QCOMPARE(pool.stats().idle, 0);

        // Expired while idle: closed by the cleaner.
        pool.acquire().release();
        QCOMPARE(pool.stats().idle, 1);
        clock.advance(31min);
        pool.runMaintenance();
        QCOMPARE(pool.stats().maxLifetimeClosed, 3);
        QCOMPARE(pool.stats().idle, 0);
        QCOMPARE(pool.stats().openConnections, 0);
    }

    void lifetimeJitterRetiresEarlier()
    {
        DatabaseConfig c = poolConfig(1, 1);
        c.connMaxLifetime = 10min;
        c.connMaxLifetimeJitter = 10min; // up to the whole lifetime earlier
        ManualClock clock;
        ConnectionPool pool(c, SessionConfig());
        pool.setClock(clock.clock());
        pool.acquire().release();
        // Never later than the lifetime.
        clock.advance(10min);
        pool.runMaintenance();
        QCOMPARE(pool.stats().maxLifetimeClosed, 1);
    }

    void idleTimeClosesWithInjectedClock()
    {
        DatabaseConfig c = poolConfig(3, 3);
        c.connMaxIdleTime = 5min;
        ManualClock clock;
        ConnectionPool pool(c, SessionConfig());
        pool.setClock(clock.clock());
        PooledConnection a = pool.acquire();
        PooledConnection b = pool.acquire();
        a.release();
        clock.advance(4min);
        b.release();
        clock.advance(2min); // a idle 6 min, b idle 2 min
        pool.runMaintenance();
        PoolStats s = pool.stats();
        QCOMPARE(s.maxIdleTimeClosed, 1);
        QCOMPARE(s.idle, 1);
        clock.advance(10min);
        pool.runMaintenance();
        s = pool.stats();
        QCOMPARE(s.maxIdleTimeClosed, 2);
        QCOMPARE(s.openConnections, 0);
    }

    void cleanerThreadRunsOnItsOwn()
    {
        DatabaseConfig c = poolConfig(2, 2);
        c.connMaxIdleTime = 1s; // Go's cleaner interval floor
        ConnectionPool pool(c, SessionConfig());
        pool.acquire().release();
        QTRY_COMPARE_WITH_TIMEOUT(pool.stats().maxIdleTimeClosed, 1, 5000);
        QCOMPARE(pool.stats().openConnections, 0);
    }

    void deadIdleConnectionIsReplacedOnBorrow()
    {
        DatabaseConfig c = poolConfig(2, 2);
        c.validateAfterIdle = 1s;
        ManualClock clock;
        ConnectionPool pool(c, SessionConfig());
        pool.setClock(clock.clock());
        const int pid = pool.acquire()->backendPid();
        terminate(pid);
        clock.advance(2s);
        PooledConnection lease = pool.acquire();
        QVERIFY(lease->backendPid() != pid);
        QCOMPARE(lease->exec("SELECT 1").text(0, 0), QStringLiteral("1"));
        QCOMPARE(pool.stats().brokenClosed, 1);
    }

    void brokenConnectionIsNeverPooled()
    {
        const DatabaseConfig c = poolConfig(2, 2);
        ConnectionPool pool(c, SessionConfig());
        {
            PooledConnection lease = pool.acquire();
            terminate(lease->backendPid());
            try {
                lease->exec("SELECT 1");
                QFAIL("a terminated backend cannot answer");
            } catch (const DbError &e) {
                QVERIFY2(e.connectionBroken(), e.what());
            }
            QVERIFY(lease->isBroken());
        }
        const PoolStats s = pool.stats();
        QCOMPARE(s.brokenClosed, 1);
        QCOMPARE(s.openConnections, 0);
        QCOMPARE(s.idle, 0);
    }

    void readIsRetriedOnAFreshConnection()
    {
        DatabaseConfig c = poolConfig(2, 2);
        c.validateAfterIdle = 0s; // no check on borrow: the read itself meets the dead session
        ConnectionPool pool(c, SessionConfig());
        const int pid = pool.acquire()->backendPid();
        terminate(pid);
        const PgResult r = pool.query("SELECT pg_backend_pid()");
        QVERIFY(r.text(0, 0).toInt() != pid);
        QCOMPARE(pool.stats().brokenClosed, 1);
    }

    void writeThatMayHaveRunIsNotRetried()
    {
        const DatabaseConfig db = TestEnv::freshDatabase(QStringLiteral("pool_retry"));
        DatabaseConfig c = poolConfig(2, 2);
        c.dbname = db.dbname;
        TestEnv::psql(QStringLiteral("CREATE SEQUENCE runs"), db.dbname);
        ConnectionPool pool(c, SessionConfig());
        // nextval survives the session's death, so it counts how often the statement ran.
        const QByteArray sql = "SELECT nextval('runs'), pg_terminate_backend(pg_backend_pid())";
        try {
            pool.exec(sql);
            QFAIL("the statement kills its own session");
        } catch (const DbError &e) {
            QVERIFY2(e.mayHaveExecuted(), e.what());
            QVERIFY2(e.connectionBroken(), e.what());
            QVERIFY(e.toString().contains(QLatin1String("may have executed")));
        }
        QCOMPARE(TestEnv::psql(QStringLiteral("SELECT last_value FROM runs"), db.dbname),
                 QStringLiteral("1"));
        QCOMPARE(pool.stats().brokenClosed, 1);
    }

    void leakIsDetectedOnceWithItsOrigin()
    {
        DatabaseConfig c = poolConfig(2, 2);
        c.leakDetectionThreshold = 10min;
        ManualClock clock;
        ConnectionPool pool(c, SessionConfig());
        pool.setClock(clock.clock());
        static QStringList messages;
        messages.clear();
        const auto previous = qInstallMessageHandler(
            [](QtMsgType, const QMessageLogContext &, const QString &m) { messages << m; });
        PooledConnection lease = pool.acquire();
        pool.runMaintenance();
        QCOMPARE(pool.stats().leaked, 0);
        clock.advance(11min);
        pool.runMaintenance();
        pool.runMaintenance();
        qInstallMessageHandler(previous);
        QCOMPARE(pool.stats().leaked, 1);
        QCOMPARE(messages.size(), 1);
        QVERIFY2(messages.first().contains(QLatin1String("tst_pgconnector.cpp")),
                 qPrintable(messages.first()));
    }

    void resetRetiresEveryConnection()
    {
        ConnectionPool pool(poolConfig(3, 3), SessionConfig());
        PooledConnection held = pool.acquire();
        const int heldPid = held->backendPid();
        const int idlePid = pool.acquire()->backendPid();
        pool.reset();
        QCOMPARE(pool.stats().idle, 0);
        QCOMPARE(pool.stats().resetClosed, 1);
        held.release();
        QCOMPARE(pool.stats().resetClosed, 2);
        const int pid = pool.acquire()->backendPid();
        QVERIFY(pid != heldPid && pid != idlePid);
    }

    void abandonedTransactionIsRolledBackOnReturn()
    {
        ConnectionPool pool(poolConfig(1, 1), SessionConfig());
        {
            PooledConnection lease = pool.acquire();
            lease->exec("BEGIN");
            lease->exec("CREATE TEMP TABLE t_abandoned (x int)");
        }
        PooledConnection lease = pool.acquire();
        QCOMPARE(lease->exec("SELECT to_regclass('pg_temp.t_abandoned') IS NULL").text(0, 0),
                 QStringLiteral("t"));
    }

    // What one lease changes in the session must not reach the next one on the same connection.
    void sessionStateDoesNotLeakToTheNextLease_data()
    {
        QTest::addColumn<QByteArrayList>("changes");
        QTest::addColumn<QByteArray>("probe");
        QTest::addColumn<QString>("clean");
        QTest::newRow("SET") << QByteArrayList{"SET statement_timeout = '1234ms'"}
                             << QByteArray("SHOW statement_timeout") << QStringLiteral("0");
        QTest::newRow("SET search_path")
            << QByteArrayList{"SET search_path = pg_catalog"} << QByteArray("SHOW search_path")
            << QStringLiteral("\"$user\", public");
        QTest::newRow("set_config()")
            << QByteArrayList{"SELECT set_config('work_mem', '7MB', false)"}
            << QByteArray("SHOW work_mem") << QStringLiteral("4MB");
        QTest::newRow("SET ROLE") << QByteArrayList{"SET ROLE tst_pool_session_role"}
                                  << QByteArray("SELECT current_user")
                                  << QStringLiteral("postgres");
        QTest::newRow("SET SESSION AUTHORIZATION")
            << QByteArrayList{"SET SESSION AUTHORIZATION tst_pool_session_role"}
            << QByteArray("SELECT session_user") << QStringLiteral("postgres");
        QTest::newRow("LISTEN") << QByteArrayList{"LISTEN tst_pool_channel"}
                                << QByteArray("SELECT count(*) FROM pg_listening_channels()")
                                << QStringLiteral("0");
        QTest::newRow("advisory lock")
            << QByteArrayList{"SELECT pg_advisory_lock(424242)"}
            << QByteArray("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = "
                          "pg_backend_pid()")
            << QStringLiteral("0");
        QTest::newRow("shared advisory lock")
            << QByteArrayList{"select PG_TRY_ADVISORY_LOCK_SHARED(7, 8)"}
            << QByteArray("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = "
                          "pg_backend_pid()")
            << QStringLiteral("0");
        QTest::newRow("temp table")
            << QByteArrayList{"CREATE TEMP TABLE t_leak (x int)"}
            << QByteArray("SELECT to_regclass('pg_temp.t_leak') IS NULL") << QStringLiteral("t");
        QTest::newRow("SELECT INTO TEMP")
            << QByteArrayList{"SELECT 1 AS x INTO TEMPORARY t_leak_into"}
            << QByteArray("SELECT to_regclass('pg_temp.t_leak_into') IS NULL")
            << QStringLiteral("t");
        QTest::newRow("DO block")
            << QByteArrayList{"DO $$BEGIN PERFORM set_config('work_mem', '8MB', false); END$$"}
            << QByteArray("SHOW work_mem") << QStringLiteral("4MB");
        QTest::newRow("cursor WITH HOLD")
            << QByteArrayList{"DECLARE tst_cursor CURSOR WITH HOLD FOR SELECT 1"}
            << QByteArray("SELECT count(*) FROM pg_cursors") << QStringLiteral("0");
        QTest::newRow("a RESET that was rolled back")
            << QByteArrayList{"SET work_mem = '9MB'", "BEGIN", "RESET work_mem", "ROLLBACK"}
            << QByteArray("SHOW work_mem") << QStringLiteral("4MB");
        QTest::newRow("behind a comment and another statement")
            << QByteArrayList{"/* a /* nested */ comment */ SELECT 1; SET work_mem = '9MB'"}
            << QByteArray("SHOW work_mem") << QStringLiteral("4MB");
    }
    void sessionStateDoesNotLeakToTheNextLease()
    {
        QFETCH(QByteArrayList, changes);
        QFETCH(QByteArray, probe);
        QFETCH(QString, clean);
        TestEnv::psql(QStringLiteral("DO $$BEGIN CREATE ROLE tst_pool_session_role; EXCEPTION WHEN "
                                     "duplicate_object THEN NULL; END$$"));
        ConnectionPool pool(poolConfig(1, 1), SessionConfig());
        int pid = 0;
        {
            PooledConnection lease = pool.acquire();
            pid = lease->backendPid();
            QCOMPARE(lease->exec(probe).text(0, 0), clean);
            for (const QByteArray &sql : changes)
                lease->exec(sql);
            QVERIFY(lease->exec(probe).text(0, 0) != clean); // the change took effect
        }
        PooledConnection next = pool.acquire();
        QCOMPARE(next->backendPid(), pid); // the same connection, reused
        QCOMPARE(next->exec(probe).text(0, 0), clean);
    }

    // The same through the statement cache, through QSqlQuery, and on the way to a waiter.
    void sessionStateIsResetWhateverThePath()
    {
        ConnectionPool pool(poolConfig(1, 1), SessionConfig());
        {
            PooledConnection lease = pool.acquire();
            lease->execCached("SELECT set_config($1, $2, false)",
                              {QByteArray("work_mem"), QByteArray("6MB")});
        }
        QCOMPARE(pool.query("SHOW work_mem").text(0, 0), QStringLiteral("4MB"));
        {
            PooledConnection lease = pool.acquire();
            QSqlQuery q(lease.sqlDatabase());
            QVERIFY(q.exec(QStringLiteral("SET work_mem = '5MB'")));
        }
        QCOMPARE(pool.query("SHOW work_mem").text(0, 0), QStringLiteral("4MB"));
        PooledConnection held = pool.acquire();
        held->exec("SET work_mem = '3MB'");
        QString seen;
        std::thread waiter([&] { seen = pool.acquire(20s)->exec("SHOW work_mem").text(0, 0); });
        QTRY_COMPARE(pool.stats().pendingWaiters, 1);
        held.release(); // handed straight to the waiter
        waiter.join();
        QCOMPARE(seen, QStringLiteral("4MB"));
    }

    // Leases that run plain statements return their connection without a round trip.
    void plainLeasesCostNoReset()
    {
        ConnectionPool pool(poolConfig(1, 1), SessionConfig());
        for (int i = 0; i < 20; ++i) {
            pool.query("SELECT 1");
            PooledConnection lease = pool.acquire();
            lease->exec("SELECT count(*) FROM pg_class WHERE relname = 'attempt_template'");
            lease->execCached("SELECT $1::int", {QByteArray::number(i)});
            lease->exec("BEGIN");
            lease->exec("COMMIT");
        }
        {
            // A setting for one statement, put back by the same lease.
            PooledConnection lease = pool.acquire();
            lease->exec("SET plan_cache_mode = force_generic_plan");
            lease->execCached("SELECT 2", {});
            lease->exec("RESET plan_cache_mode");
            lease->exec("SET LOCAL work_mem = '5MB'"); // lasts for its transaction only
        }
        QCOMPARE(pool.stats().sessionResets, 0);
        PooledConnection lease = pool.acquire();
        lease->exec("SET work_mem = '5MB'");
        lease.release();
        QCOMPARE(pool.stats().sessionResets, 1);
        pool.query("SELECT 1"); // clean again: no second reset
        QCOMPARE(pool.stats().sessionResets, 1);
        QCOMPARE(pool.stats().brokenClosed, 0);
    }

    void runReturnsAFuture()
    {
        ConnectionPool pool(poolConfig(2, 2), SessionConfig());
        QFuture<int> f
            = pool.run([](PgConnection &c) { return c.exec("SELECT 41 + 1").text(0, 0).toInt(); });
        QCOMPARE(f.result(), 42);
        QFuture<void> v = pool.run([](PgConnection &c) { c.exec("SELECT 1"); });
        v.waitForFinished();
        QFuture<int> bad = pool.run([](PgConnection &c) { return c.exec("SELECT nope").rows(); });
        try {
            bad.waitForFinished();
            QFAIL("the error must cross the future");
        } catch (const DbError &e) {
            QCOMPARE(e.sqlState(), QStringLiteral("42703"));
        }
    }

    void cancellingRunSendsPqCancel()
    {
        ConnectionPool pool(poolConfig(2, 2), SessionConfig());
        std::atomic<int> pid{0};
        QString sqlState;
        // A cancelled QFuture drops exceptions, so the task reports what the server said.
        QFuture<int> f = pool.run([&](PgConnection &c) {
            pid = c.backendPid();
            try {
                return c.exec("SELECT pg_sleep(30)").rows();
            } catch (const DbError &e) {
                sqlState = e.sqlState();
                throw;
            }
        });
        QTRY_VERIFY(pid.load() != 0);
        // The statement has reached the server.
        QTRY_COMPARE_WITH_TIMEOUT(TestEnv::psql(QStringLiteral("SELECT wait_event FROM "
                                                               "pg_stat_activity WHERE pid = %1")
                                                    .arg(pid.load())),
                                  QStringLiteral("PgSleep"),
                                  30000);
        QElapsedTimer timer;
        timer.start();
        f.cancel();
        f.waitForFinished();
        QVERIFY2(timer.elapsed() < 5000, "the server-side cancel must end pg_sleep(30)");
        QCOMPARE(sqlState, QStringLiteral("57014"));
        // The connection survived the cancel and is reusable.
        QCOMPARE(pool.query("SELECT 1").text(0, 0), QStringLiteral("1"));
    }

    void cancellingRunWhileWaitingForAConnection()
    {
        ConnectionPool pool(poolConfig(1, 1), SessionConfig());
        PooledConnection held = pool.acquire();
        QFuture<int> f = pool.run([](PgConnection &) { return 1; });
        QTRY_COMPARE(pool.stats().pendingWaiters, 1);
        f.cancel();
        // The waiter leaves the queue in the cancelling thread and counts itself when it wakes.
        QTRY_COMPARE(pool.stats().cancelledWaits, 1);
        QCOMPARE(pool.stats().pendingWaiters, 0);
    }

    void stressKeepsCountsConsistent()
    {
        const DatabaseConfig c = poolConfig(4, 2);
        ConnectionPool pool(c, SessionConfig());
        std::atomic<int> errors{0};
        std::vector<std::thread> threads;
        for (int i = 0; i < 12; ++i) {
            threads.emplace_back([&] {
                for (int n = 0; n < 200; ++n) {
                    try {
                        PooledConnection lease = pool.acquire();
                        lease->execCached("SELECT 1", {});
                    } catch (const DbError &) {
                        ++errors;
                    }
                }
            });
        }
        for (auto &t : threads)
            t.join();
        QCOMPARE(errors.load(), 0);
        const PoolStats s = pool.stats();
        QCOMPARE(s.totalAcquires, 12 * 200);
        QCOMPARE(s.inUse, 0);
        QVERIFY(s.openConnections <= 4);
        QCOMPARE(s.idle, s.openConnections);
        QVERIFY(s.waitCount > 0);
        QVERIFY(s.acquireP99Us >= s.acquireP50Us);
    }
};

QTEST_GUILESS_MAIN(tst_PgConnector)
#include "tst_pgconnector.moc"
