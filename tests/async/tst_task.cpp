#include <async/task.h>
#include <db/dberror.h>

#include <QCoreApplication>
#include <QTest>

#include <atomic>
#include <condition_variable>
#include <mutex>

using namespace melodee;

// startTask(): the one way background work runs, and QFuture::cancel() the one way it stops.
class tst_Task : public QObject
{
    Q_OBJECT

private slots:
    void deliversTheResult()
    {
        QThreadPool pool;
        QFuture<int> f = startTask(&pool, [](std::stop_token) { return 42; });
        QCOMPARE(f.result(), 42);
        QVERIFY(!f.isCanceled());
    }

    void rethrowsTheWorksException()
    {
        QThreadPool pool;
        QFuture<void> f = startTask(&pool, [](std::stop_token) {
            throw DbError(QStringLiteral("op"), QStringLiteral("t"), QStringLiteral("boom"));
        });
        bool caught = false;
        try {
            f.waitForFinished();
        } catch (const DbError &e) {
            caught = e.message() == QLatin1String("boom");
        }
        QVERIFY(caught);
    }

    // A stop callback fires while the work is blocked, as soon as the future is cancelled: this
    // is how a running statement gets its PQcancel without anyone polling.
    void cancellingTheFutureRunsTheStopCallbackAtOnce()
    {
        QThreadPool pool;
        std::mutex m;
        std::condition_variable cv;
        bool started = false;
        bool woken = false;
        QFuture<bool> f = startTask(&pool, [&](std::stop_token stop) {
            std::unique_lock lock(m);
            std::stop_callback onStop(stop, [&] {
                std::lock_guard l(m);
                woken = true;
                cv.notify_all();
            });
            started = true;
            cv.notify_all();
            // Blocks until the callback wakes it; a generous bound keeps a broken relay from
            // hanging the test.
            return cv.wait_for(lock, std::chrono::seconds(30), [&] { return woken; });
        });
        {
            std::unique_lock lock(m);
            QVERIFY(cv.wait_for(lock, std::chrono::seconds(30), [&] { return started; }));
        }
        f.cancel();
        // The relay delivers the cancellation on its own thread; this thread's event loop is
        // not needed for it, so wait without processing events.
        f.waitForFinished();
        QVERIFY(f.isCanceled());
        std::lock_guard lock(m);
        QVERIFY(woken);
    }

    void workCancelledBeforeItStartsDoesNotRun()
    {
        QThreadPool pool;
        pool.setMaxThreadCount(1);
        std::atomic<bool> release{false};
        // Occupy the only thread so the second task waits in the queue.
        QFuture<void> blocker = startTask(&pool, [&](std::stop_token) {
            while (!release.load())
                QThread::yieldCurrentThread();
        });
        std::atomic<bool> ran{false};
        QFuture<void> f = startTask(&pool, [&](std::stop_token) { ran = true; });
        f.cancel();
        release = true;
        blocker.waitForFinished();
        f.waitForFinished();
        QVERIFY(!ran.load());
    }

    void aFinishedFutureCancelledLaterReadsAsCancelled()
    {
        // What whenFinished() relies on to drop results of replaced requests.
        QThreadPool pool;
        QFuture<int> f = startTask(&pool, [](std::stop_token) { return 1; });
        f.waitForFinished();
        f.cancel();
        QVERIFY(f.isCanceled());
    }
};

QTEST_GUILESS_MAIN(tst_Task)
#include "tst_task.moc"
