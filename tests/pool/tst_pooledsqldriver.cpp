#include "testenv.h"

#include <db/dberror.h>
#include <pool/connectionpool.h>
#include <pool/pooledsqldriver.h>

#include <QDateTime>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTest>

using namespace melodee;
using namespace melodee::test;
using namespace std::chrono_literals;

class tst_PooledSqlDriver : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        MELODEE_REQUIRE_POSTGRES();
        DatabaseConfig c = TestEnv::freshDatabase(QStringLiteral("pool_sql"));
        c.maxOpenConns = 2;
        m_pool = std::make_unique<ConnectionPool>(c, SessionConfig());
    }
    void cleanupTestCase() { m_pool.reset(); }

    void placeholders_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<int>("count");
        QTest::newRow("none") << "SELECT 1"
                              << "SELECT 1" << 0;
        QTest::newRow("two") << "SELECT ?, ?"
                             << "SELECT $1, $2" << 2;
        QTest::newRow("in string") << "SELECT '?', ?"
                                   << "SELECT '?', $1" << 1;
        QTest::newRow("in identifier") << "SELECT 1 AS \"a?\", ?"
                                       << "SELECT 1 AS \"a?\", $1" << 1;
        QTest::newRow("in comment") << "SELECT ? -- why?\n, ?"
                                    << "SELECT $1 -- why?\n, $2" << 2;
    }
    void placeholders()
    {
        QFETCH(QString, sql);
        QFETCH(QString, expected);
        QFETCH(int, count);
        int n = -1;
        QCOMPARE(QString::fromUtf8(PooledSqlDriver::toDollarPlaceholders(sql, &n)), expected);
        QCOMPARE(n, count);
    }

    void execNextValueRecord()
    {
        PooledConnection lease = m_pool->acquire();
        QSqlDatabase db = lease.sqlDatabase();
        QVERIFY(db.isOpen());
        QSqlQuery q(db);
        QVERIFY2(q.exec(QStringLiteral("SELECT g AS n, 'song ' || g AS name, NULL::int AS gone "
                                       "FROM generate_series(1, 3) g ORDER BY g")),
                 qPrintable(q.lastError().text()));
        QCOMPARE(q.size(), 3);
        const QSqlRecord rec = q.record();
        QCOMPARE(rec.count(), 3);
        QCOMPARE(rec.fieldName(0), QStringLiteral("n"));
        QCOMPARE(rec.fieldName(1), QStringLiteral("name"));
        int rows = 0;
        while (q.next()) {
            ++rows;
            QCOMPARE(q.value(0).toInt(), rows);
            QCOMPARE(q.value(QStringLiteral("name")).toString(),
                     QStringLiteral("song %1").arg(rows));
            QVERIFY(q.isNull(2));
            QVERIFY(!q.isNull(0));
        }
        QCOMPARE(rows, 3);
    }

    void prepareBindAndRowsAffected()
    {
        PooledConnection lease = m_pool->acquire();
        QSqlQuery q(lease.sqlDatabase());
        QVERIFY(
            q.exec(QStringLiteral("CREATE TEMP TABLE t (id int, name text, played timestamptz)")));
        QVERIFY(q.prepare(QStringLiteral("INSERT INTO t VALUES (?, ?, ?)")));
        for (int i = 1; i <= 3; ++i) {
            q.addBindValue(i);
            q.addBindValue(i == 2 ? QVariant(QMetaType(QMetaType::QString))
                                  : QVariant(QStringLiteral("it's %1").arg(i)));
            q.addBindValue(QDateTime(QDate(2024, 1, i), QTime(12, 0), Qt::UTC));
            QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
            QCOMPARE(q.numRowsAffected(), 1);
        }
        QVERIFY(q.prepare(QStringLiteral("UPDATE t SET name = :name WHERE id >= :low")));
        q.bindValue(QStringLiteral(":name"), QStringLiteral("renamed"));
        q.bindValue(QStringLiteral(":low"), 2);
        QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
        QCOMPARE(q.numRowsAffected(), 2);
        QVERIFY(q.prepare(QStringLiteral("SELECT name, played FROM t WHERE id = ?")));
        q.addBindValue(1);
        QVERIFY(q.exec());
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("it's 1"));
        QCOMPARE(q.value(1).toDateTime().toUTC(),
                 QDateTime(QDate(2024, 1, 1), QTime(12, 0), Qt::UTC));
    }

    void types_data()
    {
        QTest::addColumn<QString>("expr");
        QTest::addColumn<QVariant>("expected");
        QTest::newRow("int4") << "42" << QVariant(42);
        QTest::newRow("int8") << "9000000000::int8" << QVariant(qlonglong(9000000000LL));
        QTest::newRow("bool") << "true" << QVariant(true);
        QTest::newRow("float8") << "1.5::float8" << QVariant(1.5);
        QTest::newRow("text") << "'héllo'" << QVariant(QStringLiteral("héllo"));
        QTest::newRow("date") << "'2024-02-29'::date" << QVariant(QDate(2024, 2, 29));
        QTest::newRow("bytea") << "'\\x0001ff'::bytea" << QVariant(QByteArray("\x00\x01\xff", 3));
        QTest::newRow("null int") << "NULL::int" << QVariant(QMetaType(QMetaType::Int));
    }
    void types()
    {
        QFETCH(QString, expr);
        QFETCH(QVariant, expected);
        PooledConnection lease = m_pool->acquire();
        QSqlQuery q(lease.sqlDatabase());
        QVERIFY2(q.exec(QStringLiteral("SELECT ") + expr), qPrintable(q.lastError().text()));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).typeId(), expected.typeId());
        QCOMPARE(q.value(0), expected);
    }

    void errorsCarrySqlState()
    {
        PooledConnection lease = m_pool->acquire();
        QSqlQuery q(lease.sqlDatabase());
        QVERIFY(!q.exec(QStringLiteral("SELECT * FROM no_such_table")));
        QCOMPARE(q.lastError().nativeErrorCode(), QStringLiteral("42P01"));
        QVERIFY(q.lastError().text().contains(QLatin1String("no_such_table")));
    }

    void releasedLeaseDetachesTheDriver()
    {
        PooledConnection lease = m_pool->acquire();
        const QString name = lease.sqlDatabase().connectionName();
        QVERIFY(QSqlDatabase::contains(name));
        lease.release();
        QVERIFY(!QSqlDatabase::contains(name));
    }

    void transactionsThroughQSqlDatabase()
    {
        PooledConnection lease = m_pool->acquire();
        QSqlDatabase db = lease.sqlDatabase();
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("CREATE TEMP TABLE tx (x int)")));
        QVERIFY(db.transaction());
        QVERIFY(q.exec(QStringLiteral("INSERT INTO tx VALUES (1)")));
        QVERIFY(db.rollback());
        QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM tx")));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toInt(), 0);
        QCOMPARE(db.driver()->handle().value<void *>(), static_cast<void *>(lease->handle()));
    }

private:
    std::unique_ptr<ConnectionPool> m_pool;
};

QTEST_GUILESS_MAIN(tst_PooledSqlDriver)
#include "tst_pooledsqldriver.moc"
