#include "testenv.h"

#include <db/dberror.h>
#include <health/healthchecker.h>
#include <health/lockholders.h>
#include <health/partitioncheck.h>
#include <pool/connectionpool.h>

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTest>

#include <csignal>
#include <future>
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

QString dsnFor(const DatabaseConfig &c)
{
    return QStringLiteral("host=%1 port=%2 user=postgres dbname=%3 sslmode=disable")
        .arg(c.host)
        .arg(c.port)
        .arg(c.dbname);
}

// A session of another client that takes ACCESS EXCLUSIVE on a table and keeps it until
// destroyed, as `LOCK TABLE ...` in an open psql transaction does.
class Locker
{
public:
    Locker(const DatabaseConfig &db, const QString &application, const QByteArray &table)
    {
        DatabaseConfig c = db;
        c.applicationName = application;
        m_conn = PgConnection::open(c);
        m_conn->exec("BEGIN");
        m_conn->exec("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
    }
    ~Locker() { m_conn->exec("ROLLBACK"); }
    int pid() const { return m_conn->backendPid(); }

private:
    std::unique_ptr<PgConnection> m_conn;
};

} // namespace

class tst_HealthChecker : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        MELODEE_REQUIRE_POSTGRES();
        // The real schema with its month partitions (premade through next month).
        m_db = TestEnv::freshDatabase(QStringLiteral("health"));
        const auto r
            = TestEnv::runCli({QStringLiteral("migrate"), QStringLiteral("--dsn"), dsnFor(m_db)});
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
    }

    void usage_data()
    {
        QTest::addColumn<int>("maxOpen");
        QTest::addColumn<int>("held");
        QTest::addColumn<QString>("status");
        QTest::addColumn<QString>("message");
        // open > max_open * 90 / 100 (integer maths) is degraded.
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

    void partitionsHealthy()
    {
        ConnectionPool pool(m_db, SessionConfig());
        HealthChecker checker(pool);
        addPartitionCheck(checker, SessionConfig());
        const HealthReport r = checker.check();
        QVERIFY2(r.status == HealthStatus::Healthy, qPrintable(r.message));
    }

    void defaultPartitionWithRowsIsDegraded()
    {
        const DatabaseConfig db = TestEnv::freshDatabase(QStringLiteral("health_default"));
        QCOMPARE(TestEnv::runCli({QStringLiteral("migrate"), QStringLiteral("--dsn"), dsnFor(db)})
                     .exitCode,
                 0);
        TestEnv::psql(QStringLiteral("INSERT INTO melodee_songs (name, name_normalized, "
                                     "created_at) VALUES ('far', 'f', '2999-01-01 00:00:00+00')"),
                      db.dbname);
        ConnectionPool pool(db, SessionConfig());
        HealthChecker checker(pool);
        addPartitionCheck(checker, SessionConfig());
        const HealthReport r = checker.check();
        QCOMPARE(r.status, HealthStatus::Degraded);
        QVERIFY2(r.message.startsWith(QLatin1String("partitions: melodee_songs_default holds "
                                                    "rows")),
                 qPrintable(r.message));
        QVERIFY2(!r.message.contains(QLatin1String("melodee_albums")), qPrintable(r.message));
        QVERIFY2(r.message.endsWith(QLatin1String("(run `melodee partitions maintain`)")),
                 qPrintable(r.message));
    }

    // Another session holds ACCESS EXCLUSIVE on the songs table: the check still answers within
    // its timeout, degraded, naming the session that holds the lock (and never its secrets or
    // the line breaks of its application name).
    void lockedTableIsDegradedWithinTheTimeout()
    {
        const QString app = QStringLiteral("locker 'x' password=hunter2\nsecond line");
        Locker locker(m_db, app, "melodee_songs");
        ConnectionPool pool(m_db, SessionConfig());
        HealthChecker checker(pool, 2s);
        addPartitionCheck(checker, SessionConfig());
        QElapsedTimer timer;
        timer.start();
        const HealthReport r = checker.check();
        const qint64 took = timer.elapsed();
        // The 2 s deadline plus room for a loaded machine; without it the check never returned.
        QVERIFY2(took < 4000, qPrintable(QString::number(took)));
        QCOMPARE(r.status, HealthStatus::Degraded);
        QCOMPARE(r.degradations.size(), 1);
        const QString line = r.degradations.first();
        QVERIFY2(line.startsWith(QLatin1String("partitions check timed out after ")),
                 qPrintable(line));
        QVERIFY2(line.contains(QStringLiteral(": pid %1 (locker 'x' ").arg(locker.pid())),
                 qPrintable(line));
        QVERIFY2(line.contains(QLatin1String(" s) holds a lock on melodee_songs")),
                 qPrintable(line));
        QVERIFY2(!line.contains(QLatin1String("hunter2")), qPrintable(line));
        QVERIFY2(!line.contains(QLatin1Char('\n')), qPrintable(line));
        // The checking connection went back to the pool without the check's timeouts.
        PooledConnection lease = pool.acquire();
        QCOMPARE(lease->exec("SHOW lock_timeout").text(0, 0), QStringLiteral("0"));
        QCOMPARE(lease->exec("SHOW statement_timeout").text(0, 0), QStringLiteral("0"));
    }

    // A session queued for ACCESS EXCLUSIVE (behind a reader), as `partitions maintain` queues to
    // detach the default partition, blocks every later read of it as well.
    void queuedLockIsNamed()
    {
        auto reader = PgConnection::open(m_db);
        reader->exec("BEGIN");
        reader->exec("SELECT 1 FROM melodee_albums LIMIT 1");
        const int readerPid = reader->backendPid();
        DatabaseConfig c = m_db;
        c.applicationName = QStringLiteral("tst-queued-lock");
        auto waiter = PgConnection::open(c);
        const int waiterPid = waiter->backendPid();
        waiter->exec("BEGIN");
        auto waiting = std::async(std::launch::async, [&waiter] {
            try {
                waiter->exec("LOCK TABLE melodee_albums_default IN ACCESS EXCLUSIVE MODE");
            } catch (const DbError &) {
            }
        });
        // However the test ends, the waiting thread is released before `waiting` joins it.
        struct Release
        {
            PgConnection &conn;
            ~Release() { conn.cancel(); }
        } release{*waiter};
        QTRY_COMPARE_WITH_TIMEOUT(
            TestEnv::psql(QStringLiteral("SELECT count(*) FROM pg_locks WHERE NOT granted AND "
                                         "pid = %1")
                              .arg(waiterPid)),
            QStringLiteral("1"),
            30000);
        ConnectionPool pool(m_db, SessionConfig());
        HealthChecker checker(pool, 2s);
        addPartitionCheck(checker, SessionConfig());
        const HealthReport r = checker.check();
        reader->exec("ROLLBACK");
        waiting.get();
        QCOMPARE(r.status, HealthStatus::Degraded);
        QVERIFY2(r.message.contains(QStringLiteral("pid %1 (tst-queued-lock, ").arg(waiterPid)),
                 qPrintable(r.message));
        QVERIFY2(
            r.message.contains(
                QStringLiteral(" s) waits for an exclusive lock on melodee_albums behind pid %1")
                    .arg(readerPid)),
            qPrintable(r.message));
    }

    // `melodee health` behind a lock: exit 1 (degraded) within its 5 s, with the reason.
    void cliHealthBehindALock_data()
    {
        QTest::addColumn<bool>("json");
        QTest::newRow("text") << false;
        QTest::newRow("json") << true;
    }
    void cliHealthBehindALock()
    {
        QFETCH(bool, json);
        Locker locker(m_db, QStringLiteral("psql"), "melodee_songs");
        QStringList args{QStringLiteral("health"), QStringLiteral("--dsn"), dsnFor(m_db)};
        if (json)
            args << QStringLiteral("--json");
        QElapsedTimer timer;
        timer.start();
        const auto r = TestEnv::runCli(args, {}, 20000);
        const qint64 took = timer.elapsed();
        QVERIFY2(took < 10000, qPrintable(QString::number(took)));
        QCOMPARE(r.exitCode, 1);
        const QString reason = QStringLiteral("pid %1 (psql, ").arg(locker.pid());
        if (json) {
            const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
            QCOMPARE(o.value(QStringLiteral("status")).toString(), QStringLiteral("degraded"));
            const QString line
                = o.value(QStringLiteral("degradations")).toArray().first().toString();
            QVERIFY2(line.contains(reason), qPrintable(r.out));
            QVERIFY2(line.contains(QLatin1String("holds a lock on melodee_songs")),
                     qPrintable(r.out));
        } else {
            QVERIFY2(r.out.startsWith(QLatin1String("status: degraded\nmessage: partitions check "
                                                    "timed out after ")),
                     qPrintable(r.out));
            QVERIFY2(r.out.contains(reason), qPrintable(r.out));
        }
    }

    void roughDurations_data()
    {
        QTest::addColumn<double>("seconds");
        QTest::addColumn<QString>("text");
        QTest::newRow("negative (clock skew)") << -3.0 << "0 s";
        QTest::newRow("0") << 0.0 << "0 s";
        QTest::newRow("119.9") << 119.9 << "119 s";
        QTest::newRow("2 min") << 120.0 << "2 min";
        QTest::newRow("119 min") << 7199.0 << "119 min";
        QTest::newRow("2 h") << 7200.0 << "2 h";
        QTest::newRow("47 h") << 47.0 * 3600 << "47 h";
        QTest::newRow("3 d") << 3.0 * 86400 << "3 d";
    }
    void roughDurations()
    {
        QFETCH(double, seconds);
        QFETCH(QString, text);
        QCOMPARE(roughDuration(seconds), text);
    }

private:
    DatabaseConfig m_db;
};

QTEST_GUILESS_MAIN(tst_HealthChecker)
#include "tst_healthchecker.moc"
