#include "migratetest.h"

#include <migrate/plan.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace melodee;
using namespace melodee::test;

namespace {

const QString kNow = QStringLiteral("2026-11-27T00:00:00Z");

// A fingerprint of the catalogs and the history: any DDL or history write changes it.
QString catalogSnapshot(const QString &db)
{
    const QString snapshot = TestEnv::psql(
        QStringLiteral(
            "SELECT md5(concat_ws('|', "
            "(SELECT string_agg(oid::text || relname || relkind::text || relnatts || relfilenode, "
            "',' ORDER "
            "BY oid) FROM pg_class), "
            "(SELECT string_agg(attrelid::text || attname || atttypid, ',' ORDER BY attrelid, "
            "attnum) "
            "FROM pg_attribute), "
            "(SELECT string_agg(oid::text || typname, ',' ORDER BY oid) FROM pg_type), "
            "(SELECT string_agg(oid::text || conname, ',' ORDER BY oid) FROM pg_constraint), "
            "(SELECT string_agg(indexrelid::text || indisvalid, ',' ORDER BY indexrelid) FROM "
            "pg_index), "
            "(SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension), "
            "(SELECT CASE WHEN to_regclass('melodee_schema_migrations') IS NULL THEN 'no history' "
            "ELSE (xpath('/row/c/text()', query_to_xml('SELECT md5(string_agg(t::text, '','' ORDER "
            "BY version)) AS c FROM melodee_schema_migrations t', false, true, '')))[1]::text "
            "END)))"),
        db);
    if (snapshot.size() != 32)
        qFatal("catalog snapshot query failed");
    return snapshot;
}

} // namespace

// The `melodee migrate` command end to end against fresh databases on the fixture server: the
// schema it creates, drift, reviewed plans, dry runs, rehearsal, down-migrations, lint and
// argument errors. The production guard has tst_migrationguard, the faults tst_migrationfaults.
class tst_MigrateCommand : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void freshDatabaseGetsTheSchema();
    void boundsStayUtcInNewYork();
    void driftIsRefusedUntilRepaired();
    void rewordedBuiltinIsNotDrift();
    void reviewedPlanAppliesOnlyOnHashMatch();
    void dryRunWritesNothing();
    void rehearseRollsBack();
    void downMigrations();
    void lintCommand();
    void badArguments_data();
    void badArguments();
};

void tst_MigrateCommand::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
}

