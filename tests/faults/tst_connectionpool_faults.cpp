// Fault tests for ConnectionPool against real servers: backends killed under load, and a private
// server (never the shared fixture) stopped and started again mid-load.
#include "testenv.h"

#include <db/dberror.h>
#include <health/healthchecker.h>
#include <pool/connectionpool.h>

#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QUuid>

#include <unistd.h>

#include <atomic>
#include <thread>

using namespace melodee;
using namespace melodee::test;
using namespace std::chrono_literals;

namespace {

// Runs a PostgreSQL tool, as the postgres user when we are root (the server refuses root).
bool runPg(const QString &tool, const QStringList &args, QString *output = nullptr)
{
    QProcess p;
    QString program = TestEnv::pgBin() + QLatin1Char('/') + tool;
    QStringList all = args;
    if (::geteuid() == 0) {
        all.prepend(program);
        all.prepend(QStringLiteral("--"));
        all.prepend(QStringLiteral("postgres"));
        all.prepend(QStringLiteral("-u"));
        program = QStringLiteral("runuser");
    }
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, all);
    p.waitForFinished(120000);
    if (output)
        *output = QString::fromUtf8(p.readAll());
    return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

// A throwaway server of our own so stopping it cannot disturb other tests.
class PrivateServer
{
public:
    bool init()
    {
        if (!m_dir.isValid())
            return false;
        QFile::setPermissions(m_dir.path(),
                              QFileDevice::ReadOwner | QFileDevice::WriteOwner
                                  | QFileDevice::ExeOwner | QFileDevice::ReadOther
                                  | QFileDevice::WriteOther | QFileDevice::ExeOther);
        QTcpServer probe;
        if (!probe.listen(QHostAddress::LocalHost))
            return false;
        m_port = probe.serverPort();
        probe.close();
        QString out;
        if (!runPg(QStringLiteral("initdb"),
                   {QStringLiteral("-D"),
                    data(),
                    QStringLiteral("-A"),
                    QStringLiteral("trust"),
                    QStringLiteral("-U"),
                    QStringLiteral("postgres")},
                   &out)) {
            qWarning("initdb failed: %s", qPrintable(out));
            return false;
        }
        return start();
    }
    bool start()
    {
        QString out;
        const bool ok = runPg(QStringLiteral("pg_ctl"),
                              {QStringLiteral("-D"),
                               data(),
                               QStringLiteral("-l"),
                               m_dir.path() + QStringLiteral("/log"),
                               QStringLiteral("-w"),
                               QStringLiteral("-o"),
                               QStringLiteral("-p %1 -k %2 -c listen_addresses=127.0.0.1 -c "
                                              "fsync=off")
                                   .arg(m_port)
                                   .arg(m_dir.path()),
                               QStringLiteral("start")},
                              &out);
        if (!ok)
            qWarning("pg_ctl start failed: %s", qPrintable(out));
        return ok;
    }
    bool stop()
    {
        return runPg(QStringLiteral("pg_ctl"),
                     {QStringLiteral("-D"),
                      data(),
                      QStringLiteral("-m"),
                      QStringLiteral("fast"),
                      QStringLiteral("-w"),
                      QStringLiteral("stop")});
    }
    ~PrivateServer()
    {
        if (QFile::exists(data() + QStringLiteral("/postmaster.pid")))
            runPg(QStringLiteral("pg_ctl"),
                  {QStringLiteral("-D"),
                   data(),
                   QStringLiteral("-m"),
                   QStringLiteral("immediate"),
                   QStringLiteral("stop")});
    }
    DatabaseConfig config() const
    {
        DatabaseConfig c;
        c.host = QStringLiteral("127.0.0.1");
        c.port = m_port;
        c.user = QStringLiteral("postgres");
        c.dbname = QStringLiteral("postgres");
        c.sslmode = QStringLiteral("disable");
        c.connectTimeout = 3s;
        return c;
    }

private:
    QString data() const { return m_dir.path() + QStringLiteral("/data"); }
    QTemporaryDir m_dir{QDir::tempPath() + QStringLiteral("/melodee-pool-fault-XXXXXX")};
    int m_port = 0;
};

} // namespace

