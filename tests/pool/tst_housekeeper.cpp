// Housekeeper without a pool: its interval, the idle and lifetime sweep, leak reports and its
// thread.
#include <pool/housekeeper.h>
#include <pool/poolslot.h>

#include <QTest>

#include <atomic>

using namespace melodee;
using namespace std::chrono_literals;
using Clock = Housekeeper::Clock;

namespace {

std::unique_ptr<PoolSlot> slot(Clock::time_point created, Clock::time_point returned)
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
        auto fresh = slot(now - 1min, now - 10s);
        auto idleTooLong = slot(now - 10min, now - 6min);
        auto tooOld = slot(now - 31min, now - 1min);
        auto alsoFresh = slot(now - 2min, now - 4min);
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
        open.push_back(slot(now - 1h, now - 1h));
        open.push_back(slot(now - 1h, now - 1h));
        open.push_back(slot(now - 1h, now - 1h));
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
};

QTEST_GUILESS_MAIN(tst_Housekeeper)
#include "tst_housekeeper.moc"
