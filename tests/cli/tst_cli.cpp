#include <testenv.h>
#include <vitalsload.h>

#include <melodee/version.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

using namespace melodee;
using melodee::test::TestEnv;

namespace {

// The test password: spaces, a quote, a backslash and an attempted "dbname=" injection.
const QString kPassword = QStringLiteral(R"(Cl1-p a'ss\ dbname=evil)");
const QString kRole = QStringLiteral("melodee_tst_cli");
// Distinctive pieces that must not show up either (a partial leak is still a leak).
const QStringList kFragments = {kPassword,
                                QStringLiteral("Cl1-p"),
                                QStringLiteral("a'ss"),
                                QStringLiteral("dbname=evil"),
                                QString::fromLatin1(QUrl::toPercentEncoding(kPassword))};

int closedPort()
{
    QTcpServer s;
    if (!s.listen(QHostAddress::LocalHost, 0))
        return 0;
    const int port = s.serverPort();
    s.close();
    return port;
}

} // namespace

// The `melodee` binary as users and CI run it: exit codes, --json, config errors, logging, and
// that the password never reaches its output.
class tst_Cli : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void version();
    void help_data();
    void help();
    void usageErrors_data();
    void usageErrors();
    void malformedYaml_data();
    void malformedYaml();
    void healthJson();
    void healthText();
    void healthTls_data();
    void healthTls();
    void healthUnreachable_data();
    void healthUnreachable();
    void healthVitals();
    void healthVitalsInvalidUtf8();
    void logLevels_data();
    void logLevels();
    void passwordNeverPrinted_data();
    void passwordNeverPrinted();
    void cliOutputLogClean();

private:
    QProcessEnvironment cleanEnv() const;
    QString writeFile(const QString &name, const QString &text);
    QString goodDsn() const;
    void runHealthVitals(const QString &dsn, QJsonObject &out) const;
    QString m_db;
    QTemporaryDir m_dir;
};

QProcessEnvironment tst_Cli::cleanEnv() const
{
    return TestEnv::isolatedEnv(m_dir.path());
}

QString tst_Cli::writeFile(const QString &name, const QString &text)
{
    const QString path = m_dir.filePath(name);
    QFile f(path);
    if (f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        f.write(text.toUtf8());
    return path;
}

QString tst_Cli::goodDsn() const
{
    return QStringLiteral("host=%1 port=%2 user=postgres dbname=%3")
        .arg(TestEnv::pgHost())
        .arg(TestEnv::pgPort())
        .arg(m_db);
}

// Runs `melodee health --vitals --json` against dsn: it succeeds and prints one JSON object.
void tst_Cli::runHealthVitals(const QString &dsn, QJsonObject &out) const
{
    const auto r = TestEnv::runCli({QStringLiteral("health"),
                                    QStringLiteral("--dsn"),
                                    dsn,
                                    QStringLiteral("--vitals"),
                                    QStringLiteral("--json")},
                                   cleanEnv());
    QCOMPARE(r.exitCode, 0);
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(r.out.toUtf8(), &error);
    QVERIFY2(error.error == QJsonParseError::NoError && doc.isObject(), qPrintable(r.out));
    out = doc.object();
}

void tst_Cli::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
    QVERIFY(QFile::exists(TestEnv::cliPath()));
    m_db = TestEnv::freshDatabase(QStringLiteral("cli")).dbname;
    QString literal = kPassword;
    literal.replace(QLatin1Char('\''), QLatin1String("''"));
    TestEnv::psql(QStringLiteral("DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = "
                                 "'%1') THEN CREATE ROLE %1 LOGIN; END IF; END$$")
                      .arg(kRole));
    TestEnv::psql(
        QStringLiteral("SET password_encryption = 'scram-sha-256'; ALTER ROLE %1 PASSWORD '%2'")
            .arg(kRole, literal));
}

void tst_Cli::version()
{
    const auto r = TestEnv::runCli({QStringLiteral("--version")}, cleanEnv());
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.out.trimmed(), QStringLiteral("melodee " MELODEE_VERSION));
}

