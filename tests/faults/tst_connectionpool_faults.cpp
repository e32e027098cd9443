// ConnectionPool under faults, against a PostgreSQL server of the test's own: every backend
// terminated each second under load, the server restarted mid-load, and `melodee bench pool`
// while its backends are terminated.
#include "privateserver.h"
#include "testenv.h"

#include <db/dberror.h>
#include <health/healthchecker.h>
#include <pool/connectionpool.h>

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <QUuid>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>
#include <thread>

using namespace melodee;
using namespace melodee::test;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

QString uniqueName(const QString &prefix)
{
    return prefix + QUuid::createUuid().toString(QUuid::Id128).left(10);
}

// `threads` callers running `op(thread)` until stopped, as an application's workers would. A
// caller whose operation failed waits a moment before the next one (or until stopped), so a
// server that is down is not hammered in a tight loop.
class Load
{
public:
    using Op = std::function<void(int thread)>;
    Load(int threads, Op op)
        : m_op(std::move(op))
    {
        for (int i = 0; i < threads; ++i)
            m_threads.emplace_back([this, i] { loop(i); });
    }
    ~Load() { stop(); }
    void stop()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_wake.notify_all();
        for (auto &t : m_threads) {
            if (t.joinable())
                t.join();
        }
    }
    qint64 ok() const { return m_ok.load(); }
    qint64 failed() const { return m_failed.load(); }
    qint64 slowestFailureMs() const { return m_slowestFailureMs.load(); }
    QString firstError()
    {
        std::lock_guard lock(m_mutex);
        return m_firstError;
    }

private:
    void loop(int thread)
    {
        for (;;) {
            {
                std::lock_guard lock(m_mutex);
                if (m_stop)
                    return;
            }
            QElapsedTimer timer;
            timer.start();
            try {
                m_op(thread);
                ++m_ok;
            } catch (const DbError &e) {
                ++m_failed;
                qint64 ms = timer.elapsed();
                qint64 previous = m_slowestFailureMs.load();
                while (ms > previous && !m_slowestFailureMs.compare_exchange_weak(previous, ms)) {
                }
                std::unique_lock lock(m_mutex);
                if (m_firstError.isEmpty())
                    m_firstError = e.toString();
                m_wake.wait_for(lock, 5ms, [this] { return m_stop; });
            }
        }
    }

    Op m_op;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stop = false;
    QString m_firstError;
    std::atomic<qint64> m_ok{0};
    std::atomic<qint64> m_failed{0};
    std::atomic<qint64> m_slowestFailureMs{0};
    std::vector<std::thread> m_threads; // last: they start once the rest exists
};

// Terminates backends and counts them from a superuser session of its own.
class Admin
{
public:
    explicit Admin(const DatabaseConfig &server)
    {
        DatabaseConfig c = server;
        c.applicationName = QStringLiteral("tst-faults-admin");
        m_conn = PgConnection::open(c);
    }
    int backends(const QString &applicationName)
    {
        return m_conn
            ->exec("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1",
                   PgParams{applicationName.toUtf8()})
            .text(0, 0)
            .toInt();
    }
    // Signals every backend of the application at once; returns their pids ("{1,2}").
    QByteArray terminateAll(const QString &applicationName, int *count)
    {
        const PgResult r = m_conn->exec(
            "SELECT coalesce(array_agg(pid) FILTER (WHERE pg_terminate_backend(pid)), '{}') "
            "FROM pg_stat_activity WHERE application_name = $1",
            PgParams{applicationName.toUtf8()});
        const QByteArray pids = r.text(0, 0).toUtf8();
        *count += int(pids.count(',')) + (pids == "{}" ? 0 : 1);
        return pids;
    }
    bool exited(const QByteArray &pids)
    {
        return m_conn
                   ->exec("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY($1::int[])",
                          PgParams{pids})
                   .text(0, 0)
               == QLatin1String("0");
    }
    PgConnection &conn() { return *m_conn; }

private:
    std::unique_ptr<PgConnection> m_conn;
};

} // namespace

