#include "partitiontest.h"

#include <db/pgconnection.h>
#include <partitions/partitionmover.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <atomic>
#include <memory>
#include <thread>

using namespace melodee;
using namespace melodee::test;

// The batched, resumable move out of the default partition: kill -9 of the command line at
// several points and a rerun lose and duplicate no row; ATTACH does not scan the default
// partition and readers of the default are never blocked for long.
class tst_PartitionMover : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void killAndRerun_data();
    void killAndRerun();
    void attachSkipsDefaultScan();
    void attachedPartitionsTakeTheTablesPrivileges();
    void dryRunChangesNothing();
    void rejectsBadArguments_data();
    void rejectsBadArguments();

private:
    DatabaseConfig m_seed;
    QString m_digest; // of melodee_songs in m_seed
};

void tst_PartitionMover::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
    // 45,000 rows of two months without a partition, with hostile names, sit in the default
    // partition; 500 rows at infinity stay there; 200 rows of an existing month are not touched.
    m_seed = migratedPartitionDatabase(QStringLiteral("mv_seed"));
    TestEnv::psql(
        QStringLiteral(
            "INSERT INTO melodee_songs (name, name_normalized, artist_id, created_at) "
            "SELECT 'it''s \"' || g || E'\"\\n🎵 password=x', 'n' || g, g % 100, "
            "timestamptz '2027-08-01 00:00:00+00' + (g % 31) * interval '1 day' "
            "+ (g % 86400) * interval '1 second' FROM generate_series(1, 30000) g;"
            "INSERT INTO melodee_songs (name, name_normalized, created_at) "
            "SELECT 'sep ' || g, 'sep ' || g, timestamptz '2027-09-30 23:59:59.999999+00' "
            "FROM generate_series(1, 15000) g;"
            "INSERT INTO melodee_songs (name, name_normalized, created_at) "
            "SELECT 'inf ' || g, 'inf ' || g, 'infinity' FROM generate_series(1, 500) g;"
            "INSERT INTO melodee_songs (name, name_normalized, created_at) "
            "SELECT 'dec ' || g, 'dec ' || g, '2026-12-05 10:00:00+00' "
            "FROM generate_series(1, 200) g;"),
        m_seed.dbname);
    QCOMPARE(
        TestEnv::psql(QStringLiteral("SELECT count(*) FROM melodee_songs_default"), m_seed.dbname),
        QStringLiteral("45500"));
    m_digest = rowDigest(QStringLiteral("melodee_songs"), m_seed);
    QVERIFY(m_digest.startsWith(QLatin1String("45700:")));
}

void tst_PartitionMover::killAndRerun_data()
{
    QTest::addColumn<QString>("killAt"); // kill -9 once stderr shows this
    // Once stderr shows this, a session holds ACCESS SHARE on the second staging table until the
    // kill: what is left after the first ATTACH is too short for the kill to land in otherwise,
    // and the run could end first.
    QTest::addColumn<QString>("pinAfter");
    QTest::newRow("staging tables created") << "standalone until ATTACH" << QString();
    QTest::newRow("after the first batch") << "(batch 1)" << QString();
    QTest::newRow("half the rows moved") << "(batch 12)" << QString();
    QTest::newRow("validating the helper constraint") << "validating" << QString();
    QTest::newRow("first partition attached") << "attached melodee_songs_2027_08"
                                              << "created melodee_songs_2027_09";
}

