// Housekeeper alone (its interval, the idle and lifetime sweep, leak reports, its thread), then
// inside a ConnectionPool over the fake Connector.
#include "fakeconnector.h"

#include <pool/housekeeper.h>
#include <pool/poolslot.h>

#include <QTest>

#include <atomic>

using namespace melodee;
using namespace melodee::test;
using namespace std::chrono_literals;
using Clock = Housekeeper::Clock;

namespace {

std::unique_ptr<PoolSlot> makeSlot(Clock::time_point created, Clock::time_point returned)
{
    auto s = std::make_unique<PoolSlot>();
    s->conn = std::make_unique<PgConnection>(nullptr);
    s->createdAt = created;
    s->returnedAt = returned;
    return s;
}

} // namespace

class tst_Housekeeper : public QObject
{
    Q_OBJECT

private slots:
    void intervalFollowsGo_data()
    {
        QTest::addColumn<qint64>("lifetimeMs");
        QTest::addColumn<qint64>("idleMs");
        QTest::addColumn<qint64>("leakMs");
        QTest::addColumn<qint64>("expectMs");
        QTest::newRow("nothing to do: sleeps") << qint64(0) << qint64(0) << qint64(0) << qint64(0);
        QTest::newRow("lifetime") << qint64(1800000) << qint64(0) << qint64(0) << qint64(1800000);
        QTest::newRow("the shorter limit")
            << qint64(60000) << qint64(5000) << qint64(0) << qint64(5000);
        QTest::newRow("1 s floor") << qint64(0) << qint64(10) << qint64(0) << qint64(1000);
        QTest::newRow("a quarter of the leak threshold")
            << qint64(60000) << qint64(0) << qint64(8000) << qint64(2000);
        QTest::newRow("leak floor 10 ms") << qint64(0) << qint64(0) << qint64(20) << qint64(10);
    }
    void intervalFollowsGo()
    {
        QFETCH(qint64, lifetimeMs);
        QFETCH(qint64, idleMs);
        QFETCH(qint64, leakMs);
        QFETCH(qint64, expectMs);
        Housekeeper::Limits limits;
        limits.maxLifetime = std::chrono::milliseconds(lifetimeMs);
        limits.maxIdleTime = std::chrono::milliseconds(idleMs);
        limits.leakThreshold = std::chrono::milliseconds(leakMs);
        QCOMPARE(Housekeeper::interval(limits),
                 std::chrono::nanoseconds(std::chrono::milliseconds(expectMs)));
    }

    void expiryHonoursTheJitter()
    {
        Housekeeper keeper;
        Housekeeper::Limits limits;
        limits.maxLifetime = 10min;
        keeper.setLimits(limits);
        const auto t0 = Clock::now();
        QVERIFY(!keeper.expired(t0, 0s, t0 + 9min));
        QVERIFY(keeper.expired(t0, 0s, t0 + 10min));
        QVERIFY(keeper.expired(t0, 2min, t0 + 8min));
        keeper.setLimits({});
        QVERIFY(!keeper.expired(t0, 0s, t0 + 1000h));
    }

    void sweepIdleClosesWhatIdledOrLivedTooLong()
    {
        Housekeeper keeper;
        Housekeeper::Limits limits;
        limits.maxLifetime = 30min;
        limits.maxIdleTime = 5min;
        keeper.setLimits(limits);
        const auto now = Clock::now();
        auto fresh = makeSlot(now - 1min, now - 10s);
        auto idleTooLong = makeSlot(now - 10min, now - 6min);
        auto tooOld = makeSlot(now - 31min, now - 1min);
        auto alsoFresh = makeSlot(now - 2min, now - 4min);
        std::vector<PoolSlot *> idle{fresh.get(), idleTooLong.get(), tooOld.get(), alsoFresh.get()};
        QList<QPair<PoolSlot *, Housekeeper::Expiry>> retired;
        keeper.sweepIdle(idle, now, [&](PoolSlot *s, Housekeeper::Expiry why) {
            retired.append({s, why});
        });
        QCOMPARE(retired.size(), 2);
        QCOMPARE(retired[0].first, idleTooLong.get());
        QVERIFY(retired[0].second == Housekeeper::Expiry::IdleTime);
        QCOMPARE(retired[1].first, tooOld.get());
        QVERIFY(retired[1].second == Housekeeper::Expiry::Lifetime);
        // The rest keep their order (LIFO position).
        QCOMPARE(idle, (std::vector<PoolSlot *>{fresh.get(), alsoFresh.get()}));
    }

    void aLeakIsReportedOnce()
    {
        Housekeeper keeper;
        Housekeeper::Limits limits;
        limits.leakThreshold = 10min;
        keeper.setLimits(limits);
        const auto now = Clock::now();
        std::vector<std::unique_ptr<PoolSlot>> open;
        open.push_back(makeSlot(now - 1h, now - 1h));
        open.push_back(makeSlot(now - 1h, now - 1h));
        open.push_back(makeSlot(now - 1h, now - 1h));
        open[0]->inUse = true;
        open[0]->acquiredAt = now - 11min;
        open[1]->inUse = true;
        open[1]->acquiredAt = now - 1min;
        open[2]->acquiredAt = now - 11min; // idle: not a leak
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral("possible connection leak")));
        QCOMPARE(keeper.sweepLeaks(open, now), 1);
        QVERIFY(open[0]->leakReported);
        QCOMPARE(keeper.sweepLeaks(open, now + 1min), 0);
    }

    void itsThreadSweepsEveryInterval()
    {
        Housekeeper keeper;
        std::atomic<int> sweeps{0};
        keeper.start([&] { ++sweeps; });
        // No limit: it sleeps until one is set.
        Housekeeper::Limits limits;
        limits.leakThreshold = 40ms; // every 10 ms
        keeper.setLimits(limits);
        QTRY_VERIFY_WITH_TIMEOUT(sweeps.load() >= 3, 10000);
        keeper.stop();
        const int stopped = sweeps.load();
        QCOMPARE(sweeps.load(), stopped);
    }

    // --- inside the pool ---

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
        QVERIFY2(messages.first().contains(QLatin1String("tst_housekeeper.cpp")),
                 qPrintable(messages.first()));
        QVERIFY2(messages.first().contains(QLatin1String("leakIsDetectedOnceWithItsOrigin")),
                 qPrintable(messages.first()));
    }
};

QTEST_GUILESS_MAIN(tst_Housekeeper)
#include "tst_housekeeper.moc"
