// Fault tests for the migrator against fresh databases of the fixture server: the `melodee` binary
// killed with SIGKILL in each phase, two migrators at once, a table lock that outlasts the
// retries, a connection lost mid-migration while another migrator takes over, and a statement
// whose fate is unknown after a lost connection.
#include "../migrate/migratetest.h"

#include <db/pgconnection.h>
#include <migrate/migrationengine.h>

#include <QCryptographicHash>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace melodee;
using namespace melodee::test;

class tst_MigrationFaults : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void killMigrator_data();
    void killMigrator();
    void twoMigrators();
    void tableLockOutlastsRetries();
    void reconnectReplans();
    void uncertainStatementIsNotRepeated();

private:
    // A fresh database migrated to version 7, with a table a test can lock to hold a migrator.
    static DatabaseConfig migratedDatabase(const QString &prefix);
    // A session of the test itself (not "melodee-admin", so it never counts as a migrator).
    static std::unique_ptr<PgConnection> session(const DatabaseConfig &db, const char *name);
    static bool waitUntilWaiting(const DatabaseConfig &db, const QString &queryStart);
    static QString history(const DatabaseConfig &db);
};

namespace {

const QString kSevenApplied
    = QStringLiteral("1:applied,2:applied,3:applied,4:applied,5:applied,6:applied,7:applied");

QString migratorBackends()
{
    return QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                          "current_database() AND application_name = 'melodee-admin'");
}

} // namespace

void tst_MigrationFaults::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
}

DatabaseConfig tst_MigrationFaults::migratedDatabase(const QString &prefix)
{
    const DatabaseConfig db = TestEnv::freshDatabase(prefix);
    const auto r = TestEnv::runCli(migrateArgs(db));
    if (r.exitCode != 0)
        qFatal("migrating %s failed: %s", qPrintable(db.dbname), qPrintable(r.err));
    TestEnv::psql(QStringLiteral("CREATE TABLE melodee_gate (id bigint)"), db.dbname);
    return db;
}

std::unique_ptr<PgConnection> tst_MigrationFaults::session(const DatabaseConfig &db,
                                                           const char *name)
{
    DatabaseConfig c = db;
    c.applicationName = QString::fromLatin1(name);
    return PgConnection::open(c);
}

bool tst_MigrationFaults::waitUntilWaiting(const DatabaseConfig &db, const QString &queryStart)
{
    return waitForPsql(QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE "
                                      "datname = current_database() AND application_name = "
                                      "'melodee-admin' AND query LIKE '%1%' "
                                      "AND wait_event_type = 'Lock'")
                           .arg(queryStart),
                       db.dbname,
                       QStringLiteral("1"),
                       60000);
}

QString tst_MigrationFaults::history(const DatabaseConfig &db)
{
    return TestEnv::psql(QStringLiteral("SELECT string_agg(version || ':' || status, ',' ORDER BY "
                                        "version) FROM melodee_schema_migrations"),
                         db.dbname);
}

void tst_MigrationFaults::killMigrator_data()
{
    QTest::addColumn<QString>("phase");
    QTest::addColumn<QString>("sql");
    QTest::newRow("waiting for the lock")
        << "lock"
        << "CREATE TABLE IF NOT EXISTS {{prefix}}after (id bigint);\n";
    QTest::newRow("mid transactional migration")
        << "transactional"
        << "CREATE TABLE {{prefix}}after (id bigint);\n"
           "LOCK TABLE {{prefix}}gate IN ACCESS EXCLUSIVE MODE;\n";
    QTest::newRow("mid CREATE INDEX CONCURRENTLY")
        << "concurrent"
        << "-- transactional: false\nCREATE INDEX CONCURRENTLY IF NOT EXISTS {{prefix}}after "
           "ON {{prefix}}gate (id);\n";
    QTest::newRow("while recording history")
        << "history"
        << "CREATE TABLE IF NOT EXISTS {{prefix}}after (id bigint);\n";
}