void tst_Cli::help_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("expect");
    QTest::newRow("--help") << QStringList{"--help"} << "health";
    QTest::newRow("-h") << QStringList{"-h"} << "Exit codes";
    QTest::newRow("health --help") << QStringList{"health", "--help"} << "--dsn";
}

void tst_Cli::help()
{
    QFETCH(QStringList, args);
    QFETCH(QString, expect);
    const auto r = TestEnv::runCli(args, cleanEnv());
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains(expect), qPrintable(r.out));
}

void tst_Cli::usageErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QStringList>("env");
    QTest::addColumn<QStringList>("expect"); // every piece must be in stderr

    QTest::newRow("unknown command") << QStringList{"frobnicate"} << QStringList{}
                                     << QStringList{"unknown command", "frobnicate"};
    QTest::newRow("no command") << QStringList{"--json"} << QStringList{}
                                << QStringList{"no command"};
    QTest::newRow("unknown option")
        << QStringList{"health", "--bogus"} << QStringList{} << QStringList{"bogus"};
    QTest::newRow("port not a number") << QStringList{"health", "--set", "database.port=abc"}
                                       << QStringList{} << QStringList{"database.port", "abc"};
    QTest::newRow("port out of range") << QStringList{"health", "--set", "database.port=70000"}
                                       << QStringList{} << QStringList{"database.port", "65535"};
    QTest::newRow("negative pool size (env)")
        << QStringList{"health"} << QStringList{"MELODEE_DATABASE_MAX_OPEN_CONNS=-1"}
        << QStringList{"database.max_open_conns", "MELODEE_DATABASE_MAX_OPEN_CONNS", "negative"};
    QTest::newRow("bad duration") << QStringList{"health",
                                                 "--set",
                                                 "database.conn_max_lifetime=30x"}
                                  << QStringList{}
                                  << QStringList{"database.conn_max_lifetime", "30x"};
    QTest::newRow("bad duration (env)")
        << QStringList{"health"} << QStringList{"MELODEE_DATABASE_CONN_MAX_IDLE_TIME=soon"}
        << QStringList{"database.conn_max_idle_time", "soon"};
    QTest::newRow("unknown sslmode")
        << QStringList{"health", "--set", "database.sslmode=maybe"} << QStringList{}
        << QStringList{"database.sslmode", "maybe", "verify-full"};
    QTest::newRow("unknown key") << QStringList{"health", "--set", "database.hots=x"}
                                 << QStringList{} << QStringList{"database.hots"};
    QTest::newRow("set without =") << QStringList{"health", "--set", "database.port"}
                                   << QStringList{} << QStringList{"KEY=VALUE"};
    QTest::newRow("bad log level") << QStringList{"health", "--log-level", "loud"} << QStringList{}
                                   << QStringList{"gorm.log_level", "loud"};
    QTest::newRow("missing config file")
        << QStringList{"health", "--config", "/nonexistent/m.yaml"} << QStringList{}
        << QStringList{"/nonexistent/m.yaml", "cannot read"};
    QTest::newRow("malformed dsn") << QStringList{"health", "--dsn", "host=127.0.0.1 port"}
                                   << QStringList{} << QStringList{"--dsn"};
    QTest::newRow("missing CA file")
        << QStringList{"health",
                       "--set",
                       "database.sslmode=verify-full",
                       "--set",
                       "database.sslrootcert=/nonexistent/ca.crt"}
        << QStringList{} << QStringList{"database.sslrootcert", "/nonexistent/ca.crt"};
    QTest::newRow("unknown profile")
        << QStringList{"health", "--profile", "nope"} << QStringList{} << QStringList{"nope"};
}

void tst_Cli::usageErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QStringList, env);
    QFETCH(QStringList, expect);
    QProcessEnvironment e = cleanEnv();
    for (const QString &kv : std::as_const(env))
        e.insert(kv.section(QLatin1Char('='), 0, 0), kv.section(QLatin1Char('='), 1));
    const auto r = TestEnv::runCli(args, e);
    QCOMPARE(r.exitCode, 3);
    for (const QString &piece : std::as_const(expect))
        QVERIFY2(r.err.contains(piece), qPrintable(r.err));
    QVERIFY2(r.err.contains(QLatin1String("error: ")), qPrintable(r.err));
}

