#include "migratetest.h"

#include <async/task.h>
#include <db/dberror.h>
#include <db/pgconnection.h>
#include <partitions/partitionmaintenance.h>
#include <util/logging.h>

#include <QElapsedTimer>
#include <QMutex>
#include <QTest>

#include <atomic>

using namespace melodee;
using namespace melodee::test;

namespace {

const QDateTime kNow = QDateTime(QDate(2026, 11, 27), QTime(0, 0), Qt::UTC);

DatabaseConfig migratedDatabase(const QString &prefix)
{
    const DatabaseConfig db = TestEnv::freshDatabase(prefix);
    const auto r = TestEnv::runCli({QStringLiteral("migrate"),
                                    QStringLiteral("--dsn"),
                                    dsnFor(db),
                                    QStringLiteral("--now"),
                                    kNow.toString(Qt::ISODate)});
    if (r.exitCode != 0)
        qFatal("migrate failed: %s", qPrintable(r.err));
    return db;
}

AppConfig configFor(const DatabaseConfig &db)
{
    AppConfig config;
    config.database = db;
    return config;
}

qint64 count(const QString &sql, const DatabaseConfig &db)
{
    return TestEnv::psql(sql, db.dbname).toLongLong();
}

} // namespace

Q_DECLARE_METATYPE(std::optional<melodee::Month>)

// The partition-maintenance workflow in process: its session, which requests it refuses, what
// its preview plans, and apply's progress, log lines and cancellation.
class tst_PartitionMaintenance : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void sessionIsSetUp();
    void checkRequest_data();
    void checkRequest();
    void largeWindowNeedsConfirmation();
    void monthCoveredInPartStaysInDefault();
    void lastPossibleMonth();
    void applyReportsEveryStep();
    void cancelStopsAtOnceAndRollsBack();
};

void tst_PartitionMaintenance::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
}

void tst_PartitionMaintenance::sessionIsSetUp()
{
    // Even when the database's own TimeZone is not UTC.
    const DatabaseConfig db = TestEnv::freshDatabase(QStringLiteral("pm_session"));
    TestEnv::psql(
        QStringLiteral("ALTER DATABASE %1 SET TimeZone = 'America/New_York'").arg(db.dbname));
    AppConfig config = configFor(db);
    config.migrate.lockTimeout = std::chrono::milliseconds(1500);
    config.migrate.statementTimeout = std::chrono::seconds(90);
    const QStringList expected{QStringLiteral("SET lock_timeout = '1500ms'"),
                               QStringLiteral("SET statement_timeout = '90s'"),
                               QStringLiteral("SET TimeZone = 'UTC'"),
                               QStringLiteral("SET client_connection_check_interval = '2s'")};
    QCOMPARE(PartitionMaintenance::sessionStatements(config.migrate), expected);

    auto conn = PartitionMaintenance::openSession(config);
    const PgResult r = conn->exec("SELECT current_setting('lock_timeout'), "
                                  "current_setting('statement_timeout'), "
                                  "current_setting('TimeZone'), "
                                  "current_setting('client_connection_check_interval')");
    QCOMPARE(r.text(0, 0), QStringLiteral("1500ms"));
    QCOMPARE(r.text(0, 1), QStringLiteral("90s"));
    QCOMPARE(r.text(0, 2), QStringLiteral("UTC"));
    QCOMPARE(r.text(0, 3), QStringLiteral("2s"));
    // Behind PgBouncer in transaction mode prepared statements break.
    QVERIFY(!conn->usePreparedStatements());

    // The same on a connection someone else opened (the migration engine's).
    auto other = PgConnection::open(db);
    PartitionMaintenance::setUpSession(*other, config.migrate);
    QCOMPARE(other->exec("SHOW TimeZone").text(0, 0), QStringLiteral("UTC"));
}

