#include "migratetest.h"

#include <async/task.h>
#include <db/pgconnection.h>
#include <migrate/migrationengine.h>
#include <migrate/migrationworkflow.h>

#include <QElapsedTimer>
#include <QMutex>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>

using namespace melodee;
using namespace melodee::test;

// MigrationWorkflow, the run `melodee migrate` and the Migrations view share: its steps and
// progress, the lock it holds through RAII, the guard, and cancellation through the stop token.
class tst_MigrationWorkflow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void stepsAndProgress();
    void lockIsReleasedWhenTheRunFails();
    void guardRefuses();
    void cancelWhileWaitingForTheLock();
    void cancelRollsBackTheRunningMigration();

private:
    static AppConfig configFor(const DatabaseConfig &db)
    {
        AppConfig config;
        config.database = db;
        return config;
    }
    static QString advisoryLocks(const DatabaseConfig &db)
    {
        return TestEnv::psql(QStringLiteral("SELECT count(*) FROM pg_locks WHERE locktype = "
                                            "'advisory' AND granted AND database = (SELECT oid "
                                            "FROM pg_database WHERE datname = current_database())"),
                             db.dbname);
    }
};

void tst_MigrationWorkflow::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
}

void tst_MigrationWorkflow::stepsAndProgress()
{
    const DatabaseConfig db = TestEnv::freshDatabase(QStringLiteral("wf_steps"));
    QList<MigrationStep> steps;
    int statements = 0;
    MigrationProgress progress;
    progress.step = [&](MigrationStep s) {
        steps << s;
    };
    progress.statement = [&](int, int, int, const QString &) {
        ++statements;
    };
    MigrationWorkflow workflow(configFor(db), {}, progress);
    const MigrationApplyReport report = workflow.apply();
    QCOMPARE(report.applied, 7);
    QCOMPARE(report.finalVersion, 7);
    QCOMPARE(statements, report.plan.statementCount());
    QCOMPARE(steps,
             (QList<MigrationStep>{MigrationStep::Connecting,
                                   MigrationStep::Locking,
                                   MigrationStep::CheckingDrift,
                                   MigrationStep::Planning,
                                   MigrationStep::CheckingGuard,
                                   MigrationStep::Applying}));
    // The lock is released when the run ends, while the workflow's session stays open.
    QCOMPARE(advisoryLocks(db), QStringLiteral("0"));
    const MigrationApplyReport again = workflow.apply();
    QCOMPARE(again.applied, 0);
    QVERIFY(again.plan.isEmpty());
}

void tst_MigrationWorkflow::lockIsReleasedWhenTheRunFails()
{
    const DatabaseConfig db = TestEnv::freshDatabase(QStringLiteral("wf_fail"));
    QTemporaryDir dir;
    writeFile(dir.filePath(QStringLiteral("V100__broken.sql")), QStringLiteral("SELECT 1 / 0;\n"));
    MigrationRequest request;
    request.migrationDir = dir.path();
    MigrationWorkflow workflow(configFor(db), request);
    try {
        workflow.apply();
        QFAIL("the broken migration should fail");
    } catch (const MigrateError &e) {
        QCOMPARE(e.kind(), ErrorKind::Failure);
        QVERIFY2(e.message().contains(QStringLiteral("division by zero")), qPrintable(e.message()));
    }
    QCOMPARE(advisoryLocks(db), QStringLiteral("0"));
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT status FROM melodee_schema_migrations WHERE "
                                          "version = 100"),
                           db.dbname),
             QStringLiteral("failed"));
}

void tst_MigrationWorkflow::guardRefuses()
{
    const DatabaseConfig db = TestEnv::freshDatabase(QStringLiteral("wf_guard"));
    QCOMPARE(TestEnv::runCli(migrateArgs(db)).exitCode, 0);
    QTemporaryDir dir;
    writeFile(dir.filePath(QStringLiteral("V100__purge.sql")),
              QStringLiteral("-- lint-ignore: ban-truncate\nTRUNCATE {{songs}};\n"));
    AppConfig config = configFor(db);
    config.migrate.environment = Environment::Production;
    MigrationRequest request;
    request.migrationDir = dir.path();
    QList<MigrationStep> steps;
    MigrationProgress progress;
    progress.step = [&](MigrationStep s) {
        steps << s;
    };
    MigrationWorkflow workflow(config, request, progress);
    try {
        workflow.apply();
        QFAIL("the production guard should refuse TRUNCATE");
    } catch (const MigrateError &e) {
        QCOMPARE(e.kind(), ErrorKind::Guard);
        QVERIFY2(e.message().contains(QStringLiteral("TRUNCATE deletes every row of "
                                                     "melodee_songs")),
                 qPrintable(e.message()));
    }
    QVERIFY(!steps.contains(MigrationStep::Applying));
    request.allowDestructive = true;
    MigrationWorkflow allowed(config, request);
    QCOMPARE(allowed.apply().applied, 1);
}

