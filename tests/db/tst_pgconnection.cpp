#include <db/dberror.h>
#include <db/pgconnection.h>
#include <util/logging.h>
#include <util/redactor.h>

#include <testenv.h>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <functional>

using namespace melodee;
using melodee::test::TestEnv;

namespace {

// A password that breaks a naively formatted conninfo string and tries to inject a dbname.
const QString kOdd = QStringLiteral(R"(p a'ss\ dbname=evil)");
const QString kRole = QStringLiteral("melodee_tst_odd");
const char *const kPgVars[] = {"PGHOST",
                               "PGHOSTADDR",
                               "PGPORT",
                               "PGUSER",
                               "PGPASSWORD",
                               "PGDATABASE",
                               "PGSSLMODE",
                               "PGSERVICE",
                               "PGSERVICEFILE",
                               "PGPASSFILE",
                               "PGAPPNAME",
                               "PGSSLROOTCERT",
                               "PGCONNECT_TIMEOUT"};

} // namespace

// PgConnection::open against the real test server: verbatim passwords, --dsn forms, libpq's own
// PG* variables, ~/.pgpass and pg_service.conf, TLS verification, stored passwords bound to their
// server. What a connection logs is in tst_pgconnection_log.
class tst_PgConnection : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void oddPassword_data();
    void oddPassword();
    void libpqSources_data();
    void libpqSources();
    void tls_data();
    void tls();
    void errorsNeverShowPassword();
    void execAndCache();
    void planChoice_data();
    void planChoice();
    void storedPasswordOnlyToItsServer_data();
    void storedPasswordOnlyToItsServer();

private:
    struct Line
    {
        QtMsgType type;
        QString category;
        QString message;
    };
    // Runs fn with logging at info and returns the log lines.
    static QList<Line> logOf(const std::function<void()> &fn);
    DatabaseConfig odd() const;
    QString m_intended;
    QByteArray m_savedHome;
    QTemporaryDir m_home;
};

DatabaseConfig tst_PgConnection::odd() const
{
    DatabaseConfig c;
    c.host = TestEnv::pgHost();
    c.port = TestEnv::pgPort();
    c.user = kRole;
    c.password = kOdd;
    c.dbname = m_intended;
    return c;
}

void tst_PgConnection::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
    m_intended = TestEnv::freshDatabase(QStringLiteral("intended")).dbname;
    // SQL literal: '' for the quote; the backslash is literal (standard_conforming_strings).
    QString literal = kOdd;
    literal.replace(QLatin1Char('\''), QLatin1String("''"));
    TestEnv::psql(QStringLiteral("DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = "
                                 "'%1') THEN CREATE ROLE %1 LOGIN; END IF; END$$")
                      .arg(kRole));
    TestEnv::psql(
        QStringLiteral("SET password_encryption = 'scram-sha-256'; ALTER ROLE %1 PASSWORD '%2'")
            .arg(kRole, literal));
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT left(rolpassword, 13) FROM pg_authid WHERE "
                                          "rolname = '%1'")
                               .arg(kRole)),
             QStringLiteral("SCRAM-SHA-256"));
    // If the injected "dbname=evil" had any effect, the login would land here instead.
    if (TestEnv::psql(QStringLiteral("SELECT 1 FROM pg_database WHERE datname = 'evil'")).isEmpty())
        TestEnv::psql(QStringLiteral("CREATE DATABASE evil"));
    m_savedHome = qgetenv("HOME");
}

void tst_PgConnection::init()
{
    for (const char *v : kPgVars)
        qunsetenv(v);
    // A private HOME so no ~/.pgpass or ~/.pg_service.conf of the machine's user applies.
    qputenv("HOME", m_home.path().toUtf8());
    QFile::remove(m_home.filePath(QStringLiteral(".pgpass")));
    QFile::remove(m_home.filePath(QStringLiteral(".pg_service.conf")));
}

void tst_PgConnection::cleanup()
{
    for (const char *v : kPgVars)
        qunsetenv(v);
    qputenv("HOME", m_savedHome);
    Redactor::clearSecrets();
    setLogSink({});
}

QList<tst_PgConnection::Line> tst_PgConnection::logOf(const std::function<void()> &fn)
{
    QList<Line> lines;
    setupLogging(LogLevel::Info, LogFormat::Text);
    setLogSink([&](QtMsgType type, const QString &category, const QString &message) {
        lines.append({type, category, message});
    });
    fn();
    setLogSink({});
    return lines;
}