void tst_PartitionMaintenance::checkRequest_data()
{
    QTest::addColumn<std::optional<Month>>("from");
    QTest::addColumn<int>("premake");
    QTest::addColumn<bool>("confirm");
    QTest::addColumn<QDateTime>("now");
    QTest::addColumn<int>("months");      // the window's length when accepted
    QTest::addColumn<QString>("refusal"); // part of the message when refused
    const std::optional<Month> none;
    // With now = 2026-11-27 and premake 6 the window ends before 2027-05.
    QTest::newRow("premake only") << none << 6 << false << kNow << 6 << QString();
    QTest::newRow("240 months") << std::optional(Month{2007, 5}) << 6 << false << kNow << 240
                                << QString();
    QTest::newRow("241 months") << std::optional(Month{2007, 4}) << 6 << false << kNow << 0
                                << QStringLiteral("2007-04 through 2027-04 is 241 months");
    QTest::newRow("241 months, confirmed")
        << std::optional(Month{2007, 4}) << 6 << true << kNow << 241 << QString();
    QTest::newRow("year 24") << std::optional(Month{24, 1}) << 6 << false << kNow << 0
                             << QStringLiteral("24040 months per table, more than 240");
    QTest::newRow("year 24, confirmed")
        << std::optional(Month{24, 1}) << 6 << true << kNow << 24040 << QString();
    QTest::newRow("9999-12") << std::optional(Month{9999, 12}) << 6 << true << kNow << 0
                             << QStringLiteral("9999-12 is after the current month 2026-11");
    QTest::newRow("year 10000") << std::optional(Month{10000, 1}) << 6 << true << kNow << 0
                                << QStringLiteral("10000-01 is not a month");
    QTest::newRow("month 13") << std::optional(Month{2026, 13}) << 6 << true << kNow << 0
                              << QStringLiteral("is not a month");
    QTest::newRow("unparsable") << std::optional(Month::parse(QStringLiteral("garbage"))) << 6
                                << true << kNow << 0 << QStringLiteral("is not a month");
    QTest::newRow("premake 0") << none << 0 << false << kNow << 0
                               << QStringLiteral("use at least 1");
    const QDateTime late(QDate(9999, 10, 1), QTime(0, 0), Qt::UTC);
    QTest::newRow("past 9999-12") << none << 6 << false << late << 0
                                  << QStringLiteral("reaches past 9999-12");
    const QDateTime lastHalf(QDate(9999, 7, 1), QTime(0, 0), Qt::UTC);
    QTest::newRow("up to 9999-12") << none << 6 << false << lastHalf << 6 << QString();
}

void tst_PartitionMaintenance::checkRequest()
{
    QFETCH(std::optional<Month>, from);
    QFETCH(int, premake);
    QFETCH(bool, confirm);
    QFETCH(QDateTime, now);
    QFETCH(int, months);
    QFETCH(QString, refusal);
    MaintenanceRequest request;
    request.from = from;
    request.premakeMonths = premake;
    request.confirmLargeWindow = confirm;
    try {
        const MaintenanceWindow w = PartitionMaintenance::checkRequest(request, now);
        QVERIFY2(refusal.isEmpty(), qPrintable(QStringLiteral("accepted: %1").arg(w.months())));
        QCOMPARE(w.months(), months);
    } catch (const PartitionError &e) {
        QVERIFY2(!refusal.isEmpty(), qPrintable(e.message()));
        QVERIFY2(e.message().contains(refusal), qPrintable(e.message()));
        QCOMPARE(e.kind(), ErrorKind::Usage);
    }
}

void tst_PartitionMaintenance::largeWindowNeedsConfirmation()
{
    const DatabaseConfig db = migratedDatabase(QStringLiteral("pm_large"));
    PartitionMaintenance maintenance(configFor(db));
    MaintenanceRequest request;
    request.now = kNow;
    request.from = Month{24, 1};
    try {
        maintenance.preview(request);
        QFAIL("a 24040-month window was planned without confirmation");
    } catch (const PartitionError &e) {
        QCOMPARE(e.kind(), ErrorKind::Usage);
    }
    request.confirmLargeWindow = true;
    const MaintenancePreview preview = maintenance.preview(request);
    QCOMPARE(preview.plans.size(), 2);
    // 2026-11 .. 2027-04 exist since the migration.
    QCOMPARE(preview.plans[1].create.size(), 24040 - 6);
    QCOMPARE(preview.plans[1].steps[1].sql,
             QStringLiteral("CREATE TABLE IF NOT EXISTS melodee_songs_0024_01 PARTITION OF "
                            "melodee_songs FOR VALUES FROM ('0024-01-01 00:00:00+00') TO "
                            "('0024-02-01 00:00:00+00')"));
    // A preview changes nothing.
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM pg_inherits WHERE inhparent = "
                                  "'melodee_songs'::regclass"),
                   db),
             7);
}