void tst_MigrateCommand::freshDatabaseGetsTheSchema()
{
    const DatabaseConfig db = TestEnv::freshDatabase(QStringLiteral("mig_fresh"));
    const auto r = TestEnv::runCli(migrateArgs(db, {QStringLiteral("--now"), kNow}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    QVERIFY(r.out.contains(QStringLiteral("applied 7 migrations")));
    const QString d = db.dbname;

    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT string_agg(extname, ',' ORDER BY extname) FROM "
                                          "pg_extension WHERE extname IN ('uuid-ossp', 'pg_trgm')"),
                           d),
             QStringLiteral("pg_trgm,uuid-ossp"));
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT typname FROM pg_type WHERE typtype = 'e'"), d),
             QStringLiteral("melodee_library_type"));
    QCOMPARE(TestEnv::psql(QStringLiteral(
                               "SELECT string_agg(c.relname || ':' || pt.partstrat::text || ':' || "
                               "a.attname, ',' ORDER BY c.relname) FROM pg_partitioned_table "
                               "pt JOIN pg_class c ON c.oid = pt.partrelid JOIN pg_attribute "
                               "a ON a.attrelid = c.oid AND a.attnum = pt.partattrs[0]"),
                           d),
             QStringLiteral("melodee_albums:r:created_at,melodee_songs:r:created_at"));
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT string_agg(relname, ',' ORDER BY relname) FROM "
                                          "pg_class WHERE relname IN ('melodee_libraries', "
                                          "'melodee_artists') AND relkind = 'r'"),
                           d),
             QStringLiteral("melodee_artists,melodee_libraries"));

    // Partitions and bounds, read in UTC.
    QStringList expected;
    for (const char *m : {"2026_11", "2026_12", "2027_01", "2027_02", "2027_03", "2027_04"})
        expected << QStringLiteral("melodee_songs_%1").arg(QLatin1String(m));
    expected << QStringLiteral("melodee_songs_default");
    QCOMPARE(
        TestEnv::psql(QStringLiteral("SELECT string_agg(c.relname, ',' ORDER BY c.relname) FROM "
                                     "pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE "
                                     "i.inhparent = 'melodee_songs'::regclass"),
                      d),
        expected.join(QLatin1Char(',')));
    QCOMPARE(
        TestEnv::psql(QStringLiteral("SET TimeZone = 'UTC'; SELECT pg_get_expr(relpartbound, oid) "
                                     "FROM pg_class WHERE relname = 'melodee_songs_2026_12'"),
                      d),
        QStringLiteral("FOR VALUES FROM ('2026-12-01 00:00:00+00') TO ('2027-01-01 00:00:00+00')"));
    QCOMPARE(
        TestEnv::psql(QStringLiteral("SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE "
                                     "relname = 'melodee_albums_default'"),
                      d),
        QStringLiteral("DEFAULT"));

    // Keys include the partition key.
    QCOMPARE(
        TestEnv::psql(QStringLiteral("SELECT string_agg(pg_get_constraintdef(oid), ' | ' ORDER BY "
                                     "contype, conname) FROM pg_constraint WHERE conrelid = "
                                     "'melodee_songs'::regclass AND contype IN ('p', 'u')"),
                      d),
        QStringLiteral("PRIMARY KEY (id, created_at) | UNIQUE (api_key, created_at)"));

    // Every partition carries every parent index (6 + primary key + unique).
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT count(*) FROM pg_index WHERE indrelid = "
                                          "'melodee_songs'::regclass"),
                           d),
             QStringLiteral("8"));
    QCOMPARE(
        TestEnv::psql(QStringLiteral("SELECT string_agg(DISTINCT n::text, ',') FROM (SELECT "
                                     "c.relname, count(x.*) AS n FROM pg_inherits i JOIN pg_class "
                                     "c ON c.oid = i.inhrelid LEFT JOIN pg_index x ON x.indrelid "
                                     "= c.oid WHERE i.inhparent = 'melodee_songs'::regclass GROUP "
                                     "BY c.relname) s"),
                      d),
        QStringLiteral("8"));
    QCOMPARE(
        TestEnv::psql(QStringLiteral("SELECT string_agg(DISTINCT n::text, ',') FROM (SELECT "
                                     "c.relname, count(x.*) AS n FROM pg_inherits i JOIN pg_class "
                                     "c ON c.oid = i.inhrelid LEFT JOIN pg_index x ON x.indrelid "
                                     "= c.oid WHERE i.inhparent = 'melodee_albums'::regclass GROUP "
                                     "BY c.relname) s"),
                      d),
        QStringLiteral("4"));
    QCOMPARE(
        TestEnv::psql(QStringLiteral("SELECT am.amname FROM pg_class c JOIN pg_am am ON am.oid = "
                                     "c.relam WHERE c.relname = 'melodee_songs_name_trgm_idx'"),
                      d),
        QStringLiteral("gin"));
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT count(*) FROM pg_indexes WHERE tablename = "
                                          "'melodee_artists' AND indexdef LIKE '%gin_trgm_ops%'"),
                           d),
             QStringLiteral("1"));

    // Materialized views with unique indexes (needed for REFRESH CONCURRENTLY).
    QCOMPARE(
        TestEnv::psql(QStringLiteral("SELECT string_agg(matviewname, ',' ORDER BY matviewname) "
                                     "FROM pg_matviews"),
                      d),
        QStringLiteral("melodee_artist_counts,melodee_library_totals"));
    QCOMPARE(
        TestEnv::psql(QStringLiteral("SELECT count(*) FROM pg_index x JOIN pg_class c ON c.oid = "
                                     "x.indrelid WHERE c.relkind = 'm' AND x.indisunique"),
                      d),
        QStringLiteral("2"));
    QCOMPARE(
        TestEnv::psql(QStringLiteral("SELECT string_agg(version || ':' || status, ',' ORDER BY "
                                     "version) FROM melodee_schema_migrations"),
                      d),
        QStringLiteral("1:applied,2:applied,3:applied,4:applied,5:applied,6:applied,7:applied"));

    // Again: nothing to do.
    const auto again = TestEnv::runCli(migrateArgs(db, {QStringLiteral("--now"), kNow}));
    QCOMPARE(again.exitCode, 0);
    QVERIFY(again.out.contains(QStringLiteral("nothing to do")));

    TestEnv::psql(
        QStringLiteral("INSERT INTO melodee_artists (name, name_normalized) VALUES ('A', "
                       "'a'); INSERT INTO melodee_songs (name, name_normalized, artist_id, "
                       "duration, created_at) VALUES ('S', 's', (SELECT id FROM "
                       "melodee_artists), 1000, '2026-11-27 12:00:00+00')"),
        d);
    const auto refresh
        = TestEnv::runCli({QStringLiteral("refresh-views"), QStringLiteral("--dsn"), dsnFor(db)});
    QVERIFY2(refresh.exitCode == 0, qPrintable(refresh.err));
    QCOMPARE(
        TestEnv::psql(QStringLiteral("SELECT songs || ',' || artists || ',' || total_duration_ms "
                                     "FROM melodee_library_totals"),
                      d),
        QStringLiteral("1,1,1000"));

    // The integrity check replaces foreign keys: clean, then an orphan is found.
    const auto clean = TestEnv::runCli(
        {QStringLiteral("migrate"), QStringLiteral("check"), QStringLiteral("--dsn"), dsnFor(db)});
    QVERIFY2(clean.exitCode == 0, qPrintable(clean.out + clean.err));
    TestEnv::psql(
        QStringLiteral("INSERT INTO melodee_songs (name, name_normalized, artist_id) VALUES "
                       "('O', 'o', 424242)"),
        d);
    const auto orphan = TestEnv::runCli(
        {QStringLiteral("migrate"), QStringLiteral("check"), QStringLiteral("--dsn"), dsnFor(db)});
    QCOMPARE(orphan.exitCode, 1);
    QVERIFY2(orphan.out.contains(QStringLiteral("songs with unknown artist_id: 1")),
             qPrintable(orphan.out));

    const auto status = TestEnv::runCli({QStringLiteral("migrate"),
                                         QStringLiteral("status"),
                                         QStringLiteral("--json"),
                                         QStringLiteral("--dsn"),
                                         dsnFor(db)});
    QCOMPARE(status.exitCode, 0);
    const QJsonArray migrations = QJsonDocument::fromJson(status.out.toUtf8())
                                      .object()
                                      .value(QStringLiteral("migrations"))
                                      .toArray();
    QCOMPARE(migrations.size(), 7);
    for (const QJsonValue &m : migrations)
        QCOMPARE(m.toObject().value(QStringLiteral("state")).toString(), QStringLiteral("applied"));
}

