// WaitQueue alone (FIFO order, the hand-off window and its cap, how a wait ends), then inside a
// ConnectionPool over the fake Connector.
#include "fakeconnector.h"

#include <pool/waitqueue.h>

#include <QElapsedTimer>
#include <QTest>

#include <future>
#include <thread>

using namespace melodee;
using namespace melodee::test;
using namespace std::chrono_literals;
using Clock = WaitQueue::Clock;

class tst_WaitQueue : public QObject
{
    Q_OBJECT

private slots:
    void waitersLeaveInTheOrderTheyCame()
    {
        std::mutex mutex;
        WaitQueue queue(mutex);
        WaitQueue::Waiter a, b, c, d;
        const auto now = Clock::now();
        for (WaitQueue::Waiter *w : {&a, &b, &c, &d})
            queue.push(*w, now, now + 10s);
        QCOMPARE(queue.size(), 4);
        queue.remove(b); // gave up
        queue.remove(b); // twice is harmless
        QCOMPARE(queue.size(), 3);
        QCOMPARE(queue.pop(), &a);
        QCOMPARE(queue.pop(), &c);
        QCOMPARE(queue.pop(), &d);
        QCOMPARE(queue.pop(), nullptr);
        QVERIFY(queue.empty());
        QVERIFY(!a.queued && !b.queued);
    }

    void theWindowIsCappedAtHalfTheTimeLeft_data()
    {
        QTest::addColumn<qint64>("windowMs");
        QTest::addColumn<qint64>("timeoutMs");
        QTest::addColumn<qint64>("handoffMs");
        QTest::addColumn<qint64>("idleCheckMs");
        QTest::newRow("default window") << qint64(10) << qint64(30000) << qint64(10) << qint64(15);
        QTest::newRow("long window, short timeout")
            << qint64(600000) << qint64(4000) << qint64(2000) << qint64(3000);
        QTest::newRow("window equals half")
            << qint64(50) << qint64(100) << qint64(50) << qint64(75);
        QTest::newRow("no window") << qint64(0) << qint64(1000) << qint64(0) << qint64(0);
    }
    void theWindowIsCappedAtHalfTheTimeLeft()
    {
        QFETCH(qint64, windowMs);
        QFETCH(qint64, timeoutMs);
        QFETCH(qint64, handoffMs);
        QFETCH(qint64, idleCheckMs);
        std::mutex mutex;
        WaitQueue queue(mutex);
        queue.setWindow(std::chrono::milliseconds(windowMs));
        WaitQueue::Waiter w;
        const auto now = Clock::now();
        const auto idleCheck = queue.push(w, now, now + std::chrono::milliseconds(timeoutMs));
        QCOMPARE(w.handoffAt - now, Clock::duration(std::chrono::milliseconds(handoffMs)));
        QCOMPARE(idleCheck - now, Clock::duration(std::chrono::milliseconds(idleCheckMs)));
        queue.remove(w);
    }

    void whenAReturnedConnectionIsHandedOver_data()
    {
        QTest::addColumn<bool>("waiting");
        QTest::addColumn<bool>("looping");
        QTest::addColumn<bool>("idleFull");
        QTest::addColumn<bool>("windowOver");
        QTest::addColumn<bool>("handOff");
        QTest::newRow("nobody waits") << false << false << false << true << false;
        QTest::newRow("not looping") << true << false << false << false << true;
        QTest::newRow("looping, in the window") << true << true << false << false << false;
        QTest::newRow("looping, window over") << true << true << false << true << true;
        QTest::newRow("looping, no room idle") << true << true << true << false << true;
    }
    void whenAReturnedConnectionIsHandedOver()
    {
        QFETCH(bool, waiting);
        QFETCH(bool, looping);
        QFETCH(bool, idleFull);
        QFETCH(bool, windowOver);
        QFETCH(bool, handOff);
        std::mutex mutex;
        WaitQueue queue(mutex);
        queue.setWindow(windowOver ? 0s : std::chrono::seconds(3600));
        WaitQueue::Waiter w;
        const auto now = Clock::now();
        if (waiting)
            queue.push(w, now, now + 2h);
        QCOMPARE(queue.handOffNow(looping, idleFull), handOff);
        queue.remove(w);
    }