void tst_PartitionMover::killAndRerun()
{
    QFETCH(QString, killAt);
    QFETCH(QString, pinAfter);
    const DatabaseConfig db = copyDatabase(m_seed, QStringLiteral("mv_kill"));
    const QStringList args = partitionArgs(db,
                                           {QStringLiteral("maintain"),
                                            QStringLiteral("--batch-rows"),
                                            QStringLiteral("2000"),
                                            QStringLiteral("--pause-ms"),
                                            QStringLiteral("5")});
    auto cli = startCli(args);
    QString err;
    std::shared_ptr<PgConnection> pin;
    if (!pinAfter.isEmpty()) {
        QVERIFY2(waitForStderr(*cli, err, pinAfter, 240000), qPrintable(err));
        pin = PgConnection::open(db);
        pin->exec("BEGIN");
        pin->exec("LOCK TABLE melodee_songs_2027_09 IN ACCESS SHARE MODE");
    }
    QVERIFY2(waitForStderr(*cli, err, killAt, 240000), qPrintable(err));
    cli->kill(); // SIGKILL: no cleanup runs
    QVERIFY(cli->waitForFinished(30000));
    QCOMPARE(cli->exitStatus(), QProcess::CrashExit);
    if (pin)
        pin->exec("ROLLBACK");

    // The rerun finishes the work (it waits out the dead session's locks).
    const auto rerun = TestEnv::runCli(args, {}, 300000);
    QVERIFY2(rerun.exitCode == 0, qPrintable(rerun.err));
    QCOMPARE(rowDigest(QStringLiteral("melodee_songs"), db), m_digest);
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT count(*) FROM melodee_songs_default"), db.dbname),
             QStringLiteral("500"));
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT count(*) FROM melodee_songs_2027_08"), db.dbname),
             QStringLiteral("30000"));
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT count(*) FROM melodee_songs_2027_09"), db.dbname),
             QStringLiteral("15000"));
    // Both are partitions now, and no helper constraint is left behind.
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT count(*) FROM pg_class WHERE relname IN "
                                          "('melodee_songs_2027_08', 'melodee_songs_2027_09') "
                                          "AND relkind = 'r' AND relispartition"),
                           db.dbname),
             QStringLiteral("2"));
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT count(*) FROM pg_constraint WHERE conname LIKE "
                                          "'melodee\\_excl%' OR conname = 'melodee_stage'"),
                           db.dbname),
             QStringLiteral("0"));
    // A third run has nothing left to move.
    const auto again = TestEnv::runCli(args + QStringList{QStringLiteral("--json")});
    QCOMPARE(again.exitCode, 0);
    const QJsonObject o = QJsonDocument::fromJson(again.out.toUtf8()).object();
    for (const QJsonValue &t : o.value(QStringLiteral("tables")).toArray())
        QCOMPARE(t.toObject().value(QStringLiteral("rows_to_move")).toInteger(), 0);
}

void tst_PartitionMover::attachSkipsDefaultScan()
{
    const DatabaseConfig db = copyDatabase(m_seed, QStringLiteral("mv_scan"));
    AppConfig config;
    config.database = db;
    // A reader of the default partition the whole time, with a short lock_timeout: ATTACH holds
    // the default's lock only for the catalog change, never for a scan of its rows.
    std::atomic<bool> done = false;
    std::atomic<int> reads = 0;
    QString readerError;
    std::thread reader([&] {
        try {
            auto conn = PgConnection::open(db);
            conn->exec("SET lock_timeout = '1s'");
            while (!done) {
                conn->exec("SELECT count(*) FROM melodee_songs_default");
                ++reads;
            }
        } catch (const std::exception &e) {
            readerError = QString::fromUtf8(e.what());
        }
    });
    QList<MoveResult> results;
    try {
        PartitionMaintenance maintenance(config);
        PartitionMover mover(maintenance);
        MoveRequest request;
        request.maintenance.now = partitionTestNow();
        request.batchRows = 5000;
        results = mover.apply(mover.preview(request));
    } catch (const std::exception &e) {
        done = true;
        reader.join();
        QFAIL(e.what());
    }
    done = true;
    reader.join();
    QVERIFY2(readerError.isEmpty(), qPrintable(readerError));
    QVERIFY(reads > 0);
    bool songs = false;
    for (const MoveResult &r : std::as_const(results)) {
        if (r.table != QLatin1String("melodee_songs"))
            continue;
        songs = true;
        QCOMPARE(r.moved, 45000);
        QCOMPARE(r.attached, 2);
        // pg_stat_xact_user_tables inside the ATTACH transactions: no scan of the default.
        QCOMPARE(r.defaultScans, 0);
        QVERIFY2(r.summary().contains(QLatin1String("did not scan")), qPrintable(r.summary()));
    }
    QVERIFY(songs);
    QCOMPARE(rowDigest(QStringLiteral("melodee_songs"), db), m_digest);
}