void tst_Cli::malformedYaml_data()
{
    QTest::addColumn<QString>("yaml");
    QTest::addColumn<QString>("where"); // file:line
    QTest::newRow("unclosed flow sequence") << "database:\n  host: x\n  port: [1, 2\n"
                                            << ":4";
    QTest::newRow("tab indentation") << "database:\n  host: x\n\tport: 1\n"
                                     << ":3";
    QTest::newRow("bad value on line 3") << "# c\ndatabase:\n  port: 99999\n"
                                         << ":3";
    QTest::newRow("section not a mapping") << "database: 5\n"
                                           << ":1";
    QTest::newRow("nested value") << "database:\n  host:\n    a: b\n"
                                  << ":3";
}

void tst_Cli::malformedYaml()
{
    QFETCH(QString, yaml);
    QFETCH(QString, where);
    const QString path = writeFile(QStringLiteral("bad.yaml"), yaml);
    const auto r
        = TestEnv::runCli({QStringLiteral("health"), QStringLiteral("--config"), path}, cleanEnv());
    QCOMPARE(r.exitCode, 3);
    QVERIFY2(r.err.contains(path + where), qPrintable(r.err));
}

void tst_Cli::healthJson()
{
    const auto r = TestEnv::runCli(
        {QStringLiteral("health"), QStringLiteral("--dsn"), goodDsn(), QStringLiteral("--json")},
        cleanEnv());
    QCOMPARE(r.exitCode, 0);
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(r.out.toUtf8(), &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(r.out));
    QVERIFY(doc.isObject());
    const QJsonObject o = doc.object();
    QCOMPARE(o.value(QStringLiteral("status")).toString(), QStringLiteral("healthy"));
    QVERIFY(o.value(QStringLiteral("server_version")).toString().startsWith(QLatin1String("15")));
    QVERIFY(o.value(QStringLiteral("latency_ms")).toDouble() > 0);
    QCOMPARE(o.value(QStringLiteral("database")).toString(), m_db);
    QVERIFY(o.contains(QStringLiteral("tls")));
    // One object, one line.
    QCOMPARE(r.out.trimmed().count(QLatin1Char('\n')), 0);
}

void tst_Cli::healthText()
{
    QProcessEnvironment e = cleanEnv();
    // Melodee's MELODEE_DATABASE_* variables alone are enough.
    e.insert(QStringLiteral("MELODEE_DATABASE_HOST"), TestEnv::pgHost());
    e.insert(QStringLiteral("MELODEE_DATABASE_PORT"), QString::number(TestEnv::pgPort()));
    e.insert(QStringLiteral("MELODEE_DATABASE_USER"), QStringLiteral("postgres"));
    e.insert(QStringLiteral("MELODEE_DATABASE_DBNAME"), m_db);
    e.insert(QStringLiteral("MELODEE_DATABASE_SSLMODE"), QStringLiteral("disable"));
    const auto r = TestEnv::runCli({QStringLiteral("health")}, e);
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains(QLatin1String("status: healthy")), qPrintable(r.out));
    QVERIFY2(r.out.contains(QLatin1String("tls: off")), qPrintable(r.out));
}

void tst_Cli::healthTls_data()
{
    QTest::addColumn<QString>("tail");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("expect");
    QTest::newRow("verify-full") << "host=localhost sslmode=verify-full sslrootcert=@CA@" << 0
                                 << "\"tls\":true";
    QTest::newRow("other CA") << "host=localhost sslmode=verify-full sslrootcert=@OTHER@" << 2
                              << "certificate verify failed";
    QTest::newRow("wrong host name")
        << "host=melodee-wrong-name.invalid hostaddr=127.0.0.1 sslmode=verify-full sslrootcert=@CA@"
        << 2 << "does not match host name";
}

