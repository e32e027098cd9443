#include "migratetest.h"

#include <migrate/migrationengine.h>
#include <migrate/migrationguard.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace melodee;
using namespace melodee::test;

// The production guard: its decision on whole plans (offline), then `melodee migrate` against
// fresh databases of the fixture server.
class tst_MigrationGuard : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void lintIgnoreDoesNotSilenceTheGuard();
    void decision_data();
    void decision();
    void irreversibleIsAStep();
    void renderShowsEveryDecision();
    void environmentNames_data();
    void environmentNames();
    void productionRefuses_data();
    void productionRefuses();
    void environmentIsRecordedAndKept();
};

namespace {

const QDateTime kNow = QDateTime(QDate(2026, 11, 27), QTime(0, 0), Qt::UTC);

// The built-ins plus one admin migration, planned offline.
Plan planWith(const QString &file, const QString &sql, Environment environment)
{
    QTemporaryDir dir;
    writeFile(dir.filePath(file), sql);
    AppConfig config;
    config.migrate.environment = environment;
    return MigrationEngine(config, dir.path()).plan(kNow);
}

} // namespace

void tst_MigrationGuard::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
}

void tst_MigrationGuard::lintIgnoreDoesNotSilenceTheGuard()
{
    const Plan plan = planWith(QStringLiteral("V100__drop_canary.sql"),
                               QStringLiteral("-- lint-ignore: ban-drop-table\n"
                                              "DROP TABLE IF EXISTS {{prefix}}canary;\n"),
                               Environment::Production);
    // Lint is silenced as the author asked...
    for (const PlannedStatement &s : plan.migrations.last().statements) {
        for (const LintFinding &f : s.findings)
            QVERIFY2(f.rule != QLatin1String("ban-drop-table"), qPrintable(f.toString()));
    }
    // ...the guard is not.
    const GuardReport guard = evaluateGuard(plan);
    QCOMPARE(guard.steps.size(), 1);
    QCOMPARE(guard.steps.first().version, 100);
    QCOMPARE(guard.steps.first().statement, 1);
    QCOMPARE(guard.steps.first().decision.verdict, GuardDecision::Destructive);
    const QString refusal = guard.refusal(false, false);
    QVERIFY2(refusal.contains(QLatin1String("V100 drop_canary statement 1: destructive: drops "
                                            "table melodee_canary")),
             qPrintable(refusal));
    QVERIFY(guard.refusal(true, false).isEmpty());
    // The built-in schema itself passes: nothing in it is destructive or unclassified.
    QCOMPARE(plan.migrations.size(), 8);
    for (int i = 0; i < 7; ++i)
        QVERIFY2(!plan.migrations[i].destructive(), qPrintable(plan.migrations[i].migration.name));
}

void tst_MigrationGuard::decision_data()
{
    QTest::addColumn<QString>("environment");
    QTest::addColumn<bool>("productionInHistory");
    QTest::addColumn<bool>("allowDestructive");
    QTest::addColumn<bool>("forceEnvironment");
    QTest::addColumn<QString>("refusal"); // a part of it; empty: allowed
    QTest::newRow("development") << "development" << false << false << false << "";
    QTest::newRow("staging") << "staging" << false << false << false << "";
    QTest::newRow("production") << "production" << false << false << false
                                << "refusing V100 purge statement 1";
    QTest::newRow("production, allowed") << "production" << false << true << false << "";
    QTest::newRow("history says production")
        << "development" << true << false << false << "this apply says development";
    QTest::newRow("history says production, staging")
        << "staging" << true << true << false << "this apply says staging";
    QTest::newRow("history says production, forced") << "staging" << true << false << true << "";
    QTest::newRow("production again")
        << "production" << true << false << false << "--allow-destructive";
    QTest::newRow("force does not allow destructive")
        << "production" << true << false << true << "--allow-destructive";
}

