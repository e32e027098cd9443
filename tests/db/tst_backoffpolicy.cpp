#include <db/backoffpolicy.h>

#include <QSet>
#include <QTest>

using namespace melodee;
using namespace std::chrono_literals;

// The retry schedule of a migration statement that hit a lock timeout, deadlock or lost
// connection.
class tst_BackoffPolicy : public QObject
{
    Q_OBJECT

private slots:
    void defaults();
    void ceilings_data();
    void ceilings();
    void delaysAreJittered();
    void followsTheConfig();
};

// By default a statement blocked by a table lock is tried 4 times (3 retries), each attempt
// waiting at most 5 s (lock_timeout), with a random pause between attempts.
void tst_BackoffPolicy::defaults()
{
    const BackoffPolicy policy{MigrateConfig()};
    QCOMPARE(policy.retries(), 3);
    QCOMPARE(policy.attemptTimeout(), std::chrono::milliseconds(5s));
    // 4 attempts of 5 s plus pauses of at most 200, 400 and 800 ms.
    QCOMPARE(policy.worstCase(), std::chrono::milliseconds(4 * 5000 + 200 + 400 + 800));
}

void tst_BackoffPolicy::ceilings_data()
{
    QTest::addColumn<int>("attempt");
    QTest::addColumn<int>("ceilingMs");
    QTest::newRow("first") << 0 << 200;
    QTest::newRow("second") << 1 << 400;
    QTest::newRow("third") << 2 << 800;
    QTest::newRow("fifth") << 4 << 3200;
    QTest::newRow("capped") << 5 << 5000;
    QTest::newRow("far") << 40 << 5000;
    QTest::newRow("negative") << -1 << 200;
}

void tst_BackoffPolicy::ceilings()
{
    QFETCH(int, attempt);
    QFETCH(int, ceilingMs);
    QCOMPARE(BackoffPolicy{MigrateConfig()}.ceiling(attempt).count(), ceilingMs);
}

// Full jitter: every delay lies in [0, ceiling], and they differ, so two migrators that
// collided do not retry in lockstep.
void tst_BackoffPolicy::delaysAreJittered()
{
    const BackoffPolicy policy{MigrateConfig()};
    QRandomGenerator random(20261127);
    for (int attempt = 0; attempt < policy.retries(); ++attempt) {
        QSet<qint64> seen;
        for (int i = 0; i < 200; ++i) {
            const qint64 ms = policy.delay(attempt, random).count();
            QVERIFY2(ms >= 0 && ms <= policy.ceiling(attempt).count(),
                     qPrintable(QString::number(ms)));
            seen.insert(ms);
        }
        QVERIFY2(seen.size() > 50, qPrintable(QString::number(seen.size())));
    }
}

void tst_BackoffPolicy::followsTheConfig()
{
    MigrateConfig config;
    config.retries = 1;
    config.lockTimeout = 250ms;
    const BackoffPolicy policy(config);
    QCOMPARE(policy.retries(), 1);
    QCOMPARE(policy.attemptTimeout(), 250ms);
    QCOMPARE(policy.worstCase(), std::chrono::milliseconds(2 * 250 + 200));
}

QTEST_GUILESS_MAIN(tst_BackoffPolicy)
#include "tst_backoffpolicy.moc"
