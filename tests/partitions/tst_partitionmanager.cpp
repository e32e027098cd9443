#include "migratetest.h"

#include <db/pgconnection.h>
#include <partitions/partitionmanager.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace melodee;
using namespace melodee::test;

namespace {

const QString kNow = QStringLiteral("2026-11-27T00:00:00Z");

DatabaseConfig migratedDatabase(const QString &prefix)
{
    const DatabaseConfig db = TestEnv::freshDatabase(prefix);
    const auto r = TestEnv::runCli({QStringLiteral("migrate"),
                                    QStringLiteral("--dsn"),
                                    dsnFor(db),
                                    QStringLiteral("--now"),
                                    kNow});
    if (r.exitCode != 0)
        qFatal("migrate failed: %s", qPrintable(r.err));
    return db;
}

QStringList partitionsArgs(const DatabaseConfig &db, const QStringList &extra)
{
    return QStringList{QStringLiteral("partitions")} + extra
           + QStringList{QStringLiteral("--dsn"), dsnFor(db)};
}

// Every row's identity and content: must be the same before and after maintenance.
QString songsFingerprint(const QString &db)
{
    return TestEnv::psql(
        QStringLiteral("SELECT count(*) || ':' || md5(string_agg(id || ',' || api_key || "
                       "',' || name || ',' || created_at, ';' ORDER BY id)) FROM "
                       "melodee_songs"),
        db);
}

} // namespace

class tst_PartitionManager : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void rowsBeyondLastPartitionAreMoved();
    void nextMonthMissingIsReported();
    void fromCreatesEarlierMonths();
    void lockedTableRetriesThenFails();
    void badArguments_data();
    void badArguments();
    void fromIsBounded_data();
    void fromIsBounded();
    void rowsNoMonthCanHoldStayInDefault();
};

void tst_PartitionManager::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
}

