#include "migratetest.h"

#include <db/pgconnection.h>
#include <migrate/migrationengine.h>

#include <QTemporaryDir>
#include <QTest>

#include <stop_token>

using namespace melodee;
using namespace melodee::test;

// MigrationEngine on fresh databases of the fixture server: progress, cancellation, rebuilt
// INVALID indexes, and the history rules (an applied row is never replaced).
class tst_MigrationEngine : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void progressAndCancel();
    void invalidIndexIsRebuilt();
    void appliedRowIsNeverReplaced_data();
    void appliedRowIsNeverReplaced();
    void applyNeedsTheLock();
    void olderHistoryTableGetsTheEnvironment();
};

void tst_MigrationEngine::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
}

void tst_MigrationEngine::progressAndCancel()
{
    const DatabaseConfig db = TestEnv::freshDatabase(QStringLiteral("mig_api"));
    AppConfig config;
    config.database = db;
    MigrationEngine engine(config);
    engine.connect();
    const MigrationLock lock(engine, {});
    const Plan plan = engine.plan(QDateTime::currentDateTimeUtc());
    // A stop during the first statement of migration 3: that migration rolls back whole.
    std::stop_source stop;
    QStringList seen;
    MigrationEngine::Callbacks cb;
    cb.stop = stop.get_token();
    cb.statement = [&](int version, int index, int, const QString &) {
        seen << QStringLiteral("%1.%2").arg(version).arg(index);
        if (version == 3)
            stop.request_stop();
    };
    try {
        engine.apply(plan, {}, cb);
        QFAIL("apply should have been cancelled");
    } catch (const MigrateError &e) {
        QCOMPARE(e.kind(), ErrorKind::Cancelled);
        QVERIFY2(e.message().contains(QStringLiteral("migration 3 static_tables; rolled back")),
                 qPrintable(e.message()));
    }
    QCOMPARE(seen,
             (QStringList{QStringLiteral("1.1"),
                          QStringLiteral("1.2"),
                          QStringLiteral("2.1"),
                          QStringLiteral("3.1")}));
    QCOMPARE(
        TestEnv::psql(QStringLiteral("SELECT string_agg(version::text, ',' ORDER BY version) FROM "
                                     "melodee_schema_migrations"),
                      db.dbname),
        QStringLiteral("1,2"));
    QCOMPARE(
        TestEnv::psql(QStringLiteral("SELECT to_regclass('melodee_libraries') IS NULL"), db.dbname),
        QStringLiteral("t"));
    const Plan rest = engine.plan(QDateTime::currentDateTimeUtc());
    QCOMPARE(rest.migrations.size(), 5);
    QCOMPARE(rest.baseVersion, 2);
    const auto result = engine.apply(rest, {});
    QCOMPARE(result.applied, 5);
    QCOMPARE(result.finalVersion, 7);
}

void tst_MigrationEngine::invalidIndexIsRebuilt()
{
    const DatabaseConfig db = TestEnv::freshDatabase(QStringLiteral("mig_invalid"));
    QCOMPARE(TestEnv::runCli(migrateArgs(db)).exitCode, 0);
    TestEnv::psql(
        QStringLiteral("INSERT INTO melodee_artists (name, name_normalized) VALUES ('Dup', "
                       "'dup'), ('Dup', 'dup')"),
        db.dbname);
    QTemporaryDir dir;
    writeFile(
        dir.filePath(QStringLiteral("V100__artist_name_unique.sql")),
        QStringLiteral("-- transactional: false\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "
                       "{{prefix}}artists_name_uq ON {{artists}} (name);\n"));
    const QStringList args = migrateArgs(db, {QStringLiteral("--dir"), dir.path()});
    const auto failed = TestEnv::runCli(args);
    QCOMPARE(failed.exitCode, 1);
    // The failed concurrent build leaves an INVALID index behind.
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT indisvalid FROM pg_index WHERE indexrelid = "
                                          "'melodee_artists_name_uq'::regclass"),
                           db.dbname),
             QStringLiteral("f"));
    QCOMPARE(TestEnv::psql(
                 QStringLiteral("SELECT status FROM melodee_schema_migrations WHERE version = 100"),
                 db.dbname),
             QStringLiteral("failed"));
    TestEnv::psql(
        QStringLiteral(
            "DELETE FROM melodee_artists WHERE id = (SELECT max(id) FROM melodee_artists)"),
        db.dbname);
    const auto redo = TestEnv::runCli(args);
    QVERIFY2(redo.exitCode == 0, qPrintable(redo.err));
    QVERIFY2(redo.err.contains(QStringLiteral("is INVALID")), qPrintable(redo.err));
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT indisvalid FROM pg_index WHERE indexrelid = "
                                          "'melodee_artists_name_uq'::regclass"),
                           db.dbname),
             QStringLiteral("t"));
    QCOMPARE(TestEnv::psql(
                 QStringLiteral("SELECT status FROM melodee_schema_migrations WHERE version = 100"),
                 db.dbname),
             QStringLiteral("applied"));
}