void tst_MigrationGuard::decision()
{
    QFETCH(QString, environment);
    QFETCH(bool, productionInHistory);
    QFETCH(bool, allowDestructive);
    QFETCH(bool, forceEnvironment);
    QFETCH(QString, refusal);
    Plan plan = planWith(QStringLiteral("V100__purge.sql"),
                         QStringLiteral("DELETE FROM {{prefix}}canary;\n"),
                         *parseEnvironment(environment));
    plan.productionInHistory = productionInHistory;
    const QString got = evaluateGuard(plan).refusal(allowDestructive, forceEnvironment);
    QCOMPARE(got.isEmpty(), refusal.isEmpty());
    QVERIFY2(got.contains(refusal), qPrintable(got));
}

void tst_MigrationGuard::irreversibleIsAStep()
{
    const Plan plan = planWith(QStringLiteral("V100__backfill.sql"),
                               QStringLiteral("-- reversible: false\nUPDATE {{songs}} SET "
                                              "play_count = 0 WHERE play_count IS NULL;\n"),
                               Environment::Production);
    const GuardReport guard = evaluateGuard(plan);
    QCOMPARE(guard.steps.size(), 1);
    QCOMPARE(guard.steps.first().statement, 0);
    QVERIFY(guard.refusal(false, false)
                .contains(QLatin1String("V100 backfill: destructive: "
                                        "irreversible")));
}

void tst_MigrationGuard::renderShowsEveryDecision()
{
    const Plan plan = planWith(QStringLiteral("V100__mixed.sql"),
                               QStringLiteral("-- lint-ignore: ban-truncate\n"
                                              "TRUNCATE {{prefix}}canary;\n"
                                              "SELECT pg_sleep(0);\n"
                                              "DO $$ BEGIN EXECUTE 'SELECT 1'; END $$;\n"),
                               Environment::Staging);
    const QString text = plan.render();
    QVERIFY2(text.contains(QLatin1String("-- guard: environment staging; 2 step(s) that "
                                         "production would refuse")),
             qPrintable(text.left(1500)));
    QVERIFY(text.contains(
        QLatin1String("--   V100 mixed statement 1: destructive: TRUNCATE deletes every row of "
                      "melodee_canary")));
    QVERIFY(text.contains(QLatin1String("--   V100 mixed statement 3: unclassified: a DO block")));
    // Each such statement carries its decision right above it.
    QVERIFY(text.contains(QLatin1String("-- guard: destructive: TRUNCATE deletes every row of "
                                        "melodee_canary\nTRUNCATE melodee_canary;")));
    QVERIFY(text.contains(QLatin1String("-- Migration 100 mixed: transactional (one transaction "
                                        "with its history row), reversible, DESTRUCTIVE")));
    // The comments do not change what the plan file applies.
    QTemporaryDir dir;
    writeFile(dir.filePath(QStringLiteral("plan.sql")), text);
    QCOMPARE(readPlanFile(dir.filePath(QStringLiteral("plan.sql"))).statements, plan.statements());

    const Plan clean = MigrationEngine(AppConfig()).plan(kNow);
    QVERIFY(clean.render().contains(
        QLatin1String("-- guard: environment development; every statement is safe\n")));
}

void tst_MigrationGuard::environmentNames_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("name");
    QTest::newRow("development") << "development" << true << "development";
    QTest::newRow("staging") << "staging" << true << "staging";
    QTest::newRow("production") << "production" << true << "production";
    QTest::newRow("any case") << " Production " << true << "production";
    QTest::newRow("abbreviated") << "prod" << false << "";
    QTest::newRow("empty") << "" << false << "";
    QTest::newRow("quote") << "production'" << false << "";
}

void tst_MigrationGuard::environmentNames()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(QString, name);
    const auto env = parseEnvironment(text);
    QCOMPARE(env.has_value(), valid);
    if (valid)
        QCOMPARE(environmentName(*env), name);
}

