// ConnectionPool over PgConnector against the fixture's PostgreSQL: what needs a real server
// (application name, prepared statements, broken sessions, retries, rollback, the session state a
// lease leaves, PQcancel). The pool's rules end to end are in tst_connectionpool_pg.
#include "pgpool.h"

#include <db/dberror.h>
#include <pool/connectionpool.h>
#include <pool/connector.h>

#include <QElapsedTimer>
#include <QSqlQuery>
#include <QTest>

#include <atomic>
#include <future>
#include <mutex>
#include <thread>

using namespace melodee;
using namespace melodee::test;
using namespace std::chrono_literals;

class tst_PgConnector : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { MELODEE_REQUIRE_POSTGRES(); }

    // The warm-up runs once on every connection the pool opens, before its first lease; one that
    // fails on the server (a database without the table it reads) leaves the connection usable.
    void warmUpRunsOncePerNewConnection_data()
    {
        QTest::addColumn<QByteArray>("sql");
        QTest::addColumn<bool>("fails");
        QTest::newRow("succeeds") << QByteArray("PREPARE warmed AS SELECT 1") << false;
        QTest::newRow("fails on the server")
            << QByteArray("SELECT * FROM no_such_table_for_warm_up") << true;
    }
    void warmUpRunsOncePerNewConnection()
    {
        QFETCH(QByteArray, sql);
        QFETCH(bool, fails);
        const DatabaseConfig c = poolConfig(2, 2);
        std::atomic<int> runs{0};
        std::atomic<int> failures{0};
        ConnectionPool pool(
            c, SessionConfig(), std::make_unique<PgConnector>(c, true, [&](PgConnection &conn) {
                ++runs;
                try {
                    conn.exec(sql);
                } catch (const DbError &) {
                    ++failures;
                    throw;
                }
            }));
        {
            PooledConnection a = pool.acquire();
            QCOMPARE(runs.load(), 1);
            QCOMPARE(a->exec("SELECT count(*) FROM pg_prepared_statements WHERE name = 'warmed'")
                         .text(0, 0),
                     fails ? QStringLiteral("0") : QStringLiteral("1"));
            PooledConnection b = pool.acquire();
            QCOMPARE(runs.load(), 2);
            QCOMPARE(b->exec("SELECT 1").text(0, 0), QStringLiteral("1"));
        }
        PooledConnection again = pool.acquire(); // an idle one: no new warm-up
        QCOMPARE(runs.load(), 2);
        QCOMPARE(failures.load(), fails ? 2 : 0);
        QCOMPARE(pool.stats().openConnections, 2);
    }

    // Connections opened ahead of need are warmed up as they open, on a pool thread, and wait
    // idle for the callers.
    void prewarmWarmsUpEachConnection()
    {
        const DatabaseConfig c = poolConfig(4, 4);
        std::atomic<int> runs{0};
        ConnectionPool pool(
            c, SessionConfig(), std::make_unique<PgConnector>(c, true, [&](PgConnection &conn) {
                conn.exec("PREPARE warmed AS SELECT 1");
                ++runs;
            }));
        QCOMPARE(pool.prewarmInBackground(3).result(), 3);
        QCOMPARE(runs.load(), 3);
        const PoolStats s = pool.stats();
        QCOMPARE(s.idle, 3);
        QCOMPARE(s.openedAhead, 3);
        QCOMPARE(s.totalAcquires, 0);
        std::vector<PooledConnection> leases;
        for (int i = 0; i < 3; ++i) {
            leases.push_back(pool.acquire());
            QCOMPARE(leases.back()
                         ->exec("SELECT count(*) FROM pg_prepared_statements WHERE name = 'warmed'")
                         .text(0, 0),
                     QStringLiteral("1"));
        }
        QCOMPARE(runs.load(), 3); // none opened for the callers
        QCOMPARE(pool.stats().opened, 3);
    }

    // A warm-up that breaks its connection fails the open instead of handing the broken one out.
    void warmUpThatBreaksTheConnectionFailsTheOpen()
    {
        const DatabaseConfig c = poolConfig(1, 1);
        PgConnector connector(c, true, [](PgConnection &conn) {
            conn.exec("SELECT pg_terminate_backend(pg_backend_pid())");
        });
        QVERIFY_THROWS_EXCEPTION(DbError, connector.open());
    }

    void acquireSetsApplicationName()
    {
        const DatabaseConfig c = poolConfig(4, 4);
        ConnectionPool pool(c, SessionConfig());
        {
            PooledConnection lease = pool.acquire();
            QVERIFY(lease);
            QCOMPARE(lease->exec("SELECT current_setting('application_name')").text(0, 0),
                     c.applicationName);
            QCOMPARE(countBackends(c.applicationName), 1);
            const PoolStats s = pool.stats();
            QCOMPARE(s.openConnections, 1);
            QCOMPARE(s.inUse, 1);
            QCOMPARE(s.idle, 0);
        }
        const PoolStats s = pool.stats();
        QCOMPARE(s.inUse, 0);
        QCOMPARE(s.idle, 1);
        QCOMPARE(s.totalAcquires, 1);
        QCOMPARE(s.waitCount, 0); // Go counts only acquires that waited
        QVERIFY(s.acquireP50Us > 0);
    }

    void preparedStatementsFollowSession_data()
    {
        QTest::addColumn<bool>("prepare");
        QTest::newRow("prepare_stmt on") << true;
        QTest::newRow("prepare_stmt off (PgBouncer)") << false;
    }
    void preparedStatementsFollowSession()
    {
        QFETCH(bool, prepare);
        SessionConfig session;
        session.prepareStmt = prepare;
        ConnectionPool pool(poolConfig(1, 1), session);
        pool.query("SELECT 1");
        pool.query("SELECT 1");
        PooledConnection lease = pool.acquire();
        QCOMPARE(lease->usePreparedStatements(), prepare);
        QCOMPARE(lease->preparedCount(), prepare ? 1 : 0);
        QCOMPARE(lease->exec("SELECT count(*) FROM pg_prepared_statements").text(0, 0),
                 prepare ? QStringLiteral("1") : QStringLiteral("0"));
    }

    // withConnection's retries: the second attempt looks at the socket of a connection handed
    // over by a caller that returned it (its backend may be gone without libpq knowing yet).
    void checkedAcquireLooksAtAHandedOverConnection()
    {
        ConnectionPool pool(poolConfig(1, 1), SessionConfig());
        PooledConnection held = pool.acquire();
        const int oldPid = held->backendPid();
        int pid = 0;
        QString error;
        std::thread waiter([&] {
            try {
                PooledConnection lease = pool.acquireValidated();
                pid = lease->backendPid();
                lease->execCached("SELECT 1", {});
            } catch (const DbError &e) {
                error = e.toString();
            }
        });
        QTRY_COMPARE(pool.stats().pendingWaiters, 1);
        TestEnv::psql(QStringLiteral("SELECT pg_terminate_backend(%1)").arg(oldPid));
        QTRY_COMPARE(TestEnv::psql(QStringLiteral("SELECT count(*) FROM pg_stat_activity "
                                                  "WHERE pid = %1")
                                       .arg(oldPid)),
                     QStringLiteral("0"));
        held.release(); // libpq has not read the FATAL yet, so this goes to the waiter as it is
        waiter.join();
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(pid != oldPid);
        QCOMPARE(pool.stats().brokenClosed, 1);
        QCOMPARE(pool.stats().openConnections, 1);
    }

    void deadIdleConnectionIsReplacedOnBorrow()
    {
        DatabaseConfig c = poolConfig(2, 2);
        c.validateAfterIdle = 1s;
        ManualClock clock;
        ConnectionPool pool(c, SessionConfig());
        pool.setClock(clock.clock());
        const int pid = pool.acquire()->backendPid();
        terminate(pid);
        clock.advance(2s);
        PooledConnection lease = pool.acquire();
        QVERIFY(lease->backendPid() != pid);
        QCOMPARE(lease->exec("SELECT 1").text(0, 0), QStringLiteral("1"));
        QCOMPARE(pool.stats().brokenClosed, 1);
    }

    void brokenConnectionIsNeverPooled()
    {
        const DatabaseConfig c = poolConfig(2, 2);
        ConnectionPool pool(c, SessionConfig());
        {
            PooledConnection lease = pool.acquire();
            terminate(lease->backendPid());
            try {
                lease->exec("SELECT 1");
                QFAIL("a terminated backend cannot answer");
            } catch (const DbError &e) {
                QVERIFY2(e.connectionBroken(), e.what());
            }
            QVERIFY(lease->isBroken());
        }
        const PoolStats s = pool.stats();
        QCOMPARE(s.brokenClosed, 1);
        QCOMPARE(s.openConnections, 0);
        QCOMPARE(s.idle, 0);
    }

    void readIsRetriedOnAFreshConnection()
    {
        DatabaseConfig c = poolConfig(2, 2);
        c.validateAfterIdle = 0s; // no check on borrow: the read itself meets the dead session
        ConnectionPool pool(c, SessionConfig());
        const int pid = pool.acquire()->backendPid();
        terminate(pid);
        const PgResult r = pool.query("SELECT pg_backend_pid()");
        QVERIFY(r.text(0, 0).toInt() != pid);
        QCOMPARE(pool.stats().brokenClosed, 1);
    }

    void writeThatMayHaveRunIsNotRetried()
    {
        const DatabaseConfig db = TestEnv::freshDatabase(QStringLiteral("pool_retry"));
        DatabaseConfig c = poolConfig(2, 2);
        c.dbname = db.dbname;
        TestEnv::psql(QStringLiteral("CREATE SEQUENCE runs"), db.dbname);
        ConnectionPool pool(c, SessionConfig());
        // nextval survives the session's death, so it counts how often the statement ran.
        const QByteArray sql = "SELECT nextval('runs'), pg_terminate_backend(pg_backend_pid())";
        try {
            pool.exec(sql);
            QFAIL("the statement kills its own session");
        } catch (const DbError &e) {
            QVERIFY2(e.mayHaveExecuted(), e.what());
            QVERIFY2(e.connectionBroken(), e.what());
            QVERIFY(e.toString().contains(QLatin1String("may have executed")));
        }
        QCOMPARE(TestEnv::psql(QStringLiteral("SELECT last_value FROM runs"), db.dbname),
                 QStringLiteral("1"));
        QCOMPARE(pool.stats().brokenClosed, 1);
    }

    void abandonedTransactionIsRolledBackOnReturn()
    {
        ConnectionPool pool(poolConfig(1, 1), SessionConfig());
        {
            PooledConnection lease = pool.acquire();
            lease->exec("BEGIN");
            lease->exec("CREATE TEMP TABLE t_abandoned (x int)");
        }
        PooledConnection lease = pool.acquire();
        QCOMPARE(lease->exec("SELECT to_regclass('pg_temp.t_abandoned') IS NULL").text(0, 0),
                 QStringLiteral("t"));
    }

    // What one lease changes in the session must not reach the next one on the same connection.
    void sessionStateDoesNotLeakToTheNextLease_data()
    {
        QTest::addColumn<QByteArrayList>("changes");
        QTest::addColumn<QByteArray>("probe");
        QTest::addColumn<QString>("clean");
        QTest::newRow("SET") << QByteArrayList{"SET statement_timeout = '1234ms'"}
                             << QByteArray("SHOW statement_timeout") << QStringLiteral("0");
        QTest::newRow("SET search_path")
            << QByteArrayList{"SET search_path = pg_catalog"} << QByteArray("SHOW search_path")
            << QStringLiteral("\"$user\", public");
        QTest::newRow("set_config()")
            << QByteArrayList{"SELECT set_config('work_mem', '7MB', false)"}
            << QByteArray("SHOW work_mem") << QStringLiteral("4MB");
        QTest::newRow("SET ROLE") << QByteArrayList{"SET ROLE tst_pool_session_role"}
                                  << QByteArray("SELECT current_user")
                                  << QStringLiteral("postgres");
        QTest::newRow("SET SESSION AUTHORIZATION")
            << QByteArrayList{"SET SESSION AUTHORIZATION tst_pool_session_role"}
            << QByteArray("SELECT session_user") << QStringLiteral("postgres");
        QTest::newRow("LISTEN") << QByteArrayList{"LISTEN tst_pool_channel"}
                                << QByteArray("SELECT count(*) FROM pg_listening_channels()")
                                << QStringLiteral("0");
        QTest::newRow("advisory lock")
            << QByteArrayList{"SELECT pg_advisory_lock(424242)"}
            << QByteArray("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = "
                          "pg_backend_pid()")
            << QStringLiteral("0");
        QTest::newRow("shared advisory lock")
            << QByteArrayList{"select PG_TRY_ADVISORY_LOCK_SHARED(7, 8)"}
            << QByteArray("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = "
                          "pg_backend_pid()")
            << QStringLiteral("0");
        QTest::newRow("temp table")
            << QByteArrayList{"CREATE TEMP TABLE t_leak (x int)"}
            << QByteArray("SELECT to_regclass('pg_temp.t_leak') IS NULL") << QStringLiteral("t");
        QTest::newRow("SELECT INTO TEMP")
            << QByteArrayList{"SELECT 1 AS x INTO TEMPORARY t_leak_into"}
            << QByteArray("SELECT to_regclass('pg_temp.t_leak_into') IS NULL")
            << QStringLiteral("t");
        QTest::newRow("DO block")
            << QByteArrayList{"DO $$BEGIN PERFORM set_config('work_mem', '8MB', false); END$$"}
            << QByteArray("SHOW work_mem") << QStringLiteral("4MB");
        QTest::newRow("cursor WITH HOLD")
            << QByteArrayList{"DECLARE tst_cursor CURSOR WITH HOLD FOR SELECT 1"}
            << QByteArray("SELECT count(*) FROM pg_cursors") << QStringLiteral("0");
        QTest::newRow("a RESET that was rolled back")
            << QByteArrayList{"SET work_mem = '9MB'", "BEGIN", "RESET work_mem", "ROLLBACK"}
            << QByteArray("SHOW work_mem") << QStringLiteral("4MB");
        QTest::newRow("behind a comment and another statement")
            << QByteArrayList{"/* a /* nested */ comment */ SELECT 1; SET work_mem = '9MB'"}
            << QByteArray("SHOW work_mem") << QStringLiteral("4MB");
    }
    void sessionStateDoesNotLeakToTheNextLease()
    {
        QFETCH(QByteArrayList, changes);
        QFETCH(QByteArray, probe);
        QFETCH(QString, clean);
        TestEnv::psql(QStringLiteral("DO $$BEGIN CREATE ROLE tst_pool_session_role; EXCEPTION WHEN "
                                     "duplicate_object THEN NULL; END$$"));
        ConnectionPool pool(poolConfig(1, 1), SessionConfig());
        int pid = 0;
        {
            PooledConnection lease = pool.acquire();
            pid = lease->backendPid();
            QCOMPARE(lease->exec(probe).text(0, 0), clean);
            for (const QByteArray &sql : changes)
                lease->exec(sql);
            QVERIFY(lease->exec(probe).text(0, 0) != clean); // the change took effect
        }
        PooledConnection next = pool.acquire();
        QCOMPARE(next->backendPid(), pid); // the same connection, reused
        QCOMPARE(next->exec(probe).text(0, 0), clean);
    }

    // The same through the statement cache, through QSqlQuery, and on the way to a waiter.
    void sessionStateIsResetWhateverThePath()
    {
        ConnectionPool pool(poolConfig(1, 1), SessionConfig());
        {
            PooledConnection lease = pool.acquire();
            lease->execCached("SELECT set_config($1, $2, false)",
                              {QByteArray("work_mem"), QByteArray("6MB")});
        }
        QCOMPARE(pool.query("SHOW work_mem").text(0, 0), QStringLiteral("4MB"));
        {
            PooledConnection lease = pool.acquire();
            QSqlQuery q(lease.sqlDatabase());
            QVERIFY(q.exec(QStringLiteral("SET work_mem = '5MB'")));
        }
        QCOMPARE(pool.query("SHOW work_mem").text(0, 0), QStringLiteral("4MB"));
        PooledConnection held = pool.acquire();
        held->exec("SET work_mem = '3MB'");
        QString seen;
        std::thread waiter([&] { seen = pool.acquire(20s)->exec("SHOW work_mem").text(0, 0); });
        QTRY_COMPARE(pool.stats().pendingWaiters, 1);
        held.release(); // handed straight to the waiter
        waiter.join();
        QCOMPARE(seen, QStringLiteral("4MB"));
    }

    // Leases that run plain statements return their connection without a round trip.
    void plainLeasesCostNoReset()
    {
        ConnectionPool pool(poolConfig(1, 1), SessionConfig());
        for (int i = 0; i < 20; ++i) {
            pool.query("SELECT 1");
            PooledConnection lease = pool.acquire();
            lease->exec("SELECT count(*) FROM pg_class WHERE relname = 'attempt_template'");
            lease->execCached("SELECT $1::int", {QByteArray::number(i)});
            lease->exec("BEGIN");
            lease->exec("COMMIT");
        }
        {
            // A setting for one statement, put back by the same lease.
            PooledConnection lease = pool.acquire();
            lease->exec("SET plan_cache_mode = force_generic_plan");
            lease->execCached("SELECT 2", {});
            lease->exec("RESET plan_cache_mode");
            lease->exec("SET LOCAL work_mem = '5MB'"); // lasts for its transaction only
        }
        QCOMPARE(pool.stats().sessionResets, 0);
        PooledConnection lease = pool.acquire();
        lease->exec("SET work_mem = '5MB'");
        lease.release();
        QCOMPARE(pool.stats().sessionResets, 1);
        pool.query("SELECT 1"); // clean again: no second reset
        QCOMPARE(pool.stats().sessionResets, 1);
        QCOMPARE(pool.stats().brokenClosed, 0);
    }

    void runReturnsAFuture()
    {
        ConnectionPool pool(poolConfig(2, 2), SessionConfig());
        QFuture<int> f
            = pool.run([](PgConnection &c) { return c.exec("SELECT 41 + 1").text(0, 0).toInt(); });
        QCOMPARE(f.result(), 42);
        QFuture<void> v = pool.run([](PgConnection &c) { c.exec("SELECT 1"); });
        v.waitForFinished();
        QFuture<int> bad = pool.run([](PgConnection &c) { return c.exec("SELECT nope").rows(); });
        try {
            bad.waitForFinished();
            QFAIL("the error must cross the future");
        } catch (const DbError &e) {
            QCOMPARE(e.sqlState(), QStringLiteral("42703"));
        }
    }

    void cancellingRunSendsPqCancel()
    {
        ConnectionPool pool(poolConfig(2, 2), SessionConfig());
        std::atomic<int> pid{0};
        QString sqlState;
        // A cancelled QFuture drops exceptions, so the task reports what the server said.
        QFuture<int> f = pool.run([&](PgConnection &c) {
            pid = c.backendPid();
            try {
                return c.exec("SELECT pg_sleep(30)").rows();
            } catch (const DbError &e) {
                sqlState = e.sqlState();
                throw;
            }
        });
        QTRY_VERIFY(pid.load() != 0);
        // The statement has reached the server.
        QTRY_COMPARE_WITH_TIMEOUT(TestEnv::psql(QStringLiteral("SELECT wait_event FROM "
                                                               "pg_stat_activity WHERE pid = %1")
                                                    .arg(pid.load())),
                                  QStringLiteral("PgSleep"),
                                  30000);
        QElapsedTimer timer;
        timer.start();
        f.cancel();
        f.waitForFinished();
        QVERIFY2(timer.elapsed() < 5000, "the server-side cancel must end pg_sleep(30)");
        QCOMPARE(sqlState, QStringLiteral("57014"));
        // The connection survived the cancel and is reusable.
        QCOMPARE(pool.query("SELECT 1").text(0, 0), QStringLiteral("1"));
    }
};

QTEST_GUILESS_MAIN(tst_PgConnector)
#include "tst_pgconnector.moc"
