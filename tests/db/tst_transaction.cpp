#include "testenv.h"

#include <db/dberror.h>
#include <db/transaction.h>
#include <pool/connectionpool.h>

#include <QTest>

#include <libpq-fe.h>

using namespace melodee;
using namespace melodee::test;

class tst_Transaction : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        MELODEE_REQUIRE_POSTGRES();
        m_config = TestEnv::freshDatabase(QStringLiteral("pool_tx"));
        TestEnv::psql(QStringLiteral("CREATE TABLE t (x int)"), m_config.dbname);
        m_pool = std::make_unique<ConnectionPool>(m_config, SessionConfig());
    }
    void cleanupTestCase() { m_pool.reset(); }
    void init() { TestEnv::psql(QStringLiteral("TRUNCATE t"), m_config.dbname); }

    void commitAndRollback_data()
    {
        QTest::addColumn<bool>("commit");
        QTest::addColumn<int>("rows");
        QTest::newRow("commit") << true << 1;
        QTest::newRow("rollback") << false << 0;
    }
    void commitAndRollback()
    {
        QFETCH(bool, commit);
        QFETCH(int, rows);
        PooledConnection lease = m_pool->acquire();
        Transaction tx(*lease, SessionConfig());
        QCOMPARE(tx.kind(), Transaction::Kind::TopLevel);
        lease->exec("INSERT INTO t VALUES (1)");
        if (commit)
            tx.commit();
        else
            tx.rollback();
        QCOMPARE(count(), rows);
    }

    void destructorRollsBack()
    {
        PooledConnection lease = m_pool->acquire();
        try {
            Transaction tx(*lease, SessionConfig());
            lease->exec("INSERT INTO t VALUES (1)");
            throw DbError(QStringLiteral("test"), QString(), QStringLiteral("boom"));
        } catch (const DbError &) {
        }
        QCOMPARE(count(), 0);
        QCOMPARE(lease->exec("SELECT 1").text(0, 0), QStringLiteral("1"));
    }

    void nestedIsASavepoint()
    {
        PooledConnection lease = m_pool->acquire();
        Transaction outer(*lease, SessionConfig());
        lease->exec("INSERT INTO t VALUES (1)");
        {
            Transaction inner(*lease, SessionConfig());
            QCOMPARE(inner.kind(), Transaction::Kind::Savepoint);
            lease->exec("INSERT INTO t VALUES (2)");
            inner.rollback();
        }
        {
            Transaction inner(*lease, SessionConfig());
            lease->exec("INSERT INTO t VALUES (3)");
            inner.commit();
        }
        outer.commit();
        QCOMPARE(TestEnv::psql(QStringLiteral("SELECT string_agg(x::text, ',' ORDER BY x) FROM t"),
                               m_config.dbname),
                 QStringLiteral("1,3"));
    }

    void nestedSavepointRecoversFromAnError()
    {
        PooledConnection lease = m_pool->acquire();
        Transaction outer(*lease, SessionConfig());
        lease->exec("INSERT INTO t VALUES (1)");
        try {
            Transaction inner(*lease, SessionConfig());
            lease->exec("INSERT INTO t VALUES ('not a number')");
            inner.commit();
        } catch (const DbError &e) {
            QCOMPARE(e.sqlState(), QStringLiteral("22P02"));
        }
        outer.commit(); // the savepoint rollback kept the outer transaction usable
        QCOMPARE(count(), 1);
    }

    void disabledNestingJoinsTheOuterTransaction()
    {
        SessionConfig session;
        session.disableNestedTransaction = true;
        PooledConnection lease = m_pool->acquire();
        {
            Transaction outer(*lease, session);
            {
                Transaction inner(*lease, session);
                QCOMPARE(inner.kind(), Transaction::Kind::Joined);
                lease->exec("INSERT INTO t VALUES (1)");
                inner.commit(); // no-op: the outer one decides
            }
            QCOMPARE(PQtransactionStatus(lease->handle()), PQTRANS_INTRANS);
            outer.rollback();
        }
        QCOMPARE(count(), 0);

        // An explicit nested rollback ends everything and says so; the outer commit cannot
        // pretend to succeed.
        Transaction outer(*lease, session);
        lease->exec("INSERT INTO t VALUES (1)");
        Transaction inner(*lease, session);
        QVERIFY_THROWS_EXCEPTION(DbError, inner.rollback());
        QVERIFY_THROWS_EXCEPTION(DbError, outer.commit());
        QCOMPARE(count(), 0);
    }

    void commitOfAFailedTransactionThrows()
    {
        PooledConnection lease = m_pool->acquire();
        Transaction tx(*lease, SessionConfig());
        QVERIFY_THROWS_EXCEPTION(DbError, lease->exec("SELECT 1/0"));
        try {
            tx.commit();
            QFAIL("COMMIT of an aborted transaction rolls back");
        } catch (const DbError &e) {
            QCOMPARE(e.sqlState(), QStringLiteral("40000"));
        }
    }

    void skipDefaultTransaction_data()
    {
        QTest::addColumn<bool>("skip");
        QTest::addColumn<bool>("wrapped");
        QTest::newRow("skip_default_transaction on") << true << false;
        QTest::newRow("skip_default_transaction off") << false << true;
    }
    void skipDefaultTransaction()
    {
        QFETCH(bool, skip);
        QFETCH(bool, wrapped);
        SessionConfig session;
        session.skipDefaultTransaction = skip;
        PooledConnection lease = m_pool->acquire();
        // SAVEPOINT is accepted only inside a transaction block: it shows whether BEGIN was sent.
        bool inBlock = true;
        try {
            Transaction::execWrite(*lease, session, "SAVEPOINT probe");
        } catch (const DbError &e) {
            QCOMPARE(e.sqlState(), QStringLiteral("25P01"));
            inBlock = false;
        }
        QCOMPARE(inBlock, wrapped);
        Transaction::execWrite(*lease, session, "INSERT INTO t VALUES (1)");
        QCOMPARE(count(), 1);
        QCOMPARE(PQtransactionStatus(lease->handle()), PQTRANS_IDLE);
    }

private:
    int count()
    {
        return TestEnv::psql(QStringLiteral("SELECT count(*) FROM t"), m_config.dbname).toInt();
    }

    DatabaseConfig m_config;
    std::unique_ptr<ConnectionPool> m_pool;
};

QTEST_GUILESS_MAIN(tst_Transaction)
#include "tst_transaction.moc"
