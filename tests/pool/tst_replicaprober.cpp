#include "db/dberror.h"
#include "db/pgconnection.h"
#include "pool/replicastatus.h"
#include "testenv.h"

#include <QDateTime>
#include <QTest>

using namespace melodee;
using namespace melodee::test;
using namespace std::chrono_literals;

// ReplicaProber against the real streaming replica (replica-fixture.sh): one connection kept
// between looks, a replica that is down or a primary named for what it is, names without
// credentials, and a look stopped before it starts.
class tst_ReplicaProber : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void looksOverOneConnection();
    void whatItFinds_data();
    void whatItFinds();
    void aStopRequestedEndsTheLook();
};

void tst_ReplicaProber::initTestCase()
{
    MELODEE_REQUIRE_REPLICA();
}

void tst_ReplicaProber::looksOverOneConnection()
{
    const DatabaseConfig primary = TestEnv::replicaServer(TestEnv::replicaPrimaryPort());
    ReplicaProber prober(
        replicaConfig(primary, QStringLiteral("port=%1").arg(TestEnv::replicaPort())));
    const auto asker = PgConnection::open(TestEnv::replicaServer(TestEnv::replicaPort()));
    // The newest client connection on the replica besides the one asking.
    const auto newest = [&asker] {
        return asker
            ->exec("SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend' AND "
                   "pid <> pg_backend_pid() ORDER BY backend_start DESC LIMIT 1")
            .text(0, 0);
    };
    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    const ReplicaStatus first = prober.look(5s, 2s);
    QCOMPARE(first.role, QStringLiteral("replica"));
    QVERIFY2(first.inRotation, qPrintable(first.reason));
    QVERIFY(first.lookedAtMs >= before && first.lookedAtMs <= QDateTime::currentMSecsSinceEpoch());
    const QString pid = newest();
    QVERIFY(!pid.isEmpty());
    const ReplicaStatus second = prober.look(5s, 2s);
    QVERIFY(second.lookedAtMs >= first.lookedAtMs);
    // The second look used the first one's connection: no newer one came.
    QCOMPARE(newest(), pid);
}

void tst_ReplicaProber::whatItFinds_data()
{
    QTest::addColumn<QString>("dsn");
    QTest::addColumn<QString>("role");
    QTest::addColumn<QString>("reason");
    QTest::newRow("the replica, a password in its DSN")
        << QStringLiteral("host=127.0.0.1 port=%1 password='hun\\'ter2 user=x'")
               .arg(TestEnv::replicaPort())
        << QStringLiteral("replica") << QString();
    QTest::newRow("the primary listed as a replica")
        << QStringLiteral("host=127.0.0.1 port=%1").arg(TestEnv::replicaPrimaryPort())
        << QStringLiteral("primary") << QStringLiteral("not a replica");
    QTest::newRow("down, a URI with a password")
        << QStringLiteral("postgresql://postgres:hunter2@127.0.0.1:%1/postgres")
               .arg(TestEnv::closedLoopbackPort())
        << QStringLiteral("unreachable") << QStringLiteral("127.0.0.1");
}

void tst_ReplicaProber::whatItFinds()
{
    QFETCH(QString, dsn);
    QFETCH(QString, role);
    QFETCH(QString, reason);
    ReplicaProber prober(replicaConfig(TestEnv::replicaServer(TestEnv::replicaPrimaryPort()), dsn));
    const ReplicaStatus s = prober.look(5s, 2s);
    QCOMPARE(s.role, role);
    QCOMPARE(s.inRotation, reason.isEmpty());
    QVERIFY2(s.reason.contains(reason), qPrintable(s.reason));
    QVERIFY(s.name.startsWith(QStringLiteral("127.0.0.1:")));
    QCOMPARE(prober.name(), s.name);
    QVERIFY(s.lookedAtMs > 0);
    for (const QString &text : {s.name, s.reason})
        QVERIFY2(!text.contains(QStringLiteral("hun")), qPrintable(text));
}

void tst_ReplicaProber::aStopRequestedEndsTheLook()
{
    ReplicaProber prober(replicaConfig(TestEnv::replicaServer(TestEnv::replicaPrimaryPort()),
                                       QStringLiteral("port=%1").arg(TestEnv::replicaPort())));
    std::stop_source stop;
    stop.request_stop();
    try {
        prober.look(5s, 2s, stop.get_token());
        QFAIL("a stopped look returned");
    } catch (const DbError &e) {
        QVERIFY(e.isCancelled());
    }
    // The prober is fine for the next look.
    QCOMPARE(prober.look(5s, 2s).role, QStringLiteral("replica"));
}

QTEST_MAIN(tst_ReplicaProber)
#include "tst_replicaprober.moc"