void tst_Cli::healthTls()
{
    QFETCH(QString, tail);
    QFETCH(int, exitCode);
    QFETCH(QString, expect);
    tail.replace(QLatin1String("@CA@"), TestEnv::pgCa())
        .replace(QLatin1String("@OTHER@"), TestEnv::pgOtherCa());
    const QString dsn
        = QStringLiteral("port=%1 user=postgres dbname=%2 ").arg(TestEnv::pgPort()).arg(m_db)
          + tail;
    const auto r = TestEnv::runCli(
        {QStringLiteral("health"), QStringLiteral("--json"), QStringLiteral("--dsn"), dsn},
        cleanEnv());
    QCOMPARE(r.exitCode, exitCode);
    QVERIFY2(r.out.contains(expect), qPrintable(r.out + r.err));
}

void tst_Cli::healthUnreachable_data()
{
    QTest::addColumn<bool>("json");
    QTest::newRow("json") << true;
    QTest::newRow("text") << false;
}

void tst_Cli::healthUnreachable()
{
    QFETCH(bool, json);
    const int port = closedPort();
    QVERIFY(port > 0);
    QStringList args{
        QStringLiteral("health"),
        QStringLiteral("--dsn"),
        QStringLiteral("host=127.0.0.1 port=%1 user=postgres connect_timeout=3").arg(port)};
    if (json)
        args << QStringLiteral("--json");
    const auto r = TestEnv::runCli(args, cleanEnv());
    QCOMPARE(r.exitCode, 2);
    if (json) {
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(o.value(QStringLiteral("status")).toString(), QStringLiteral("unhealthy"));
        QVERIFY2(o.value(QStringLiteral("message")).toString().contains(QString::number(port)),
                 qPrintable(r.out));
    } else {
        QVERIFY2(r.out.contains(QLatin1String("status: unhealthy")), qPrintable(r.out));
    }
}

// --vitals adds the server's vital signs; hostile names and query texts come back intact in JSON.
void tst_Cli::healthVitals()
{
    DatabaseConfig db = TestEnv::superuser(m_db);
    const QString part = QStringLiteral("melodee_vt\"q\" password=x\n\U0001F3B5_p1");
    QString quoted = part;
    quoted.replace(QLatin1Char('"'), QLatin1String("\"\""));
    TestEnv::psql(QStringLiteral("CREATE TABLE melodee_vt (id int, k int) PARTITION BY LIST (k);"
                                 "CREATE TABLE \"%1\" PARTITION OF melodee_vt FOR VALUES IN (1);"
                                 "CREATE TABLE vt_lock (id int);")
                      .arg(quoted),
                  m_db);
    auto old = PgConnection::open(db);
    const QByteArray hostile
        = "SELECT '\"q\" password=x\nline \xf0\x9f\x8e\xb5', count(*) FROM vt_lock";
    old->exec("BEGIN");
    old->exec("LOCK TABLE vt_lock IN ACCESS EXCLUSIVE MODE");
    (void)old->exec(hostile);
    test::Background waiter(db, QStringLiteral("vt-cli-waiter"), "SELECT * FROM vt_lock");
    QTRY_VERIFY_WITH_TIMEOUT(TestEnv::psql(QStringLiteral("SELECT count(*) FROM pg_locks WHERE "
                                                          "pid = %1 AND NOT granted")
                                               .arg(waiter.pid()),
                                           m_db)
                                     .trimmed()
                                 == QLatin1String("1"),
                             20000);

    QJsonObject doc;
    runHealthVitals(goodDsn(), doc);
    if (QTest::currentTestFailed())
        return;
    const QJsonObject vitals = doc.value(QStringLiteral("vitals")).toObject();
    QCOMPARE(vitals.value(QStringLiteral("database")).toString(), m_db);
    QVERIFY(vitals.value(QStringLiteral("xact_commit")).toString().toLongLong() > 0);
    const QJsonObject oldest = vitals.value(QStringLiteral("oldest_transaction")).toObject();
    QCOMPARE(oldest.value(QStringLiteral("pid")).toInt(), old->backendPid());
    QCOMPARE(oldest.value(QStringLiteral("query")).toString(), QString::fromUtf8(hostile));
    const QJsonArray waits = vitals.value(QStringLiteral("lock_waits")).toArray();
    QCOMPARE(waits.size(), 1);
    QCOMPARE(waits.at(0).toObject().value(QStringLiteral("pid")).toInt(), waiter.pid());
    QCOMPARE(waits.at(0).toObject().value(QStringLiteral("blocking_pids")).toArray(),
             QJsonArray{old->backendPid()});
    const QJsonArray parts = vitals.value(QStringLiteral("partitions")).toArray();
    QCOMPARE(parts.size(), 1);
    QCOMPARE(parts.at(0).toObject().value(QStringLiteral("partition")).toString(), part);
    const QJsonObject rates = doc.value(QStringLiteral("rates")).toObject();
    QVERIFY(rates.value(QStringLiteral("valid")).toBool());
    QVERIFY(rates.value(QStringLiteral("seconds")).toDouble() >= 0.9);

    const auto text = TestEnv::runCli(
        {QStringLiteral("health"), QStringLiteral("--dsn"), goodDsn(), QStringLiteral("--vitals")},
        cleanEnv());
    QCOMPARE(text.exitCode, 0);
    QVERIFY2(text.out.contains(QStringLiteral("lock_waits: 1\n  pid %1 ").arg(waiter.pid())),
             qPrintable(text.out));
    QVERIFY2(
        text.out.contains(QStringLiteral("oldest_transaction: pid %1,").arg(old->backendPid())),
        qPrintable(text.out));
    old->exec("ROLLBACK");
    QTRY_VERIFY_WITH_TIMEOUT(waiter.done(), 20000);
    TestEnv::psql(QStringLiteral("DROP TABLE melodee_vt, vt_lock"), m_db);
}

