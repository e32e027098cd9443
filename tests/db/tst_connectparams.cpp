#include <db/connectparams.h>
#include <util/redactor.h>

#include <QTest>

using namespace melodee;
using namespace std::chrono_literals;

// ConnectParams: the keyword/value arrays given to PQconnectdbParams, --dsn parsing, and a stored
// password left out when the connection goes elsewhere than where it was saved for.
class tst_ConnectParams : public QObject
{
    Q_OBJECT

private slots:
    void cleanup() { Redactor::clearSecrets(); }
    void fieldsVerbatim();
    void unsetFieldsLeftOut();
    void dsnPrecedence_data();
    void dsnPrecedence();
    void parseErrors_data();
    void parseErrors();
    void describeMasksPassword_data();
    void describeMasksPassword();
    void connectTimeout_data();
    void connectTimeout();
    void passwordBinding_data();
    void passwordBinding();
};

static QMap<QString, QString> arrays(const ConnectParams &p)
{
    QMap<QString, QString> m;
    for (int i = 0; p.keywords()[i]; ++i) {
        const QString k = QString::fromUtf8(p.keywords()[i]);
        if (m.contains(k))
            m[k] = QStringLiteral("<duplicate>");
        else
            m.insert(k, QString::fromUtf8(p.values()[i]));
    }
    return m;
}

void tst_ConnectParams::fieldsVerbatim()
{
    DatabaseConfig c;
    c.host = QStringLiteral("127.0.0.1");
    c.port = 5433;
    c.user = QStringLiteral("melodee");
    c.password = QStringLiteral(R"(p a'ss\ dbname=evil)");
    c.dbname = QStringLiteral("music");
    c.sslmode = QStringLiteral("verify-full");
    const ConnectParams p(c);
    const auto m = arrays(p);
    // The password is one value: nothing in it becomes another keyword.
    QCOMPARE(m.value(QStringLiteral("password")), c.password);
    QCOMPARE(m.value(QStringLiteral("dbname")), QStringLiteral("music"));
    QCOMPARE(m.value(QStringLiteral("port")), QStringLiteral("5433"));
    QCOMPARE(m.value(QStringLiteral("sslmode")), QStringLiteral("verify-full"));
    QCOMPARE(m.value(QStringLiteral("client_encoding")), QStringLiteral("UTF8"));
    QCOMPARE(p.expandDbname(), 0);
    // The default name is a fallback so that PGAPPNAME can replace it.
    QCOMPARE(m.value(QStringLiteral("fallback_application_name")), QStringLiteral("melodee-admin"));
    QVERIFY(!m.contains(QStringLiteral("application_name")));
    QVERIFY(p.error().isEmpty());
}

void tst_ConnectParams::unsetFieldsLeftOut()
{
    DatabaseConfig c;
    c.applicationName.clear();
    c.connectTimeout = 0s;
    const auto m = arrays(ConnectParams(c));
    // libpq fills these from PG* variables, the service file and its defaults.
    for (const char *k : {"host",
                          "port",
                          "user",
                          "password",
                          "dbname",
                          "sslmode",
                          "sslrootcert",
                          "application_name",
                          "fallback_application_name",
                          "connect_timeout"})
        QVERIFY2(!m.contains(QLatin1String(k)), k);
}

void tst_ConnectParams::dsnPrecedence_data()
{
    QTest::addColumn<QString>("dsn");
    QTest::addColumn<QString>("keyword");
    QTest::addColumn<QString>("expected");

    // The fields below come from lower layers (file/env); the DSN wins where it says something.
    QTest::newRow("conninfo host wins") << "host=dsn-host"
                                        << "host"
                                        << "dsn-host";
    QTest::newRow("conninfo keeps field port") << "host=dsn-host"
                                               << "port"
                                               << "1111";
    QTest::newRow("conninfo dbname wins") << "dbname=dsn_db"
                                          << "dbname"
                                          << "dsn_db";
    QTest::newRow("conninfo quoted password") << R"(password='p a\'ss\\ dbname=evil')"
                                              << "password"
                                              << R"(p a'ss\ dbname=evil)";
    QTest::newRow("conninfo injected dbname stays in password") << R"(password='x dbname=evil')"
                                                                << "dbname"
                                                                << "field_db";
    QTest::newRow("uri host") << "postgres://u@uri-host:2222/uri_db"
                              << "host"
                              << "uri-host";
    QTest::newRow("uri port") << "postgres://u@uri-host:2222/uri_db"
                              << "port"
                              << "2222";
    QTest::newRow("uri db") << "postgresql://u@uri-host/uri_db"
                            << "dbname"
                            << "uri_db";
    QTest::newRow("uri percent password") << "postgresql://u:p%20a%27ss%5C%20dbname%3Devil@h/db"
                                          << "password"
                                          << R"(p a'ss\ dbname=evil)";
    QTest::newRow("uri query sslmode") << "postgres://h/db?sslmode=require"
                                       << "sslmode"
                                       << "require";
    QTest::newRow("uri keeps field user") << "postgres://h/db"
                                          << "user"
                                          << "field_user";
    QTest::newRow("service") << "service=melodee_test"
                             << "service"
                             << "melodee_test";
    QTest::newRow("plain dbname") << "just_a_db"
                                  << "dbname"
                                  << "just_a_db";
    QTest::newRow("application_name") << "application_name=mine"
                                      << "application_name"
                                      << "mine";
    QTest::newRow("keepalive default") << ""
                                       << "keepalives_idle"
                                       << "30";
    QTest::newRow("keepalive from dsn") << "keepalives_idle=5"
                                        << "keepalives_idle"
                                        << "5";
    QTest::newRow("tcp_user_timeout default") << "host=h"
                                              << "tcp_user_timeout"
                                              << "60000";
    QTest::newRow("tcp_user_timeout from uri") << "postgres://h/db?tcp_user_timeout=1000"
                                               << "tcp_user_timeout"
                                               << "1000";
}