void tst_MigrateCommand::boundsStayUtcInNewYork()
{
    const DatabaseConfig db = TestEnv::freshDatabase(QStringLiteral("mig_tz"));
    TestEnv::psql(
        QStringLiteral("ALTER DATABASE %1 SET timezone TO 'America/New_York'").arg(db.dbname));
    QCOMPARE(TestEnv::psql(QStringLiteral("SHOW timezone"), db.dbname),
             QStringLiteral("America/New_York"));
    const auto r = TestEnv::runCli(migrateArgs(db, {QStringLiteral("--now"), kNow}));
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    // Printed in New York time, the bounds are UTC midnight: 20:00 EDT / 19:00 EST the day before.
    QCOMPARE(
        TestEnv::psql(QStringLiteral("SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE "
                                     "relname = 'melodee_songs_2026_11'"),
                      db.dbname),
        QStringLiteral("FOR VALUES FROM ('2026-10-31 20:00:00-04') TO ('2026-11-30 19:00:00-05')"));
    QCOMPARE(
        TestEnv::psql(QStringLiteral("SET TimeZone = 'UTC'; SELECT pg_get_expr(relpartbound, oid) "
                                     "FROM pg_class WHERE relname = 'melodee_songs_2026_11'"),
                      db.dbname),
        QStringLiteral("FOR VALUES FROM ('2026-11-01 00:00:00+00') TO ('2026-12-01 00:00:00+00')"));
    // A row at 2026-11-30 23:30 New York time is December in UTC.
    TestEnv::psql(
        QStringLiteral("INSERT INTO melodee_songs (name, name_normalized, created_at) VALUES "
                       "('x', 'x', '2026-11-30 23:30:00')"),
        db.dbname);
    QCOMPARE(
        TestEnv::psql(QStringLiteral("SELECT tableoid::regclass FROM melodee_songs"), db.dbname),
        QStringLiteral("melodee_songs_2026_12"));
}

