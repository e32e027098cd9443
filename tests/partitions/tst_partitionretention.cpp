#include "partitiontest.h"

#include <db/pgconnection.h>
#include <partitions/partitionretention.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace melodee;
using namespace melodee::test;

// Retention: what it detaches and drops, the production guard, DETACH CONCURRENTLY when there is
// no default partition, and kill -9 in the middle with a rerun that finishes: no row of a kept
// partition lost or duplicated.
class tst_PartitionRetention : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void previewListsOldPartitions();
    void dropsOldKeepsRows();
    void detachOnlyThenDrop();
    void guardInProduction();
    void concurrentlyWithoutDefault();
    void killAndRerun_data();
    void killAndRerun();
    void rejectsBadKeep_data();
    void rejectsBadKeep();

private:
    static QString keptDigest(const DatabaseConfig &db);
    static int attachedOld(const DatabaseConfig &db);
    static int standaloneOld(const DatabaseConfig &db);
    static int hostileTables(const DatabaseConfig &db);
    DatabaseConfig m_seed;
};

namespace {

// With now 2026-11-27 and --keep 6 the horizon is 2026-05-01: 2025-01 .. 2026-04 go.
const QString kHorizon = QStringLiteral("'2026-05-01 00:00:00+00'");

} // namespace

QString tst_PartitionRetention::keptDigest(const DatabaseConfig &db)
{
    return rowDigest(
        QStringLiteral("(SELECT * FROM melodee_songs WHERE created_at >= %1)").arg(kHorizon), db);
}

int tst_PartitionRetention::attachedOld(const DatabaseConfig &db)
{
    return TestEnv::psql(QStringLiteral("SELECT count(*) FROM pg_inherits i JOIN pg_class c ON "
                                        "c.oid = i.inhrelid WHERE c.relname ~ "
                                        "'^melodee_songs_(2025_..|2026_0[1-4])$'"),
                         db.dbname)
        .toInt();
}

int tst_PartitionRetention::standaloneOld(const DatabaseConfig &db)
{
    return TestEnv::psql(QStringLiteral("SELECT count(*) FROM pg_class WHERE relname ~ "
                                        "'^melodee_songs_(2025_..|2026_0[1-4])$' AND NOT "
                                        "relispartition"),
                         db.dbname)
        .toInt();
}

void tst_PartitionRetention::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
    // Partitions 2025-01 through 2027-04, 300 songs a month, plus rows in the default.
    m_seed = migratedPartitionDatabase(QStringLiteral("ret_seed"));
    const auto r = TestEnv::runCli(
        partitionArgs(m_seed, {QStringLiteral("maintain"), QStringLiteral("--from"), "2025-01"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    TestEnv::psql(QStringLiteral("INSERT INTO melodee_songs (name, name_normalized, created_at) "
                                 "SELECT E'it''s\\n' || g, 'n' || g, timestamptz '2025-01-01 "
                                 "00:00:00+00' + (g % 700) * interval '1 day' FROM "
                                 "generate_series(1, 7000) g;"
                                 "INSERT INTO melodee_songs (name, name_normalized, created_at) "
                                 "SELECT 'inf', 'inf', 'infinity' FROM generate_series(1, 5);"
                                 "ANALYZE melodee_songs;"
                                 // Hostile look-alikes of old months: never touched.
                                 "CREATE TABLE \"melodee_songs_2024_12\n\" (id int);"
                                 "CREATE TABLE \"melodee_songs_2024_11 'x' \"\"🎵 password=1\" "
                                 "(id int);"),
                  m_seed.dbname);
    QCOMPARE(attachedOld(m_seed), 16);
    QCOMPARE(hostileTables(m_seed), 2);
}

int tst_PartitionRetention::hostileTables(const DatabaseConfig &db)
{
    return TestEnv::psql(QStringLiteral("SELECT count(*) FROM pg_class WHERE relname LIKE "
                                        "'melodee\\_songs\\_2024\\_1%'"),
                         db.dbname)
        .toInt();
}

void tst_PartitionRetention::previewListsOldPartitions()
{
    const auto r = TestEnv::runCli(partitionArgs(m_seed,
                                                 {QStringLiteral("retention"),
                                                  QStringLiteral("--keep"),
                                                  QStringLiteral("6"),
                                                  QStringLiteral("--dry-run"),
                                                  QStringLiteral("--json")}));
    QCOMPARE(r.exitCode, 0);
    QJsonParseError error;
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8(), &error).object();
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(r.out));
    QCOMPARE(o.value(QStringLiteral("horizon")).toString(), QStringLiteral("2026-05"));
    QStringList songs;
    for (const QJsonValue &v : o.value(QStringLiteral("partitions")).toArray()) {
        const QJsonObject p = v.toObject();
        QVERIFY(
            !p.value(QStringLiteral("partition")).toString().endsWith(QLatin1String("default")));
        if (p.value(QStringLiteral("table")).toString() == QLatin1String("melodee_songs"))
            songs << p.value(QStringLiteral("statements")).toVariant().toStringList();
    }
    // With a default partition: plain DETACH (CONCURRENTLY is impossible), then DROP.
    QCOMPARE(songs.size(), 32);
    QCOMPARE(songs.first(),
             QStringLiteral("ALTER TABLE melodee_songs DETACH PARTITION melodee_songs_2025_01"));
    QCOMPARE(songs.at(1), QStringLiteral("DROP TABLE IF EXISTS melodee_songs_2025_01"));
    QVERIFY(!songs.join(QLatin1Char('\n')).contains(QLatin1String("2026_05")));
    QCOMPARE(attachedOld(m_seed), 16); // a dry run changes nothing
}

