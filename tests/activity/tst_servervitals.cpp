#include "testenv.h"
#include "vitalsload.h"

#include <activity/servervitals.h>
#include <db/dberror.h>
#include <db/pgconnection.h>

#include <QDeadlineTimer>
#include <QTest>

#include <climits>
#include <memory>

Q_DECLARE_METATYPE(melodee::DatabaseCounters)

using namespace melodee;
using namespace melodee::test;
using namespace std::chrono_literals;

namespace {

DatabaseCounters counters(qint64 commits, qint64 rollbacks, qint64 reset = 1)
{
    DatabaseCounters c;
    c.xactCommit = commits;
    c.xactRollback = rollbacks;
    c.tupReturned = commits * 10;
    c.tupFetched = commits * 5;
    c.tupInserted = commits;
    c.tupUpdated = rollbacks;
    c.tupDeleted = 0;
    c.blksRead = rollbacks;
    c.blksHit = commits * 3;
    c.statsResetUs = reset;
    return c;
}

const LockWait *waitOf(const VitalsSample &s, int pid)
{
    for (const LockWait &w : s.lockWaits)
        if (w.pid == pid)
            return &w;
    return nullptr;
}

const PartitionVacuum *partitionOf(const VitalsSample &s, const QString &name)
{
    for (const PartitionVacuum &p : s.partitions)
        if (p.partition == name)
            return &p;
    return nullptr;
}

} // namespace

class tst_ServerVitals : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void rates_data();
    void rates();
    void parseRefusesMalformed_data();
    void parseRefusesMalformed();
    void parseKeepsHostileText();
    void ratesUnderLoad();
    void countsEveryTransaction();
    void lockWaitNamesTheBlocker();
    void oldestTransactionAges();
    void partitionsAndVacuum();
    void deadlineEndsSample();

private:
    VitalsSample sample(PgConnection &conn) { return m_vitals.sample(conn); }

    DatabaseConfig m_db;
    std::unique_ptr<PgConnection> m_conn;
    ServerVitals m_vitals{QStringLiteral("melodee_")};
};

void tst_ServerVitals::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
    m_db = TestEnv::freshDatabase(QStringLiteral("servervitals"));
    m_conn = PgConnection::open(m_db);
    TestEnv::psql(
        QStringLiteral("CREATE TABLE vt_plain (id int PRIMARY KEY, v text);"
                       "INSERT INTO vt_plain SELECT g, 'x' FROM generate_series(1, 100) g;"),
        m_db.dbname);
}

void tst_ServerVitals::rates_data()
{
    QTest::addColumn<DatabaseCounters>("before");
    QTest::addColumn<qint64>("beforeUs");
    QTest::addColumn<DatabaseCounters>("after");
    QTest::addColumn<qint64>("afterUs");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<bool>("restarted");
    QTest::addColumn<double>("commits");
    QTest::addColumn<double>("rollbacks");

    const qint64 t = 1'700'000'000'000'000;
    QTest::newRow("one second") << counters(100, 10) << t << counters(150, 12) << t + 1'000'000
                                << true << false << 50.0 << 2.0;
    // The timer fired late: the rate is over the time that really passed, not per tick.
    QTest::newRow("late tick") << counters(100, 10) << t << counters(400, 10) << t + 3'000'000
                               << true << false << 100.0 << 0.0;
    QTest::newRow("quarter second")
        << counters(0, 0) << t << counters(5, 1) << t + 250'000 << true << false << 20.0 << 4.0;
    QTest::newRow("idle") << counters(7, 7) << t << counters(7, 7) << t + 1'000'000 << true << false
                          << 0.0 << 0.0;
    QTest::newRow("first sample") << DatabaseCounters{} << qint64(0) << counters(100, 10) << t
                                  << false << false << 0.0 << 0.0;
    QTest::newRow("zero elapsed") << counters(100, 10) << t << counters(200, 20) << t << false
                                  << false << 0.0 << 0.0;
    QTest::newRow("clock set back") << counters(100, 10) << t << counters(200, 20) << t - 5'000'000
                                    << false << false << 0.0 << 0.0;
    QTest::newRow("stats reset") << counters(100, 10, 1) << t << counters(3, 0, 2) << t + 1'000'000
                                 << false << true << 0.0 << 0.0;
    // pg_stat_reset() with more traffic since than before: only stats_reset tells.
    QTest::newRow("reset, counters higher") << counters(100, 10, 1) << t << counters(500, 50, 2)
                                            << t + 1'000'000 << false << true << 0.0 << 0.0;
    // A crash loses the stats file; stats_reset stays NULL on both sides.
    QTest::newRow("counter went down") << counters(100, 10, 0) << t << counters(40, 12, 0)
                                       << t + 1'000'000 << false << true << 0.0 << 0.0;
    QTest::newRow("wrapped past INT64_MAX")
        << counters(LLONG_MAX / 10 - 5, 1) << t << counters(LLONG_MIN / 10, 2) << t + 1'000'000
        << false << true << 0.0 << 0.0;
    QTest::newRow("near INT64_MAX")
        << counters(LLONG_MAX / 10 - 1000, 0) << t << counters(LLONG_MAX / 10, 0) << t + 2'000'000
        << true << false << 500.0 << 0.0;
}

