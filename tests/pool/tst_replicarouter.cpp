#include "db/dberror.h"
#include "db/pgconnection.h"
#include "pool/connectionpool.h"
#include "pool/connector.h"
#include "pool/replicarouter.h"
#include "testenv.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>

using namespace melodee;
using namespace melodee::test;
using namespace std::chrono_literals;

// Read routing over a real streaming replica (replica-fixture.sh): reads go to the replica while
// its lag is within database.max_replica_lag and to the primary while it is not, a read after a
// write waits for the replica to replay that write, and a replica that stops leaves the rotation
// and comes back when it is restarted.
class tst_ReplicaRouter : public QObject
{
    Q_OBJECT
private slots:
    void parseLsn_data();
    void parseLsn();
    void initTestCase();
    void init();
    void cleanup();
    void withoutReplicasEverythingGoesToThePrimary();
    void lagOverTheMaximumSendsReadsToThePrimary();
    void readYourWrites();
    void aStoppedReplicaLeavesAndComesBack();
    void healthListsTheReplicas();
    void prewarmWarmsUpTheReplicasToo();

private:
    DatabaseConfig primaryConfig(Duration maxLag) const;
    QString replicaDsn() const;
    // Where a read through the router ran: "replica" or "primary".
    static QString readTarget(ReplicaRouter &router);
    static void setReplay(bool paused);
    static bool inRotation(ReplicaRouter &router);
    static void writeOnPrimary(const QString &sql);

    QTemporaryDir m_home;
};

void tst_ReplicaRouter::parseLsn_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<quint64>("lsn");
    QTest::newRow("zero") << QStringLiteral("0/0") << quint64(0);
    QTest::newRow("small") << QStringLiteral("0/3000060") << quint64(0x3000060);
    QTest::newRow("high word") << QStringLiteral("16/B374D848") << quint64(0x16B374D848ULL);
    QTest::newRow("largest") << QStringLiteral("FFFFFFFF/FFFFFFFF") << quint64(~0ULL);
    QTest::newRow("empty") << QString() << quint64(0);
    QTest::newRow("no slash") << QStringLiteral("3000060") << quint64(0);
    QTest::newRow("not hex") << QStringLiteral("0/zz") << quint64(0);
    QTest::newRow("too long") << QStringLiteral("1/123456789") << quint64(0);
    QTest::newRow("nothing after the slash") << QStringLiteral("1/") << quint64(0);
}

void tst_ReplicaRouter::parseLsn()
{
    QFETCH(QString, text);
    QFETCH(quint64, lsn);
    QCOMPARE(melodee::parseLsn(text), lsn);
    if (lsn)
        QCOMPARE(melodee::parseLsn(formatLsn(lsn)), lsn);
}

DatabaseConfig tst_ReplicaRouter::primaryConfig(Duration maxLag) const
{
    DatabaseConfig c = TestEnv::replicaServer(TestEnv::replicaPrimaryPort());
    c.replicas = {replicaDsn()};
    c.maxReplicaLag = maxLag;
    c.maxOpenConns = 4;
    c.maxIdleConns = 4;
    c.acquireTimeout = 5s;
    return c;
}

QString tst_ReplicaRouter::replicaDsn() const
{
    return QStringLiteral("host=127.0.0.1 port=%1").arg(TestEnv::replicaPort());
}

QString tst_ReplicaRouter::readTarget(ReplicaRouter &router)
{
    return router
        .read([](PgConnection &c) {
            return c.exec("SELECT pg_is_in_recovery()").toBool(0, 0) ? QStringLiteral("replica")
                                                                     : QStringLiteral("primary");
        })
        .result();
}

void tst_ReplicaRouter::setReplay(bool paused)
{
    PgConnection::open(TestEnv::replicaServer(TestEnv::replicaPort()))
        ->exec(paused ? "SELECT pg_wal_replay_pause()" : "SELECT pg_wal_replay_resume()");
}

bool tst_ReplicaRouter::inRotation(ReplicaRouter &router)
{
    const QList<ReplicaStatus> s = router.replicaStatus();
    return !s.isEmpty() && s.first().inRotation;
}

void tst_ReplicaRouter::writeOnPrimary(const QString &sql)
{
    PgConnection::open(TestEnv::replicaServer(TestEnv::replicaPrimaryPort()))->exec(sql.toUtf8());
}

void tst_ReplicaRouter::initTestCase()
{
    MELODEE_REQUIRE_REPLICA();
    QVERIFY(m_home.isValid());
    writeOnPrimary(QStringLiteral("CREATE TABLE IF NOT EXISTS router_probe (id int PRIMARY KEY, "
                                  "note text)"));
}

void tst_ReplicaRouter::init()
{
    setReplay(false);
}

void tst_ReplicaRouter::cleanup()
{
    // Whatever a failed test left: the replica running and replaying.
    if (QTest::currentTestFailed()) {
        QProcess::execute(
            TestEnv::sourceDir() + QStringLiteral("/tests/fixtures/replica-fixture.sh"),
            {QStringLiteral("start-replica"), QStringLiteral(MELODEE_TEST_STATE_DIR)});
    }
    try {
        setReplay(false);
    } catch (const DbError &) {
    }
}