void tst_PartitionManager::rowsBeyondLastPartitionAreMoved()
{
    const DatabaseConfig db = migratedDatabase(QStringLiteral("part_move"));
    const QString d = db.dbname;
    TestEnv::psql(
        QStringLiteral(
            "INSERT INTO melodee_songs (name, name_normalized, created_at) SELECT 'in range ' || "
            "g, 'r', '2026-11-15 00:00:00+00' FROM generate_series(1, 4) g; "
            "INSERT INTO melodee_songs (name, name_normalized, created_at) SELECT 'june ' || g, "
            "'j', '2027-06-15 12:00:00+00' FROM generate_series(1, 5) g; "
            "INSERT INTO melodee_songs (name, name_normalized, created_at) SELECT 'august ' || g, "
            "'a', '2027-08-01 00:00:00+00' FROM generate_series(1, 3) g; "
            "INSERT INTO melodee_songs (name, name_normalized, created_at) SELECT 'old ' || g, "
            "'o', '2025-01-10 00:00:00+00' FROM generate_series(1, 2) g; "
            "INSERT INTO melodee_albums (name, name_normalized, created_at) VALUES ('far', 'f', "
            "'2030-01-01 00:00:00+00')"),
        d);
    // Out-of-range inserts did not fail: they sit in the default partition.
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT count(*) FROM melodee_songs_default"), d),
             QStringLiteral("10"));
    const QString before = songsFingerprint(d);

    auto conn = PgConnection::open(db);
    const QDateTime now = QDateTime::fromString(kNow, Qt::ISODate);
    const auto problem = partitionHealthProblem(*conn, SessionConfig(), now);
    QVERIFY(problem.has_value());
    QVERIFY2(problem->contains(QStringLiteral("melodee_songs_default holds 10 rows")),
             qPrintable(*problem));
    QVERIFY2(problem->contains(QStringLiteral("melodee_albums_default holds 1 rows")),
             qPrintable(*problem));

    // `melodee health` runs the same check through the pool: degraded (exit 1).
    const auto degraded
        = TestEnv::runCli({QStringLiteral("health"), QStringLiteral("--dsn"), dsnFor(db)});
    QCOMPARE(degraded.exitCode, 1);
    QVERIFY2(degraded.out.contains(QStringLiteral("partitions: ")), qPrintable(degraded.out));

    const auto dry = TestEnv::runCli(partitionsArgs(
        db,
        {QStringLiteral("maintain"), QStringLiteral("--dry-run"), QStringLiteral("--now"), kNow}));
    QVERIFY2(dry.exitCode == 0, qPrintable(dry.err));
    QVERIFY(dry.out.contains(
        QStringLiteral("ALTER TABLE melodee_songs DETACH PARTITION melodee_songs_default")));
    QVERIFY(dry.out.contains(QStringLiteral("melodee_songs_2027_06 PARTITION OF melodee_songs")));
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT count(*) FROM melodee_songs_default"), d),
             QStringLiteral("10"));

    const auto run = TestEnv::runCli(
        partitionsArgs(db, {QStringLiteral("maintain"), QStringLiteral("--now"), kNow}));
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY2(run.out.contains(
                 QStringLiteral("melodee_songs: created 3 partitions, moved 10 rows out of the "
                                "default partition (rows before 10, after 10)")),
             qPrintable(run.out));
    QCOMPARE(songsFingerprint(d), before);
    QCOMPARE(
        TestEnv::psql(
            QStringLiteral("SELECT string_agg(tableoid::regclass || '=' || n, ',' ORDER BY "
                           "tableoid::regclass::text) FROM (SELECT tableoid, count(*) n FROM "
                           "melodee_songs GROUP BY tableoid) s"),
            d),
        QStringLiteral("melodee_songs_2025_01=2,melodee_songs_2026_11=4,melodee_songs_2027_06=5,"
                       "melodee_songs_2027_08=3"));
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT tableoid::regclass FROM melodee_albums"), d),
             QStringLiteral("melodee_albums_2030_01"));
    // The default is attached again and still catches strays; new partitions got the indexes.
    QCOMPARE(
        TestEnv::psql(QStringLiteral("SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE "
                                     "relname = 'melodee_songs_default'"),
                      d),
        QStringLiteral("DEFAULT"));
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT count(*) FROM pg_index WHERE indrelid = "
                                          "'melodee_songs_2027_06'::regclass"),
                           d),
             QStringLiteral("8"));
    QVERIFY(!partitionHealthProblem(*conn, SessionConfig(), now).has_value());
    const auto healthy
        = TestEnv::runCli({QStringLiteral("health"), QStringLiteral("--dsn"), dsnFor(db)});
    QVERIFY2(healthy.exitCode == 0, qPrintable(healthy.out + healthy.err));

    const auto list = TestEnv::runCli(partitionsArgs(db,
                                                     {QStringLiteral("list"),
                                                      QStringLiteral("--json"),
                                                      QStringLiteral("--exact"),
                                                      QStringLiteral("--now"),
                                                      kNow}));
    QVERIFY2(list.exitCode == 0, qPrintable(list.err));
    const QJsonArray tables = QJsonDocument::fromJson(list.out.toUtf8())
                                  .object()
                                  .value(QStringLiteral("tables"))
                                  .toArray();
    QCOMPARE(tables.size(), 2);
    const QJsonObject songs = tables[1].toObject();
    QCOMPARE(songs.value(QStringLiteral("table")).toString(), QStringLiteral("melodee_songs"));
    QCOMPARE(songs.value(QStringLiteral("default_rows")).toInt(), 0);
    QCOMPARE(songs.value(QStringLiteral("months_ahead")).toInt(), 5);
    // 2025-02..2026-10, 2027-05, 2027-07 are not covered.
    QCOMPARE(songs.value(QStringLiteral("gaps")).toArray().size(), 3);
    QCOMPARE(songs.value(QStringLiteral("gaps"))
                 .toArray()[0]
                 .toObject()
                 .value(QStringLiteral("from"))
                 .toString(),
             QStringLiteral("2025-02-01T00:00:00Z"));
    qint64 exactRows = 0;
    for (const QJsonValue &p : songs.value(QStringLiteral("partitions")).toArray())
        exactRows += p.toObject().value(QStringLiteral("rows")).toInteger();
    QCOMPARE(exactRows, 14);

    const auto again = TestEnv::runCli(
        partitionsArgs(db, {QStringLiteral("maintain"), QStringLiteral("--now"), kNow}));
    QCOMPARE(again.exitCode, 0);
    QVERIFY(again.out.contains(QStringLiteral("nothing to do")));
}

