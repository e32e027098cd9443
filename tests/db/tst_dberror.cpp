#include <db/dberror.h>
#include <db/pgconnection.h>
#include <util/redactor.h>

#include <testenv.h>

#include <QTest>

using namespace melodee;
using melodee::test::TestEnv;

// DbError: a database failure with SQLSTATE, detail, hint, redacted parameters and retryability.
class tst_DbError : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup() { Redactor::clearSecrets(); }
    void format();
    void retryable_data();
    void retryable();
    void paramsRedacted_data();
    void paramsRedacted();
    void realServerError_data();
    void realServerError();
    void connectionFailures_data();
    void connectionFailures();
    void crossesQFuture();

private:
    std::unique_ptr<PgConnection> m_conn;
};

void tst_DbError::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
    m_conn = PgConnection::open(TestEnv::freshDatabase(QStringLiteral("dberror")));
    m_conn->exec("CREATE TABLE melodee_songs (id bigint PRIMARY KEY, title text NOT NULL)");
    m_conn->exec("INSERT INTO melodee_songs VALUES (1, 'a')");
}

void tst_DbError::format()
{
    DbError e(QStringLiteral("insert"), QStringLiteral("melodee_songs"), QStringLiteral("boom"));
    QCOMPARE(
        e.toString(),
        QStringLiteral("database operation \"insert\" on table \"melodee_songs\" failed: boom"));
    e.setSqlState(QStringLiteral("23505"))
        .setDetail(QStringLiteral("Key (id)=(1) already exists."))
        .setHint(QStringLiteral("use another id"));
    QCOMPARE(e.toString(),
             QStringLiteral(
                 "database operation \"insert\" on table \"melodee_songs\" failed: boom "
                 "(SQLSTATE 23505); detail: Key (id)=(1) already exists.; hint: use another id"));
    QCOMPARE(QString::fromUtf8(e.what()), e.toString());
    e.setConnectionBroken(true).setMayHaveExecuted(true);
    QVERIFY(e.toString().contains(QLatin1String("may have executed")));
    // No table (connect, health check): the clause is left out rather than printed empty.
    QCOMPARE(DbError(QStringLiteral("connect"), QString(), QStringLiteral("refused")).toString(),
             QStringLiteral("database operation \"connect\" failed: refused"));
}

void tst_DbError::retryable_data()
{
    QTest::addColumn<QString>("state");
    QTest::addColumn<bool>("retryable");
    QTest::newRow("08000 connection_exception") << "08000" << true;
    QTest::newRow("08003 connection_does_not_exist") << "08003" << true;
    QTest::newRow("08006 connection_failure") << "08006" << true;
    QTest::newRow("08001 cannot connect") << "08001" << true;
    QTest::newRow("08P01 protocol_violation") << "08P01" << true;
    QTest::newRow("40001 serialization_failure") << "40001" << true;
    QTest::newRow("40P01 deadlock_detected") << "40P01" << true;
    QTest::newRow("55P03 lock_not_available") << "55P03" << true;
    QTest::newRow("57P01 admin_shutdown") << "57P01" << true;
    QTest::newRow("40002 integrity in tx") << "40002" << false;
    QTest::newRow("40003 statement_completion_unknown") << "40003" << false;
    QTest::newRow("55000 object_not_in_prerequisite_state") << "55000" << false;
    QTest::newRow("57014 query_canceled") << "57014" << false;
    QTest::newRow("57P02 crash_shutdown") << "57P02" << false;
    QTest::newRow("23505 unique_violation") << "23505" << false;
    QTest::newRow("42P01 undefined_table") << "42P01" << false;
    QTest::newRow("28P01 bad password") << "28P01" << false;
    QTest::newRow("P0002 not found") << "P0002" << false;
    QTest::newRow("empty") << "" << false;
    QTest::newRow("80000 not 08") << "80000" << false;
}

void tst_DbError::retryable()
{
    QFETCH(QString, state);
    QFETCH(bool, retryable);
    QCOMPARE(DbError::isRetryableState(state), retryable);
    DbError e(QStringLiteral("op"), QStringLiteral("t"), QStringLiteral("m"));
    e.setSqlState(state);
    QCOMPARE(e.isRetryable(), retryable);
}

void tst_DbError::paramsRedacted_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value");
    QTest::addColumn<bool>("hidden");
    QTest::newRow("password key") << "password"
                                  << "hunter2" << true;
    QTest::newRow("Password key") << "DbPassword"
                                  << "hunter2" << true;
    QTest::newRow("secret key") << "client_secret"
                                << "hunter2" << true;
    QTest::newRow("config secret key") << "redis.password"
                                       << "hunter2" << true;
    QTest::newRow("conninfo value") << "target"
                                    << "host=h password=hunter2" << true;
    QTest::newRow("uri value") << "dsn"
                               << "postgres://u:hunter2@h/db" << true;
    QTest::newRow("plain value") << "id"
                                 << "hunter2" << false;
}

