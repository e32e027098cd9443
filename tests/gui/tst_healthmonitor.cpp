#include <pool/connectionpool.h>
#include <session/healthmonitor.h>

#include <testenv.h>

#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

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
    QTRY_VERIFY(!held.isEmpty());
    monitor.setTarget(pool(TestEnv::superuser()));
    // Only the check of the current target is reported, once the stale one has ended.
    QTRY_COMPARE_WITH_TIMEOUT(reports.count(), 1, 20000);
    QCOMPARE(int(monitor.lastReport().status), int(HealthStatus::Healthy));
    QTest::qWait(300);
    QCOMPARE(reports.count(), 1);
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
    QTest::qWait(600);
    // At most the check already running when cleared finishes, and it is dropped.
    QCOMPARE(reports.count(), after);
}

QTEST_MAIN(tst_HealthMonitor)
#include "tst_healthmonitor.moc"