void tst_PartitionMover::attachedPartitionsTakeTheTablesPrivileges()
{
    const DatabaseConfig db = copyDatabase(m_seed, QStringLiteral("mv_acl"));
    const TestRoles roles = grantToTestRoles(db,
                                             QStringLiteral("ALTER TABLE melodee_songs OWNER TO %1;"
                                                            "GRANT SELECT ON melodee_songs TO %2;"
                                                            "REVOKE TRIGGER ON melodee_songs FROM "
                                                            "%1"));
    const QString reader = roles.reader;
    const QString parent = ownerAndPrivileges(QStringLiteral("melodee_songs"), db);
    QVERIFY2(parent.contains(QLatin1String("reader")), qPrintable(parent));
    AppConfig config;
    config.database = db;
    PartitionMaintenance maintenance(config);
    PartitionMover mover(maintenance);
    MoveRequest request;
    request.maintenance.now = partitionTestNow();
    request.batchRows = 20000;
    const MovePreview preview = mover.preview(request);
    QVERIFY2(preview.script().contains(
                 QStringLiteral("GRANT SELECT ON TABLE melodee_songs_2027_08 TO %1").arg(reader)),
             qPrintable(preview.script()));
    mover.apply(preview);
    for (const QString &made :
         {QStringLiteral("melodee_songs_2027_08"), QStringLiteral("melodee_songs_2027_09")}) {
        QCOMPARE(TestEnv::psql(QStringLiteral("SELECT relispartition FROM pg_class WHERE oid = "
                                              "to_regclass('%1')")
                                   .arg(made),
                               db.dbname),
                 QStringLiteral("t"));
        QCOMPARE(ownerAndPrivileges(made, db), parent);
    }
    QCOMPARE(rowDigest(QStringLiteral("melodee_songs"), db), m_digest);
}

void tst_PartitionMover::dryRunChangesNothing()
{
    const DatabaseConfig db = copyDatabase(m_seed, QStringLiteral("mv_dry"));
    const auto r = TestEnv::runCli(partitionArgs(db,
                                                 {QStringLiteral("maintain"),
                                                  QStringLiteral("--batch-rows"),
                                                  QStringLiteral("1000"),
                                                  QStringLiteral("--dry-run"),
                                                  QStringLiteral("--json")}));
    QCOMPARE(r.exitCode, 0);
    QJsonParseError error;
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8(), &error).object();
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(r.out));
    QCOMPARE(o.value(QStringLiteral("batch_rows")).toInteger(), 1000);
    QJsonObject songs;
    for (const QJsonValue &t : o.value(QStringLiteral("tables")).toArray()) {
        if (t.toObject().value(QStringLiteral("table")).toString()
            == QLatin1String("melodee_songs"))
            songs = t.toObject();
    }
    QVERIFY(songs.value(QStringLiteral("batched")).toBool());
    QCOMPARE(songs.value(QStringLiteral("rows_to_move")).toInteger(), 45000);
    const QString statements
        = QJsonDocument(songs.value(QStringLiteral("statements")).toArray()).toJson();
    for (const char *expected : {"CREATE TABLE melodee_songs_2027_08 (LIKE melodee_songs",
                                 "CONSTRAINT melodee_excl_2027_09 CHECK (NOT (created_at",
                                 "NOT VALID",
                                 "VALIDATE CONSTRAINT melodee_excl_2027_08",
                                 "ATTACH PARTITION melodee_songs_2027_09",
                                 "WITH moved AS (DELETE FROM melodee_songs_default"})
        QVERIFY2(statements.contains(QLatin1String(expected)), expected);
    // Nothing changed.
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT count(*) FROM pg_class WHERE relname IN "
                                          "('melodee_songs_2027_08', 'melodee_songs_2027_09')"),
                           db.dbname),
             QStringLiteral("0"));
    QCOMPARE(rowDigest(QStringLiteral("melodee_songs"), db), m_digest);
}

void tst_PartitionMover::rejectsBadArguments_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("zero rows") << QStringList{"--batch-rows", "0"} << "--batch-rows \"0\"";
    QTest::newRow("negative rows") << QStringList{"--batch-rows", "-5"} << "--batch-rows \"-5\"";
    QTest::newRow("not a number") << QStringList{"--batch-rows", "1e3"} << "--batch-rows \"1e3\"";
    QTest::newRow("negative pause")
        << QStringList{"--batch-rows", "10", "--pause-ms", "-1"} << "--pause-ms \"-1\"";
    QTest::newRow("pause not a number")
        << QStringList{"--pause-ms", "soon"} << "--pause-ms \"soon\"";
}

void tst_PartitionMover::rejectsBadArguments()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    verifyUsageError(m_seed, QStringLiteral("maintain"), args, message);
}

QTEST_GUILESS_MAIN(tst_PartitionMover)
#include "tst_partitionmover.moc"