void tst_MigrateCommand::driftIsRefusedUntilRepaired()
{
    const DatabaseConfig db = TestEnv::freshDatabase(QStringLiteral("mig_drift"));
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("V100__add_mood.sql"));
    writeFile(file, QStringLiteral("ALTER TABLE {{songs}} ADD COLUMN IF NOT EXISTS mood text;\n"));
    const QStringList args = migrateArgs(db, {QStringLiteral("--dir"), dir.path()});
    QCOMPARE(TestEnv::runCli(args).exitCode, 0);
    writeFile(file,
              QStringLiteral("ALTER TABLE {{songs}} ADD COLUMN IF NOT EXISTS mood varchar(20);\n"));

    const auto drift = TestEnv::runCli(args);
    QCOMPARE(drift.exitCode, 4);
    QVERIFY2(drift.err.contains(QStringLiteral("drift: migration 100 add_mood")),
             qPrintable(drift.err));
    const auto dry = TestEnv::runCli(args + QStringList{QStringLiteral("--dry-run")});
    QCOMPARE(dry.exitCode, 4);
    const QStringList statusArgs = {QStringLiteral("migrate"),
                                    QStringLiteral("status"),
                                    QStringLiteral("--dsn"),
                                    dsnFor(db),
                                    QStringLiteral("--dir"),
                                    dir.path()};
    const auto status = TestEnv::runCli(statusArgs);
    QCOMPARE(status.exitCode, 4);
    QVERIFY(status.out.contains(QStringLiteral("drifted")));

    const auto repair = TestEnv::runCli({QStringLiteral("migrate"),
                                         QStringLiteral("repair"),
                                         QStringLiteral("--dsn"),
                                         dsnFor(db),
                                         QStringLiteral("--dir"),
                                         dir.path()});
    QVERIFY2(repair.exitCode == 0, qPrintable(repair.err));
    QVERIFY(repair.out.contains(QStringLiteral("migration 100 add_mood: checksum updated")));
    QCOMPARE(TestEnv::runCli(statusArgs).exitCode, 0);
    const auto after = TestEnv::runCli(args);
    QCOMPARE(after.exitCode, 0);
    QVERIFY(after.out.contains(QStringLiteral("nothing to do")));
}

// A built-in migration whose comments were reworded after release: databases that applied the
// earlier text have not drifted; any other checksum still has.
void tst_MigrateCommand::rewordedBuiltinIsNotDrift()
{
    const DatabaseConfig db = TestEnv::freshDatabase(QStringLiteral("mig_reworded"));
    QCOMPARE(TestEnv::runCli(migrateArgs(db)).exitCode, 0);
    const QStringList status = {
        QStringLiteral("migrate"), QStringLiteral("status"), QStringLiteral("--dsn"), dsnFor(db)};
    TestEnv::psql(
        QStringLiteral("UPDATE melodee_schema_migrations SET checksum = "
                       "'60b5b1683b6c96509040703a8c2cf9a1bd5e0bf7ff22233dd62e492468f24062' "
                       "WHERE version = 3"),
        db.dbname);
    QCOMPARE(TestEnv::runCli(status).exitCode, 0);
    const auto again = TestEnv::runCli(migrateArgs(db));
    QCOMPARE(again.exitCode, 0);
    QVERIFY(again.out.contains(QStringLiteral("nothing to do")));
    TestEnv::psql(QStringLiteral("UPDATE melodee_schema_migrations SET checksum = repeat('0', 64) "
                                 "WHERE version = 3"),
                  db.dbname);
    QCOMPARE(TestEnv::runCli(status).exitCode, 4);
}