void tst_PgConnection::oddPassword_data()
{
    QTest::addColumn<int>("form");
    QTest::newRow("fields") << 0;
    QTest::newRow("conninfo dsn") << 1;
    QTest::newRow("uri dsn, percent-encoded") << 2;
    QTest::newRow("uri dsn with fields underneath") << 3;
}

void tst_PgConnection::oddPassword()
{
    QFETCH(int, form);
    DatabaseConfig c;
    const QString port = QString::number(TestEnv::pgPort());
    switch (form) {
    case 0:
        c = odd();
        break;
    case 1: {
        QString quoted = kOdd;
        quoted.replace(QLatin1Char('\\'), QLatin1String("\\\\"))
            .replace(QLatin1Char('\''), QLatin1String("\\'"));
        c.dsn = QStringLiteral("host=%1 port=%2 user=%3 password='%4' dbname=%5")
                    .arg(TestEnv::pgHost(), port, kRole, quoted, m_intended);
        break;
    }
    case 2:
        c.dsn = QStringLiteral("postgresql://%1:%2@%3:%4/%5")
                    .arg(kRole,
                         QString::fromLatin1(QUrl::toPercentEncoding(kOdd)),
                         TestEnv::pgHost(),
                         port,
                         m_intended);
        break;
    case 3:
        // Lower layers say something else; the URI's keywords win, the rest still applies.
        c = odd();
        c.dbname = QStringLiteral("evil");
        c.password = QStringLiteral("wrong");
        c.dsn = QStringLiteral("postgres://%1:%2@%3/%4")
                    .arg(kRole,
                         QString::fromLatin1(QUrl::toPercentEncoding(kOdd)),
                         TestEnv::pgHost(),
                         m_intended);
        break;
    }
    const auto conn = PgConnection::open(c);
    const PgResult r = conn->exec("SELECT current_database(), current_user");
    QCOMPARE(r.text(0, 0), m_intended);
    QCOMPARE(r.text(0, 1), kRole);
}

void tst_PgConnection::libpqSources_data()
{
    QTest::addColumn<QStringList>("env"); // NAME=value; @HOME@ and @PORT@ substituted
    QTest::addColumn<QString>("pgpass");  // written to @HOME@/pgpass-file when set
    QTest::addColumn<QString>("service"); // written to @HOME@/services.conf when set
    QTest::addColumn<QString>("dsn");
    QTest::addColumn<bool>("fields");      // host/port/user/dbname set in the config
    QTest::addColumn<QString>("expectDb"); // @DB@ = the intended database

    const QString pgpassLine
        = QStringLiteral("127.0.0.1:@PORT@:*:melodee_tst_odd:p a'ss\\\\ dbname=evil\n");
    const QString serviceBlock = QStringLiteral("[melodee_tst]\nhost=127.0.0.1\nport=@PORT@\n"
                                                "user=melodee_tst_odd\ndbname=@DB@\n"
                                                "password=p a'ss\\ dbname=evil\n");

    QTest::newRow("PG* fill every unset field") << QStringList{"PGHOST=127.0.0.1",
                                                               "PGPORT=@PORT@",
                                                               "PGUSER=melodee_tst_odd",
                                                               "PGPASSWORD=p a'ss\\ dbname=evil",
                                                               "PGDATABASE=@DB@"}
                                                << ""
                                                << ""
                                                << "" << false << "@DB@";
    QTest::newRow("config fields beat PG*") << QStringList{"PGHOST=127.0.0.9",
                                                           "PGPORT=1",
                                                           "PGDATABASE=evil",
                                                           "PGPASSWORD=p a'ss\\ dbname=evil"}
                                            << ""
                                            << ""
                                            << "" << true << "@DB@";
    QTest::newRow("PGPASSFILE") << QStringList{"PGPASSFILE=@HOME@/pgpass-file"} << pgpassLine << ""
                                << "" << true << "@DB@";
    QTest::newRow("~/.pgpass") << QStringList{} << pgpassLine << ""
                               << "" << true << "@DB@";
    QTest::newRow("service= in dsn") << QStringList{"PGSERVICEFILE=@HOME@/services.conf"} << ""
                                     << serviceBlock << "service=melodee_tst" << false << "@DB@";
    QTest::newRow("PGSERVICE") << QStringList{"PGSERVICEFILE=@HOME@/services.conf",
                                              "PGSERVICE=melodee_tst"}
                               << "" << serviceBlock << "" << false << "@DB@";
    QTest::newRow("service + pgpass")
        << QStringList{"PGSERVICEFILE=@HOME@/services.conf", "PGPASSFILE=@HOME@/pgpass-file"}
        << pgpassLine
        << QStringLiteral(
               "[melodee_tst]\nhost=127.0.0.1\nport=@PORT@\nuser=melodee_tst_odd\ndbname=@DB@\n")
        << "service=melodee_tst" << false << "@DB@";
    QTest::newRow("PGDATABASE under a dsn without dbname")
        << QStringList{"PGDATABASE=@DB@", "PGPASSWORD=p a'ss\\ dbname=evil"} << ""
        << ""
        << "host=127.0.0.1 port=@PORT@ user=melodee_tst_odd" << false << "@DB@";
}