// A SQL_ASCII database keeps and reports the bytes it was sent: a query text that is not UTF-8
// still gives JSON that parses, with the bad bytes replaced and the rest intact.
void tst_Cli::healthVitalsInvalidUtf8()
{
    const QString dbname = m_db + QStringLiteral("_ascii");
    TestEnv::psql(QStringLiteral("CREATE DATABASE %1 ENCODING 'SQL_ASCII' LC_COLLATE 'C' "
                                 "LC_CTYPE 'C' TEMPLATE template0")
                      .arg(dbname));
    auto old = PgConnection::open(TestEnv::superuser(dbname));
    old->exec("SET client_encoding = 'SQL_ASCII'");
    old->exec("BEGIN");
    (void)old->exec("SELECT 'caf\xe9 \xff\xfe \"q\" password=x\nline two'");

    QString dsn = goodDsn();
    dsn.replace(QStringLiteral("dbname=") + m_db, QStringLiteral("dbname=") + dbname);
    QJsonObject doc;
    runHealthVitals(dsn, doc);
    if (QTest::currentTestFailed())
        return;
    const QJsonObject oldest = doc.value(QStringLiteral("vitals"))
                                   .toObject()
                                   .value(QStringLiteral("oldest_transaction"))
                                   .toObject();
    QVERIFY2(oldest.value(QStringLiteral("pid")).toInt() == old->backendPid(),
             QJsonDocument(doc).toJson().constData());
    const QString query = oldest.value(QStringLiteral("query")).toString();
    QVERIFY2(query.startsWith(QStringLiteral("SELECT 'caf\uFFFD")), qPrintable(query));
    QVERIFY2(query.endsWith(QStringLiteral("\"q\" password=x\nline two'")), qPrintable(query));
    old->exec("ROLLBACK");
    old.reset();
    TestEnv::psql(QStringLiteral("DROP DATABASE %1 WITH (FORCE)").arg(dbname));
}