class tst_ConnectionPoolFaults : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        m_server = std::make_unique<PrivateServer>();
        if (PrivateServer::binDir().isEmpty() && TestEnv::allowSkip())
            QSKIP("no PostgreSQL server binaries (skipped because MELODEE_ALLOW_SKIP=1)");
        QVERIFY2(m_server->init(), qPrintable(m_server->error()));
    }
    void cleanupTestCase() { m_server.reset(); }

    // Every backend of the pool is terminated once a second for 20 s while 16 callers read on 8
    // connections: no read fails (the read retry policy runs it again on a fresh connection),
    // and the server never sees more than max_open_conns connections of the pool.
    void everyBackendTerminatedEverySecond()
    {
        DatabaseConfig c = m_server->config();
        c.applicationName = uniqueName(QStringLiteral("tst-faults-kill-"));
        c.maxOpenConns = 8;
        c.maxIdleConns = 8;
        ConnectionPool pool(c, SessionConfig());
        Admin admin(m_server->config());
        Load readers(16, [&pool](int) {
            if (pool.query("SELECT 1").text(0, 0) != QLatin1String("1"))
                throw DbError(QStringLiteral("read"), QString(), QStringLiteral("wrong answer"));
        });
        QTRY_VERIFY_WITH_TIMEOUT(readers.ok() > 100, 30000);

        int killed = 0;
        int rounds = 0;
        int samples = 0;
        int maxSeen = 0;
        const auto start = Clock::now();
        for (int second = 1; second <= 20; ++second) {
            // The fault schedule: samples every 100 ms, a kill at each full second.
            const auto killAt = start + std::chrono::seconds(second);
            for (auto sampleAt = Clock::now() + 100ms; sampleAt < killAt; sampleAt += 100ms) {
                std::this_thread::sleep_until(sampleAt);
                maxSeen = std::max(maxSeen, admin.backends(c.applicationName));
                ++samples;
            }
            std::this_thread::sleep_until(killAt);
            const QByteArray pids = admin.terminateAll(c.applicationName, &killed);
            // Sample only once they are gone: a backend on its way out still shows.
            QTRY_VERIFY_WITH_TIMEOUT(admin.exited(pids), 30000);
            ++rounds;
            maxSeen = std::max(maxSeen, admin.backends(c.applicationName));
        }
        const qint64 readsBeforeStop = readers.ok();
        readers.stop();

        QVERIFY2(readers.failed() == 0,
                 qPrintable(QStringLiteral("%1 of %2 reads failed, first: %3")
                                .arg(readers.failed())
                                .arg(readers.ok() + readers.failed())
                                .arg(readers.firstError())));
        QCOMPARE(rounds, 20);
        QVERIFY2(killed >= rounds, qPrintable(QString::number(killed)));
        QVERIFY2(samples >= 40, qPrintable(QString::number(samples))); // at least 2 a second
        QVERIFY2(maxSeen <= 8, qPrintable(QStringLiteral("%1 server connections").arg(maxSeen)));
        const PoolStats s = pool.stats();
        QVERIFY(s.brokenClosed > 0);
        QVERIFY(s.openConnections <= 8);
        QCOMPARE(pool.query("SELECT 1").text(0, 0), QStringLiteral("1")); // it refills
        qInfo("reads %lld, backends terminated %d in %d rounds, broken closed %lld, opened %lld, "
              "max server connections seen %d in %d samples",
              readsBeforeStop,
              killed,
              rounds,
              s.brokenClosed,
              s.opened,
              maxSeen,
              samples);
    }

    // `melodee bench pool` runs its read with the read retry policy: terminating every backend
    // once a second costs no failed operation.
    void benchCountsNoFailureWhenBackendsAreTerminated()
    {
        const QString app = uniqueName(QStringLiteral("tst-faults-bench-"));
        Admin admin(m_server->config());
        TestEnv::CliResult result;
        std::atomic<bool> done{false};
        std::thread cli([&] {
            result = TestEnv::runCli({QStringLiteral("bench"),
                                      QStringLiteral("pool"),
                                      QStringLiteral("--dsn"),
                                      m_server->dsn() + QStringLiteral(" application_name=") + app,
                                      QStringLiteral("--workers"),
                                      QStringLiteral("8"),
                                      QStringLiteral("--max-open"),
                                      QStringLiteral("4"),
                                      QStringLiteral("--seconds"),
                                      QStringLiteral("8"),
                                      QStringLiteral("--json")},
                                     {},
                                     180000);
            done = true;
        });
        // Once its connections are open, terminate them every second until it ends.
        QTRY_VERIFY_WITH_TIMEOUT(done || admin.backends(app) > 0, 60000);
        int killed = 0;
        for (auto next = Clock::now() + 1s; !done; next += 1s) {
            std::this_thread::sleep_until(next);
            if (!done)
                admin.terminateAll(app, &killed);
        }
        cli.join();
        QVERIFY2(result.exitCode == 0, qPrintable(result.out + result.err));
        const QJsonObject o = QJsonDocument::fromJson(result.out.toUtf8()).object();
        QCOMPARE(o.value(QLatin1String("retry_policy")).toString(), QStringLiteral("read"));
        QCOMPARE(o.value(QLatin1String("errors")).toDouble(), 0.0);
        QVERIFY(o.value(QLatin1String("ops")).toDouble() > 0);
        const QJsonObject stats = o.value(QLatin1String("pool")).toObject();
        QVERIFY(stats.value(QLatin1String("broken_closed")).toDouble() > 0);
        QVERIFY2(killed >= 5, qPrintable(QString::number(killed)));
    }

    // With --write the statement runs with the write policy, once per operation.
    void benchWritesWithTheWritePolicy()
    {
        const QString table = uniqueName(QStringLiteral("bench_writes_"));
        Admin admin(m_server->config());
        admin.conn().exec(QStringLiteral("CREATE TABLE %1 (id bigserial)").arg(table).toUtf8());
        const TestEnv::CliResult result
            = TestEnv::runCli({QStringLiteral("bench"),
                               QStringLiteral("pool"),
                               QStringLiteral("--dsn"),
                               m_server->dsn(),
                               QStringLiteral("--write"),
                               QStringLiteral("--query"),
                               QStringLiteral("INSERT INTO %1 DEFAULT VALUES").arg(table),
                               QStringLiteral("--workers"),
                               QStringLiteral("4"),
                               QStringLiteral("--max-open"),
                               QStringLiteral("2"),
                               QStringLiteral("--seconds"),
                               QStringLiteral("1"),
                               QStringLiteral("--json")},
                              {},
                              120000);
        QVERIFY2(result.exitCode == 0, qPrintable(result.out + result.err));
        const QJsonObject o = QJsonDocument::fromJson(result.out.toUtf8()).object();
        QCOMPARE(o.value(QLatin1String("retry_policy")).toString(), QStringLiteral("write"));
        QCOMPARE(o.value(QLatin1String("errors")).toDouble(), 0.0);
        const qint64 ops = qint64(o.value(QLatin1String("ops")).toDouble());
        QVERIFY(ops > 0);
        // Each operation inserted one row, plus the statement's trial run before the workers.
        const qint64 rows = admin.conn()
                                .exec(QStringLiteral("SELECT count(*) FROM %1").arg(table).toUtf8())
                                .text(0, 0)
                                .toLongLong();
        QCOMPARE(rows, ops + 1);
    }

    // The server is stopped and started again while 4 callers write and 2 read. The same pool
    // recovers, HealthChecker says unhealthy and then healthy, and no write ran twice.
    void serverRestartMidLoad()
    {
        const QString table = uniqueName(QStringLiteral("restart_writes_"));
        {
            Admin admin(m_server->config());
            // No unique constraint: a write that ran twice would show as a duplicate key.
            admin.conn().exec(
                QStringLiteral("CREATE TABLE %1 (k bigint NOT NULL)").arg(table).toUtf8());
        }
        DatabaseConfig c = m_server->config();
        c.applicationName = uniqueName(QStringLiteral("tst-faults-restart-"));
        c.maxOpenConns = 10; // headroom: 6 callers and the health check stay below 90 %
        c.maxIdleConns = 10;
        c.acquireTimeout = 10s;
        ConnectionPool pool(c, SessionConfig());
        HealthChecker checker(pool, 2s);
        QCOMPARE(checker.check().status, HealthStatus::Healthy);

        // What each write's caller was told, by key.
        std::mutex outcomeMutex;
        std::set<qint64> succeeded;
        std::set<qint64> mayHaveRun; // failed after the statement may have reached the server
        std::set<qint64> notRun;     // failed before anything was sent
        std::atomic<qint64> nextKey{1};
        const QByteArray insert
            = QStringLiteral("INSERT INTO %1 (k) VALUES ($1)").arg(table).toUtf8();
        Load writers(4, [&](int) {
            const qint64 key = nextKey++;
            try {
                pool.exec(insert, PgParams{QByteArray::number(key)});
            } catch (const DbError &e) {
                std::lock_guard lock(outcomeMutex);
                (e.mayHaveExecuted() ? mayHaveRun : notRun).insert(key);
                throw;
            }
            std::lock_guard lock(outcomeMutex);
            succeeded.insert(key);
        });
        const QByteArray count = QStringLiteral("SELECT count(*) FROM %1").arg(table).toUtf8();
        Load readers(2, [&](int) { pool.query(count); });
        QTRY_VERIFY_WITH_TIMEOUT(writers.ok() > 200, 60000);

        QVERIFY2(m_server->stop(), qPrintable(m_server->error()));
        QTRY_COMPARE_WITH_TIMEOUT(checker.check().status, HealthStatus::Unhealthy, 30000);
        // Operations fail fast with a clear error, well inside the acquire timeout.
        QElapsedTimer timer;
        timer.start();
        try {
            pool.query("SELECT 1");
            QFAIL("the server is down");
        } catch (const DbError &e) {
            QVERIFY2(e.connectionBroken(), e.what());
            QVERIFY2(e.toString().contains(QLatin1String("connect")), e.what());
        }
        QVERIFY2(timer.elapsed() < 3000, qPrintable(QString::number(timer.elapsed())));
        QTRY_VERIFY_WITH_TIMEOUT(writers.failed() > 0 && readers.failed() > 0, 30000);

        QVERIFY2(m_server->start(), qPrintable(m_server->error()));
        // The same pool recovers without a restart of the application.
        QTRY_COMPARE_WITH_TIMEOUT(checker.check().status, HealthStatus::Healthy, 60000);
        const qint64 writesBefore = writers.ok();
        const qint64 readsBefore = readers.ok();
        QTRY_VERIFY_WITH_TIMEOUT(
            writers.ok() > writesBefore + 200 && readers.ok() > readsBefore + 100, 60000);
        writers.stop();
        readers.stop();
        QVERIFY2(writers.slowestFailureMs() < 5000,
                 qPrintable(QString::number(writers.slowestFailureMs())));
        QVERIFY2(readers.slowestFailureMs() < 5000,
                 qPrintable(QString::number(readers.slowestFailureMs())));
        QCOMPARE(pool.query("SELECT 1").text(0, 0), QStringLiteral("1"));
        QVERIFY(pool.stats().openConnections <= 10);

        Admin admin(m_server->config());
        std::set<qint64> rows;
        const PgResult r
            = admin.conn().exec(QStringLiteral("SELECT k FROM %1").arg(table).toUtf8());
        for (int i = 0; i < r.rows(); ++i)
            rows.insert(r.text(i, 0).toLongLong());
        QCOMPARE(qint64(rows.size()), qint64(r.rows())); // no write ran twice
        int landedAfterAnError = 0;
        for (qint64 key : succeeded)
            QVERIFY2(rows.count(key),
                     qPrintable(QStringLiteral("acknowledged write %1 is missing").arg(key)));
        for (qint64 key : rows) {
            QVERIFY2(!notRun.count(key),
                     qPrintable(QStringLiteral("write %1 was reported as not sent").arg(key)));
            if (!succeeded.count(key)) {
                // Only a write whose caller was told it may have run can be there unacknowledged.
                QVERIFY2(mayHaveRun.count(key), qPrintable(QString::number(key)));
                ++landedAfterAnError;
            }
        }
        QCOMPARE(qint64(rows.size()), qint64(succeeded.size()) + landedAfterAnError);
        qInfo(
            "writes: %zu acknowledged, %zu failed after sending (%d of them committed), %zu failed "
            "before sending; rows %zu",
            succeeded.size(),
            mayHaveRun.size(),
            landedAfterAnError,
            notRun.size(),
            rows.size());
    }

private:
    std::unique_ptr<PrivateServer> m_server;
};

QTEST_GUILESS_MAIN(tst_ConnectionPoolFaults)
#include "tst_connectionpool_faults.moc"
