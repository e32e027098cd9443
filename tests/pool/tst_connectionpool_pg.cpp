// ConnectionPool's rules end to end against the fixture's PostgreSQL: limits, FIFO waiters, the
// hand-off window, affinity, lifetimes, leaks, reset, counts under stress. The same rules without
// a server are in tst_connectionpool, tst_waitqueue and tst_housekeeper.
#include "pgpool.h"

#include <db/dberror.h>
#include <pool/connectionpool.h>

#include <QElapsedTimer>
#include <QTest>

#include <atomic>
#include <future>
#include <mutex>
#include <thread>

using namespace melodee;
using namespace melodee::test;
using namespace std::chrono_literals;

class tst_ConnectionPoolPg : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { MELODEE_REQUIRE_POSTGRES(); }

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
        QVERIFY2(messages.first().contains(QLatin1String("tst_connectionpool_pg.cpp")),
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

QTEST_GUILESS_MAIN(tst_ConnectionPoolPg)
#include "tst_connectionpool_pg.moc"