void tst_Cli::logLevels_data()
{
    QTest::addColumn<QStringList>("extra");
    QTest::addColumn<QStringList>("env");
    QTest::addColumn<bool>("jsonLines");
    QTest::addColumn<bool>("warningShown");
    QTest::newRow("default warn, text") << QStringList{} << QStringList{} << false << true;
    QTest::newRow("json lines") << QStringList{"--log-json"} << QStringList{} << true << true;
    QTest::newRow("--log-level info, json")
        << QStringList{"--log-json", "--log-level", "info"} << QStringList{} << true << true;
    QTest::newRow("--log-level error")
        << QStringList{"--log-level", "error"} << QStringList{} << false << false;
    QTest::newRow("--log-level silent")
        << QStringList{"--log-json", "--log-level", "silent"} << QStringList{} << true << false;
    QTest::newRow("gorm.log_level from env")
        << QStringList{} << QStringList{"MELODEE_GORM_LOG_LEVEL=error"} << false << false;
    QTest::newRow("--log-level beats env")
        << QStringList{"--log-level", "warn"} << QStringList{"MELODEE_GORM_LOG_LEVEL=silent"}
        << false << true;
}

void tst_Cli::logLevels()
{
    QFETCH(QStringList, extra);
    QFETCH(QStringList, env);
    QFETCH(bool, jsonLines);
    QFETCH(bool, warningShown);
    QProcessEnvironment e = cleanEnv();
    e.insert(QStringLiteral("MELODEE_DATABASE_PASSWORD"), kPassword);
    for (const QString &kv : std::as_const(env))
        e.insert(kv.section(QLatin1Char('='), 0, 0), kv.section(QLatin1Char('='), 1));
    // max_idle_conns > max_open_conns is clamped with a warning, as Go does.
    QStringList args{QStringLiteral("health"),
                     QStringLiteral("--dsn"),
                     goodDsn(),
                     QStringLiteral("--set"),
                     QStringLiteral("database.max_open_conns=4"),
                     QStringLiteral("--set"),
                     QStringLiteral("database.max_idle_conns=9")};
    args << extra;
    const auto r = TestEnv::runCli(args, e);
    QCOMPARE(r.exitCode, 0);
    const QStringList lines = r.err.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    bool found = false;
    for (const QString &line : lines) {
        QVERIFY2(!line.contains(kPassword) && !line.contains(QLatin1String("a'ss")),
                 qPrintable(line));
        if (jsonLines) {
            QJsonParseError error;
            const QJsonObject o = QJsonDocument::fromJson(line.toUtf8(), &error).object();
            QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(line));
            QVERIFY(o.contains(QStringLiteral("time")) && o.contains(QStringLiteral("level")));
            if (o.value(QStringLiteral("message"))
                    .toString()
                    .contains(QLatin1String("max_idle_conns"))) {
                QCOMPARE(o.value(QStringLiteral("level")).toString(), QStringLiteral("warn"));
                QCOMPARE(o.value(QStringLiteral("category")).toString(),
                         QStringLiteral("melodee.config"));
                found = true;
            }
        } else if (line.contains(QLatin1String("max_idle_conns"))) {
            QVERIFY2(line.startsWith(QLatin1String("warn: melodee.config: ")), qPrintable(line));
            found = true;
        }
    }
    QVERIFY2(found == warningShown, qPrintable(r.err));
}