void tst_ConnectParams::dsnPrecedence()
{
    QFETCH(QString, dsn);
    QFETCH(QString, keyword);
    QFETCH(QString, expected);
    DatabaseConfig c;
    c.host = QStringLiteral("field-host");
    c.port = 1111;
    c.user = QStringLiteral("field_user");
    c.dbname = QStringLiteral("field_db");
    c.sslmode = QStringLiteral("disable");
    c.dsn = dsn;
    const ConnectParams p(c);
    QVERIFY2(p.error().isEmpty(), qPrintable(p.error()));
    const auto m = arrays(p);
    QCOMPARE(m.value(keyword), expected);
    QCOMPARE(p.value(keyword.toUtf8()), expected);
}

void tst_ConnectParams::parseErrors_data()
{
    QTest::addColumn<QString>("dsn");
    QTest::addColumn<QString>("secretPart");
    QTest::newRow("unquoted space in password") << "host=h password=p a'ss"
                                                << "a'ss";
    QTest::newRow("unterminated quote") << "host=h password='hunter2"
                                        << "hunter2";
    QTest::newRow("unknown keyword") << "host=h passwrd=hunter2"
                                     << "hunter2";
    QTest::newRow("bad percent") << "postgres://u:hun%zzter2@h/db"
                                 << "hun%zzter2";
    QTest::newRow("bad uri query") << "postgres://h/db?hunter2"
                                   << "hunter2";
}

void tst_ConnectParams::parseErrors()
{
    QFETCH(QString, dsn);
    QFETCH(QString, secretPart);
    QString error;
    QVERIFY(!parseConninfo(dsn, &error));
    QVERIFY(!error.isEmpty());
    QVERIFY2(!error.contains(secretPart), qPrintable(error));
    DatabaseConfig c;
    c.dsn = dsn;
    const ConnectParams p(c);
    QVERIFY(p.error().contains(QLatin1String("--dsn")));
    QVERIFY2(!p.error().contains(secretPart), qPrintable(p.error()));
    QVERIFY(!arrays(p).contains(QStringLiteral("dbname"))); // the bad DSN is not passed on
}

void tst_ConnectParams::describeMasksPassword_data()
{
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("dsn");
    QTest::newRow("field") << "hunter2"
                           << "";
    QTest::newRow("conninfo") << ""
                              << "host=h password='hunter2 x'";
    QTest::newRow("uri") << ""
                         << "postgres://u:hunter2@h/db";
}

void tst_ConnectParams::describeMasksPassword()
{
    QFETCH(QString, password);
    QFETCH(QString, dsn);
    DatabaseConfig c;
    c.host = QStringLiteral("h");
    c.password = password;
    c.dsn = dsn;
    const QString d = ConnectParams(c).describe();
    QVERIFY2(!d.contains(QLatin1String("hunter2")), qPrintable(d));
    QVERIFY2(d.contains(QLatin1String("password=***")), qPrintable(d));
    // A DSN password is registered, so it is masked anywhere else it might show up.
    if (!dsn.isEmpty()) {
        const QString secret = dsn.contains(QLatin1Char('\'')) ? QStringLiteral("hunter2 x")
                                                               : QStringLiteral("hunter2");
        QVERIFY(!Redactor::redact(QStringLiteral("a ") + secret + QStringLiteral(" b"))
                     .contains(secret));
    }
}