void tst_MigrateCommand::reviewedPlanAppliesOnlyOnHashMatch()
{
    const DatabaseConfig db = TestEnv::freshDatabase(QStringLiteral("mig_plan"));
    QTemporaryDir dir;
    const QString plan = dir.filePath(QStringLiteral("plan.sql"));
    const auto gen = TestEnv::runCli(
        migrateArgs(db, {QStringLiteral("--dry-run"), QStringLiteral("--output"), plan}));
    QVERIFY2(gen.exitCode == 0, qPrintable(gen.err));
    const PlanFile pf = readPlanFile(plan);

    const auto noReviewer = TestEnv::runCli(migrateArgs(db, {QStringLiteral("--plan"), plan}));
    QCOMPARE(noReviewer.exitCode, 3);

    // A migration added after review changes the plan: refused with the difference.
    QTemporaryDir extra;
    writeFile(extra.filePath(QStringLiteral("V100__add_mood.sql")),
              QStringLiteral("ALTER TABLE {{songs}} ADD COLUMN IF NOT EXISTS mood text;\n"));
    const auto mismatch = TestEnv::runCli(migrateArgs(db,
                                                      {QStringLiteral("--plan"),
                                                       plan,
                                                       QStringLiteral("--reviewer"),
                                                       QStringLiteral("alice"),
                                                       QStringLiteral("--dir"),
                                                       extra.path()}));
    QCOMPARE(mismatch.exitCode, 4);
    QVERIFY2(mismatch.err.contains(QStringLiteral("plan mismatch")), qPrintable(mismatch.err));
    QVERIFY2(mismatch.err.contains(
                 QStringLiteral("+ ALTER TABLE melodee_songs ADD COLUMN IF NOT EXISTS mood text")),
             qPrintable(mismatch.err));
    QCOMPARE(
        TestEnv::psql(QStringLiteral("SELECT to_regclass('melodee_songs') IS NULL"), db.dbname),
        QStringLiteral("t"));

    // A plan file edited after generation keeps its hash header but not its statements.
    QFile f(plan);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QString text = QString::fromUtf8(f.readAll());
    f.close();
    const QString edited = dir.filePath(QStringLiteral("edited.sql"));
    writeFile(edited,
              QString(text).replace(QStringLiteral("play_count bigint NOT NULL DEFAULT 0"),
                                    QStringLiteral("play_count int NOT NULL DEFAULT 0")));
    const auto editedRun = TestEnv::runCli(migrateArgs(
        db,
        {QStringLiteral("--plan"), edited, QStringLiteral("--reviewer"), QStringLiteral("alice")}));
    QCOMPARE(editedRun.exitCode, 4);
    QVERIFY2(editedRun.err.contains(QStringLiteral("edited")), qPrintable(editedRun.err));

    const auto ok = TestEnv::runCli(migrateArgs(
        db,
        {QStringLiteral("--plan"), plan, QStringLiteral("--reviewer"), QStringLiteral("alice")}));
    QVERIFY2(ok.exitCode == 0, qPrintable(ok.err));
    QCOMPARE(TestEnv::psql(
                 QStringLiteral("SELECT string_agg(DISTINCT reviewer || ' ' || plan_hash, ',') "
                                "FROM melodee_schema_migrations"),
                 db.dbname),
             QStringLiteral("alice ") + pf.hash);
}