void tst_Cli::passwordNeverPrinted_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<bool>("passwordEnv");
    QTest::addColumn<QString>("yaml"); // written to a file and given with --config when set
    QTest::addColumn<int>("exitCode");

    const QString host = TestEnv::pgHost();
    const QString port = QString::number(TestEnv::pgPort());
    QString quoted = kPassword;
    quoted.replace(QLatin1Char('\\'), QLatin1String("\\\\"))
        .replace(QLatin1Char('\''), QLatin1String("\\'"));
    const QString conninfo = QStringLiteral("host=%1 port=%2 user=%3 dbname=%4 password='%5'")
                                 .arg(host, port, kRole, m_db, quoted);
    const QString uri
        = QStringLiteral("postgresql://%1:%2@%3:%4/%5")
              .arg(
                  kRole, QString::fromLatin1(QUrl::toPercentEncoding(kPassword)), host, port, m_db);
    const QString fields
        = QStringLiteral("host=%1 port=%2 user=%3 dbname=%4").arg(host, port, kRole, m_db);
    QString yamlQuoted = kPassword;
    yamlQuoted.replace(QLatin1Char('\''), QLatin1String("''"));
    const QString yaml
        = QStringLiteral("database:\n  host: %1\n  port: %2\n  user: %3\n  dbname: %4\n"
                         "  password: '%5'\n")
              .arg(host, port, kRole, m_db, yamlQuoted);

    QTest::newRow("env password") << QStringList{"health", "--dsn", fields} << true << "" << 0;
    QTest::newRow("env password, json, info logs")
        << QStringList{"health", "--json", "--log-level", "info", "--log-json", "--dsn", fields}
        << true << "" << 0;
    QTest::newRow("conninfo dsn") << QStringList{"health", "--json", "--dsn", conninfo} << false
                                  << "" << 0;
    QTest::newRow("uri dsn") << QStringList{"health", "--dsn", uri} << false << "" << 0;
    QTest::newRow("yaml file") << QStringList{"health", "--json"} << false << yaml << 0;
    QTest::newRow("wrong password via dsn")
        << QStringList{"health", "--json", "--dsn", conninfo.chopped(1) + QStringLiteral("x'")}
        << false << "" << 2;
    QTest::newRow("wrong password via env, text")
        << QStringList{"health", "--set", "database.password=" + kPassword + "x", "--dsn", fields}
        << false << "" << 2;
    QTest::newRow("bad config next to env password")
        << QStringList{"health", "--dsn", fields, "--set", "database.port=abc"} << true << "" << 3;
    QTest::newRow("bad value next to yaml password")
        << QStringList{"health"} << false << yaml + QStringLiteral("  max_open_conns: -4\n") << 3;
    QTest::newRow("malformed yaml after password")
        << QStringList{"health"} << false << yaml + QStringLiteral("  port: [\n") << 3;
    QTest::newRow("password in an unparsable dsn")
        << QStringList{"health", "--dsn", fields + QStringLiteral(" password=") + kPassword}
        << false << "" << 3;
    QTest::newRow("password in a --set with a typo")
        << QStringList{"health", "--set", "database.pasword=" + kPassword} << false << "" << 3;
    QTest::newRow("unreachable with password")
        << QStringList{"health",
                       "--json",
                       "--dsn",
                       QStringLiteral("host=127.0.0.1 port=%1 user=u").arg(closedPort())}
        << true << "" << 2;
}

void tst_Cli::passwordNeverPrinted()
{
    QFETCH(QStringList, args);
    QFETCH(bool, passwordEnv);
    QFETCH(QString, yaml);
    QFETCH(int, exitCode);
    QProcessEnvironment e = cleanEnv();
    if (passwordEnv)
        e.insert(QStringLiteral("MELODEE_DATABASE_PASSWORD"), kPassword);
    if (!yaml.isEmpty())
        args << QStringLiteral("--config") << writeFile(QStringLiteral("secret.yaml"), yaml);
    const auto r = TestEnv::runCli(args, e);
    QVERIFY2(r.exitCode == exitCode,
             qPrintable(QStringLiteral("exit %1: %2 %3").arg(r.exitCode).arg(r.out, r.err)));
    for (const QString &fragment : kFragments) {
        QVERIFY2(!r.out.contains(fragment), qPrintable(r.out));
        QVERIFY2(!r.err.contains(fragment), qPrintable(r.err));
    }
}

void tst_Cli::cliOutputLogClean()
{
    // Everything every CLI run of this test run printed, as TestEnv::runCli recorded it.
    QFile log(QStringLiteral(MELODEE_TEST_STATE_DIR "/cli-output.log"));
    QVERIFY(log.open(QIODevice::ReadOnly));
    const QString all = QString::fromUtf8(log.readAll());
    QVERIFY(all.contains(QLatin1String("healthy"))); // the runs above were recorded
    for (const QString &fragment : kFragments)
        QVERIFY2(!all.contains(fragment), qPrintable(fragment));
}

QTEST_GUILESS_MAIN(tst_Cli)
#include "tst_cli.moc"