void tst_ConnectParams::connectTimeout_data()
{
    QTest::addColumn<qint64>("ms");
    QTest::addColumn<QString>("expected");
    QTest::newRow("10s") << qint64(10000) << "10";
    QTest::newRow("1s rounds up to libpq's minimum") << qint64(1000) << "2";
    QTest::newRow("1500ms") << qint64(1500) << "2";
    QTest::newRow("500ms is not forever") << qint64(500) << "2";
    QTest::newRow("2500ms rounds up") << qint64(2500) << "3";
    QTest::newRow("0 means none") << qint64(0) << "";
    QTest::newRow("1m") << qint64(60000) << "60";
}

void tst_ConnectParams::connectTimeout()
{
    QFETCH(qint64, ms);
    QFETCH(QString, expected);
    DatabaseConfig c;
    c.connectTimeout = std::chrono::milliseconds(ms);
    QCOMPARE(ConnectParams(c).value("connect_timeout"), expected);
}

void tst_ConnectParams::passwordBinding_data()
{
    QTest::addColumn<QString>("boundHost");
    QTest::addColumn<int>("boundPort");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("dsn");
    QTest::addColumn<QStringList>("env"); // PG* variables libpq would apply
    QTest::addColumn<bool>("sent");

    const QStringList none;
    QTest::newRow("same") << "db.internal" << 5432 << "db.internal" << 5432 << "" << none << true;
    QTest::newRow("host case differs")
        << "DB.internal" << 5432 << "db.INTERNAL" << 5432 << "" << none << true;
    QTest::newRow("port 0 is 5432") << "db" << 0 << "db" << 5432 << "" << none << true;
    QTest::newRow("other host") << "db" << 5432 << "evil.example" << 5432 << "" << none << false;
    QTest::newRow("other port") << "db" << 5432 << "db" << 6543 << "" << none << false;
    QTest::newRow("host left to PGHOST, same")
        << "db" << 5432 << "" << 5432 << "" << QStringList{"PGHOST=db"} << true;
    QTest::newRow("host left to PGHOST, other")
        << "db" << 5432 << "" << 5432 << "" << QStringList{"PGHOST=evil"} << false;
    QTest::newRow("port left to PGPORT, other")
        << "db" << 5432 << "db" << 0 << "" << QStringList{"PGPORT=7000"} << false;
    QTest::newRow("PGHOSTADDR redirects")
        << "db" << 5432 << "db" << 5432 << "" << QStringList{"PGHOSTADDR=192.0.2.1"} << false;
    QTest::newRow("hostaddr in a dsn")
        << "db" << 5432 << "db" << 5432 << "hostaddr=192.0.2.1" << none << false;
    QTest::newRow("host in a dsn") << "db" << 5432 << "db" << 5432 << "host=evil" << none << false;
    QTest::newRow("service in a dsn")
        << "db" << 5432 << "db" << 5432 << "service=x" << none << false;
    QTest::newRow("local socket, same") << "" << 0 << "" << 0 << "" << none << true;
    QTest::newRow("local socket saved, host set now")
        << "" << 0 << "db" << 0 << "" << none << false;
}

void tst_ConnectParams::passwordBinding()
{
    QFETCH(QString, boundHost);
    QFETCH(int, boundPort);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QString, dsn);
    QFETCH(QStringList, env);
    QFETCH(bool, sent);
    for (const char *v : {"PGHOST", "PGHOSTADDR", "PGPORT", "PGSERVICE"})
        qunsetenv(v);
    for (const QString &e : std::as_const(env))
        qputenv(e.section(QLatin1Char('='), 0, 0).toUtf8().constData(),
                e.section(QLatin1Char('='), 1).toUtf8());
    DatabaseConfig c;
    c.host = host;
    c.port = port;
    c.password = QStringLiteral("stored-secret");
    c.dsn = dsn;
    c.passwordBoundTo = PasswordBinding{boundHost, boundPort};
    const ConnectParams p(c);
    for (const char *v : {"PGHOST", "PGHOSTADDR", "PGPORT", "PGSERVICE"})
        qunsetenv(v);
    QCOMPARE(arrays(p).contains(QStringLiteral("password")), sent);
    QCOMPARE(p.passwordWithheld().isEmpty(), sent);
    if (!sent)
        QVERIFY2(!p.passwordWithheld().contains(QLatin1String("stored-secret")),
                 qPrintable(p.passwordWithheld()));

    // A password given for this run (not a stored one) is never held back.
    c.passwordBoundTo.reset();
    QCOMPARE(arrays(ConnectParams(c)).value(QStringLiteral("password")),
             QStringLiteral("stored-secret"));
}

QTEST_GUILESS_MAIN(tst_ConnectParams)
#include "tst_connectparams.moc"