void tst_PgConnection::libpqSources()
{
    QFETCH(QStringList, env);
    QFETCH(QString, pgpass);
    QFETCH(QString, service);
    QFETCH(QString, dsn);
    QFETCH(bool, fields);
    QFETCH(QString, expectDb);

    const auto subst = [this](QString s) {
        return s.replace(QLatin1String("@HOME@"), m_home.path())
            .replace(QLatin1String("@PORT@"), QString::number(TestEnv::pgPort()))
            .replace(QLatin1String("@DB@"), m_intended);
    };
    for (const QString &e : std::as_const(env)) {
        const qsizetype eq = e.indexOf(QLatin1Char('='));
        qputenv(e.left(eq).toUtf8().constData(), subst(e.mid(eq + 1)).toUtf8());
    }
    const auto writeFile = [](const QString &path, const QString &text) {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(text.toUtf8());
        f.close();
        // libpq ignores a password file others can read.
        QVERIFY(f.setPermissions(QFile::ReadOwner | QFile::WriteOwner));
    };
    // Only where the row says, so a row cannot pass through the other file.
    if (!pgpass.isEmpty()) {
        const bool explicitFile = env.join(QLatin1Char(' ')).contains(QLatin1String("PGPASSFILE"));
        writeFile(m_home.filePath(explicitFile ? QStringLiteral("pgpass-file")
                                               : QStringLiteral(".pgpass")),
                  subst(pgpass));
    }
    if (!service.isEmpty())
        writeFile(m_home.filePath(QStringLiteral("services.conf")), subst(service));

    DatabaseConfig c;
    if (fields) {
        c = odd();
        c.password.clear();
    }
    c.dsn = subst(dsn);
    const auto conn = PgConnection::open(c);
    const PgResult r = conn->exec("SELECT current_database(), current_user");
    QCOMPARE(r.text(0, 0), subst(expectDb));
    QCOMPARE(r.text(0, 1), kRole);
}

void tst_PgConnection::tls_data()
{
    QTest::addColumn<QString>("dsn");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<bool>("tls");
    QTest::addColumn<QString>("errorPart");

    QTest::newRow("verify-full, our CA, localhost")
        << "host=localhost sslmode=verify-full sslrootcert=@CA@" << true << true << "";
    QTest::newRow("verify-full, our CA, 127.0.0.1 (IP SAN)")
        << "host=127.0.0.1 sslmode=verify-full sslrootcert=@CA@" << true << true << "";
    QTest::newRow("verify-ca, our CA")
        << "host=127.0.0.1 sslmode=verify-ca sslrootcert=@CA@" << true << true << "";
    QTest::newRow("require") << "host=127.0.0.1 sslmode=require" << true << true << "";
    QTest::newRow("disable") << "host=127.0.0.1 sslmode=disable" << true << false << "";
    QTest::newRow("verify-full, other CA")
        << "host=localhost sslmode=verify-full sslrootcert=@OTHER@" << false << false
        << "certificate verify failed";
    QTest::newRow("verify-ca, other CA") << "host=127.0.0.1 sslmode=verify-ca sslrootcert=@OTHER@"
                                         << false << false << "certificate verify failed";
    // hostaddr makes libpq dial 127.0.0.1 (no lookup, loopback only) while it checks the
    // certificate against host, a name the certificate does not carry.
    QTest::newRow("verify-full, wrong host name")
        << "host=melodee-wrong-name.invalid hostaddr=127.0.0.1 sslmode=verify-full sslrootcert=@CA@"
        << false << false << "does not match host name";
    QTest::newRow("verify-ca ignores the host name")
        << "host=melodee-wrong-name.invalid hostaddr=127.0.0.1 sslmode=verify-ca sslrootcert=@CA@"
        << true << true << "";
    QTest::newRow("verify-full, missing CA file")
        << "host=localhost sslmode=verify-full sslrootcert=@HOME@/none.crt" << false << false
        << "none.crt";
}