    void aServedWaiterWakes()
    {
        std::mutex mutex;
        WaitQueue queue(mutex);
        WaitQueue::Waiter w;
        std::unique_lock lock(mutex);
        const auto now = Clock::now();
        const auto idleCheck = queue.push(w, now, now + 30s);
        lock.unlock();
        std::thread server([&] {
            std::lock_guard l(mutex);
            WaitQueue::Waiter *first = queue.pop();
            first->permit = true;
            WaitQueue::wake(first);
        });
        const auto outcome = queue.wait(lock, w, idleCheck, now + 30s, nullptr, [](auto &) {});
        server.join();
        QCOMPARE(outcome, WaitQueue::Outcome::Served);
        QVERIFY(w.permit);
        QVERIFY(!lock.owns_lock());
    }

    void aWaitTimesOutHoldingTheLock()
    {
        std::mutex mutex;
        WaitQueue queue(mutex);
        queue.setWindow(0s);
        WaitQueue::Waiter w;
        std::unique_lock lock(mutex);
        const auto now = Clock::now();
        const auto idleCheck = queue.push(w, now, now + 50ms);
        lock.unlock();
        const auto outcome = queue.wait(lock, w, idleCheck, now + 50ms, nullptr, [](auto &) {});
        QCOMPARE(outcome, WaitQueue::Outcome::TimedOut);
        QVERIFY(lock.owns_lock());
        QVERIFY(!w.queued);
        QVERIFY(queue.empty());
        QVERIFY(Clock::now() >= now + 50ms);
    }

    void aStopRequestEndsTheWait()
    {
        std::mutex mutex;
        WaitQueue queue(mutex);
        WaitQueue::Waiter w;
        std::stop_source stop;
        std::unique_lock lock(mutex);
        const auto now = Clock::now();
        const auto idleCheck = queue.push(w, now, now + 60s);
        lock.unlock();
        std::thread canceller([&] {
            // Once the waiter sleeps past its idle check, cancel it.
            while (Clock::now() < idleCheck)
                std::this_thread::yield();
            stop.request_stop();
        });
        const auto token = stop.get_token();
        const auto outcome = queue.wait(lock, w, idleCheck, now + 60s, &token, [](auto &) {});
        canceller.join();
        QCOMPARE(outcome, WaitQueue::Outcome::Cancelled);
        QVERIFY(queue.empty());
        QVERIFY(Clock::now() < now + 30s);
    }

    // At its idle check a waiter that is still queued runs the sweep, which may serve it.
    void theIdleCheckSweepsUnderTheLock()
    {
        std::mutex mutex;
        WaitQueue queue(mutex);
        queue.setWindow(20ms);
        WaitQueue::Waiter w;
        std::unique_lock lock(mutex);
        const auto now = Clock::now();
        const auto idleCheck = queue.push(w, now, now + 60s);
        lock.unlock();
        int sweeps = 0;
        bool locked = false;
        const auto outcome = queue.wait(lock, w, idleCheck, now + 60s, nullptr, [&](auto &wake) {
            ++sweeps;
            locked = !mutex.try_lock();
            if (!locked)
                mutex.unlock();
            wake.push_back(queue.pop()); // hand it whatever was idle
        });
        QCOMPARE(outcome, WaitQueue::Outcome::Served);
        QCOMPARE(sweeps, 1);
        QVERIFY(locked);
        QVERIFY(Clock::now() >= idleCheck);
        QVERIFY(Clock::now() < now + 30s);
    }

    // --- inside the pool
    // -------------------------------------------------------------------------------

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
        f.pool.setHandoffWindow(100ms);
        std::atomic<bool> stop{false};
        std::atomic<int> loops{0};
        std::promise<void> holding;
        std::promise<void> go;
        // Loops without pause, but after 1000 turns holds its connection until the waiter
        // below is queued, so that waiter surely waits while the loop goes on.
        std::thread hog([&] {
            while (!stop.load()) {
                PooledConnection lease = f.pool.acquire();
                if (loops.fetch_add(1) == 1000) {
                    holding.set_value();
                    go.get_future().wait();
                }
            }
        });
        holding.get_future().wait();
        Waiting waiter(f.pool, 5s);
        QTRY_COMPARE(f.pool.stats().pendingWaiters, 1);
        const int loopsBefore = loops.load();
        go.set_value();
        QTRY_VERIFY_WITH_TIMEOUT(waiter.served() || waiter.failed(), 10000);
        const int overtaken = loops.load() - loopsBefore;
        waiter.release();
        stop = true;
        hog.join();
        QVERIFY2(waiter.served(), qPrintable(waiter.error()));
        const PoolStats s = f.pool.stats();
        QCOMPARE(s.timeouts, 0);
        QVERIFY(s.waitCount >= 1);
        qInfo("the loop kept going meanwhile: %d turns", overtaken);
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
};

QTEST_GUILESS_MAIN(tst_WaitQueue)
#include "tst_waitqueue.moc"
