#include <charts/poolsamples.h>

#include <QTest>

using namespace melodee;
using namespace std::chrono_literals;

class tst_PoolRateCalculator : public QObject
{
    Q_OBJECT

private slots:
    void rates_data();
    void rates();
    void firstSampleHasNoRate();
    void counterRestartIsNotNegative();
    void p99IsThePercentileOfTheInterval_data();
    void p99IsThePercentileOfTheInterval();
    void historyKeepsTheWindow();
};

namespace {

PoolStats statsWith(qint64 waits, qint64 waitMs)
{
    PoolStats s;
    s.waitCount = waits;
    s.waitDuration = std::chrono::milliseconds(waitMs);
    return s;
}

const LatencyCounts kNoAcquires{};

// A histogram holding `n` acquires of `us` microseconds each, on top of `base`.
LatencyCounts withAcquires(LatencyCounts base, qint64 n, double us)
{
    base[LatencyHistogram::bucketOf(std::uint64_t(us * 1000))] += std::uint64_t(n);
    return base;
}

} // namespace

void tst_PoolRateCalculator::rates_data()
{
    QTest::addColumn<qint64>("waitsBefore");
    QTest::addColumn<qint64>("waitMsBefore");
    QTest::addColumn<qint64>("waitsAfter");
    QTest::addColumn<qint64>("waitMsAfter");
    QTest::addColumn<qint64>("elapsedMs");
    QTest::addColumn<double>("waitsPerSecond");
    QTest::addColumn<double>("avgWaitMs");

    // A late tick: 10 waits over 2.5 s is 4/s, not 10/s.
    QTest::newRow("late tick") << 0LL << 0LL << 10LL << 50LL << 2500LL << 4.0 << 5.0;
    QTest::newRow("early tick") << 5LL << 10LL << 8LL << 40LL << 600LL << 5.0 << 10.0;
    QTest::newRow("exact second") << 100LL << 0LL << 130LL << 300LL << 1000LL << 30.0 << 10.0;
    QTest::newRow("no waits") << 7LL << 70LL << 7LL << 70LL << 1000LL << 0.0 << 0.0;
    QTest::newRow("long pause (hidden)") << 0LL << 0LL << 60LL << 6000LL << 60000LL << 1.0 << 100.0;
    QTest::newRow("sub-millisecond") << 0LL << 0LL << 1LL << 1LL << 1LL << 1000.0 << 1.0;
}

void tst_PoolRateCalculator::rates()
{
    QFETCH(qint64, waitsBefore);
    QFETCH(qint64, waitMsBefore);
    QFETCH(qint64, waitsAfter);
    QFETCH(qint64, waitMsAfter);
    QFETCH(qint64, elapsedMs);
    QFETCH(double, waitsPerSecond);
    QFETCH(double, avgWaitMs);

    PoolRateCalculator calc;
    calc.add(statsWith(waitsBefore, waitMsBefore), kNoAcquires, 0, 2);
    const PoolSample s
        = calc.add(statsWith(waitsAfter, waitMsAfter), kNoAcquires, elapsedMs * 1'000'000, 2);
    QCOMPARE(s.waitsPerSecond, waitsPerSecond);
    QCOMPARE(s.avgWaitMs, avgWaitMs);
    QCOMPARE(s.tSeconds, double(elapsedMs) / 1000);
    QCOMPARE(s.maxIdle, 2);
}

void tst_PoolRateCalculator::firstSampleHasNoRate()
{
    PoolRateCalculator calc;
    PoolStats stats = statsWith(500, 9000);
    stats.openConnections = 3;
    stats.inUse = 1;
    stats.idle = 2;
    stats.maxOpenConnections = 8;
    stats.acquireP99Us = 42;
    const PoolSample s = calc.add(stats, withAcquires({}, 100, 42), 123'000'000, 4);
    QCOMPARE(s.waitsPerSecond, 0.0);
    QCOMPARE(s.avgWaitMs, 0.0);
    QCOMPARE(s.tSeconds, 0.0);
    QCOMPARE(s.open, 3);
    QCOMPARE(s.inUse, 1);
    QCOMPARE(s.idle, 2);
    QCOMPARE(s.maxOpen, 8);
    // No interval yet: the acquires since the pool started are not this second's.
    QCOMPARE(s.acquireP99Us, 0.0);
    QCOMPARE(s.acquires, qint64(0));
}