void tst_ServerVitals::rates()
{
    QFETCH(DatabaseCounters, before);
    QFETCH(qint64, beforeUs);
    QFETCH(DatabaseCounters, after);
    QFETCH(qint64, afterUs);
    QFETCH(bool, valid);
    QFETCH(bool, restarted);
    QFETCH(double, commits);
    QFETCH(double, rollbacks);

    const VitalsRates r = ServerVitals::rates(before, beforeUs, after, afterUs);
    QCOMPARE(r.valid, valid);
    QCOMPARE(r.countersRestarted, restarted);
    QCOMPARE(r.commits, commits);
    QCOMPARE(r.rollbacks, rollbacks);
    for (const double v : {r.commits,
                           r.rollbacks,
                           r.returned,
                           r.fetched,
                           r.inserted,
                           r.updated,
                           r.deleted,
                           r.blocksRead,
                           r.blocksHit})
        QVERIFY(v >= 0);
    if (valid) {
        QCOMPARE(r.seconds, double(afterUs - beforeUs) / 1e6);
        QCOMPARE(r.returned, commits * 10);
        QCOMPARE(r.blocksHit, commits * 3);
    }
}

void tst_ServerVitals::parseRefusesMalformed_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("not json") << QByteArray("ERROR: nope");
    QTest::newRow("array") << QByteArray("[1,2]");
    QTest::newRow("no time") << QByteArray("{\"db\": \"x\"}");
    QTest::newRow("counter not a number")
        << QByteArray("{\"now_us\": \"1700000000000000\", \"stats\": {\"commit\": \"12a\"}}");
    QTest::newRow("time not a number") << QByteArray("{\"now_us\": \"soon\"}");
}

void tst_ServerVitals::parseRefusesMalformed()
{
    QFETCH(QByteArray, json);
    try {
        (void)ServerVitals::parse(json);
        QFAIL("parsed");
    } catch (const DbError &e) {
        QCOMPARE(e.operation(), QStringLiteral("server vitals"));
        QVERIFY2(e.message().contains(QLatin1String("could not be read")), qPrintable(e.message()));
    }
}

