// StatementPipeline against the fixture's PostgreSQL: every caller gets its own answer while
// statements from many threads share a few connections, an error fails only its own caller, a
// broken connection is replaced, and a statement that does not answer by its deadline stops its
// connection instead of holding the callers queued behind it.
#include "pgpool.h"

#include <db/dberror.h>
#include <db/pgconnection.h>
#include <pool/connectionpool.h>
#include <pool/statementpipeline.h>

#include <QElapsedTimer>
#include <QTest>

#include <atomic>
#include <thread>
#include <vector>

using namespace melodee;
using namespace melodee::test;
using namespace std::chrono_literals;

namespace {

// A backend of this application running pg_sleep, other than `except`; 0 when there is none.
int sleepingBackend(const QString &appName, int except = 0)
{
    return TestEnv::psql(QStringLiteral("SELECT coalesce(max(pid), 0) FROM pg_stat_activity "
                                        "WHERE application_name = '%1' AND state = 'active' "
                                        "AND query LIKE 'SELECT pg_sleep%' AND pid <> %2")
                             .arg(appName)
                             .arg(except))
        .toInt();
}

} // namespace

class tst_StatementPipeline : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { MELODEE_REQUIRE_POSTGRES(); }

    void everyCallerGetsItsOwnAnswer_data()
    {
        QTest::addColumn<int>("callers");
        QTest::addColumn<int>("connections");
        QTest::newRow("1 caller, 1 connection") << 1 << 1;
        QTest::newRow("16 callers, 1 connection") << 16 << 1;
        QTest::newRow("16 callers, 8 connections") << 16 << 8;
        QTest::newRow("5 callers, 8 connections") << 5 << 8;
    }
    void everyCallerGetsItsOwnAnswer()
    {
        QFETCH(int, callers);
        QFETCH(int, connections);
        const DatabaseConfig config = poolConfig(connections, connections);
        ConnectionPool pool(config, SessionConfig());
        StatementPipeline pipeline(pool, connections);
        std::atomic<int> wrong{0};
        std::atomic<int> right{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < callers; ++t) {
            threads.emplace_back([&, t] {
                for (int i = 0; i < 300; ++i) {
                    const QByteArray value = QByteArray::number(t * 100000 + i);
                    const PgResult r = pipeline.query("SELECT $1::int, pg_backend_pid()", {value});
                    if (r.rows() == 1 && r.bytes(0, 0) == value)
                        right.fetch_add(1);
                    else
                        wrong.fetch_add(1);
                }
            });
        }
        for (std::thread &t : threads)
            t.join();
        QCOMPARE(wrong.load(), 0);
        QCOMPARE(right.load(), callers * 300);
        // The pipeline never opens more than it was given, and holds what it opened.
        const PoolStats s = pool.stats();
        QVERIFY2(s.inUse >= 1 && s.inUse <= std::min(callers, connections),
                 qPrintable(QString::number(s.inUse)));
        QVERIFY(countBackends(config.applicationName) <= connections);
    }

    // Each statement has its own Sync: an error fails its caller only, whatever is queued on the
    // same connection before and after it.
    void anErrorFailsOnlyItsCaller_data()
    {
        QTest::addColumn<QByteArray>("sql");
        QTest::addColumn<QByteArray>("param");
        QTest::addColumn<QString>("sqlState");
        QTest::newRow("division by zero")
            << QByteArray("SELECT 1 / $1::int") << QByteArray("0") << QStringLiteral("22012");
        QTest::newRow("syntax error (the Parse fails)")
            << QByteArray("SELEC $1::text") << QByteArray("x") << QStringLiteral("42601");
        QTest::newRow("unknown column") << QByteArray("SELECT no_such_column, $1::text")
                                        << QByteArray("x") << QStringLiteral("42703");
        QTest::newRow("invalid UTF-8 parameter")
            << QByteArray("SELECT $1::text") << QByteArray("bad \xff\xfe bytes")
            << QStringLiteral("22021");
        QTest::newRow("bad integer")
            << QByteArray("SELECT $1::int") << QByteArray("'; password=secret --")
            << QStringLiteral("22P02");
    }
    void anErrorFailsOnlyItsCaller()
    {
        QFETCH(QByteArray, sql);
        QFETCH(QByteArray, param);
        QFETCH(QString, sqlState);
        ConnectionPool pool(poolConfig(1, 1), SessionConfig());
        StatementPipeline pipeline(pool, 1);
        std::atomic<int> good{0};
        std::atomic<bool> stop{false};
        std::vector<std::thread> neighbours;
        for (int t = 0; t < 4; ++t) {
            neighbours.emplace_back([&] {
                while (!stop.load()) {
                    const PgResult r = pipeline.query("SELECT 'neighbour'::text");
                    if (r.bytes(0, 0) == "neighbour")
                        good.fetch_add(1);
                }
            });
        }
        QTRY_VERIFY(good.load() > 50);
        int failures = 0;
        for (int i = 0; i < 20; ++i) {
            try {
                pipeline.query(sql, {param});
            } catch (const DbError &e) {
                QCOMPARE(e.sqlState(), sqlState);
                QVERIFY(!e.connectionBroken());
                ++failures;
            }
        }
        const int before = good.load();
        QTRY_VERIFY(good.load() > before + 50);
        stop = true;
        for (std::thread &t : neighbours)
            t.join();
        // Every attempt failed the same way: a failed Parse is not remembered as prepared.
        QCOMPARE(failures, 20);
        QCOMPARE(pipeline.query("SELECT $1::int + 1", {QByteArray("41")}).bytes(0, 0),
                 QByteArray("42"));
    }

    // A statement name is never given out twice on a connection, also when a Parse failed while
    // a newer statement was already on its way: the next new statement would otherwise reuse
    // that newer one's name (42P05).
    void aFailedParseFreesNoName()
    {
        const DatabaseConfig config = poolConfig(1, 1);
        ConnectionPool pool(config, SessionConfig());
        StatementPipeline pipeline(pool, 1);
        pipeline.query("SELECT 1");
        // Another session holds an advisory lock, so the first statement waits for it; behind
        // it, in this order, a Parse that fails and a new statement.
        auto blocker = PgConnection::open(config);
        blocker->exec("SELECT pg_advisory_lock(4242)");
        std::vector<std::thread> threads;
        threads.emplace_back([&] { pipeline.query("SELECT pg_advisory_xact_lock(4242)"); });
        QTRY_COMPARE(pipeline.inFlight(), 1);
        bool parseFailed = false;
        threads.emplace_back([&] {
            try {
                pipeline.query("SELEC 'no such keyword'");
            } catch (const DbError &e) {
                parseFailed = e.sqlState() == QLatin1String("42601");
            }
        });
        QTRY_COMPARE(pipeline.inFlight(), 2);
        QByteArray third;
        threads.emplace_back([&] { third = pipeline.query("SELECT 3").bytes(0, 0); });
        QTRY_COMPARE(pipeline.inFlight(), 3);
        blocker->exec("SELECT pg_advisory_unlock(4242)");
        for (std::thread &t : threads)
            t.join();
        QVERIFY(parseFailed);
        QCOMPARE(third, QByteArray("3"));
        QCOMPARE(pipeline.inFlight(), 0);
        try {
            QCOMPARE(pipeline.query("SELECT 4").bytes(0, 0), QByteArray("4"));
            QCOMPARE(pipeline.query("SELECT 3").bytes(0, 0), QByteArray("3"));
        } catch (const DbError &e) {
            QFAIL(e.what());
        }
    }

    void nullAndEmptyParameters()
    {
        ConnectionPool pool(poolConfig(2, 2), SessionConfig());
        StatementPipeline pipeline(pool, 2);
        const PgResult r = pipeline.query("SELECT $1::text IS NULL, $2::text = ''",
                                          {std::nullopt, QByteArray("")});
        QCOMPARE(r.bytes(0, 0), QByteArray("t"));
        QCOMPARE(r.bytes(0, 1), QByteArray("t"));
    }

    // A read whose backend was terminated runs again on a fresh connection.
    void aTerminatedBackendIsReplaced()
    {
        const DatabaseConfig config = poolConfig(1, 1);
        ConnectionPool pool(config, SessionConfig());
        StatementPipeline pipeline(pool, 1);
        const int first = pipeline.query("SELECT pg_backend_pid()").bytes(0, 0).toInt();
        QVERIFY(first > 0);
        terminate(first);
        QTRY_COMPARE(countBackends(config.applicationName), 0);
        const int second = pipeline.query("SELECT pg_backend_pid()").bytes(0, 0).toInt();
        QVERIFY(second > 0);
        QVERIFY(second != first);
        QCOMPARE(pool.stats().inUse, 1);
    }

    // A statement that does not answer by its deadline stops its connection: it fails with a
    // timeout, and a caller queued behind it on the same connection runs again on a fresh one
    // instead of waiting out the stuck statement.
    void aDeadlineStopsTheStuckConnection()
    {
        const DatabaseConfig config = poolConfig(1, 1);
        ConnectionPool pool(config, SessionConfig());
        StatementPipeline pipeline(pool, 1);
        pipeline.query("SELECT 1"); // the lane's connection is open
        std::atomic<bool> stuckFailed{false};
        QString stuckState;
        qint64 stuckMs = 0;
        std::thread stuck([&] {
            QElapsedTimer timer;
            timer.start();
            try {
                pipeline.query("SELECT pg_sleep(60)", {}, 400ms);
            } catch (const DbError &e) {
                stuckState = e.sqlState();
                stuckFailed = true;
            }
            stuckMs = timer.elapsed();
        });
        QTRY_VERIFY(sleepingBackend(config.applicationName) > 0);
        const int sleeper = sleepingBackend(config.applicationName);
        // Queued behind pg_sleep on the only connection.
        QElapsedTimer behind;
        behind.start();
        const PgResult r = pipeline.query("SELECT 'after'::text", {}, 20s);
        const qint64 behindMs = behind.elapsed();
        stuck.join();
        terminate(sleeper);
        QVERIFY(stuckFailed.load());
        QCOMPARE(stuckState, QString::fromLatin1(DbError::kQueryCanceled));
        QVERIFY2(stuckMs >= 390 && stuckMs < 10000, qPrintable(QString::number(stuckMs)));
        QCOMPARE(r.bytes(0, 0), QByteArray("after"));
        QVERIFY2(behindMs < 10000, qPrintable(QString::number(behindMs)));
    }

    // A caller queued behind a stuck statement whose own deadline comes first stops the
    // connection itself; it does not wait for the reader's later deadline.
    void aQueuedCallersDeadlineStopsTheConnection()
    {
        const DatabaseConfig config = poolConfig(1, 1);
        ConnectionPool pool(config, SessionConfig());
        StatementPipeline pipeline(pool, 1);
        pipeline.query("SELECT 1");
        std::atomic<bool> readerFailed{false};
        std::thread reader([&] {
            try {
                pipeline.query("SELECT pg_sleep(60)", {}, 60s);
            } catch (const DbError &e) {
                readerFailed = e.connectionBroken();
            }
        });
        QTRY_VERIFY(sleepingBackend(config.applicationName) > 0);
        const int sleeper = sleepingBackend(config.applicationName);
        QElapsedTimer timer;
        timer.start();
        try {
            pipeline.query("SELECT 'queued'::text", {}, 300ms);
            QFAIL("a statement queued behind pg_sleep(60) cannot answer within 300 ms");
        } catch (const DbError &e) {
            QCOMPARE(e.sqlState(), QString::fromLatin1(DbError::kQueryCanceled));
            QVERIFY2(e.message().contains(QLatin1String("within 300 ms")), e.what());
        }
        QVERIFY2(timer.elapsed() < 10000, qPrintable(QString::number(timer.elapsed())));
        // The reader's statement was on the stopped connection: it runs again on a fresh one,
        // and pg_sleep(60) is still running there, so end it from outside.
        QTRY_VERIFY(sleepingBackend(config.applicationName, sleeper) > 0);
        terminate(sleeper);
        terminate(sleepingBackend(config.applicationName, sleeper));
        reader.join();
        QVERIFY(readerFailed.load());
        QCOMPARE(pipeline.query("SELECT 'still works'::text").bytes(0, 0),
                 QByteArray("still works"));
    }

    void closingReturnsNothingToThePool()
    {
        const DatabaseConfig config = poolConfig(3, 3);
        ConnectionPool pool(config, SessionConfig());
        {
            StatementPipeline pipeline(pool, 3);
            std::vector<std::thread> threads;
            for (int t = 0; t < 3; ++t)
                threads.emplace_back([&] {
                    for (int i = 0; i < 50; ++i)
                        pipeline.query("SELECT 1");
                });
            for (std::thread &t : threads)
                t.join();
            QVERIFY(pool.stats().inUse >= 1);
        }
        // Closed, not returned: no connection in pipeline mode goes back to other callers.
        QCOMPARE(pool.stats().inUse, 0);
        QCOMPARE(pool.stats().idle, 0);
        QTRY_COMPARE(countBackends(config.applicationName), 0);
        PooledConnection lease = pool.acquire();
        QCOMPARE(lease->exec("SELECT 1").bytes(0, 0), QByteArray("1"));
    }
};

QTEST_GUILESS_MAIN(tst_StatementPipeline)
#include "tst_statementpipeline.moc"