void tst_PartitionManager::nextMonthMissingIsReported()
{
    const DatabaseConfig db = migratedDatabase(QStringLiteral("part_next"));
    auto conn = PgConnection::open(db);
    // Partitions run to 2027-04: in April 2027 next month is missing.
    const QDateTime april
        = QDateTime::fromString(QStringLiteral("2027-04-10T00:00:00Z"), Qt::ISODate);
    const auto problem = partitionHealthProblem(*conn, SessionConfig(), april);
    QVERIFY(problem.has_value());
    QVERIFY2(problem->contains(QStringLiteral("melodee_songs has no partition for 2027-05")),
             qPrintable(*problem));
    const auto run = TestEnv::runCli(partitionsArgs(db,
                                                    {QStringLiteral("maintain"),
                                                     QStringLiteral("--now"),
                                                     QStringLiteral("2027-04-10T00:00:00Z")}));
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY2(run.out.contains(QStringLiteral("melodee_songs: created 5 partitions")),
             qPrintable(run.out));
    QVERIFY(!partitionHealthProblem(*conn, SessionConfig(), april).has_value());
    QCOMPARE(
        TestEnv::psql(
            QStringLiteral("SET TimeZone = 'UTC'; SELECT pg_get_expr(relpartbound, oid) FROM "
                           "pg_class WHERE relname = 'melodee_songs_2027_09'"),
            db.dbname),
        QStringLiteral("FOR VALUES FROM ('2027-09-01 00:00:00+00') TO ('2027-10-01 00:00:00+00')"));
}

void tst_PartitionManager::fromCreatesEarlierMonths()
{
    const DatabaseConfig db = migratedDatabase(QStringLiteral("part_from"));
    const auto run = TestEnv::runCli(partitionsArgs(db,
                                                    {QStringLiteral("maintain"),
                                                     QStringLiteral("--from"),
                                                     QStringLiteral("2026-08"),
                                                     QStringLiteral("--now"),
                                                     kNow}));
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QCOMPARE(
        TestEnv::psql(
            QStringLiteral("SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class WHERE "
                           "relname IN ('melodee_songs_2026_08', 'melodee_songs_2026_09', "
                           "'melodee_songs_2026_10', 'melodee_songs_2026_07')"),
            db.dbname),
        QStringLiteral("melodee_songs_2026_08,melodee_songs_2026_09,melodee_songs_2026_10"));
}

void tst_PartitionManager::lockedTableRetriesThenFails()
{
    const DatabaseConfig db = migratedDatabase(QStringLiteral("part_lock"));
    TestEnv::psql(
        QStringLiteral("INSERT INTO melodee_songs (name, name_normalized, created_at) VALUES ('x', "
                       "'x', '2028-01-01 00:00:00+00')"),
        db.dbname);
    auto holder = PgConnection::open(db);
    holder->exec("BEGIN");
    holder->exec("LOCK TABLE melodee_songs IN ACCESS SHARE MODE");
    const QStringList args = partitionsArgs(db,
                                            {QStringLiteral("maintain"),
                                             QStringLiteral("--now"),
                                             kNow,
                                             QStringLiteral("--set"),
                                             QStringLiteral("migrate.lock_timeout=200ms")});
    const auto blocked = TestEnv::runCli(args);
    QCOMPARE(blocked.exitCode, 6);
    QVERIFY2(blocked.err.contains(QStringLiteral("retry 3/3 of melodee_songs maintenance")),
             qPrintable(blocked.err));
    QVERIFY(blocked.err.contains(QStringLiteral("55P03")));
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT count(*) FROM melodee_songs_default"), db.dbname),
             QStringLiteral("1"));
    holder->exec("ROLLBACK");
    const auto ok = TestEnv::runCli(args);
    QVERIFY2(ok.exitCode == 0, qPrintable(ok.err));
    QCOMPARE(
        TestEnv::psql(QStringLiteral("SELECT tableoid::regclass FROM melodee_songs"), db.dbname),
        QStringLiteral("melodee_songs_2028_01"));
}