void tst_PartitionMaintenance::monthCoveredInPartStaysInDefault()
{
    // Someone made a half-month partition by hand; a row from the other half sits in the
    // default. Moving it would need a partition that overlaps the existing one.
    const DatabaseConfig db = migratedDatabase(QStringLiteral("pm_part"));
    TestEnv::psql(QStringLiteral("CREATE TABLE melodee_songs_2031_03a PARTITION OF melodee_songs "
                                 "FOR VALUES FROM ('2031-03-01 00:00:00+00') TO ('2031-03-15 "
                                 "00:00:00+00');"
                                 "INSERT INTO melodee_songs (name, name_normalized, created_at) "
                                 "VALUES ('half', 'h', '2031-03-20 00:00:00+00'), "
                                 "('movable', 'm', '2031-05-02 00:00:00+00')"),
                  db.dbname);
    PartitionMaintenance maintenance(configFor(db));
    MaintenanceRequest request;
    request.now = kNow;
    const MaintenancePreview preview = maintenance.preview(request);
    QCOMPARE(preview.plans.size(), 1);
    const MaintenancePlan &songs = preview.plans[0];
    QCOMPARE(songs.table, QStringLiteral("melodee_songs"));
    QCOMPARE(songs.create, (QList<Month>{Month{2031, 5}}));
    QCOMPARE(songs.rowsToMove, 1);
    QCOMPARE(songs.strandedRows, 1);
    QVERIFY2(preview.notes.join(QLatin1Char('\n'))
                 .contains(QStringLiteral("1 row in melodee_songs_default are from 2031-03, which "
                                          "an existing partition covers only in part")),
             qPrintable(preview.notes.join(QLatin1Char('\n'))));
    const auto results = maintenance.apply(preview);
    QCOMPARE(results.size(), 1);
    QCOMPARE(results[0].moved, 1);
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT name FROM melodee_songs_default"), db.dbname),
             QStringLiteral("half"));
}

void tst_PartitionMaintenance::lastPossibleMonth()
{
    // 9999-12 ends at 10000-01-01: created, and read back with that bound.
    const DatabaseConfig db = migratedDatabase(QStringLiteral("pm_last"));
    const QDateTime late(QDate(9999, 7, 10), QTime(0, 0), Qt::UTC);
    PartitionMaintenance maintenance(configFor(db));
    MaintenanceRequest request;
    request.now = late;
    const auto results = maintenance.apply(maintenance.preview(request));
    QCOMPARE(results.size(), 2);
    QCOMPARE(results[1].created, 6);
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT pg_get_expr(relpartbound, oid) FROM pg_class "
                                          "WHERE relname = 'melodee_songs_9999_12'"),
                           db.dbname)
                 .remove(QStringLiteral("+00"))
                 .remove(QStringLiteral(":00:00")),
             QStringLiteral("FOR VALUES FROM ('9999-12-01 00') TO ('10000-01-01 00')"));
    const auto tables = maintenance.list(late, false);
    const PartitionedTableInfo &songs = tables[1];
    const PartitionInfo &last = songs.partitions[songs.partitions.size() - 2];
    QCOMPARE(last.name, QStringLiteral("melodee_songs_9999_12"));
    QCOMPARE(last.to, QDateTime(QDate(10000, 1, 1), QTime(0, 0), Qt::UTC));
    QCOMPARE(songs.monthsAhead, 5);
    QVERIFY(songs.nextMonthCovered);
}