void tst_MigrateCommand::dryRunWritesNothing()
{
    const DatabaseConfig db = TestEnv::freshDatabase(QStringLiteral("mig_dry"));
    const QString before = catalogSnapshot(db.dbname);
    const auto dry = TestEnv::runCli(
        migrateArgs(db, {QStringLiteral("--dry-run"), QStringLiteral("--now"), kNow}));
    QVERIFY2(dry.exitCode == 0, qPrintable(dry.err));
    QVERIFY(dry.out.contains(QStringLiteral("-- pending: 7 migrations")));
    QCOMPARE(catalogSnapshot(db.dbname), before);

    // The online plan of an empty database is the offline plan, target line aside.
    const auto offline = TestEnv::runCli({QStringLiteral("migrate"),
                                          QStringLiteral("--dry-run"),
                                          QStringLiteral("--offline"),
                                          QStringLiteral("--now"),
                                          kNow});
    QCOMPARE(offline.exitCode, 0);
    auto dropTarget = [](QString s) {
        return s.remove(QRegularExpression(QStringLiteral("^-- target: .*$"),
                                           QRegularExpression::MultilineOption));
    };
    QCOMPARE(dropTarget(dry.out), dropTarget(offline.out));

    QCOMPARE(TestEnv::runCli(migrateArgs(db)).exitCode, 0);
    QTemporaryDir dir;
    writeFile(dir.filePath(QStringLiteral("V100__add_mood.sql")),
              QStringLiteral("ALTER TABLE {{songs}} ADD COLUMN IF NOT EXISTS mood text;\n"));
    const QString migrated = catalogSnapshot(db.dbname);
    const auto dry2 = TestEnv::runCli(
        migrateArgs(db, {QStringLiteral("--dry-run"), QStringLiteral("--dir"), dir.path()}));
    QCOMPARE(dry2.exitCode, 0);
    QVERIFY(dry2.out.contains(QStringLiteral("-- base-version: 7")));
    QVERIFY(dry2.out.contains(QStringLiteral("-- Migration 100 add_mood")));
    QCOMPARE(catalogSnapshot(db.dbname), migrated);

    // The target names host and database, never the password.
    const auto secret = TestEnv::runCli({QStringLiteral("migrate"),
                                         QStringLiteral("--dry-run"),
                                         QStringLiteral("--dsn"),
                                         dsnFor(db) + QStringLiteral(" password=Sup3rS3cret")});
    QCOMPARE(secret.exitCode, 0);
    QVERIFY(secret.out.contains(
        QStringLiteral("-- target: %1:%2/%3").arg(db.host).arg(db.port).arg(db.dbname)));
    QVERIFY(!secret.out.contains(QStringLiteral("Sup3rS3cret")));
    QVERIFY(!secret.err.contains(QStringLiteral("Sup3rS3cret")));
}

void tst_MigrateCommand::rehearseRollsBack()
{
    const DatabaseConfig db = TestEnv::freshDatabase(QStringLiteral("mig_rehearse"));
    const QString before = catalogSnapshot(db.dbname);
    const auto ok = TestEnv::runCli(migrateArgs(db, {QStringLiteral("--rehearse")}));
    QVERIFY2(ok.exitCode == 0, qPrintable(ok.err));
    QVERIFY(ok.out.contains(QStringLiteral("rehearsed 7 of 7")));
    QCOMPARE(catalogSnapshot(db.dbname), before);

    QTemporaryDir dir;
    writeFile(dir.filePath(QStringLiteral("V100__bad.sql")),
              QStringLiteral("ALTER TABLE {{songs}} ADD COLUMN IF NOT EXISTS bad no_such_type;\n"));
    writeFile(
        dir.filePath(QStringLiteral("V101__concurrent.sql")),
        QStringLiteral("-- transactional: false\nCREATE INDEX CONCURRENTLY IF NOT EXISTS a_idx ON "
                       "{{artists}} (sort_name);\n"));
    const auto bad = TestEnv::runCli(
        migrateArgs(db, {QStringLiteral("--rehearse"), QStringLiteral("--dir"), dir.path()}));
    QCOMPARE(bad.exitCode, 1);
    QVERIFY2(bad.err.contains(QStringLiteral("rehearsal failed: migration 100 bad, statement 1")),
             qPrintable(bad.err));
    QVERIFY(bad.err.contains(QStringLiteral("no_such_type")));
    QVERIFY(bad.out.contains(QStringLiteral("not rehearsed (non-transactional): 101 concurrent")));
    QCOMPARE(catalogSnapshot(db.dbname), before);
}