void tst_ReplicaRouter::withoutReplicasEverythingGoesToThePrimary()
{
    DatabaseConfig c = primaryConfig(5s);
    c.replicas.clear();
    ReplicaRouter router(std::make_shared<ConnectionPool>(c, SessionConfig()));
    QVERIFY(!router.hasReplicas());
    QCOMPARE(readTarget(router), QStringLiteral("primary"));
    router.write([](PgConnection &conn) { conn.exec("SELECT 1"); }).waitForFinished();
    QCOMPARE(router.lastWriteLsn(), quint64(0)); // no round trip for the position
}

void tst_ReplicaRouter::lagOverTheMaximumSendsReadsToThePrimary()
{
    ReplicaRouter router(std::make_shared<ConnectionPool>(primaryConfig(1s), SessionConfig()),
                         100ms);
    QTRY_VERIFY_WITH_TIMEOUT(inRotation(router), 10000);
    QCOMPARE(readTarget(router), QStringLiteral("replica"));
    QCOMPARE(router.replicaStatus().first().role, QStringLiteral("replica"));

    // Replay stops while the primary goes on writing: the lag grows past 1 s.
    setReplay(true);
    writeOnPrimary(QStringLiteral("INSERT INTO router_probe VALUES (1, 'lag') ON CONFLICT (id) DO "
                                  "UPDATE SET note = excluded.note || now()"));
    QTRY_VERIFY_WITH_TIMEOUT(!inRotation(router), 10000);
    const ReplicaStatus lagging = router.replicaStatus().first();
    QVERIFY2(lagging.lagSeconds && *lagging.lagSeconds > 1.0, qPrintable(lagging.reason));
    QVERIFY2(lagging.reason.contains(QStringLiteral("max_replica_lag")),
             qPrintable(lagging.reason));
    for (int i = 0; i < 5; ++i)
        QCOMPARE(readTarget(router), QStringLiteral("primary"));

    // Caught up: back in the rotation.
    setReplay(false);
    QTRY_VERIFY_WITH_TIMEOUT(inRotation(router), 10000);
    QCOMPARE(readTarget(router), QStringLiteral("replica"));
}

void tst_ReplicaRouter::readYourWrites()
{
    // A generous maximum: the replica stays in the rotation though it lags, so only the
    // read-your-writes rule keeps our reads away from it.
    ReplicaRouter router(std::make_shared<ConnectionPool>(primaryConfig(1h), SessionConfig()),
                         100ms);
    QTRY_VERIFY_WITH_TIMEOUT(inRotation(router), 10000);
    QCOMPARE(readTarget(router), QStringLiteral("replica"));
    setReplay(true);
    const QString note = QStringLiteral("ryw-%1").arg(QDateTime::currentMSecsSinceEpoch());
    router
        .write([note](PgConnection &c) {
            c.exec("INSERT INTO router_probe VALUES (2, $1) ON CONFLICT (id) DO UPDATE SET note = "
                   "excluded.note",
                   PgParams{note.toUtf8()});
        })
        .waitForFinished();
    QVERIFY(router.lastWriteLsn() > 0);
    const auto readNote = [&router] {
        return router
            .read([](PgConnection &c) {
                const PgResult r = c.exec("SELECT pg_is_in_recovery(), (SELECT note FROM "
                                          "router_probe WHERE id = 2)");
                return QStringList{r.toBool(0, 0) ? QStringLiteral("replica")
                                                  : QStringLiteral("primary"),
                                   r.text(0, 1)};
            })
            .result();
    };
    // The replica is in the rotation but has not replayed our write: the primary answers, with it.
    QVERIFY(inRotation(router));
    for (int i = 0; i < 3; ++i)
        QCOMPARE(readNote(), (QStringList{QStringLiteral("primary"), note}));
    // Once replayed, the replica answers, and has it too.
    setReplay(false);
    QTRY_COMPARE_WITH_TIMEOUT(readNote(), (QStringList{QStringLiteral("replica"), note}), 10000);
}

void tst_ReplicaRouter::aStoppedReplicaLeavesAndComesBack()
{
    ReplicaRouter router(std::make_shared<ConnectionPool>(primaryConfig(5s), SessionConfig()),
                         100ms);
    QTRY_VERIFY_WITH_TIMEOUT(inRotation(router), 10000);
    QCOMPARE(readTarget(router), QStringLiteral("replica"));
    TestEnv::replicaFixture(QStringLiteral("stop-replica"));
    if (QTest::currentTestFailed())
        return;
    // The next reads succeed on the primary whether the prober or the read path notices first.
    for (int i = 0; i < 3; ++i)
        QCOMPARE(readTarget(router), QStringLiteral("primary"));
    QTRY_VERIFY_WITH_TIMEOUT(!inRotation(router), 10000);
    QCOMPARE(router.replicaStatus().first().role, QStringLiteral("unreachable"));
    TestEnv::replicaFixture(QStringLiteral("start-replica"));
    if (QTest::currentTestFailed())
        return;
    QTRY_VERIFY_WITH_TIMEOUT(inRotation(router), 15000);
    QTRY_COMPARE_WITH_TIMEOUT(readTarget(router), QStringLiteral("replica"), 10000);
}