void tst_DbError::paramsRedacted()
{
    QFETCH(QString, key);
    QFETCH(QString, value);
    QFETCH(bool, hidden);
    DbError e(QStringLiteral("select"), QStringLiteral("melodee_songs"), QStringLiteral("m"));
    e.setParams({{key, value}, {QStringLiteral("limit"), 50}});
    QCOMPARE(e.toString().contains(QLatin1String("hunter2")), !hidden);
    QCOMPARE(e.params().value(key).toString().contains(QLatin1String("hunter2")), !hidden);
    QVERIFY(e.toString().contains(QLatin1String("limit=50")));
}

void tst_DbError::realServerError_data()
{
    QTest::addColumn<QByteArray>("sql");
    QTest::addColumn<QString>("state");
    QTest::addColumn<QString>("detailPart");
    QTest::addColumn<QString>("hintPart");
    QTest::newRow("unique violation")
        << QByteArray("INSERT INTO melodee_songs VALUES (1, 'b')") << "23505"
        << "Key (id)=(1) already exists."
        << "";
    QTest::newRow("not null") << QByteArray("INSERT INTO melodee_songs VALUES (2, NULL)") << "23502"
                              << "Failing row contains"
                              << "";
    QTest::newRow("undefined column") << QByteArray("SELECT titel FROM melodee_songs") << "42703"
                                      << ""
                                      << "Perhaps you meant to reference the column";
    QTest::newRow("undefined table") << QByteArray("SELECT * FROM songs") << "42P01"
                                     << ""
                                     << "";
    QTest::newRow("syntax") << QByteArray("SELEC 1") << "42601"
                            << ""
                            << "";
    QTest::newRow("raise with hint")
        << QByteArray("DO $$BEGIN RAISE EXCEPTION 'custom' USING DETAIL = 'd1', HINT = 'h1', "
                      "ERRCODE = '55P03'; END$$")
        << "55P03"
        << "d1"
        << "h1";
}

void tst_DbError::realServerError()
{
    QFETCH(QByteArray, sql);
    QFETCH(QString, state);
    QFETCH(QString, detailPart);
    QFETCH(QString, hintPart);
    try {
        m_conn->exec(sql, {QStringLiteral("insert song"), QStringLiteral("melodee_songs")});
        QFAIL("the statement should have failed");
    } catch (const DbError &e) {
        QCOMPARE(e.sqlState(), state);
        QVERIFY(!e.message().isEmpty());
        QVERIFY2(e.detail().contains(detailPart), qPrintable(e.detail()));
        QVERIFY2(e.hint().contains(hintPart), qPrintable(e.hint()));
        QVERIFY(e.mayHaveExecuted());
        QVERIFY(!e.connectionBroken());
        QCOMPARE(e.isRetryable(), DbError::isRetryableState(state));
        QVERIFY(e.toString().startsWith(QLatin1String(
            "database operation \"insert song\" on table \"melodee_songs\" failed: ")));
        QVERIFY(e.toString().contains(QStringLiteral("(SQLSTATE %1)").arg(state)));
    }
    // The connection is still usable after an error.
    QCOMPARE(m_conn->exec("SELECT 1").text(0, 0), QStringLiteral("1"));
}

void tst_DbError::connectionFailures_data()
{
    QTest::addColumn<QString>("dsnTail");
    QTest::addColumn<QString>("state");
    QTest::addColumn<bool>("retryable");
    QTest::newRow("no such database") << "dbname=melodee_no_such_db"
                                      << "3D000" << false;
    QTest::newRow("no such role") << "user=melodee_no_such_role password=x"
                                  << "28P01" << false;
    QTest::newRow("no password supplied") << "user=melodee_no_such_role"
                                          << "28P01" << false;
    QTest::newRow("refused port") << "port=1"
                                  << "08006" << true;
}

void tst_DbError::connectionFailures()
{
    QFETCH(QString, dsnTail);
    QFETCH(QString, state);
    QFETCH(bool, retryable);
    DatabaseConfig c = TestEnv::superuser();
    c.dsn = dsnTail;
    try {
        PgConnection::open(c);
        QFAIL("connect should have failed");
    } catch (const DbError &e) {
        QCOMPARE(e.operation(), QStringLiteral("connect"));
        QCOMPARE(e.sqlState(), state);
        QCOMPARE(e.isRetryable(), retryable);
        QVERIFY(e.connectionBroken());
    }
}

void tst_DbError::crossesQFuture()
{
    DbError e(QStringLiteral("select"), QStringLiteral("t"), QStringLiteral("m"));
    e.setSqlState(QStringLiteral("40001"));
    std::unique_ptr<DbError> copy(e.clone());
    try {
        copy->raise();
    } catch (const DbError &caught) {
        QCOMPARE(caught.sqlState(), QStringLiteral("40001"));
        QVERIFY(caught.isRetryable());
    }
}

QTEST_GUILESS_MAIN(tst_DbError)
#include "tst_dberror.moc"