void tst_MigrateCommand::downMigrations()
{
    const DatabaseConfig db = TestEnv::freshDatabase(QStringLiteral("mig_down"));
    QTemporaryDir dir;
    writeFile(dir.filePath(QStringLiteral("V100__add_mood.sql")),
              QStringLiteral(
                  "ALTER TABLE {{songs}} ADD COLUMN IF NOT EXISTS mood text;\n-- melodee:down\n"
                  "ALTER TABLE {{songs}} DROP COLUMN IF EXISTS mood;\n"));
    const QStringList dirArgs
        = {QStringLiteral("--dsn"), dsnFor(db), QStringLiteral("--dir"), dir.path()};
    QCOMPARE(TestEnv::runCli(QStringList{QStringLiteral("migrate")} + dirArgs).exitCode, 0);
    const QString moodCount = QStringLiteral("SELECT count(*) FROM pg_attribute WHERE attrelid = "
                                             "'melodee_songs'::regclass AND attname = 'mood'");
    QCOMPARE(TestEnv::psql(moodCount, db.dbname), QStringLiteral("1"));

    const QStringList down = {QStringLiteral("migrate"),
                              QStringLiteral("down"),
                              QStringLiteral("--to"),
                              QStringLiteral("7")};
    const auto dry = TestEnv::runCli(down + dirArgs + QStringList{QStringLiteral("--dry-run")});
    QCOMPARE(dry.exitCode, 0);
    QVERIFY(dry.out.contains(QStringLiteral("-- direction: DOWN")));
    QVERIFY(
        dry.out.contains(QStringLiteral("ALTER TABLE melodee_songs DROP COLUMN IF EXISTS mood;")));
    QVERIFY(dry.out.contains(QStringLiteral("[ban-drop-column]")));
    const auto guarded = TestEnv::runCli(
        down + dirArgs
        + QStringList{QStringLiteral("--environment"), QStringLiteral("production")});
    QCOMPARE(guarded.exitCode, 5);
    QCOMPARE(TestEnv::psql(moodCount, db.dbname), QStringLiteral("1"));
    const auto undone = TestEnv::runCli(down + dirArgs);
    QVERIFY2(undone.exitCode == 0, qPrintable(undone.err));
    QVERIFY(undone.out.contains(QStringLiteral("database at version 7")));
    QCOMPARE(TestEnv::psql(moodCount, db.dbname), QStringLiteral("0"));
    QCOMPARE(
        TestEnv::psql(
            QStringLiteral("SELECT count(*) FROM melodee_schema_migrations WHERE version = 100"),
            db.dbname),
        QStringLiteral("0"));

    // Built-ins have no down part; irreversible ones are refused outright.
    const auto builtin = TestEnv::runCli(QStringList{QStringLiteral("migrate"),
                                                     QStringLiteral("down"),
                                                     QStringLiteral("--to"),
                                                     QStringLiteral("6")}
                                         + dirArgs);
    QCOMPARE(builtin.exitCode, 1);
    QVERIFY2(builtin.err.contains(QStringLiteral("7 materialized_views has no")),
             qPrintable(builtin.err));
    writeFile(dir.filePath(QStringLiteral("V101__backfill.sql")),
              QStringLiteral("-- reversible: false\nUPDATE {{songs}} SET play_count = 0;\n-- "
                             "melodee:down\nSELECT 1;\n"));
    QCOMPARE(TestEnv::runCli(QStringList{QStringLiteral("migrate")} + dirArgs).exitCode, 0);
    const auto irreversible = TestEnv::runCli(down + dirArgs);
    QCOMPARE(irreversible.exitCode, 5);
    QVERIFY2(irreversible.err.contains(QStringLiteral("101 backfill is irreversible")),
             qPrintable(irreversible.err));
}