void tst_MigrationGuard::productionRefuses_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<QString>("survivor"); // SQL that prints "t" while nothing was applied
    const QString canary = QStringLiteral("SELECT count(*) = 1 FROM melodee_canary");
    QTest::newRow("lint-ignored drop table")
        << "V100__drop_canary.sql"
        << "-- lint-ignore: ban-drop-table\nDROP TABLE {{prefix}}canary;\n"
        << "drops table melodee_canary" << canary;
    QTest::newRow("delete without where") << "V100__purge.sql"
                                          << "DELETE FROM {{prefix}}canary;\n"
                                          << "DELETE without WHERE" << canary;
    QTest::newRow("lint-ignored truncate")
        << "V100__empty.sql"
        << "-- lint-ignore: ban-truncate\nTRUNCATE {{prefix}}canary;\n"
        << "TRUNCATE" << canary;
    QTest::newRow("dynamic sql") << "V100__dynamic.sql"
                                 << "DO $$ BEGIN EXECUTE 'DELETE FROM ' || "
                                    "'melodee_canary'; END $$;\n"
                                 << "unclassified" << canary;
    QTest::newRow("drop column") << "V100__drop_rating.sql"
                                 << "ALTER TABLE {{songs}} DROP COLUMN IF EXISTS rating;\n"
                                 << "drops column melodee_songs.rating"
                                 << "SELECT count(*) = 1 FROM pg_attribute WHERE attrelid = "
                                    "'melodee_songs'::regclass AND attname = 'rating'";
    QTest::newRow("irreversible") << "V100__backfill.sql"
                                  << "-- reversible: false\nUPDATE {{songs}} SET play_count = 0 "
                                     "WHERE play_count < 0;\n"
                                  << "irreversible" << canary;
}

// With --environment production (or migrate.environment) nothing the guard stops is applied, and
// the refusal names the step and why; --allow-destructive lets it through.
void tst_MigrationGuard::productionRefuses()
{
    QFETCH(QString, file);
    QFETCH(QString, sql);
    QFETCH(QString, reason);
    QFETCH(QString, survivor);
    const DatabaseConfig db = TestEnv::freshDatabase(QStringLiteral("mig_guard"));
    QCOMPARE(TestEnv::runCli(migrateArgs(db)).exitCode, 0);
    TestEnv::psql(QStringLiteral("CREATE TABLE melodee_canary (id bigint); INSERT INTO "
                                 "melodee_canary VALUES (1)"),
                  db.dbname);
    QTemporaryDir dir;
    writeFile(dir.filePath(file), sql);
    const auto refused = TestEnv::runCli(migrateArgs(db,
                                                     {QStringLiteral("--dir"),
                                                      dir.path(),
                                                      QStringLiteral("--environment"),
                                                      QStringLiteral("production")}));
    QVERIFY2(refused.exitCode == 5, qPrintable(refused.out + refused.err));
    QVERIFY2(refused.err.contains(QStringLiteral("production guard"))
                 && refused.err.contains(reason),
             qPrintable(refused.err));
    const auto viaConfig
        = TestEnv::runCli(migrateArgs(db,
                                      {QStringLiteral("--dir"),
                                       dir.path(),
                                       QStringLiteral("--set"),
                                       QStringLiteral("migrate.environment=production")}));
    QCOMPARE(viaConfig.exitCode, 5);
    QCOMPARE(TestEnv::psql(survivor, db.dbname), QStringLiteral("t"));
    QCOMPARE(
        TestEnv::psql(
            QStringLiteral("SELECT count(*) FROM melodee_schema_migrations WHERE version = 100"),
            db.dbname),
        QStringLiteral("0"));
    // The dry run shows the same decision in its header.
    const auto dry = TestEnv::runCli(migrateArgs(db,
                                                 {QStringLiteral("--dir"),
                                                  dir.path(),
                                                  QStringLiteral("--dry-run"),
                                                  QStringLiteral("--environment"),
                                                  QStringLiteral("production")}));
    QCOMPARE(dry.exitCode, 0);
    QVERIFY2(dry.out.contains(QStringLiteral("-- guard: environment production; 1 step(s) "
                                             "refused without --allow-destructive:")),
             qPrintable(dry.out.left(1200)));
    const auto allowed = TestEnv::runCli(migrateArgs(db,
                                                     {QStringLiteral("--dir"),
                                                      dir.path(),
                                                      QStringLiteral("--environment"),
                                                      QStringLiteral("production"),
                                                      QStringLiteral("--allow-destructive")}));
    QVERIFY2(allowed.exitCode == 0, qPrintable(allowed.err));
}