// SIGKILL at each phase, then a rerun: one history row per version, all applied, the version
// consistent with the schema, and the lock free.
void tst_MigrationFaults::killMigrator()
{
    QFETCH(QString, phase);
    QFETCH(QString, sql);
    const DatabaseConfig db = migratedDatabase(QStringLiteral("fault_kill"));
    QTemporaryDir dir;
    writeFile(dir.filePath(QStringLiteral("V100__after.sql")), sql);
    const QStringList args = migrateArgs(db,
                                         {QStringLiteral("--dir"),
                                          dir.path(),
                                          QStringLiteral("--set"),
                                          QStringLiteral("migrate.lock_timeout=10m")});
    auto blocker = session(db, "tst-blocker");
    blocker->exec("BEGIN");
    std::unique_ptr<QProcess> migrator;
    if (phase == QLatin1String("lock")) {
        const auto [k1, k2]
            = MigrationEngine::lockKeys(QStringLiteral("melodee_schema_migrations"));
        blocker->exec("SELECT pg_advisory_xact_lock($1::int, $2::int)",
                      PgParams{QByteArray::number(k1), QByteArray::number(k2)});
        migrator = startCli(args);
        QString err;
        QTRY_VERIFY_WITH_TIMEOUT(
            (err += QString::fromUtf8(migrator->readAllStandardError()))
                .contains(QLatin1String("waiting up to 1min for the migration lock")),
            30000);
    } else if (phase == QLatin1String("transactional")) {
        blocker->exec("LOCK TABLE melodee_gate IN ACCESS SHARE MODE");
        migrator = startCli(args);
        QVERIFY(waitUntilWaiting(db, QStringLiteral("LOCK TABLE melodee_gate")));
    } else if (phase == QLatin1String("concurrent")) {
        // A writer on the table: the concurrent build waits for it after creating the index.
        blocker->exec("LOCK TABLE melodee_gate IN ROW EXCLUSIVE MODE");
        migrator = startCli(args);
        QVERIFY(waitUntilWaiting(db, QStringLiteral("CREATE INDEX CONCURRENTLY")));
    } else {
        blocker->exec("LOCK TABLE melodee_schema_migrations IN SHARE MODE");
        migrator = startCli(args);
        QVERIFY(waitUntilWaiting(db, QStringLiteral("INSERT INTO melodee_schema_migrations")));
    }
    migrator->kill();
    QVERIFY(migrator->waitForFinished(10000));
    QCOMPARE(migrator->exitStatus(), QProcess::CrashExit);
    // The server notices the dead client (client_connection_check_interval) and ends its session.
    QVERIFY(waitForPsql(migratorBackends(), db.dbname, QStringLiteral("0"), 30000));
    blocker->exec("ROLLBACK");

    // Nothing half-done: version 7, and only an interrupted non-transactional migration is left
    // marked as running (the rerun redoes it).
    const QString after = history(db);
    if (phase == QLatin1String("concurrent")) {
        QCOMPARE(after, kSevenApplied + QStringLiteral(",100:running"));
        QCOMPARE(TestEnv::psql(QStringLiteral("SELECT indisvalid FROM pg_index WHERE indexrelid "
                                              "= 'melodee_after'::regclass"),
                               db.dbname),
                 QStringLiteral("f"));
    } else {
        QCOMPARE(after, kSevenApplied);
        QCOMPARE(
            TestEnv::psql(QStringLiteral("SELECT to_regclass('melodee_after') IS NULL"), db.dbname),
            QStringLiteral("t"));
    }
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT count(*) FROM pg_locks WHERE locktype = "
                                          "'advisory' AND database = (SELECT oid FROM pg_database "
                                          "WHERE datname = current_database())"),
                           db.dbname),
             QStringLiteral("0"));

    const auto rerun = TestEnv::runCli(args);
    QVERIFY2(rerun.exitCode == 0, qPrintable(rerun.err));
    QCOMPARE(history(db), kSevenApplied + QStringLiteral(",100:applied"));
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT count(*) = count(DISTINCT version) FROM "
                                          "melodee_schema_migrations"),
                           db.dbname),
             QStringLiteral("t"));
    QCOMPARE(
        TestEnv::psql(QStringLiteral("SELECT to_regclass('melodee_after') IS NOT NULL"), db.dbname),
        QStringLiteral("t"));
    if (phase == QLatin1String("concurrent")) {
        QVERIFY2(rerun.err.contains(QLatin1String("is INVALID")), qPrintable(rerun.err));
        QCOMPARE(TestEnv::psql(QStringLiteral("SELECT indisvalid FROM pg_index WHERE indexrelid "
                                              "= 'melodee_after'::regclass"),
                               db.dbname),
                 QStringLiteral("t"));
    }
}