void tst_PartitionManager::badArguments_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("from") << QStringList{QStringLiteral("partitions"),
                                         QStringLiteral("maintain"),
                                         QStringLiteral("--from"),
                                         QStringLiteral("2026-13")}
                          << QStringLiteral("--from \"2026-13\"");
    QTest::newRow("premake") << QStringList{QStringLiteral("partitions"),
                                            QStringLiteral("maintain"),
                                            QStringLiteral("--premake"),
                                            QStringLiteral("0")}
                             << QStringLiteral("--premake \"0\"");
    QTest::newRow("subcommand") << QStringList{QStringLiteral("partitions"), QStringLiteral("fix")}
                                << QStringLiteral("unknown partitions subcommand \"fix\"");
}

void tst_PartitionManager::badArguments()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const auto r = TestEnv::runCli(args);
    QCOMPARE(r.exitCode, 3);
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
}

void tst_PartitionManager::fromIsBounded_data()
{
    // With --now 2026-11-27 and the default premake of 6 the window ends before 2027-05, so
    // --from 2007-05 asks for exactly 240 months per table and 2007-04 for 241.
    QTest::addColumn<QString>("from");
    QTest::addColumn<bool>("yes");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("expected"); // in stderr when refused, in stdout otherwise
    QTest::newRow("year 24") << "0024-01" << false << 3
                             << "--from \"0024-01\" asks for 24040 months";
    QTest::newRow("20 years ago") << "2006-01" << false << 3 << "more than 240";
    QTest::newRow("241 months") << "2007-04" << false << 3 << "asks for 241 months";
    QTest::newRow("240 months") << "2007-05" << false << 0 << "melodee_songs_2007_05 PARTITION OF";
    QTest::newRow("241 months with --yes")
        << "2007-04" << true << 0 << "melodee_songs_2007_04 PARTITION OF";
    QTest::newRow("after the current month")
        << "9999-12" << false << 3 << "--from \"9999-12\" is after the current month 2026-11";
    QTest::newRow("five-digit year") << "10000-01" << false << 3 << "--from \"10000-01\": use";
    QTest::newRow("month 13") << "2026-13" << false << 3 << "--from \"2026-13\": use";
    QTest::newRow("year 0") << "0000-06" << false << 3 << "--from \"0000-06\": use";
    QTest::newRow("garbage") << "last year" << false << 3 << "--from \"last year\": use";
    QTest::newRow("empty") << "" << false << 3 << "--from \"\": use";
}

void tst_PartitionManager::fromIsBounded()
{
    QFETCH(QString, from);
    QFETCH(bool, yes);
    QFETCH(int, exitCode);
    QFETCH(QString, expected);
    static const DatabaseConfig db = migratedDatabase(QStringLiteral("part_bound"));
    QStringList args{QStringLiteral("maintain"),
                     QStringLiteral("--dry-run"),
                     QStringLiteral("--from"),
                     from,
                     QStringLiteral("--now"),
                     kNow};
    if (yes)
        args << QStringLiteral("--yes");
    const auto r = TestEnv::runCli(partitionsArgs(db, args));
    QVERIFY2(r.exitCode == exitCode, qPrintable(QString::number(r.exitCode) + r.err));
    if (exitCode == 0)
        QVERIFY2(r.out.contains(expected), qPrintable(r.out.left(2000)));
    else
        QVERIFY2(r.err.contains(expected), qPrintable(r.err));
    // Nothing was created by any of these.
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT count(*) FROM pg_inherits WHERE inhparent = "
                                          "'melodee_songs'::regclass"),
                           db.dbname),
             QStringLiteral("7"));
}