// Every apply records its environment. Once the history says production, an apply that does not
// say so is refused: forgetting the flag cannot switch the guard off.
void tst_MigrationGuard::environmentIsRecordedAndKept()
{
    const DatabaseConfig db = TestEnv::freshDatabase(QStringLiteral("mig_env"));
    const auto first = TestEnv::runCli(
        migrateArgs(db, {QStringLiteral("--environment"), QStringLiteral("production")}));
    QVERIFY2(first.exitCode == 0, qPrintable(first.err));
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT string_agg(DISTINCT environment, ',') FROM "
                                          "melodee_schema_migrations"),
                           db.dbname),
             QStringLiteral("production"));
    TestEnv::psql(QStringLiteral("CREATE TABLE melodee_canary (id bigint); INSERT INTO "
                                 "melodee_canary VALUES (1)"),
                  db.dbname);
    QTemporaryDir dir;
    writeFile(dir.filePath(QStringLiteral("V100__purge.sql")),
              QStringLiteral("DELETE FROM {{prefix}}canary;\n"));
    const QStringList dirArgs{QStringLiteral("--dir"), dir.path()};

    // No environment given (development by default): refused, nothing applied.
    const auto forgot = TestEnv::runCli(migrateArgs(db, dirArgs));
    QCOMPARE(forgot.exitCode, 5);
    QVERIFY2(forgot.err.contains(QStringLiteral("the history records applies in production")),
             qPrintable(forgot.err));
    const auto staging
        = TestEnv::runCli(migrateArgs(db,
                                      dirArgs
                                          + QStringList{QStringLiteral("--environment"),
                                                        QStringLiteral("staging"),
                                                        QStringLiteral("--allow-destructive")}));
    QCOMPARE(staging.exitCode, 5);
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT count(*) FROM melodee_canary"), db.dbname),
             QStringLiteral("1"));
    // The status shows where each migration was applied.
    const auto status = TestEnv::runCli({QStringLiteral("migrate"),
                                         QStringLiteral("status"),
                                         QStringLiteral("--json"),
                                         QStringLiteral("--dsn"),
                                         dsnFor(db),
                                         QStringLiteral("--dir"),
                                         dir.path()});
    const QJsonArray rows = QJsonDocument::fromJson(status.out.toUtf8())
                                .object()
                                .value(QStringLiteral("migrations"))
                                .toArray();
    QCOMPARE(rows.size(), 8);
    QCOMPARE(rows.first().toObject().value(QStringLiteral("environment")).toString(),
             QStringLiteral("production"));
    QVERIFY(rows.last().toObject().value(QStringLiteral("environment")).isUndefined());
    // Deliberately: --force-environment. The new row says staging.
    const auto forced
        = TestEnv::runCli(migrateArgs(db,
                                      dirArgs
                                          + QStringList{QStringLiteral("--environment"),
                                                        QStringLiteral("staging"),
                                                        QStringLiteral("--force-environment")}));
    QVERIFY2(forced.exitCode == 0, qPrintable(forced.err));
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT environment FROM melodee_schema_migrations "
                                          "WHERE version = 100"),
                           db.dbname),
             QStringLiteral("staging"));
}

QTEST_GUILESS_MAIN(tst_MigrationGuard)
#include "tst_migrationguard.moc"
