// WaitQueue without a pool: FIFO order, the hand-off window and its cap, and how a wait ends.
#include <pool/waitqueue.h>

#include <QTest>

#include <thread>

using namespace melodee;
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
};

QTEST_GUILESS_MAIN(tst_WaitQueue)
#include "tst_waitqueue.moc"