void tst_MigrateCommand::lintCommand()
{
    QTemporaryDir dir;
    const QString bad = dir.filePath(QStringLiteral("bad.sql"));
    writeFile(bad, QStringLiteral("ALTER TABLE songs DROP COLUMN rating;\n"));
    const auto r = TestEnv::runCli({QStringLiteral("migrate"), QStringLiteral("lint"), bad});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.out.contains(bad + QStringLiteral(":1: error [ban-drop-column]")),
             qPrintable(r.out));
    QVERIFY(r.out.contains(QStringLiteral("[require-timeout-settings]")));
    const QString good = dir.filePath(QStringLiteral("good.sql"));
    writeFile(good,
              QStringLiteral("SET lock_timeout = '5s';\nSET statement_timeout = '1min';\nCREATE "
                             "INDEX CONCURRENTLY IF NOT EXISTS i ON songs (name);\n"));
    const auto g = TestEnv::runCli(
        {QStringLiteral("migrate"), QStringLiteral("lint"), QStringLiteral("--json"), good});
    QCOMPARE(g.exitCode, 0);
    const QJsonObject o = QJsonDocument::fromJson(g.out.toUtf8()).object();
    QCOMPARE(o.value(QStringLiteral("errors")).toInt(-1), 0);
    QCOMPARE(o.value(QStringLiteral("findings")).toArray().size(), 0);
    const auto missing = TestEnv::runCli({QStringLiteral("migrate"),
                                          QStringLiteral("lint"),
                                          dir.filePath(QStringLiteral("nope.sql"))});
    QCOMPARE(missing.exitCode, 3);
}

void tst_MigrateCommand::badArguments_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("now") << QStringList{QStringLiteral("migrate"),
                                        QStringLiteral("--dry-run"),
                                        QStringLiteral("--offline"),
                                        QStringLiteral("--now"),
                                        QStringLiteral("yesterday")}
                         << QStringLiteral("--now \"yesterday\"");
    QTest::newRow("offline without dry-run")
        << QStringList{QStringLiteral("migrate"), QStringLiteral("--offline")}
        << QStringLiteral("--offline needs --dry-run");
    QTest::newRow("environment") << QStringList{QStringLiteral("migrate"),
                                                QStringLiteral("--dry-run"),
                                                QStringLiteral("--offline"),
                                                QStringLiteral("--environment"),
                                                QStringLiteral("prod")}
                                 << QStringLiteral("--environment \"prod\"");
    QTest::newRow("down environment") << QStringList{QStringLiteral("migrate"),
                                                     QStringLiteral("down"),
                                                     QStringLiteral("--to"),
                                                     QStringLiteral("7"),
                                                     QStringLiteral("--environment"),
                                                     QStringLiteral("prod")}
                                      << QStringLiteral("--environment \"prod\" is not an "
                                                        "environment");
    QTest::newRow("config environment")
        << QStringList{QStringLiteral("migrate"),
                       QStringLiteral("--dry-run"),
                       QStringLiteral("--offline"),
                       QStringLiteral("--set"),
                       QStringLiteral("migrate.environment=live")}
        << QStringLiteral("expected one of development, staging, production");
    QTest::newRow("lock-wait") << QStringList{QStringLiteral("migrate"),
                                              QStringLiteral("--lock-wait"),
                                              QStringLiteral("soon")}
                               << QStringLiteral("--lock-wait \"soon\"");
    QTest::newRow("subcommand") << QStringList{QStringLiteral("migrate"), QStringLiteral("upgrade")}
                                << QStringLiteral("unknown migrate subcommand \"upgrade\"");
}

void tst_MigrateCommand::badArguments()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const auto r = TestEnv::runCli(args);
    QCOMPARE(r.exitCode, 3);
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
}

QTEST_GUILESS_MAIN(tst_MigrateCommand)
#include "tst_migratecommand.moc"