void tst_MigrationEngine::appliedRowIsNeverReplaced_data()
{
    QTest::addColumn<QString>("lastStatement");
    QTest::addColumn<int>("exitCode");
    // The migration fails: its failure must not be written over the other session's row.
    QTest::newRow("failure") << QStringLiteral("SELECT 1 / 0") << 1;
    // The migration succeeds: it must not claim the version a second time either.
    QTest::newRow("success") << QStringLiteral("SELECT 1") << 4;
}

// While a migrator waits inside migration 100, another session records 100 as applied (as a
// migrator that took over after a lost lock would). Whatever our migrator does next, that
// applied row stays as it is.
void tst_MigrationEngine::appliedRowIsNeverReplaced()
{
    QFETCH(QString, lastStatement);
    QFETCH(int, exitCode);
    const DatabaseConfig db = TestEnv::freshDatabase(QStringLiteral("mig_keep"));
    QCOMPARE(TestEnv::runCli(migrateArgs(db)).exitCode, 0);
    TestEnv::psql(QStringLiteral("CREATE TABLE melodee_gate (id bigint)"), db.dbname);
    QTemporaryDir dir;
    writeFile(dir.filePath(QStringLiteral("V100__gated.sql")),
              QStringLiteral("LOCK TABLE {{prefix}}gate IN ACCESS EXCLUSIVE MODE;\n%1;\n")
                  .arg(lastStatement));
    auto gate = PgConnection::open(db);
    gate->exec("BEGIN");
    gate->exec("LOCK TABLE melodee_gate IN ACCESS SHARE MODE");
    auto migrator = startCli(migrateArgs(db,
                                         {QStringLiteral("--dir"),
                                          dir.path(),
                                          QStringLiteral("--set"),
                                          QStringLiteral("migrate.lock_timeout=5m")}));
    QVERIFY(waitForPsql(QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                                       "current_database() AND query LIKE "
                                       "'LOCK TABLE melodee_gate%' AND wait_event_type = 'Lock'"),
                        db.dbname,
                        QStringLiteral("1"),
                        30000));
    TestEnv::psql(QStringLiteral("INSERT INTO melodee_schema_migrations (version, name, phase, "
                                 "checksum, applied_by, status) VALUES (100, 'gated', 3, 'other', "
                                 "'another session', 'applied')"),
                  db.dbname);
    gate->exec("ROLLBACK");
    QVERIFY(migrator->waitForFinished(60000));
    const QString err = QString::fromUtf8(migrator->readAllStandardError());
    QVERIFY2(migrator->exitCode() == exitCode, qPrintable(err));
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT status || ' ' || applied_by || ' ' || checksum "
                                          "FROM melodee_schema_migrations WHERE version = 100"),
                           db.dbname),
             QStringLiteral("applied another session other"));
}

void tst_MigrationEngine::applyNeedsTheLock()
{
    const DatabaseConfig db = TestEnv::freshDatabase(QStringLiteral("mig_nolock"));
    AppConfig config;
    config.database = db;
    MigrationEngine engine(config);
    engine.connect();
    const Plan plan = engine.plan(QDateTime::currentDateTimeUtc());
    try {
        engine.apply(plan, {});
        QFAIL("apply without the migration lock should be refused");
    } catch (const MigrateError &e) {
        QVERIFY2(e.message().contains(QStringLiteral("needs the migration lock")),
                 qPrintable(e.message()));
    }
    QCOMPARE(
        TestEnv::psql(QStringLiteral("SELECT to_regclass('melodee_schema_migrations') IS NULL"),
                      db.dbname),
        QStringLiteral("t"));
}

// A history table written before the environment was recorded: read as it is, and given the
// column by the next apply.
void tst_MigrationEngine::olderHistoryTableGetsTheEnvironment()
{
    const DatabaseConfig db = TestEnv::freshDatabase(QStringLiteral("mig_oldhist"));
    QCOMPARE(TestEnv::runCli(migrateArgs(db)).exitCode, 0);
    TestEnv::psql(QStringLiteral("ALTER TABLE melodee_schema_migrations DROP COLUMN environment"),
                  db.dbname);
    AppConfig config;
    config.database = db;
    config.migrate.environment = Environment::Staging;
    QTemporaryDir dir;
    writeFile(dir.filePath(QStringLiteral("V100__mood.sql")),
              QStringLiteral("ALTER TABLE {{songs}} ADD COLUMN IF NOT EXISTS mood text;\n"));
    MigrationEngine engine(config, dir.path());
    engine.connect();
    const QList<HistoryRow> before = engine.history();
    QCOMPARE(before.size(), 7);
    QVERIFY(!before.first().environment.has_value());
    const MigrationLock lock(engine, {});
    const Plan plan = engine.plan(QDateTime::currentDateTimeUtc());
    QVERIFY(!plan.productionInHistory);
    QCOMPARE(engine.apply(plan, {}).applied, 1);
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT string_agg(version || ':' || "
                                          "coalesce(environment, '-'), ',' ORDER BY version) FROM "
                                          "melodee_schema_migrations WHERE version IN (7, 100)"),
                           db.dbname),
             QStringLiteral("7:-,100:staging"));
}

QTEST_GUILESS_MAIN(tst_MigrationEngine)
#include "tst_migrationengine.moc"