void tst_PoolRateCalculator::counterRestartIsNotNegative()
{
    PoolRateCalculator calc;
    calc.add(statsWith(100, 1000), withAcquires({}, 100, 50), 0, 0);
    const PoolSample restarted
        = calc.add(statsWith(3, 30), withAcquires({}, 3, 50), 1'000'000'000, 0);
    QCOMPARE(restarted.waitsPerSecond, 0.0);
    QCOMPARE(restarted.acquireP99Us, 0.0);
    const PoolSample next = calc.add(statsWith(5, 50), withAcquires({}, 5, 50), 2'000'000'000, 0);
    QCOMPARE(next.waitsPerSecond, 1.0);
    QCOMPARE(next.avgWaitMs, 10.0);
    QCOMPARE(next.tSeconds, 3.0);
}

void tst_PoolRateCalculator::p99IsThePercentileOfTheInterval_data()
{
    QTest::addColumn<qint64>("slowBefore"); // 12 ms acquires before the interval
    QTest::addColumn<qint64>("fast");       // 1.7 ms acquires in the interval
    QTest::addColumn<qint64>("slow");       // 12 ms acquires in the interval
    QTest::addColumn<double>("lowUs");
    QTest::addColumn<double>("highUs");
    // A load test long after a slow start: its own 1.7 ms, not the 12 ms from before.
    QTest::newRow("load after a slow start") << 50LL << 10000LL << 0LL << 1600.0 << 1900.0;
    // A quiet second after a load test: nothing was acquired, so no latency, not the old 12 ms.
    QTest::newRow("quiet after a run") << 50LL << 0LL << 0LL << 0.0 << 0.0;
    QTest::newRow("2 % slow") << 0LL << 98LL << 2LL << 11000.0 << 13000.0;
    QTest::newRow("all slow") << 0LL << 0LL << 10LL << 11000.0 << 13000.0;
}

void tst_PoolRateCalculator::p99IsThePercentileOfTheInterval()
{
    QFETCH(qint64, slowBefore);
    QFETCH(qint64, fast);
    QFETCH(qint64, slow);
    QFETCH(double, lowUs);
    QFETCH(double, highUs);
    PoolRateCalculator calc;
    const LatencyCounts before = withAcquires({}, slowBefore, 12000);
    calc.add(statsWith(0, 0), before, 0, 0);
    const LatencyCounts after = withAcquires(withAcquires(before, fast, 1700), slow, 12000);
    const PoolSample s = calc.add(statsWith(0, 0), after, 1'000'000'000, 0);
    QCOMPARE(s.acquires, fast + slow);
    QVERIFY2(s.acquireP99Us >= lowUs && s.acquireP99Us <= highUs,
             qPrintable(QString::number(s.acquireP99Us)));
}

void tst_PoolRateCalculator::historyKeepsTheWindow()
{
    PoolSampleHistory history(300);
    for (int i = 0; i < 1000; ++i) {
        PoolSample s;
        s.tSeconds = i;
        s.open = i;
        history.append(s);
    }
    QCOMPARE(history.size(), 300);
    const QList<QPointF> points = history.series(&PoolSample::open);
    QCOMPARE(points.size(), 300);
    QCOMPARE(points.first(), QPointF(700, 700));
    QCOMPARE(points.last(), QPointF(999, 999));
}

QTEST_GUILESS_MAIN(tst_PoolRateCalculator)
#include "tst_poolratecalculator.moc"