void tst_ServerVitals::parseKeepsHostileText()
{
    // Invalid UTF-8 (as a SQL_ASCII database can send) does not cost the whole sample.
    const QByteArray json
        = "{\"now_us\": \"1700000000000000\", \"oldest\": {\"pid\": 7, "
          "\"query\": \"SELECT '\xff\xfe' -- \\\"q\\\" password=x\\nline2 \xf0\x9f\x8e\xb5\"}}";
    const VitalsSample s = ServerVitals::parse(json);
    QVERIFY(s.oldestTransaction);
    QCOMPARE(s.oldestTransaction->pid, 7);
    QVERIFY(s.oldestTransaction->query.contains(QStringLiteral("password=x\nline2 \U0001F3B5")));
    QVERIFY(s.oldestTransaction->query.contains(QChar(0xFFFD)));
    QCOMPARE(s.serverTime(), QDateTime::fromSecsSinceEpoch(1'700'000'000, Qt::UTC));
}

void tst_ServerVitals::ratesUnderLoad()
{
    // Two sessions commit and two roll back until the sampler has seen both.
    TransactionLoad load(m_db, "vt_plain");
    VitalsSample previous = sample(*m_conn);
    bool sawCommits = false;
    bool sawRollbacks = false;
    bool sawReads = false;
    QDeadlineTimer deadline(30s);
    while (!(sawCommits && sawRollbacks && sawReads) && !deadline.hasExpired()) {
        QTest::qWait(250);
        const VitalsSample next = sample(*m_conn);
        const VitalsRates r = ServerVitals::rates(previous, next);
        QVERIFY(r.valid);
        QVERIFY(r.seconds > 0.2 && r.seconds < 10);
        sawCommits = sawCommits || r.commits > 10;
        sawRollbacks = sawRollbacks || r.rollbacks > 10;
        sawReads = sawReads || (r.returned > 0 && r.blocksHit > 0);
        QVERIFY(r.commits >= 0 && r.rollbacks >= 0 && r.blocksRead >= 0);
        previous = next;
        // The load's sessions, active or idle between statements; ours is left out.
        QVERIFY(next.sessions >= 4);
        QCOMPARE(next.database, m_db.dbname);
        QCOMPARE(next.selfPid, m_conn->backendPid());
    }
    load.stop();
    QCOMPARE(load.errors(), 0);
    QVERIFY(sawCommits);
    QVERIFY(sawRollbacks);
    QVERIFY(sawReads);
}

void tst_ServerVitals::countsEveryTransaction()
{
    const VitalsSample before = sample(*m_conn);
    {
        auto conn = PgConnection::open(m_db);
        for (int i = 0; i < 40; ++i)
            conn->exec("INSERT INTO vt_plain VALUES (1000 + " + QByteArray::number(i) + ", 'n')");
        for (int i = 0; i < 25; ++i) {
            conn->exec("BEGIN");
            conn->exec("DELETE FROM vt_plain WHERE id < 50");
            conn->exec("ROLLBACK");
        }
        // A failed statement rolls back its implicit transaction, too.
        QVERIFY_THROWS_EXCEPTION(DbError, conn->exec("SELECT 1 / 0"));
    } // closing the session flushes its statistics at once
    VitalsSample after;
    QTRY_VERIFY_WITH_TIMEOUT((after = sample(*m_conn)).counters.xactRollback
                                 >= before.counters.xactRollback + 26,
                             20000);
    QTRY_VERIFY_WITH_TIMEOUT(
        (after = sample(*m_conn)).counters.tupInserted >= before.counters.tupInserted + 40, 20000);
    QVERIFY(after.counters.xactCommit >= before.counters.xactCommit + 40);
    const VitalsRates r = ServerVitals::rates(before, after);
    QVERIFY(r.valid);
    QVERIFY(r.rollbacks > 0);
    QVERIFY(r.inserted > 0);
    QVERIFY(qAbs(r.rollbacks * r.seconds
                 - double(after.counters.xactRollback - before.counters.xactRollback))
            < 1e-6);
    TestEnv::psql(QStringLiteral("DELETE FROM vt_plain WHERE id >= 1000"), m_db.dbname);
}

void tst_ServerVitals::lockWaitNamesTheBlocker()
{
    DatabaseConfig blockerConfig = m_db;
    blockerConfig.applicationName = QStringLiteral("vt-blocker \"q\" password=x");
    auto blocker = PgConnection::open(blockerConfig);
    blocker->exec("BEGIN");
    blocker->exec("LOCK TABLE vt_plain IN ACCESS EXCLUSIVE MODE");

    // Hostile text in the waiting query: quotes, a password=, a newline, an emoji.
    const QByteArray query = "SELECT /* \"q\" password=secret\nline two \xf0\x9f\x8e\xb5 */ "
                             "count(*) FROM vt_plain";
    Background waiter(m_db, QStringLiteral("vt-waiter"), query);
    VitalsSample s;
    QTRY_VERIFY_WITH_TIMEOUT(waitOf(s = sample(*m_conn), waiter.pid()), 20000);
    const LockWait first = *waitOf(s, waiter.pid());
    QCOMPARE(first.blockingPids, QList<int>{blocker->backendPid()});
    QVERIFY2(first.blockers.startsWith(QString::number(blocker->backendPid())),
             qPrintable(first.blockers));
    QVERIFY2(first.blockers.contains(QLatin1String("idle in transaction")),
             qPrintable(first.blockers));
    QVERIFY2(first.blockers.contains(blockerConfig.applicationName), qPrintable(first.blockers));
    QCOMPARE(first.application, QStringLiteral("vt-waiter"));
    QCOMPARE(first.lockType, QStringLiteral("relation"));
    QVERIFY(first.waitedSeconds >= 0 && first.waitedSeconds < 60);
    QCOMPARE(first.query, QString::fromUtf8(query));
    QVERIFY(s.sessionsIn(QStringLiteral("idle in transaction")) >= 1);
    QVERIFY(s.sessionsIn(QStringLiteral("active")) >= 1);
    // The wait is measured from when it began, so it grows.
    QTRY_VERIFY_WITH_TIMEOUT(waitOf(s = sample(*m_conn), waiter.pid())
                                 && waitOf(s, waiter.pid())->waitedSeconds
                                        > first.waitedSeconds + 0.3,
                             20000);

    blocker->exec("ROLLBACK");
    QTRY_VERIFY_WITH_TIMEOUT(waiter.done(), 20000);
    QVERIFY(!waiter.failed());
    QVERIFY(!waitOf(sample(*m_conn), waiter.pid()));
}

void tst_ServerVitals::oldestTransactionAges()
{
    // Our own sampling transaction is never the oldest.
    const VitalsSample quiet = sample(*m_conn);
    QVERIFY(!quiet.oldestTransaction || quiet.oldestTransaction->pid != m_conn->backendPid());

    DatabaseConfig config = m_db;
    config.applicationName = QStringLiteral("vt-old");
    auto old = PgConnection::open(config);
    old->exec("BEGIN ISOLATION LEVEL REPEATABLE READ");
    old->exec("SELECT count(*) FROM vt_plain"); // takes the snapshot: it now holds back xmin
    auto younger = PgConnection::open(m_db);
    QTRY_VERIFY_WITH_TIMEOUT(sample(*m_conn).oldestTransaction, 10000);
    younger->exec("BEGIN");
    younger->exec("SELECT 1");

    VitalsSample s = sample(*m_conn);
    QVERIFY(s.oldestTransaction);
    const OldestTransaction first = *s.oldestTransaction;
    QCOMPARE(first.pid, old->backendPid());
    QCOMPARE(first.application, QStringLiteral("vt-old"));
    QCOMPARE(first.state, QStringLiteral("idle in transaction"));
    QVERIFY(first.xminAge >= 0);
    QVERIFY(first.query.contains(QLatin1String("vt_plain")));
    QTRY_VERIFY_WITH_TIMEOUT((s = sample(*m_conn)).oldestTransaction
                                 && s.oldestTransaction->ageSeconds > first.ageSeconds + 0.5,
                             20000);
    QCOMPARE(s.oldestTransaction->pid, old->backendPid());

    old->exec("ROLLBACK");
    s = sample(*m_conn);
    QVERIFY(s.oldestTransaction);
    QCOMPARE(s.oldestTransaction->pid, younger->backendPid());
    younger->exec("ROLLBACK");
}

void tst_ServerVitals::partitionsAndVacuum()
{
    TestEnv::psql(
        QStringLiteral(
            "CREATE TABLE melodee_vt_songs (id bigint, created_at timestamptz NOT NULL, n text)"
            " PARTITION BY RANGE (created_at);"
            "CREATE TABLE melodee_vt_songs_p202601 PARTITION OF melodee_vt_songs"
            " FOR VALUES FROM ('2026-01-01 00:00+00') TO ('2026-02-01 00:00+00')"
            " WITH (autovacuum_enabled = off);"
            "CREATE TABLE melodee_vt_songs_p202602 PARTITION OF melodee_vt_songs"
            " FOR VALUES FROM ('2026-02-01 00:00+00') TO ('2026-03-01 00:00+00')"
            " WITH (autovacuum_enabled = off);"
            // Not ours: another prefix (its '_' must not match as a LIKE wildcard would).
            "CREATE TABLE melodeeXvt (id int, k int) PARTITION BY LIST (k);"
            "CREATE TABLE melodeeXvt_1 PARTITION OF melodeeXvt FOR VALUES IN (1);"
            "INSERT INTO melodee_vt_songs SELECT g, '2026-01-15 00:00+00', 'x'"
            " FROM generate_series(1, 5000) g;"
            "INSERT INTO melodee_vt_songs SELECT g, '2026-02-15 00:00+00', 'x'"
            " FROM generate_series(1, 10) g;"
            "DELETE FROM melodee_vt_songs WHERE id <= 3000 AND created_at < '2026-02-01';"),
        m_db.dbname);
    VitalsSample s;
    QTRY_VERIFY_WITH_TIMEOUT(partitionOf(s = sample(*m_conn), "melodee_vt_songs_p202601")
                                 && partitionOf(s, "melodee_vt_songs_p202601")->deadTuples >= 3000,
                             20000);
    const PartitionVacuum jan = *partitionOf(s, "melodee_vt_songs_p202601");
    QCOMPARE(jan.parent, QStringLiteral("melodee_vt_songs"));
    QCOMPARE(jan.liveTuples, 2000);
    QVERIFY(!jan.vacuuming());
    QVERIFY(!jan.lastAutovacuum.isValid());
    QCOMPARE(s.partitionCount, 2);
    QVERIFY(s.deadTuples >= 3000);
    QCOMPARE(s.partitions.first().partition, QStringLiteral("melodee_vt_songs_p202601"));
    QVERIFY(partitionOf(s, "melodee_vt_songs_p202602"));
    QVERIFY(!partitionOf(s, "melodeexvt_1"));

    // A VACUUM caught in the act: a cursor pins the partition's first live page, and VACUUM
    // (FREEZE) waits for that pin in its heap scan, visible in pg_stat_progress_vacuum. It waits
    // only for rows it must freeze, that is rows older than every snapshot in the database. The
    // cursor's snapshot is older than the rows when another database's write transaction, begun
    // before them, is still open (the suite runs in parallel on one server): then VACUUM passes
    // the page without waiting, and the next try, with a newer snapshot, catches it.
    std::unique_ptr<PgConnection> pin;
    std::unique_ptr<Background> vacuum;
    QDeadlineTimer deadline(60s);
    bool caught = false;
    while (!caught && !deadline.hasExpired()) {
        pin = PgConnection::open(m_db);
        pin->exec("BEGIN");
        pin->exec("DECLARE c CURSOR FOR SELECT * FROM melodee_vt_songs_p202601");
        pin->exec("FETCH 1 FROM c");
        vacuum = std::make_unique<Background>(
            m_db,
            QStringLiteral("vt-vacuum"),
            "VACUUM (FREEZE, DISABLE_PAGE_SKIPPING) melodee_vt_songs_p202601");
        // A plain loop, not QTRY: its condition is sampled once per pass and the sample kept
        // (QTRY evaluates its expression again after it holds, and this one need not hold twice).
        const QDeadlineTimer attempt(20s);
        while (!caught && !vacuum->done() && !attempt.hasExpired()) {
            s = sample(*m_conn);
            const PartitionVacuum *jan = partitionOf(s, "melodee_vt_songs_p202601");
            // Past "initializing": in the heap scan, where the pinned page stops it.
            caught = jan && jan->vacuumPhase.contains(QLatin1String("heap"));
            if (!caught)
                QTest::qWait(20);
        }
        QVERIFY2(caught || vacuum->done(), "the VACUUM neither showed nor ended within 20 s");
        QVERIFY(!vacuum->failed());
        if (!caught)
            pin->exec("ROLLBACK");
    }
    QVERIFY2(caught, "no VACUUM waited for the pinned page within 60 s");
    const PartitionVacuum running = *partitionOf(s, "melodee_vt_songs_p202601");
    QVERIFY2(running.vacuumPhase.contains(QLatin1String("heap")), qPrintable(running.vacuumPhase));
    QVERIFY(!running.autovacuumWorker); // a manual VACUUM
    QVERIFY(running.heapBlocksTotal > 0);
    QVERIFY(s.vacuumsRunning >= 1);
    QCOMPARE(s.partitions.first().partition, running.partition); // the running one comes first
    pin->exec("ROLLBACK");
    QTRY_VERIFY_WITH_TIMEOUT(vacuum->done(), 20000);
    QVERIFY(!vacuum->failed());
    // That VACUUM kept the rows the pin's snapshot could still see; with the pin gone, one more
    // removes every dead row whatever else runs on the server.
    TestEnv::psql(QStringLiteral("VACUUM melodee_vt_songs_p202601"), m_db.dbname);
    QTRY_VERIFY_WITH_TIMEOUT(partitionOf(s = sample(*m_conn), "melodee_vt_songs_p202601")
                                 && partitionOf(s, "melodee_vt_songs_p202601")->deadTuples == 0,
                             20000);
    QVERIFY(!partitionOf(s, "melodee_vt_songs_p202601")->vacuuming());
}

void tst_ServerVitals::deadlineEndsSample()
{
    // A catalog lock held elsewhere stalls the sample's read of pg_class; the deadline ends it
    // with the server's timeout, and the connection is usable afterwards.
    auto holder = PgConnection::open(m_db);
    holder->exec("BEGIN");
    holder->exec("LOCK TABLE pg_catalog.pg_inherits IN ACCESS EXCLUSIVE MODE");
    const ServerVitals quick(QStringLiteral("melodee_"), 300ms);
    try {
        (void)quick.sample(*m_conn);
        QFAIL("the sample ended without waiting for the lock");
    } catch (const DbError &e) {
        QCOMPARE(e.operation(), QStringLiteral("server vitals"));
        QVERIFY2(e.sqlState() == QLatin1String("55P03") || e.sqlState() == QLatin1String("57014"),
                 qPrintable(e.sqlState()));
    }
    holder->exec("ROLLBACK");
    QVERIFY(sample(*m_conn).serverTimeUs > 0);
}

QTEST_MAIN(tst_ServerVitals)
#include "tst_servervitals.moc"