void tst_MigrationWorkflow::cancelWhileWaitingForTheLock()
{
    const DatabaseConfig db = TestEnv::freshDatabase(QStringLiteral("wf_cancel_lock"));
    // Another migrator holds the lock.
    auto holder = PgConnection::open(db);
    const auto [k1, k2] = MigrationEngine::lockKeys(QStringLiteral("melodee_schema_migrations"));
    holder->exec("SELECT pg_advisory_lock($1::int, $2::int)",
                 PgParams{QByteArray::number(k1), QByteArray::number(k2)});
    AppConfig config = configFor(db);
    config.migrate.lockWait = std::chrono::minutes(10);
    std::atomic<bool> waiting{false};
    MigrationProgress progress;
    progress.log = [&](const QString &m) {
        if (m.contains(QLatin1String("waiting up to 10min for the migration lock held by pid")))
            waiting = true;
    };
    QThreadPool pool;
    QFuture<MigrationApplyReport> future = startTask(&pool, [&](std::stop_token stop) {
        MigrationWorkflow workflow(config, {}, progress);
        return workflow.apply(stop);
    });
    QTRY_VERIFY_WITH_TIMEOUT(waiting.load(), 30000);
    QElapsedTimer t;
    t.start();
    future.cancel();
    QTRY_VERIFY_WITH_TIMEOUT(future.isFinished(), 30000);
    QVERIFY2(t.elapsed() < 10000, qPrintable(QString::number(t.elapsed())));
    pool.waitForDone();
    QCOMPARE(
        TestEnv::psql(QStringLiteral("SELECT to_regclass('melodee_schema_migrations') IS NULL"),
                      db.dbname),
        QStringLiteral("t"));
}

void tst_MigrationWorkflow::cancelRollsBackTheRunningMigration()
{
    const DatabaseConfig db = TestEnv::freshDatabase(QStringLiteral("wf_cancel_apply"));
    QCOMPARE(TestEnv::runCli(migrateArgs(db)).exitCode, 0);
    TestEnv::psql(QStringLiteral("CREATE TABLE melodee_gate (id bigint)"), db.dbname);
    QTemporaryDir dir;
    writeFile(dir.filePath(QStringLiteral("V100__gated.sql")),
              QStringLiteral("CREATE TABLE {{prefix}}half_done (id bigint);\n"
                             "LOCK TABLE {{prefix}}gate IN ACCESS EXCLUSIVE MODE;\n"));
    auto gate = PgConnection::open(db);
    gate->exec("BEGIN");
    gate->exec("LOCK TABLE melodee_gate IN ACCESS SHARE MODE");
    AppConfig config = configFor(db);
    config.migrate.lockTimeout = std::chrono::minutes(10);
    MigrationRequest request;
    request.migrationDir = dir.path();
    QThreadPool pool;
    QMutex mutex;
    QString error;
    QFuture<MigrationApplyReport> future = startTask(&pool, [&](std::stop_token stop) {
        MigrationWorkflow workflow(config, request);
        try {
            return workflow.apply(stop);
        } catch (const MigrateError &e) {
            QMutexLocker lock(&mutex);
            error = e.message();
            throw;
        }
    });
    QVERIFY(waitForPsql(QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                                       "current_database() AND query LIKE "
                                       "'LOCK TABLE melodee_gate%' AND wait_event_type = 'Lock'"),
                        db.dbname,
                        QStringLiteral("1"),
                        30000));
    // The statement is cancelled at once (the gate is still held), and the migration rolls back.
    future.cancel();
    QTRY_VERIFY_WITH_TIMEOUT(future.isFinished(), 30000);
    pool.waitForDone();
    {
        QMutexLocker lock(&mutex);
        QVERIFY2(error.contains(QStringLiteral("cancelled during statement 2 of migration 100 "
                                               "gated; rolled back")),
                 qPrintable(error));
    }
    QCOMPARE(
        TestEnv::psql(QStringLiteral("SELECT to_regclass('melodee_half_done') IS NULL"), db.dbname),
        QStringLiteral("t"));
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT count(*) FROM melodee_schema_migrations WHERE "
                                          "version = 100"),
                           db.dbname),
             QStringLiteral("0"));
    gate->exec("ROLLBACK");
}

QTEST_GUILESS_MAIN(tst_MigrationWorkflow)
#include "tst_migrationworkflow.moc"
