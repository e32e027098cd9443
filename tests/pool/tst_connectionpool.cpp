// ConnectionPool's policy without a server: a fake Connector stands in for PostgreSQL (Go's
// database/sql is tested the same way). Waiting and hand-off are in tst_waitqueue, lifetimes and
// leaks in tst_housekeeper; the pool against a real server in tst_pgconnector and
// tst_connectionpool_pg.
#include "fakeconnector.h"

#include <QElapsedTimer>
#include <QTest>

#include <algorithm>
#include <future>

using namespace melodee;
using namespace melodee::test;
using namespace std::chrono_literals;

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
        const OpensReleased release{*f.server}; // also when a check fails
        // Three dial at once; the other three wait, although nothing is open yet.
        QTRY_COMPARE(f.pool.stats().pendingWaiters, 3);
        QTRY_COMPARE(f.server->dialling(), 3);
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

    // --- which connection ----------------------------------------------------------------------

    void idleConnectionsAreReusedLifo()
    {
        Fixture f(limits(3, 3));
        PooledConnection a = f.pool.acquire();
        PooledConnection b = f.pool.acquire();
        PooledConnection c = f.pool.acquire();
        const int idB = f.id(b);
        a.release();
        c.release();
        b.release(); // most recently returned
        // A thread that returned none of them (this one would get its own back first).
        int id = 0;
        std::thread([&] { id = f.id(f.pool.acquire()); }).join();
        QCOMPARE(id, idB);
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

    // --- opening ahead of need (prewarm) -------------------------------------------------------

    void prewarmOpensUntilIdle_data()
    {
        QTest::addColumn<int>("maxOpen");
        QTest::addColumn<int>("maxIdle");
        QTest::addColumn<int>("leased"); // held by callers meanwhile
        QTest::addColumn<int>("idle");   // idle before
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("expectOpened");
        QTest::newRow("empty pool") << 8 << 8 << 0 << 0 << 3 << 3;
        QTest::newRow("idle ones count") << 8 << 8 << 0 << 2 << 3 << 1;
        QTest::newRow("enough idle already") << 8 << 8 << 0 << 3 << 2 << 0;
        QTest::newRow("leased ones do not count") << 8 << 8 << 2 << 0 << 3 << 3;
        QTest::newRow("up to max open") << 2 << 8 << 0 << 0 << 5 << 2;
        QTest::newRow("max open, leases included") << 3 << 8 << 2 << 0 << 3 << 1;
        QTest::newRow("up to max idle") << 8 << 2 << 0 << 0 << 5 << 2;
        QTest::newRow("none asked for") << 8 << 8 << 1 << 0 << 0 << 0;
    }
    void prewarmOpensUntilIdle()
    {
        QFETCH(int, maxOpen);
        QFETCH(int, maxIdle);
        QFETCH(int, leased);
        QFETCH(int, idle);
        QFETCH(int, n);
        QFETCH(int, expectOpened);
        Fixture f(limits(maxOpen, maxIdle));
        std::vector<PooledConnection> leases;
        for (int i = 0; i < leased + idle; ++i)
            leases.push_back(f.pool.acquire());
        leases.resize(leased); // the others go back idle
        QCOMPARE(f.pool.prewarm(n), expectOpened);
        QCOMPARE(f.server->opened, leased + idle + expectOpened);
        const PoolStats s = f.pool.stats();
        QCOMPARE(s.idle, idle + expectOpened);
        QCOMPARE(s.inUse, leased);
        QCOMPARE(s.totalAcquires, qint64(leased + idle)); // it leased nothing
        QCOMPARE(s.opened, qint64(leased + idle + expectOpened));
        QCOMPARE(s.openedAhead, qint64(expectOpened));
    }

    void prewarmStopsWhenAsked()
    {
        Fixture f(limits(8, 8));
        std::stop_source stop;
        stop.request_stop();
        QCOMPARE(f.pool.prewarm(3, stop.get_token()), 0);
        QCOMPARE(f.server->opened, 0);
    }

    // While it dials, the connections already open stay free for callers.
    void prewarmKeepsNoCallerWaiting()
    {
        Fixture f(limits(4, 4));
        {
            PooledConnection first = f.pool.acquire(); // one connection, idle again
        }
        f.server->holdOpens = true;
        const OpensReleased release{*f.server};
        auto warming = std::async(std::launch::async, [&f] { return f.pool.prewarm(3); });
        QTRY_COMPARE(f.server->dialling(), 1);
        // The open is held for as long as the test wants: a caller that had to wait for it
        // would time out here.
        PooledConnection lease = f.pool.acquire(2s);
        QCOMPARE(f.id(lease), 1);
        f.server->releaseOpens();
        QCOMPARE(warming.get(), 3);
        QCOMPARE(f.pool.stats().idle, 3);
        QCOMPARE(f.pool.stats().waitCount, 0);
    }

    // A caller that waits for a place while prewarm dials gets the new connection at once.
    void prewarmHandsTheNewConnectionToAWaitingCaller()
    {
        Fixture f(limits(2, 2));
        PooledConnection held = f.pool.acquire();
        f.server->holdOpens = true;
        const OpensReleased release{*f.server};
        auto warming = std::async(std::launch::async, [&f] { return f.pool.prewarm(2); });
        QTRY_COMPARE(f.server->dialling(), 1); // max open is reached while it dials
        Waiting caller(f.pool, 10s);
        QTRY_COMPARE(f.pool.stats().pendingWaiters, 1);
        f.server->releaseOpens();
        QTRY_VERIFY(caller.served());
        QCOMPARE(f.server->id(caller.connection()), 2);
        QCOMPARE(warming.get(), 1);
        QCOMPARE(f.pool.stats().idle, 0);
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
