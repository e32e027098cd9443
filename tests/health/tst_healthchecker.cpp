#include "testenv.h"

#include <db/dberror.h>
#include <health/healthchecker.h>
#include <pool/connectionpool.h>

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTest>

#include <csignal>
#include <utility>

using namespace melodee;
using namespace melodee::test;
using namespace std::chrono_literals;

namespace {

DatabaseConfig config(int maxOpen)
{
    DatabaseConfig c = TestEnv::superuser();
    c.maxOpenConns = maxOpen;
    c.maxIdleConns = maxOpen > 0 ? maxOpen : 10;
    c.applicationName = QStringLiteral("tst-healthchecker");
    return c;
}

// The parent of a backend is the postmaster.
int parentPid(int pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return 0;
    // "pid (comm) state ppid ...": comm may contain spaces, so split after the last ')'.
    const QByteArray line = stat.readAll();
    const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
    return fields.size() > 1 ? fields.at(1).toInt() : 0;
}

} // namespace

class tst_HealthChecker : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { MELODEE_REQUIRE_POSTGRES(); }

    void usage_data()
    {
        QTest::addColumn<int>("maxOpen");
        QTest::addColumn<int>("held");
        QTest::addColumn<QString>("status");
        QTest::addColumn<QString>("message");
        // The seed's rule: open > max_open * 90 / 100 (integer maths) is degraded.
        QTest::newRow("1 of 10") << 10 << 0 << "healthy"
                                 << "Connected with 1 open connections";
        QTest::newRow("9 of 10") << 10 << 8 << "healthy"
                                 << "Connected with 9 open connections";
        QTest::newRow("10 of 10") << 10 << 9 << "degraded"
                                  << "10 of 10 connections open";
        QTest::newRow("2 of 2") << 2 << 1 << "degraded"
                                << "2 of 2 connections open";
        QTest::newRow("unlimited") << 0 << 3 << "healthy"
                                   << "Connected with 4 open connections";
    }
    void usage()
    {
        QFETCH(int, maxOpen);
        QFETCH(int, held);
        QFETCH(QString, status);
        QFETCH(QString, message);
        ConnectionPool pool(config(maxOpen), SessionConfig());
        std::vector<PooledConnection> leases;
        for (int i = 0; i < held; ++i)
            leases.push_back(pool.acquire());
        if (status == QLatin1String("degraded"))
            QTest::ignoreMessage(
                QtWarningMsg, QRegularExpression(QStringLiteral("High database connection usage")));
        const HealthReport r = HealthChecker(pool).check();
        QCOMPARE(r.statusName(), status);
        QVERIFY2(r.message.contains(message), qPrintable(r.message));
        QVERIFY(r.latencyMs > 0);
        QVERIFY(!r.serverVersion.isEmpty());
    }

    void extraChecksDegrade()
    {
        ConnectionPool pool(config(10), SessionConfig());
        HealthChecker checker(pool);
        checker.addCheck(QStringLiteral("partitions"),
                         [](PgConnection &c) -> std::optional<QString> {
                             if (c.exec("SELECT 1").rows() == 1)
                                 return QStringLiteral("next month has no partition");
                             return std::nullopt;
                         });
        checker.addCheck(QStringLiteral("fine"),
                         [](PgConnection &) { return std::optional<QString>(); });
        const HealthReport r = checker.check();
        QCOMPARE(r.status, HealthStatus::Degraded);
        QCOMPARE(r.degradations,
                 QStringList{QStringLiteral("partitions: next month has no partition")});
        const QJsonObject json = r.toJson();
        QCOMPARE(json.value(QStringLiteral("status")).toString(), QStringLiteral("degraded"));
        QVERIFY(json.contains(QStringLiteral("pool")));
    }

    void unreachableServerIsUnhealthy()
    {
        // A port nobody listens on: bind one, then close it.
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        const int port = server.serverPort();
        server.close();
        DatabaseConfig c = config(2);
        c.port = port;
        ConnectionPool pool(c, SessionConfig());
        const HealthReport r = HealthChecker(pool).check();
        QCOMPARE(r.status, HealthStatus::Unhealthy);
        QVERIFY2(r.message.startsWith(QLatin1String("Basic query failed: ")),
                 qPrintable(r.message));
    }

    void exhaustedPoolIsUnhealthyWithinTheTimeout()
    {
        ConnectionPool pool(config(1), SessionConfig());
        PooledConnection held = pool.acquire();
        QElapsedTimer timer;
        timer.start();
        const HealthReport r = HealthChecker(pool, 300ms).check();
        QVERIFY(timer.elapsed() < 3000);
        QCOMPARE(r.status, HealthStatus::Unhealthy);
        QVERIFY2(r.message.contains(QLatin1String("no pooled connection")), qPrintable(r.message));
    }

    // A server that stops answering after the connection is made (SIGSTOP: a frozen host) must
    // still give "unhealthy" once the timeout passes, then recover when it answers again.
    void frozenServerIsUnhealthyWithinTheTimeout_data()
    {
        QTest::addColumn<bool>("freezePostmaster");
        QTest::newRow("backend frozen") << false;
        QTest::newRow("backend and postmaster frozen") << true;
    }
    void frozenServerIsUnhealthyWithinTheTimeout()
    {
        QFETCH(bool, freezePostmaster);
        ConnectionPool pool(config(4), SessionConfig()); // 1 of 4 open is not "high usage"
        const int backend = pool.acquire()->backendPid();
        QList<int> frozen{backend};
        if (freezePostmaster)
            frozen << parentPid(backend);
        for (int pid : frozen) {
            if (::kill(pid, SIGSTOP) != 0)
                QSKIP("cannot signal the PostgreSQL processes (run as root or as their owner)");
        }
        struct Thaw
        {
            QList<int> pids;
            ~Thaw()
            {
                for (int pid : pids)
                    ::kill(pid, SIGCONT);
            }
        } thaw{frozen};

        QElapsedTimer timer;
        timer.start();
        const HealthReport r = HealthChecker(pool, 500ms).check();
        const qint64 took = timer.elapsed();
        QCOMPARE(r.status, HealthStatus::Unhealthy);
        QVERIFY2(r.message.contains(QLatin1String("did not answer SELECT 1 within")),
                 qPrintable(r.message));
        // Without the deadline the check never returns; the bound only has to be finite.
        QVERIFY2(took < 10000, qPrintable(QString::number(took)));

        for (int pid : std::exchange(thaw.pids, {}))
            ::kill(pid, SIGCONT);
        // The dropped connection was discarded; the next check connects afresh.
        const HealthReport after = HealthChecker(pool, 10s).check();
        QVERIFY2(after.status == HealthStatus::Healthy, qPrintable(after.message));
        QCOMPARE(pool.stats().openConnections, 1);
    }

    void staleConnectionIsNotUnhealthy()
    {
        DatabaseConfig c = config(2);
        c.validateAfterIdle = 0s;
        ConnectionPool pool(c, SessionConfig());
        const int pid = pool.acquire()->backendPid();
        TestEnv::psql(QStringLiteral("SELECT pg_terminate_backend(%1, 5000)").arg(pid));
        const HealthReport r = HealthChecker(pool).check();
        QCOMPARE(r.status, HealthStatus::Healthy);
    }

    void cliHealth_data()
    {
        QTest::addColumn<bool>("json");
        QTest::newRow("text") << false;
        QTest::newRow("json") << true;
    }
    void cliHealth()
    {
        QFETCH(bool, json);
        QStringList args{QStringLiteral("health"),
                         QStringLiteral("--dsn"),
                         QStringLiteral("host=127.0.0.1 port=%1 user=postgres dbname=postgres "
                                        "sslmode=disable")
                             .arg(TestEnv::pgPort())};
        if (json)
            args << QStringLiteral("--json");
        const auto r = TestEnv::runCli(args);
        QCOMPARE(r.exitCode, 0);
        if (json) {
            const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
            QCOMPARE(o.value(QStringLiteral("status")).toString(), QStringLiteral("healthy"));
            QCOMPARE(o.value(QStringLiteral("message")).toString(),
                     QStringLiteral("Connected with 1 open connections"));
            QVERIFY(o.value(QStringLiteral("latency_ms")).toDouble() > 0);
        } else {
            QVERIFY2(r.out.startsWith(QLatin1String("status: healthy\nmessage: Connected with 1 "
                                                    "open connections\nserver_version: ")),
                     qPrintable(r.out));
            QVERIFY(r.out.contains(QLatin1String("latency_ms: ")));
            QVERIFY(r.out.contains(QLatin1String("tls: off")));
        }
    }

    void cliHealthUnhealthyExitCode()
    {
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        const int port = server.serverPort();
        server.close();
        const auto r = TestEnv::runCli({QStringLiteral("health"),
                                        QStringLiteral("--dsn"),
                                        QStringLiteral("host=127.0.0.1 port=%1 user=postgres "
                                                       "sslmode=disable")
                                            .arg(port)});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.out.startsWith(QLatin1String("status: unhealthy\nmessage: Basic query failed")));
    }
};

QTEST_GUILESS_MAIN(tst_HealthChecker)
#include "tst_healthchecker.moc"