void tst_PartitionManager::rowsNoMonthCanHoldStayInDefault()
{
    // created_at values no month partition can take: infinity, -infinity, years past 9999 and
    // before year 1. Maintenance moves the ordinary stray row, reports these and leaves them.
    const DatabaseConfig db = migratedDatabase(QStringLiteral("part_inf"));
    const QString d = db.dbname;
    TestEnv::psql(
        QStringLiteral(
            "INSERT INTO melodee_songs (name, name_normalized, created_at) VALUES "
            "('inf', 'i', 'infinity'), ('-inf', 'n', '-infinity'), "
            "('far', 'f', '10000-01-15 00:00:00+00'), ('bc', 'b', '0024-06-01 00:00:00+00 BC'), "
            "('stray', 's', '2031-03-15 12:00:00+00')"),
        d);
    const QString before = songsFingerprint(d);
    const auto dry = TestEnv::runCli(partitionsArgs(
        db,
        {QStringLiteral("maintain"), QStringLiteral("--dry-run"), QStringLiteral("--now"), kNow}));
    QVERIFY2(dry.exitCode == 0, qPrintable(dry.err));
    QVERIFY2(dry.out.contains(QStringLiteral("melodee_songs_2031_03 PARTITION OF")),
             qPrintable(dry.out));
    // The same plan as JSON: what moves, what stays and why.
    const auto json = TestEnv::runCli(partitionsArgs(db,
                                                     {QStringLiteral("maintain"),
                                                      QStringLiteral("--dry-run"),
                                                      QStringLiteral("--json"),
                                                      QStringLiteral("--now"),
                                                      kNow}));
    QVERIFY2(json.exitCode == 0, qPrintable(json.err));
    QJsonParseError parseError;
    const QJsonObject plan = QJsonDocument::fromJson(json.out.toUtf8(), &parseError).object();
    QVERIFY2(parseError.error == QJsonParseError::NoError, qPrintable(json.out));
    const QJsonArray planned = plan.value(QStringLiteral("tables")).toArray();
    QCOMPARE(planned.size(), 1);
    QCOMPARE(planned[0].toObject().value(QStringLiteral("rows_to_move")).toInt(), 1);
    QCOMPARE(planned[0].toObject().value(QStringLiteral("rows_staying")).toInt(), 4);
    QCOMPARE(plan.value(QStringLiteral("notes")).toArray().size(), 1);

    const auto run = TestEnv::runCli(
        partitionsArgs(db, {QStringLiteral("maintain"), QStringLiteral("--now"), kNow}));
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY2(run.out.contains(QStringLiteral("moved 1 row out of the default partition")),
             qPrintable(run.out));
    QVERIFY2(run.out.contains(QStringLiteral("4 rows in melodee_songs_default have a created_at "
                                             "no month partition can hold")),
             qPrintable(run.out));
    QCOMPARE(songsFingerprint(d), before);
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT string_agg(name, ',' ORDER BY name) FROM "
                                          "melodee_songs_default"),
                           d),
             QStringLiteral("-inf,bc,far,inf"));
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT name FROM melodee_songs_2031_03"), d),
             QStringLiteral("stray"));
    // A second run has nothing to move and says so instead of failing.
    const auto again = TestEnv::runCli(
        partitionsArgs(db, {QStringLiteral("maintain"), QStringLiteral("--now"), kNow}));
    QVERIFY2(again.exitCode == 0, qPrintable(again.err));
    QVERIFY2(again.out.contains(QStringLiteral("no month partition can hold")),
             qPrintable(again.out));
}

QTEST_GUILESS_MAIN(tst_PartitionManager)
#include "tst_partitionmanager.moc"