void tst_ReplicaRouter::healthListsTheReplicas()
{
    const QString primary = QStringLiteral("host=127.0.0.1 port=%1 user=postgres dbname=postgres "
                                           "sslmode=disable")
                                .arg(TestEnv::replicaPrimaryPort());
    // The dead replica's DSN carries a password: it must not come back in the reason.
    const QString secret = QStringLiteral("Replica-Pw-%1").arg(QCoreApplication::applicationPid());
    const QString dead = QStringLiteral("host=127.0.0.1 port=%1 password=%2")
                             .arg(TestEnv::freeLoopbackPort())
                             .arg(secret);
    const TestEnv::CliResult r
        = TestEnv::runCli({QStringLiteral("health"),
                           QStringLiteral("--json"),
                           QStringLiteral("--dsn"),
                           primary,
                           QStringLiteral("--set"),
                           QStringLiteral("database.replicas=%1,%2").arg(replicaDsn(), dead)},
                          TestEnv::isolatedEnv(m_home.path()));
    QJsonParseError error;
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8(), &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QVERIFY(!r.out.contains(secret));
    QVERIFY(!r.err.contains(secret));
    const QJsonArray replicas = o.value(QStringLiteral("replicas")).toArray();
    QCOMPARE(replicas.size(), 2);
    const QJsonObject live = replicas.at(0).toObject();
    QCOMPARE(live.value(QStringLiteral("name")).toString(),
             QStringLiteral("127.0.0.1:%1").arg(TestEnv::replicaPort()));
    QCOMPARE(live.value(QStringLiteral("role")).toString(), QStringLiteral("replica"));
    QVERIFY(live.value(QStringLiteral("lag_seconds")).isDouble());
    QVERIFY(live.value(QStringLiteral("in_rotation")).toBool());
    const QJsonObject gone = replicas.at(1).toObject();
    QCOMPARE(gone.value(QStringLiteral("role")).toString(), QStringLiteral("unreachable"));
    QVERIFY(gone.value(QStringLiteral("lag_seconds")).isNull());
    QVERIFY(!gone.value(QStringLiteral("in_rotation")).toBool());
    // A replica out of the rotation degrades the verdict and says which and why.
    QCOMPARE(o.value(QStringLiteral("status")).toString(), QStringLiteral("degraded"));
    QCOMPARE(r.exitCode, 1);
    const QString deadName = gone.value(QStringLiteral("name")).toString();
    QStringList lines;
    for (const QJsonValue &v : o.value(QStringLiteral("degradations")).toArray())
        lines << v.toString();
    QVERIFY2(lines.filter(QStringLiteral("replica %1: ").arg(deadName)).size() == 1,
             qPrintable(lines.join(u'\n')));
    QVERIFY(
        lines
            .filter(
                QStringLiteral("replica %1: ").arg(live.value(QStringLiteral("name")).toString()))
            .isEmpty());
}

// Connections to a replica run the same warm-up as the primary's, and prewarm() opens them too.
void tst_ReplicaRouter::prewarmWarmsUpTheReplicasToo()
{
    std::atomic<int> primaryRuns{0};
    std::atomic<int> replicaRuns{0};
    const PgConnector::WarmUp warmUp = [&](PgConnection &conn) {
        const bool replica = conn.exec("SELECT pg_is_in_recovery()").toBool(0, 0);
        conn.exec("PREPARE warmed AS SELECT 1");
        ++(replica ? replicaRuns : primaryRuns);
    };
    const DatabaseConfig c = primaryConfig(5s);
    auto primary = std::make_shared<ConnectionPool>(
        c, SessionConfig(), std::make_unique<PgConnector>(c, true, warmUp));
    ReplicaRouter router(primary, 100ms, warmUp);
    QTRY_VERIFY_WITH_TIMEOUT(inRotation(router), 10000);
    router.prewarm(2).waitForFinished();
    QCOMPARE(primaryRuns.load(), 2);
    QCOMPARE(replicaRuns.load(), 2);
    QCOMPARE(primary->stats().idle, 2);
    QCOMPARE(primary->stats().openedAhead, 2);
    const QString read = router
                             .read([](PgConnection &conn) {
                                 return conn
                                     .exec("SELECT pg_is_in_recovery()::text || ' ' || count(*) "
                                           "FROM pg_prepared_statements WHERE name = 'warmed'")
                                     .text(0, 0);
                             })
                             .result();
    QCOMPARE(read, QStringLiteral("true 1"));
    QCOMPARE(replicaRuns.load(), 2); // the read took one of the connections opened ahead
}

QTEST_GUILESS_MAIN(tst_ReplicaRouter)
#include "tst_replicarouter.moc"