void tst_PartitionRetention::dropsOldKeepsRows()
{
    const DatabaseConfig db = copyDatabase(m_seed, QStringLiteral("ret_drop"));
    const QString kept = keptDigest(db);
    const QString all = rowDigest(QStringLiteral("melodee_songs"), db);
    const auto r = TestEnv::runCli(
        partitionArgs(db, {QStringLiteral("retention"), QStringLiteral("--keep"), "6"}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains(QLatin1String("detached 32, dropped 32")), qPrintable(r.out));
    QCOMPARE(attachedOld(db), 0);
    QCOMPARE(standaloneOld(db), 0);
    QCOMPARE(keptDigest(db), kept);
    QVERIFY(rowDigest(QStringLiteral("melodee_songs"), db) != all);
    QCOMPARE(hostileTables(db), 2);
    // The default partition and its rows stay.
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT count(*) FROM melodee_songs_default"), db.dbname),
             QStringLiteral("5"));
}

void tst_PartitionRetention::detachOnlyThenDrop()
{
    const DatabaseConfig db = copyDatabase(m_seed, QStringLiteral("ret_detach"));
    const QString before = rowDigest(QStringLiteral("melodee_songs"), db);
    const auto r = TestEnv::runCli(partitionArgs(
        db, {QStringLiteral("retention"), "--keep", "6", QStringLiteral("--detach-only")}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QCOMPARE(attachedOld(db), 0);
    QCOMPARE(standaloneOld(db), 16);
    // Every row is still somewhere: the kept partitions plus the detached tables.
    QString union_ = QStringLiteral("(SELECT * FROM melodee_songs");
    for (const QString &t :
         TestEnv::psql(QStringLiteral("SELECT relname FROM pg_class WHERE relname ~ "
                                      "'^melodee_songs_(2025_..|2026_0[1-4])$'"),
                       db.dbname)
             .split(QLatin1Char('\n')))
        union_ += QStringLiteral(" UNION ALL SELECT * FROM %1").arg(t);
    QCOMPARE(rowDigest(union_ + QStringLiteral(")"), db), before);
    // A later run without --detach-only drops what the first detached.
    const auto drop = TestEnv::runCli(
        partitionArgs(db, {QStringLiteral("retention"), "--keep", "6", QStringLiteral("--json")}));
    QVERIFY2(drop.exitCode == 0, qPrintable(drop.err));
    const QJsonObject o = QJsonDocument::fromJson(drop.out.toUtf8()).object();
    QCOMPARE(o.value(QStringLiteral("dropped")).toInt(), 32);
    QCOMPARE(o.value(QStringLiteral("detached")).toInt(), 0);
    QCOMPARE(standaloneOld(db), 0);
}

void tst_PartitionRetention::guardInProduction()
{
    const DatabaseConfig db = copyDatabase(m_seed, QStringLiteral("ret_guard"));
    const QStringList base{
        QStringLiteral("retention"), "--keep", "6", "--environment", "production"};
    const auto refused = TestEnv::runCli(partitionArgs(db, base));
    QCOMPARE(refused.exitCode, 5);
    QVERIFY2(
        refused.err.contains(QLatin1String("production guard"))
            && refused.err.contains(QLatin1String("DROP TABLE IF EXISTS melodee_songs_2025_01")),
        qPrintable(refused.err));
    QCOMPARE(attachedOld(db), 16);
    // --detach-only is stopped too: DETACH PARTITION is destructive to the guard.
    const auto detach = TestEnv::runCli(partitionArgs(db, base + QStringList{"--detach-only"}));
    QCOMPARE(detach.exitCode, 5);
    const auto allowed
        = TestEnv::runCli(partitionArgs(db, base + QStringList{"--allow-destructive"}));
    QVERIFY2(allowed.exitCode == 0, qPrintable(allowed.err));
    QCOMPARE(attachedOld(db), 0);
}

void tst_PartitionRetention::concurrentlyWithoutDefault()
{
    const DatabaseConfig db = copyDatabase(m_seed, QStringLiteral("ret_conc"));
    TestEnv::psql(
        QStringLiteral("DELETE FROM melodee_songs_default; DROP TABLE melodee_songs_default"),
        db.dbname);
    const QString kept = keptDigest(db);
    const QStringList args{QStringLiteral("retention"), "--keep", "6"};
    const auto dry = TestEnv::runCli(partitionArgs(db, args + QStringList{"--dry-run"}));
    QVERIFY(dry.out.contains(QLatin1String(
        "ALTER TABLE melodee_songs DETACH PARTITION melodee_songs_2025_01 CONCURRENTLY")));

    // An open snapshot makes the second phase of DETACH CONCURRENTLY wait; kill -9 then leaves
    // the partition pending detach, and the rerun finishes it with FINALIZE.
    auto holder = PgConnection::open(db);
    holder->exec("BEGIN ISOLATION LEVEL REPEATABLE READ");
    holder->exec("SELECT count(*) FROM melodee_songs");
    auto cli = startCli(partitionArgs(db, args));
    QVERIFY(QTest::qWaitFor(
        [&] {
            return TestEnv::psql(QStringLiteral("SELECT count(*) FROM pg_inherits WHERE "
                                                "inhdetachpending"),
                                 db.dbname)
                   == QLatin1String("1");
        },
        60000));
    cli->kill();
    QVERIFY(cli->waitForFinished(30000));
    QCOMPARE(cli->exitStatus(), QProcess::CrashExit);
    holder->exec("COMMIT");
    const auto rerun = TestEnv::runCli(partitionArgs(db, args), {}, 180000);
    QVERIFY2(rerun.exitCode == 0, qPrintable(rerun.err));
    QCOMPARE(attachedOld(db), 0);
    QCOMPARE(standaloneOld(db), 0);
    QCOMPARE(keptDigest(db), kept);
}

void tst_PartitionRetention::killAndRerun_data()
{
    // A reader of one partition makes the DETACH or DROP of it wait for its lock; the command
    // line is killed (SIGKILL) while it waits, so the kill lands at a known point. The killed
    // session's statement still runs once the reader is gone, as a server does after a crash of
    // its client; the rerun must cope with that too.
    QTest::addColumn<QStringList>("first");    // a run to completion before the killed one
    QTest::addColumn<QStringList>("killed");   // extra arguments of the killed run
    QTest::addColumn<QString>("blocked");      // the partition the reader holds
    QTest::addColumn<int>("attachedAtKill");   // old partitions still attached when killed
    QTest::addColumn<int>("standaloneAtKill"); // old months left as tables when killed
    QTest::newRow("before the first detach")
        << QStringList{} << QStringList{} << "melodee_songs_2025_01" << 16 << 0;
    QTest::newRow("half way") << QStringList{} << QStringList{} << "melodee_songs_2025_06" << 11
                              << 0;
    QTest::newRow("at the last month")
        << QStringList{} << QStringList{} << "melodee_songs_2026_04" << 1 << 0;
    QTest::newRow("detach only, half way")
        << QStringList{} << QStringList{"--detach-only"} << "melodee_songs_2025_06" << 11 << 5;
    QTest::newRow("dropping what an earlier run detached")
        << QStringList{"--detach-only"} << QStringList{} << "melodee_songs_2025_06" << 0 << 11;
}

void tst_PartitionRetention::killAndRerun()
{
    QFETCH(QStringList, first);
    QFETCH(QStringList, killed);
    QFETCH(QString, blocked);
    QFETCH(int, attachedAtKill);
    QFETCH(int, standaloneAtKill);
    const DatabaseConfig db = copyDatabase(m_seed, QStringLiteral("ret_kill"));
    const QString kept = keptDigest(db);
    const QStringList base{QStringLiteral("retention"), "--keep", "6"};
    if (!first.isEmpty()) {
        const auto r = TestEnv::runCli(partitionArgs(db, base + first));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    }
    auto holder = PgConnection::open(db);
    holder->exec("BEGIN");
    holder->exec(QStringLiteral("SELECT count(*) FROM %1").arg(blocked).toUtf8());
    auto cli = startCli(partitionArgs(db, base + killed));
    // Kill while the command line waits for the reader's lock.
    QVERIFY2(QTest::qWaitFor(
                 [&] {
                     return cli->state() == QProcess::NotRunning
                            || TestEnv::psql(QStringLiteral("SELECT count(*) FROM pg_locks l "
                                                            "JOIN pg_class c ON c.oid = "
                                                            "l.relation WHERE NOT l.granted AND "
                                                            "c.relname = '%1'")
                                                 .arg(blocked),
                                             db.dbname)
                                   != QLatin1String("0");
                 },
                 60000)
                 && cli->state() != QProcess::NotRunning,
             qPrintable(QString::fromUtf8(cli->readAllStandardError())));
    cli->kill();
    QVERIFY(cli->waitForFinished(30000));
    QCOMPARE(cli->exitStatus(), QProcess::CrashExit);
    // The catalog only: the killed session's DETACH still holds the parent's lock.
    QCOMPARE(attachedOld(db), attachedAtKill);
    QCOMPARE(standaloneOld(db), standaloneAtKill);
    holder->exec("COMMIT");
    QCOMPARE(keptDigest(db), kept);
    const auto rerun = TestEnv::runCli(partitionArgs(db, base), {}, 180000);
    QVERIFY2(rerun.exitCode == 0, qPrintable(rerun.err));
    QCOMPARE(attachedOld(db), 0);
    QCOMPARE(standaloneOld(db), 0);
    // The kept months, exactly: no row lost, none twice, the default partition untouched.
    QCOMPARE(keptDigest(db), kept);
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT count(*) FROM melodee_songs_default"), db.dbname),
             QStringLiteral("5"));
    // A third run has nothing left to do.
    const auto again = TestEnv::runCli(partitionArgs(db, base + QStringList{"--json"}));
    QCOMPARE(again.exitCode, 0);
    QJsonParseError error;
    const QJsonObject o = QJsonDocument::fromJson(again.out.toUtf8(), &error).object();
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(again.out));
    QVERIFY(o.value(QStringLiteral("partitions")).toArray().isEmpty());
}

void tst_PartitionRetention::rejectsBadKeep_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("missing") << QStringList{} << "--keep \"\"";
    QTest::newRow("zero") << QStringList{"--keep", "0"} << "--keep \"0\"";
    QTest::newRow("too many") << QStringList{"--keep", "1201"} << "--keep \"1201\"";
    QTest::newRow("text") << QStringList{"--keep", "6 months"} << "--keep \"6 months\"";
    QTest::newRow("environment") << QStringList{"--keep", "6", "--environment", "prod"}
                                 << "--environment \"prod\"";
}

void tst_PartitionRetention::rejectsBadKeep()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    verifyUsageError(m_seed, QStringLiteral("retention"), args, message);
}

QTEST_GUILESS_MAIN(tst_PartitionRetention)
#include "tst_partitionretention.moc"