void tst_PgConnection::tls()
{
    QFETCH(QString, dsn);
    QFETCH(bool, ok);
    QFETCH(bool, tls);
    QFETCH(QString, errorPart);
    DatabaseConfig c = TestEnv::superuser();
    c.host.clear();
    c.sslmode.clear();
    c.dsn = dsn;
    c.dsn.replace(QLatin1String("@CA@"), TestEnv::pgCa())
        .replace(QLatin1String("@OTHER@"), TestEnv::pgOtherCa())
        .replace(QLatin1String("@HOME@"), m_home.path());
    try {
        const auto conn = PgConnection::open(c);
        QVERIFY2(ok, "the connection should have been refused");
        QCOMPARE(conn->sslInUse(), tls);
        if (tls) {
            QVERIFY2(conn->sslDescription().startsWith(QLatin1String("TLSv1.")),
                     qPrintable(conn->sslDescription()));
        } else {
            QVERIFY(conn->sslDescription().isEmpty());
        }
        QCOMPARE(
            conn->exec("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").toBool(0, 0),
            tls);
    } catch (const DbError &e) {
        QVERIFY2(!ok, qPrintable(e.toString()));
        QVERIFY2(e.toString().contains(errorPart), qPrintable(e.toString()));
        QVERIFY(e.toString().startsWith(QLatin1String("database operation \"connect\"")));
    }
}

void tst_PgConnection::errorsNeverShowPassword()
{
    DatabaseConfig c = odd();
    c.password = kOdd + QStringLiteral("-wrong");
    try {
        PgConnection::open(c);
        QFAIL("a wrong password must not log in");
    } catch (const DbError &e) {
        QCOMPARE(e.sqlState(), QStringLiteral("28P01"));
        QVERIFY(!e.isRetryable());
        QVERIFY(!e.toString().contains(QLatin1String("p a'ss")));
        QVERIFY(!QString::fromUtf8(e.what()).contains(QLatin1String("dbname=evil")));
        QVERIFY(e.toString().contains(QLatin1String("password=***")));
    }
}

void tst_PgConnection::execAndCache()
{
    const auto conn = PgConnection::open(TestEnv::superuser(m_intended));
    QVERIFY(conn->serverVersion().startsWith(QLatin1String("15")));
    QVERIFY(conn->backendPid() > 0);
    const PgResult r = conn->execCached("SELECT $1::int + 1", {QByteArray("41")});
    QCOMPARE(r.text(0, 0), QStringLiteral("42"));
    conn->execCached("SELECT $1::int + 1", {QByteArray("1")});
    QCOMPARE(conn->preparedCount(), 1);
    const PgResult n = conn->exec("SELECT $1::text IS NULL", {std::nullopt});
    QCOMPARE(n.text(0, 0), QStringLiteral("t"));
}

void tst_PgConnection::planChoice_data()
{
    QTest::addColumn<int>("plan"); // PlanChoice
    QTest::addColumn<bool>("inTransaction");
    QTest::addColumn<QByteArray>("divisor"); // "0" fails at execution
    QTest::addColumn<int>("genericPlans");
    QTest::addColumn<int>("customPlans");

    const int server = int(PlanChoice::Server);
    const int generic = int(PlanChoice::Generic);
    const int custom = int(PlanChoice::Custom);
    // Three runs each (one when it fails): the server's own choice makes custom plans for the
    // first five runs of a statement.
    QTest::newRow("server's choice") << server << false << QByteArray("2") << 0 << 3;
    QTest::newRow("generic") << generic << false << QByteArray("2") << 3 << 0;
    QTest::newRow("custom") << custom << false << QByteArray("2") << 0 << 3;
    QTest::newRow("generic in a transaction") << generic << true << QByteArray("2") << 3 << 0;
    QTest::newRow("custom in a transaction") << custom << true << QByteArray("2") << 0 << 3;
    QTest::newRow("generic, statement fails") << generic << false << QByteArray("0") << 1 << 0;
    QTest::newRow("generic, fails in a transaction")
        << generic << true << QByteArray("0") << 1 << 0;
}