class tst_ConnectionPoolFaults : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { MELODEE_REQUIRE_POSTGRES(); }

    void terminatedBackendsUnderLoad()
    {
        DatabaseConfig c = TestEnv::superuser();
        c.applicationName
            = QStringLiteral("tst-pool-kill-") + QUuid::createUuid().toString(QUuid::Id128).left(8);
        c.maxOpenConns = 8;
        c.maxIdleConns = 8;
        ConnectionPool pool(c, SessionConfig());

        std::atomic<bool> stop{false};
        std::atomic<qint64> reads{0};
        std::atomic<int> failures{0};
        QString firstFailure;
        std::mutex failureMutex;
        std::vector<std::thread> workers;
        for (int i = 0; i < 16; ++i) {
            workers.emplace_back([&] {
                while (!stop) {
                    try {
                        const PgResult r = pool.query("SELECT 1");
                        if (r.text(0, 0) == QLatin1String("1"))
                            ++reads;
                    } catch (const DbError &e) {
                        ++failures;
                        std::lock_guard lock(failureMutex);
                        if (firstFailure.isEmpty())
                            firstFailure = e.toString();
                    }
                }
            });
        }
        // A second connection kills every backend of ours, repeatedly, and watches the count.
        DatabaseConfig killerConfig = TestEnv::superuser();
        killerConfig.applicationName = QStringLiteral("tst-pool-killer");
        auto killer = PgConnection::open(killerConfig);
        const QByteArray app = c.applicationName.toUtf8();
        int maxSeen = 0;
        int killed = 0;
        for (int round = 0; round < 15; ++round) {
            QTest::qWait(120);
            const PgResult seen = killer->exec(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", PgParams{app});
            maxSeen = std::max(maxSeen, seen.text(0, 0).toInt());
            const PgResult k = killer->exec(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = $1",
                PgParams{app});
            killed += k.text(0, 0).toInt();
        }
        QTest::qWait(200);
        stop = true;
        for (auto &t : workers)
            t.join();
        QVERIFY2(failures == 0,
                 qPrintable(QStringLiteral("%1 reads failed, first: %2")
                                .arg(failures.load())
                                .arg(firstFailure)));
        QVERIFY(killed >= 15);
        QVERIFY(reads > 100);
        QVERIFY2(maxSeen <= 8, qPrintable(QString::number(maxSeen)));
        const PoolStats s = pool.stats();
        QVERIFY(s.brokenClosed > 0);
        QVERIFY(s.openConnections <= 8);
        // The pool refills.
        QCOMPARE(pool.query("SELECT 1").text(0, 0), QStringLiteral("1"));
        qInfo("reads %lld, backends killed %d, broken closed %lld, max backends seen %d",
              reads.load(),
              killed,
              s.brokenClosed,
              maxSeen);
    }

    void serverStopAndRestart()
    {
        PrivateServer server;
        QVERIFY(server.init());
        DatabaseConfig c = server.config();
        c.maxOpenConns = 4;
        c.maxIdleConns = 4;
        c.acquireTimeout = 10s;
        ConnectionPool pool(c, SessionConfig());
        HealthChecker checker(pool, 2s);
        QCOMPARE(checker.check().status, HealthStatus::Healthy);

        std::atomic<bool> stop{false};
        std::atomic<qint64> ok{0};
        std::atomic<qint64> failed{0};
        std::atomic<qint64> slowestFailureMs{0};
        std::vector<std::thread> workers;
        for (int i = 0; i < 8; ++i) {
            workers.emplace_back([&] {
                while (!stop) {
                    QElapsedTimer t;
                    t.start();
                    try {
                        pool.query("SELECT 1");
                        ++ok;
                    } catch (const DbError &) {
                        ++failed;
                        qint64 ms = t.elapsed();
                        qint64 prev = slowestFailureMs.load();
                        while (ms > prev && !slowestFailureMs.compare_exchange_weak(prev, ms)) {
                        }
                        QThread::msleep(5);
                    }
                }
            });
        }
        QTest::qWait(300);
        QVERIFY(server.stop());
        QTest::qWait(800);
        // Operations now fail fast with a clear error, well inside the acquire timeout.
        QElapsedTimer timer;
        timer.start();
        try {
            pool.query("SELECT 1");
            QFAIL("the server is down");
        } catch (const DbError &e) {
            QVERIFY2(e.connectionBroken(), e.what());
            QVERIFY2(e.toString().contains(QLatin1String("connect")), e.what());
        }
        QVERIFY(timer.elapsed() < 3000);
        const HealthReport down = checker.check();
        QCOMPARE(down.status, HealthStatus::Unhealthy);
        QVERIFY(failed > 0);

        QVERIFY(server.start());
        // The same pool recovers without a restart.
        // Degraded (all 4 connections busy with the 8 workers) counts as recovered.
        QTRY_VERIFY_WITH_TIMEOUT(checker.check().status != HealthStatus::Unhealthy, 10000);
        const qint64 okBefore = ok;
        QTRY_VERIFY_WITH_TIMEOUT(ok > okBefore + 100, 10000);
        stop = true;
        for (auto &t : workers)
            t.join();
        QVERIFY2(slowestFailureMs < 5000, qPrintable(QString::number(slowestFailureMs.load())));
        QCOMPARE(pool.query("SELECT 1").text(0, 0), QStringLiteral("1"));
        QVERIFY(pool.stats().openConnections <= 4);
    }
};

QTEST_GUILESS_MAIN(tst_ConnectionPoolFaults)
#include "tst_connectionpool_faults.moc"
