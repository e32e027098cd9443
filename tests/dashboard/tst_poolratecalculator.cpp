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
    calc.add(statsWith(waitsBefore, waitMsBefore), 0, 2);
    const PoolSample s = calc.add(statsWith(waitsAfter, waitMsAfter), elapsedMs * 1'000'000, 2);
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
    const PoolSample s = calc.add(stats, 123'000'000, 4);
    QCOMPARE(s.waitsPerSecond, 0.0);
    QCOMPARE(s.avgWaitMs, 0.0);
    QCOMPARE(s.tSeconds, 0.0);
    QCOMPARE(s.open, 3);
    QCOMPARE(s.inUse, 1);
    QCOMPARE(s.idle, 2);
    QCOMPARE(s.maxOpen, 8);
    QCOMPARE(s.acquireP99Us, 42.0);
}

void tst_PoolRateCalculator::counterRestartIsNotNegative()
{
    PoolRateCalculator calc;
    calc.add(statsWith(100, 1000), 0, 0);
    const PoolSample restarted = calc.add(statsWith(3, 30), 1'000'000'000, 0);
    QCOMPARE(restarted.waitsPerSecond, 0.0);
    const PoolSample next = calc.add(statsWith(5, 50), 2'000'000'000, 0);
    QCOMPARE(next.waitsPerSecond, 1.0);
    QCOMPARE(next.avgWaitMs, 10.0);
    QCOMPARE(next.tSeconds, 3.0);
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