void tst_PgConnection::planChoice()
{
    QFETCH(int, plan);
    QFETCH(bool, inTransaction);
    QFETCH(QByteArray, divisor);
    QFETCH(int, genericPlans);
    QFETCH(int, customPlans);
    const auto conn = PgConnection::open(TestEnv::superuser(m_intended));
    const QByteArray sql = "SELECT 10 / $1::int";
    const bool fails = divisor == "0";
    if (inTransaction)
        conn->exec("BEGIN");
    for (int i = 0; i < (fails ? 1 : 3); ++i) {
        try {
            const PgResult r = conn->execCached(sql, {divisor}, {}, PlanChoice(plan));
            QVERIFY(!fails);
            QCOMPARE(r.text(0, 0), QStringLiteral("5"));
        } catch (const DbError &e) {
            QVERIFY2(fails, qPrintable(e.toString()));
            QCOMPARE(e.sqlState(), QStringLiteral("22012"));
            QVERIFY(!conn->isBroken());
        }
    }
    if (inTransaction)
        conn->exec(fails ? "ROLLBACK" : "COMMIT");
    // The session's own setting is what it was, and outside a transaction block nothing is left
    // for a pool to reset.
    QCOMPARE(conn->exec("SHOW plan_cache_mode").text(0, 0), QStringLiteral("auto"));
    if (!inTransaction)
        QCOMPARE(conn->sessionChanges() & int(SessionSettings), 0);
    const PgResult counts = conn->exec(
        "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement = $1",
        PgParams{sql});
    QCOMPARE(counts.rows(), 1);
    QCOMPARE(counts.toInt64(0, 0), genericPlans);
    QCOMPARE(counts.toInt64(0, 1), customPlans);
}

void tst_PgConnection::storedPasswordOnlyToItsServer_data()
{
    QTest::addColumn<QString>("boundHost"); // @HOST@ = the fixture's host
    QTest::addColumn<int>("boundPort");     // -1 = the fixture's port
    QTest::addColumn<QString>("host");      // what the connection uses; empty: PGHOST decides
    QTest::addColumn<QStringList>("env");   // PG* variables, @HOST@/@PORT@ substituted
    QTest::addColumn<bool>("sent");

    QTest::newRow("same host and port") << "@HOST@" << -1 << "@HOST@" << QStringList{} << true;
    QTest::newRow("PGHOST and PGPORT name the same server")
        << "@HOST@" << -1 << "" << QStringList{"PGHOST=@HOST@", "PGPORT=@PORT@"} << true;
    QTest::newRow("host name differs") << "@HOST@" << -1 << "localhost" << QStringList{} << false;
    QTest::newRow("port differs") << "@HOST@" << 1 << "@HOST@" << QStringList{} << false;
    QTest::newRow("PGHOSTADDR redirects")
        << "@HOST@" << -1 << "@HOST@" << QStringList{"PGHOSTADDR=127.0.0.1"} << false;
    QTest::newRow("saved for the local socket, PGHOST points elsewhere")
        << "" << -1 << "" << QStringList{"PGHOST=@HOST@", "PGPORT=@PORT@"} << false;
}

void tst_PgConnection::storedPasswordOnlyToItsServer()
{
    QFETCH(QString, boundHost);
    QFETCH(int, boundPort);
    QFETCH(QString, host);
    QFETCH(QStringList, env);
    QFETCH(bool, sent);
    const auto subst = [](QString s) {
        return s.replace(QLatin1String("@HOST@"), TestEnv::pgHost())
            .replace(QLatin1String("@PORT@"), QString::number(TestEnv::pgPort()));
    };
    for (const QString &e : std::as_const(env))
        qputenv(e.section(QLatin1Char('='), 0, 0).toUtf8().constData(),
                subst(e.section(QLatin1Char('='), 1)).toUtf8());
    DatabaseConfig c = odd();
    c.host = subst(host);
    if (host.isEmpty())
        c.port = 0;
    c.passwordBoundTo
        = PasswordBinding{subst(boundHost), boundPort < 0 ? TestEnv::pgPort() : boundPort};
    std::unique_ptr<PgConnection> conn;
    QString error;
    const QList<Line> lines = logOf([&] {
        try {
            conn = PgConnection::open(c);
        } catch (const DbError &e) {
            error = e.toString();
        }
    });
    bool warned = false;
    for (const Line &l : lines)
        warned |= l.message.contains(QLatin1String("the saved password was not sent"));
    QCOMPARE(warned, !sent);
    if (sent) {
        QVERIFY2(conn, qPrintable(error));
        QCOMPARE(conn->exec("SELECT current_user").text(0, 0), kRole);
    } else {
        // scram-sha-256 with no password: libpq never answered the server's challenge.
        QVERIFY2(!conn, "logged in without the password");
        QVERIFY2(error.contains(QLatin1String("no password supplied")), qPrintable(error));
    }
}

QTEST_GUILESS_MAIN(tst_PgConnection)
#include "tst_pgconnection.moc"
