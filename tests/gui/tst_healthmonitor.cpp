#include <db/pgconnection.h>
#include <pool/connectionpool.h>
#include <session/healthmonitor.h>
#include <session/workers.h>

#include <testenv.h>

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <algorithm>

using namespace melodee;
using namespace melodee::test;
using namespace std::chrono_literals;

class tst_HealthMonitor : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void reports_data();
    void reports();
    void staleCheckIsDiscarded();
    void periodicAndClear();
    void lockedTableShowsTheSameReasonAsTheCli();

private:
    std::shared_ptr<ConnectionPool> pool(const DatabaseConfig &database)
    {
        return std::make_shared<ConnectionPool>(database, SessionConfig{});
    }
};

void tst_HealthMonitor::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
}

static int closedPort()
{
    QTcpServer server;
    if (!server.listen(QHostAddress::LocalHost))
        return 0;
    const int port = server.serverPort();
    server.close();
    return port;
}

void tst_HealthMonitor::reports_data()
{
    QTest::addColumn<bool>("reachable");
    QTest::addColumn<int>("status");
    QTest::newRow("fixture server") << true << int(HealthStatus::Healthy);
    QTest::newRow("closed port") << false << int(HealthStatus::Unhealthy);
}

void tst_HealthMonitor::reports()
{
    QFETCH(bool, reachable);
    QFETCH(int, status);
    DatabaseConfig database = TestEnv::superuser();
    if (!reachable)
        database.port = closedPort();
    database.connectTimeout = 2s;
    HealthMonitor monitor;
    QSignalSpy reports(&monitor, &HealthMonitor::reportChanged);
    QSignalSpy started(&monitor, &HealthMonitor::checkStarted);
    monitor.setTarget(pool(database));
    QCOMPARE(started.count(), 1);
    // The check runs on a worker: nothing has been reported synchronously.
    QCOMPARE(reports.count(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(reports.count(), 1, 15000);
    const HealthReport report = monitor.lastReport();
    QVERIFY(monitor.hasReport());
    QCOMPARE(int(report.status), status);
    if (reachable) {
        QVERIFY2(report.serverVersion.startsWith(QLatin1String("15")),
                 qPrintable(report.serverVersion));
        QVERIFY(report.latencyMs > 0);
    } else {
        QVERIFY2(report.message.contains(QLatin1String("connect"), Qt::CaseInsensitive)
                     || report.message.contains(QLatin1String("refused"), Qt::CaseInsensitive),
                 qPrintable(report.message));
    }
}

void tst_HealthMonitor::staleCheckIsDiscarded()
{
    // A server that accepts and never answers keeps the first check busy until connect_timeout.
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost));
    QList<QTcpSocket *> held;
    connect(&silent, &QTcpServer::newConnection, this, [&] {
        while (QTcpSocket *s = silent.nextPendingConnection())
            held << s;
    });
    DatabaseConfig hanging = TestEnv::superuser();
    hanging.port = silent.serverPort();
    hanging.connectTimeout = 2s;

    HealthMonitor monitor;
    QSignalSpy reports(&monitor, &HealthMonitor::reportChanged);
    monitor.setTarget(pool(hanging));
    QTRY_VERIFY_WITH_TIMEOUT(!held.isEmpty(), 30000);
    monitor.setTarget(pool(TestEnv::superuser()));
    // The new target's check runs at once, beside the stale one, and only it is reported.
    QTRY_COMPARE_WITH_TIMEOUT(reports.count(), 1, 20000);
    QCOMPARE(int(monitor.lastReport().status), int(HealthStatus::Healthy));
    // The stale check gives up at its connect_timeout and closes its socket; what it finished
    // with is dropped.
    QTRY_VERIFY_WITH_TIMEOUT(
        std::all_of(held.begin(),
                    held.end(),
                    [](QTcpSocket *s) { return s->state() != QAbstractSocket::ConnectedState; }),
        30000);
    QTRY_COMPARE_WITH_TIMEOUT(networkThreadPool()->activeThreadCount(), 0, 30000);
    QCoreApplication::processEvents();
    QCOMPARE(reports.count(), 1);
    QCOMPARE(int(monitor.lastReport().status), int(HealthStatus::Healthy));
    qDeleteAll(held);
}

void tst_HealthMonitor::periodicAndClear()
{
    HealthMonitor monitor;
    monitor.setInterval(150ms);
    QSignalSpy reports(&monitor, &HealthMonitor::reportChanged);
    QSignalSpy cleared(&monitor, &HealthMonitor::targetCleared);
    monitor.setTarget(pool(TestEnv::superuser()));
    QTRY_VERIFY_WITH_TIMEOUT(reports.count() >= 3, 15000);
    monitor.clearTarget();
    QCOMPARE(cleared.count(), 1);
    QVERIFY(!monitor.hasTarget());
    QVERIFY(!monitor.hasReport());
    const int after = reports.count();
    // The check running when cleared finishes on its worker, and it is dropped.
    QTRY_COMPARE_WITH_TIMEOUT(networkThreadPool()->activeThreadCount(), 0, 30000);
    QCoreApplication::processEvents();
    QCOMPARE(reports.count(), after);
    QVERIFY(!monitor.isChecking());
}

// The GUI runs the same checks as `melodee health`: behind a lock it reports degraded with the
// session that holds it, within the deadline.
void tst_HealthMonitor::lockedTableShowsTheSameReasonAsTheCli()
{
    DatabaseConfig db = TestEnv::freshDatabase(QStringLiteral("healthmonitor"));
    const auto migrated
        = TestEnv::runCli({QStringLiteral("migrate"),
                           QStringLiteral("--dsn"),
                           QStringLiteral("host=%1 port=%2 user=postgres dbname=%3 sslmode=disable")
                               .arg(db.host)
                               .arg(db.port)
                               .arg(db.dbname)});
    QVERIFY2(migrated.exitCode == 0, qPrintable(migrated.err));
    DatabaseConfig lockerConfig = db;
    lockerConfig.applicationName = QStringLiteral("tst-locker");
    auto locker = PgConnection::open(lockerConfig);
    locker->exec("BEGIN");
    locker->exec("LOCK TABLE melodee_songs IN ACCESS EXCLUSIVE MODE");

    HealthMonitor monitor;
    monitor.setTimeout(2s);
    QSignalSpy reports(&monitor, &HealthMonitor::reportChanged);
    QElapsedTimer timer;
    timer.start();
    monitor.setTarget(pool(db));
    QTRY_COMPARE_WITH_TIMEOUT(reports.count(), 1, 30000);
    QVERIFY2(timer.elapsed() < 10000, qPrintable(QString::number(timer.elapsed())));
    const HealthReport r = monitor.lastReport();
    QCOMPARE(int(r.status), int(HealthStatus::Degraded));
    QVERIFY2(r.message.startsWith(QLatin1String("partitions check timed out after ")),
             qPrintable(r.message));
    QVERIFY2(r.message.contains(QStringLiteral("pid %1 (tst-locker, ").arg(locker->backendPid())),
             qPrintable(r.message));
    QVERIFY2(r.message.contains(QLatin1String("holds a lock on melodee_songs")),
             qPrintable(r.message));
    locker->exec("ROLLBACK");
}

QTEST_MAIN(tst_HealthMonitor)
#include "tst_healthmonitor.moc"