// One migrator applies; one that may not wait long exits 6 naming the holder; one that may wait
// finds nothing left to do.
void tst_MigrationFaults::twoMigrators()
{
    const DatabaseConfig db = migratedDatabase(QStringLiteral("fault_two"));
    QTemporaryDir dir;
    writeFile(dir.filePath(QStringLiteral("V100__gated.sql")),
              QStringLiteral("LOCK TABLE {{prefix}}gate IN ACCESS EXCLUSIVE MODE;\n"));
    const QStringList args = migrateArgs(db,
                                         {QStringLiteral("--dir"),
                                          dir.path(),
                                          QStringLiteral("--set"),
                                          QStringLiteral("migrate.lock_timeout=10m")});
    auto gate = session(db, "tst-gate");
    gate->exec("BEGIN");
    gate->exec("LOCK TABLE melodee_gate IN ACCESS SHARE MODE");
    auto first = startCli(args);
    QVERIFY(waitUntilWaiting(db, QStringLiteral("LOCK TABLE melodee_gate")));
    const QString holderPid
        = TestEnv::psql(QStringLiteral("SELECT pid FROM pg_stat_activity WHERE datname = "
                                       "current_database() AND application_name = "
                                       "'melodee-admin' AND query LIKE 'LOCK TABLE melodee_gate%'"),
                        db.dbname);

    const auto impatient = TestEnv::runCli(
        args + QStringList{QStringLiteral("--lock-wait"), QStringLiteral("300ms")});
    QCOMPARE(impatient.exitCode, 6);
    QVERIFY2(impatient.err.contains(QStringLiteral("Holder: pid %1 ").arg(holderPid)),
             qPrintable(impatient.err));

    auto patient
        = startCli(args + QStringList{QStringLiteral("--lock-wait"), QStringLiteral("2m")});
    QString err;
    QTRY_VERIFY_WITH_TIMEOUT((err += QString::fromUtf8(patient->readAllStandardError()))
                                 .contains(QStringLiteral("held by pid %1").arg(holderPid)),
                             30000);
    gate->exec("ROLLBACK");
    QVERIFY(first->waitForFinished(60000));
    QVERIFY(patient->waitForFinished(60000));
    QCOMPARE(first->exitCode(), 0);
    QCOMPARE(patient->exitCode(), 0);
    QVERIFY(QString::fromUtf8(first->readAllStandardOutput()).contains(QLatin1String("applied 1")));
    QVERIFY(QString::fromUtf8(patient->readAllStandardOutput())
                .contains(QLatin1String("nothing to do")));
    QCOMPARE(history(db), kSevenApplied + QStringLiteral(",100:applied"));
}