void tst_PartitionMaintenance::applyReportsEveryStep()
{
    const DatabaseConfig db = migratedDatabase(QStringLiteral("pm_steps"));
    TestEnv::psql(QStringLiteral("INSERT INTO melodee_songs (name, name_normalized, created_at) "
                                 "VALUES ('x', 'x', '2028-01-05 00:00:00+00')"),
                  db.dbname);
    // What reaches the log dock in the desktop app: the process's log sink.
    setupLogging(LogLevel::Info);
    QMutex mutex;
    QStringList logged;
    setLogSink([&](QtMsgType type, const QString &category, const QString &message) {
        QMutexLocker lock(&mutex);
        if (type == QtInfoMsg && category == QLatin1String("melodee.partitions"))
            logged << message;
    });
    QList<MaintenanceProgress> seen;
    PartitionMaintenance maintenance(configFor(db));
    maintenance.setProgress([&seen](const MaintenanceProgress &p) { seen << p; });
    MaintenanceRequest request;
    request.now = kNow;
    const MaintenancePreview preview = maintenance.preview(request);
    QCOMPARE(preview.plans.size(), 1);
    const int total = preview.stepCount();
    // Lock, detach, create 2028-01, copy, delete, attach.
    QCOMPARE(total, 6);
    maintenance.apply(preview);
    setLogSink(nullptr);

    QCOMPARE(seen.size(), total + 1); // each step, then the table's result
    for (int i = 0; i < seen.size(); ++i) {
        QCOMPARE(seen[i].total, total);
        QCOMPARE(seen[i].done, i);
        QCOMPARE(seen[i].table, QStringLiteral("melodee_songs"));
    }
    QCOMPARE(seen[2].message,
             QStringLiteral("melodee_songs: step 3/6: create melodee_songs_2028_01"));
    QVERIFY2(seen.last().message.contains(QStringLiteral("moved 1 row out of the default")),
             qPrintable(seen.last().message));
    QMutexLocker lock(&mutex);
    for (const MaintenanceProgress &p : std::as_const(seen))
        QVERIFY2(logged.contains(p.message), qPrintable(p.message));
    QVERIFY2(logged.first().startsWith(QStringLiteral("maintenance preview as of 2026-11-27")),
             qPrintable(logged.first()));
}

void tst_PartitionMaintenance::cancelStopsAtOnceAndRollsBack()
{
    const DatabaseConfig db = migratedDatabase(QStringLiteral("pm_cancel"));
    TestEnv::psql(QStringLiteral("INSERT INTO melodee_songs (name, name_normalized, created_at) "
                                 "VALUES ('x', 'x', '2028-01-05 00:00:00+00')"),
                  db.dbname);
    AppConfig config = configFor(db);
    // Without the cancel the apply would wait a minute for the lock.
    config.migrate.lockTimeout = std::chrono::seconds(60);
    MaintenanceRequest request;
    request.now = kNow;
    const MaintenancePreview preview = PartitionMaintenance(config).preview(request);
    QCOMPARE(preview.plans.size(), 1);

    auto holder = PgConnection::open(db);
    holder->exec("BEGIN");
    holder->exec("LOCK TABLE melodee_songs IN ACCESS SHARE MODE");
    std::atomic<bool> locking{false};
    QThreadPool pool;
    struct Outcome
    {
        bool cancelled = false;
        QString error;
    };
    // A cancelled future holds no result: the work reports through this.
    Outcome out;
    auto future = startTask(&pool, [&](std::stop_token stop) {
        try {
            PartitionMaintenance maintenance(config, stop);
            maintenance.setProgress([&locking](const MaintenanceProgress &p) {
                if (p.message.contains(QLatin1String("step 1/")))
                    locking = true;
            });
            maintenance.apply(preview);
        } catch (const DbError &e) {
            out.cancelled = e.isCancelled();
            out.error = e.toString();
        }
    });
    QTRY_VERIFY_WITH_TIMEOUT(locking, 30000);
    // Let the LOCK TABLE reach the server: it then waits in pg_locks.
    QTRY_VERIFY_WITH_TIMEOUT(count(QStringLiteral("SELECT count(*) FROM pg_locks WHERE NOT "
                                                  "granted AND relation = "
                                                  "'melodee_songs'::regclass"),
                                   db)
                                 == 1,
                             30000);
    QElapsedTimer sinceCancel;
    sinceCancel.start();
    future.cancel();
    QTRY_VERIFY_WITH_TIMEOUT(future.isFinished(), 30000);
    const qint64 ms = sinceCancel.elapsed();
    pool.waitForDone();
    qInfo("cancel to finished: %lld ms", ms);
    QVERIFY2(ms < 10000, qPrintable(QString::number(ms)));
    holder->exec("ROLLBACK");
    QVERIFY2(out.cancelled, qPrintable(out.error));
    // Rolled back: the row is still in the default, its month was not created, nothing waits.
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM melodee_songs_default"), db), 1);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM pg_class WHERE relname = "
                                  "'melodee_songs_2028_01'"),
                   db),
             0);
    // Locks of this database only: other tests run against the same server at the same time.
    QCOMPARE(
        count(QStringLiteral(
                  "SELECT count(*) FROM pg_locks WHERE NOT granted AND "
                  "database = (SELECT oid FROM pg_database WHERE datname = current_database())"),
              db),
        0);
}

QTEST_GUILESS_MAIN(tst_PartitionMaintenance)
#include "tst_partitionmaintenance.moc"