// Another session holds ACCESS EXCLUSIVE on the songs table: each attempt gives up after
// lock_timeout, the engine retries 3 times with jittered pauses, then exits 6 naming the pid that
// holds the table. (The default schedule, 3 retries of 5 s, is tst_backoffpolicy's.)
void tst_MigrationFaults::tableLockOutlastsRetries()
{
    const DatabaseConfig db = migratedDatabase(QStringLiteral("fault_table"));
    QTemporaryDir dir;
    writeFile(dir.filePath(QStringLiteral("V100__add_mood.sql")),
              QStringLiteral("ALTER TABLE {{songs}} ADD COLUMN IF NOT EXISTS mood text;\n"));
    auto holder = session(db, "tst-holder");
    holder->exec("BEGIN");
    holder->exec("LOCK TABLE melodee_songs IN ACCESS EXCLUSIVE MODE");
    const QStringList args = migrateArgs(db,
                                         {QStringLiteral("--dir"),
                                          dir.path(),
                                          QStringLiteral("--set"),
                                          QStringLiteral("migrate.lock_timeout=300ms")});
    const auto blocked = TestEnv::runCli(args);
    QCOMPARE(blocked.exitCode, 6);
    QVERIFY2(blocked.err.contains(QStringLiteral("failed after 3 retries")),
             qPrintable(blocked.err));
    QVERIFY2(blocked.err.contains(QStringLiteral("55P03")), qPrintable(blocked.err));
    QVERIFY2(blocked.err.contains(QStringLiteral("Lock held by pid %1 ").arg(holder->backendPid())),
             qPrintable(blocked.err));
    QVERIFY2(blocked.err.contains(QStringLiteral("AccessExclusiveLock on melodee_songs")),
             qPrintable(blocked.err));
    static const QRegularExpression re(
        QStringLiteral("retry (\\d)/3 of migration 100 add_mood in (\\d+) ms"));
    QList<int> sleeps;
    for (auto it = re.globalMatch(blocked.err); it.hasNext();) {
        const auto m = it.next();
        QCOMPARE(m.captured(1).toInt(), int(sleeps.size()) + 1);
        sleeps << m.captured(2).toInt();
    }
    QCOMPARE(sleeps.size(), 3);
    for (int i = 0; i < 3; ++i)
        QVERIFY2(sleeps[i] >= 0 && sleeps[i] <= (200 << i), qPrintable(QString::number(sleeps[i])));
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT status FROM melodee_schema_migrations WHERE "
                                          "version = 100"),
                           db.dbname),
             QStringLiteral("failed"));
    holder->exec("ROLLBACK");
    const auto ok = TestEnv::runCli(args);
    QVERIFY2(ok.exitCode == 0, qPrintable(ok.err));
    QCOMPARE(history(db), kSevenApplied + QStringLiteral(",100:applied"));
}

// The migrator loses its connection (and with it the lock) inside migration 100. Before it can
// reconnect, another migrator takes the lock and applies 101. The first one must not go on with
// its stale plan: it re-plans under the lock, sees the difference and stops (exit 4) without
// touching 101's row.
void tst_MigrationFaults::reconnectReplans()
{
    const DatabaseConfig db = migratedDatabase(QStringLiteral("fault_replan"));
    QTemporaryDir dir;
    writeFile(dir.filePath(QStringLiteral("V100__gated.sql")),
              QStringLiteral("LOCK TABLE {{prefix}}gate IN ACCESS EXCLUSIVE MODE;\n"));
    const QString second = QStringLiteral("CREATE TABLE {{prefix}}second (id bigint);\n");
    writeFile(dir.filePath(QStringLiteral("V101__second.sql")), second);
    const QStringList args = migrateArgs(db,
                                         {QStringLiteral("--dir"),
                                          dir.path(),
                                          QStringLiteral("--set"),
                                          QStringLiteral("migrate.lock_timeout=10m"),
                                          QStringLiteral("--set"),
                                          QStringLiteral("migrate.retries=20")});
    auto gate = session(db, "tst-gate");
    gate->exec("BEGIN");
    gate->exec("LOCK TABLE melodee_gate IN ACCESS SHARE MODE");
    auto other = session(db, "tst-other-migrator");
    auto migrator = startCli(args);
    QVERIFY(waitUntilWaiting(db, QStringLiteral("LOCK TABLE melodee_gate")));
    const QByteArray pid = TestEnv::psql(QStringLiteral("SELECT pid FROM pg_stat_activity WHERE "
                                                        "datname = current_database() AND "
                                                        "application_name = 'melodee-admin'"),
                                         db.dbname)
                               .toUtf8();

    // No new sessions until the other migrator holds the lock, so the order is certain.
    TestEnv::psql(QStringLiteral("ALTER DATABASE %1 ALLOW_CONNECTIONS false").arg(db.dbname));
    QCOMPARE(other->exec("SELECT pg_terminate_backend($1::int, 10000)", PgParams{pid}).text(0, 0),
             QStringLiteral("t"));
    const auto [k1, k2] = MigrationEngine::lockKeys(QStringLiteral("melodee_schema_migrations"));
    other->exec("SELECT pg_advisory_lock($1::int, $2::int)",
                PgParams{QByteArray::number(k1), QByteArray::number(k2)});
    TestEnv::psql(QStringLiteral("ALTER DATABASE %1 ALLOW_CONNECTIONS true").arg(db.dbname));
    other->exec("CREATE TABLE melodee_second (id bigint)");
    other->exec(
        "INSERT INTO melodee_schema_migrations (version, name, phase, checksum, "
        "applied_by, status) VALUES (101, 'second', 3, $1, 'another migrator', "
        "'applied')",
        PgParams{QCryptographicHash::hash(second.toUtf8(), QCryptographicHash::Sha256).toHex()});
    gate->exec("ROLLBACK");
    other->exec("SELECT pg_advisory_unlock($1::int, $2::int)",
                PgParams{QByteArray::number(k1), QByteArray::number(k2)});

    QVERIFY(migrator->waitForFinished(120000));
    const QString err = QString::fromUtf8(migrator->readAllStandardError());
    QVERIFY2(migrator->exitCode() == 4, qPrintable(err));
    QVERIFY2(err.contains(QLatin1String("the history changed while the connection was lost")),
             qPrintable(err));
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT status || ' ' || applied_by FROM "
                                          "melodee_schema_migrations WHERE version = 101"),
                           db.dbname),
             QStringLiteral("applied another migrator"));
    QCOMPARE(history(db), kSevenApplied + QStringLiteral(",101:applied"));
    // A rerun plans what is left and applies it.
    const auto rerun = TestEnv::runCli(args);
    QVERIFY2(rerun.exitCode == 0, qPrintable(rerun.err));
    QCOMPARE(history(db), kSevenApplied + QStringLiteral(",100:applied,101:applied"));
}

// A non-transactional statement with a side effect (nextval) loses its connection after it was
// sent. Nobody knows whether it ran, and running it again would repeat the side effect: the
// engine does not retry it and says so.
void tst_MigrationFaults::uncertainStatementIsNotRepeated()
{
    const DatabaseConfig db = migratedDatabase(QStringLiteral("fault_uncertain"));
    TestEnv::psql(QStringLiteral("CREATE SEQUENCE melodee_ticket"), db.dbname);
    QTemporaryDir dir;
    writeFile(dir.filePath(QStringLiteral("V100__ticket.sql")),
              QStringLiteral("-- transactional: false\n"
                             "SELECT nextval('{{prefix}}ticket'), pg_advisory_xact_lock(4242);\n"));
    auto gate = session(db, "tst-gate");
    gate->exec("SELECT pg_advisory_lock(4242)");
    auto migrator = startCli(migrateArgs(db,
                                         {QStringLiteral("--dir"),
                                          dir.path(),
                                          QStringLiteral("--set"),
                                          QStringLiteral("migrate.lock_timeout=10m")}));
    QVERIFY(waitUntilWaiting(db, QStringLiteral("SELECT nextval")));
    TestEnv::psql(QStringLiteral("SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity "
                                 "WHERE datname = current_database() AND application_name = "
                                 "'melodee-admin' AND query LIKE "
                                 "'SELECT nextval%'"),
                  db.dbname);
    gate->exec("SELECT pg_advisory_unlock(4242)");
    QVERIFY(migrator->waitForFinished(60000));
    const QString err = QString::fromUtf8(migrator->readAllStandardError());
    QVERIFY2(migrator->exitCode() == 1, qPrintable(err));
    QVERIFY2(err.contains(QLatin1String("it is not safe to repeat, so it was not retried")),
             qPrintable(err));
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT last_value FROM melodee_ticket"), db.dbname),
             QStringLiteral("1"));
    QVERIFY(history(db) != kSevenApplied + QStringLiteral(",100:applied"));
}

QTEST_GUILESS_MAIN(tst_MigrationFaults)
#include "tst_migrationfaults.moc"
