#include <testenv.h>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

using namespace melodee;
using melodee::test::TestEnv;

namespace {

const QString kPassword = QStringLiteral(R"(Pw2-s e'cret\ host=evil)");
const QString kRole = QStringLiteral("melodee_tst_clipw");
const QStringList kFragments = {kPassword,
                                QStringLiteral("Pw2-s"),
                                QStringLiteral("e'cret"),
                                QStringLiteral("host=evil"),
                                QString::fromLatin1(QUrl::toPercentEncoding(kPassword))};
const QString kArgvWarning = QStringLiteral("a password was given on the command line");

} // namespace

// How the `melodee` binary takes passwords: never together with a profile and a DSN, from a file
// or standard input instead of argv, with one warning when argv carries one anyway, and with
// MELODEE_DATABASE_PASSWORD under a DSN the way libpq treats PGPASSWORD.
class tst_CliPasswords : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void profileWithDsnRefused_data();
    void profileWithDsnRefused();
    void passwordFile_data();
    void passwordFile();
    void argvWarning_data();
    void argvWarning();
    void environmentPasswordWithDsn_data();
    void environmentPasswordWithDsn();

private:
    QProcessEnvironment cleanEnv() const;
    QString writeFile(const QString &name, const QByteArray &content);
    QString fields() const;
    QString conninfoWith(const QString &password) const;
    TestEnv::CliResult
    run(const QStringList &args, const QProcessEnvironment &env, const QByteArray &stdinData = {});
    QString m_db;
    QTemporaryDir m_dir;
};

QProcessEnvironment tst_CliPasswords::cleanEnv() const
{
    return TestEnv::isolatedEnv(m_dir.path());
}

QString tst_CliPasswords::writeFile(const QString &name, const QByteArray &content)
{
    const QString path = m_dir.filePath(name);
    QFile f(path);
    if (f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        f.write(content);
    f.close();
    f.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    return path;
}

QString tst_CliPasswords::fields() const
{
    return QStringLiteral("host=%1 port=%2 user=%3 dbname=%4 sslmode=disable")
        .arg(TestEnv::pgHost())
        .arg(TestEnv::pgPort())
        .arg(kRole, m_db);
}

QString tst_CliPasswords::conninfoWith(const QString &password) const
{
    QString quoted = password;
    quoted.replace(QLatin1Char('\\'), QLatin1String("\\\\"))
        .replace(QLatin1Char('\''), QLatin1String("\\'"));
    return fields() + QStringLiteral(" password='%1'").arg(quoted);
}

TestEnv::CliResult tst_CliPasswords::run(const QStringList &args,
                                         const QProcessEnvironment &env,
                                         const QByteArray &stdinData)
{
    if (stdinData.isNull())
        return TestEnv::runCli(args, env);
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(TestEnv::cliPath(), args);
    p.write(stdinData);
    p.closeWriteChannel();
    TestEnv::CliResult r;
    if (!p.waitForFinished(60000)) {
        p.kill();
        p.waitForFinished();
        r.err = QStringLiteral("timed out");
        return r;
    }
    r.exitCode = p.exitCode();
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

void tst_CliPasswords::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
    QVERIFY(QFile::exists(TestEnv::cliPath()));
    m_db = TestEnv::freshDatabase(QStringLiteral("clipw")).dbname;
    QString literal = kPassword;
    literal.replace(QLatin1Char('\''), QLatin1String("''"));
    TestEnv::psql(QStringLiteral("DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = "
                                 "'%1') THEN CREATE ROLE %1 LOGIN; END IF; END$$")
                      .arg(kRole));
    TestEnv::psql(
        QStringLiteral("SET password_encryption = 'scram-sha-256'; ALTER ROLE %1 PASSWORD '%2'")
            .arg(kRole, literal));
}

void tst_CliPasswords::profileWithDsnRefused_data()
{
    QTest::addColumn<QStringList>("args"); // @CONFIG@ = a valid YAML file
    const QString dsn = QStringLiteral("host=127.0.0.1 dbname=elsewhere");
    QTest::newRow("profile then dsn") << QStringList{"health", "--profile", "prod", "--dsn", dsn};
    QTest::newRow("dsn then profile") << QStringList{"health", "--dsn", dsn, "--profile", "prod"};
    QTest::newRow("with --config")
        << QStringList{"health", "--config", "@CONFIG@", "--profile", "prod", "--dsn", dsn};
    QTest::newRow("--opt=value forms, with --config")
        << QStringList{"songs", "--config=@CONFIG@", "--profile=prod", "--dsn=" + dsn};
    QTest::newRow("a uri, --json") << QStringList{
        "health", "--json", "--profile", "prod", "--dsn", "postgres://u@127.0.0.1/x"};
}

void tst_CliPasswords::profileWithDsnRefused()
{
    QFETCH(QStringList, args);
    const QString config = writeFile(QStringLiteral("m.yaml"), "database:\n  host: 127.0.0.1\n");
    for (QString &a : args)
        a.replace(QLatin1String("@CONFIG@"), config);
    const auto r = TestEnv::runCli(args, cleanEnv());
    QCOMPARE(r.exitCode, 3);
    QVERIFY2(r.err.contains(QLatin1String("--profile and --dsn cannot be combined")),
             qPrintable(r.err));
}

void tst_CliPasswords::passwordFile_data()
{
    QTest::addColumn<QString>("how"); // option, stdin, env
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QStringList>("extra");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("errorPart");
    QTest::addColumn<bool>("argvWarning"); // shown once the configuration has been read

    const QByteArray good = kPassword.toUtf8() + '\n';
    QTest::newRow("--password-file") << "option" << good << QStringList{} << 0 << "" << false;
    QTest::newRow("--password-file -") << "stdin" << good << QStringList{} << 0 << "" << false;
    QTest::newRow("MELODEE_DATABASE_PASSWORD_FILE")
        << "env" << good << QStringList{} << 0 << "" << false;
    QTest::newRow("wrong password in the file")
        << "option" << QByteArray("nope\n") << QStringList{} << 2 << "" << false;
    QTest::newRow("empty file") << "option" << QByteArray() << QStringList{} << 3 << "is empty"
                                << false;
    QTest::newRow("empty standard input")
        << "stdin" << QByteArray("") << QStringList{} << 3 << "is empty" << false;
    QTest::newRow("missing file") << "missing" << QByteArray() << QStringList{} << 3
                                  << "no such file" << false;
    QTest::newRow("also --set database.password")
        << "option" << good << QStringList{"--set", "database.password=" + kPassword} << 3
        << "cannot be combined" << false;
    QTest::newRow("also --set redis.password: works, warns")
        << "option" << good << QStringList{"--set", "redis.password=" + kPassword} << 0 << ""
        << true;
}

void tst_CliPasswords::passwordFile()
{
    QFETCH(QString, how);
    QFETCH(QByteArray, content);
    QFETCH(QStringList, extra);
    QFETCH(int, exitCode);
    QFETCH(QString, errorPart);
    QFETCH(bool, argvWarning);
    QProcessEnvironment env = cleanEnv();
    QStringList args{QStringLiteral("health"), QStringLiteral("--dsn"), fields()};
    args << extra;
    const QString path = how == QLatin1String("missing")
                             ? m_dir.filePath(QStringLiteral("no-such-file"))
                             : writeFile(QStringLiteral("pw"), content);
    QByteArray input; // null: standard input is not used
    if (how == QLatin1String("env")) {
        env.insert(QStringLiteral("MELODEE_DATABASE_PASSWORD_FILE"), path);
    } else if (how == QLatin1String("stdin")) {
        args << QStringLiteral("--password-file") << QStringLiteral("-");
        input = content.isNull() ? QByteArray("") : content;
    } else {
        args << QStringLiteral("--password-file") << path;
    }
    const auto r = run(args, env, input);
    QVERIFY2(r.exitCode == exitCode,
             qPrintable(QStringLiteral("exit %1: %2 %3").arg(r.exitCode).arg(r.out, r.err)));
    if (!errorPart.isEmpty())
        QVERIFY2(r.err.contains(errorPart), qPrintable(r.err));
    for (const QString &fragment : kFragments) {
        QVERIFY2(!r.out.contains(fragment), qPrintable(r.out));
        QVERIFY2(!r.err.contains(fragment), qPrintable(r.err));
    }
    // A file is not argv: no warning, unless --set put a password on the command line.
    QCOMPARE(r.err.count(kArgvWarning), argvWarning ? 1 : 0);
}

void tst_CliPasswords::argvWarning_data()
{
    QTest::addColumn<QStringList>("args"); // @FIELDS@, @CONNINFO@, @URI@ substituted
    QTest::addColumn<bool>("envPassword");
    QTest::addColumn<QString>("named"); // what the warning names; empty: no warning

    QTest::newRow("password in a conninfo --dsn")
        << QStringList{"health", "--dsn", "@CONNINFO@"} << false << "--dsn";
    QTest::newRow("password in a URI --dsn")
        << QStringList{"health", "--dsn", "@URI@"} << false << "--dsn";
    QTest::newRow("--set database.password")
        << QStringList{"health", "--dsn", "@FIELDS@", "--set", "database.password=@PW@"} << false
        << "--set database.password";
    QTest::newRow("both: still one warning")
        << QStringList{"health", "--dsn", "@CONNINFO@", "--set", "redis.password=x"} << false
        << "--dsn, --set redis.password";
    QTest::newRow("environment: no warning")
        << QStringList{"health", "--dsn", "@FIELDS@"} << true << "";
    QTest::newRow("json logs: one JSON line")
        << QStringList{"health", "--log-json", "--dsn", "@CONNINFO@"} << false << "--dsn";
}

void tst_CliPasswords::argvWarning()
{
    QFETCH(QStringList, args);
    QFETCH(bool, envPassword);
    QFETCH(QString, named);
    // One arg() call: the encoded password's %NN must not be taken for placeholders.
    const QString uri = QStringLiteral("postgresql://%1:%2@%3:%4/%5?sslmode=disable")
                            .arg(kRole,
                                 QString::fromLatin1(QUrl::toPercentEncoding(kPassword)),
                                 TestEnv::pgHost(),
                                 QString::number(TestEnv::pgPort()),
                                 m_db);
    for (QString &a : args)
        a.replace(QLatin1String("@FIELDS@"), fields())
            .replace(QLatin1String("@CONNINFO@"), conninfoWith(kPassword))
            .replace(QLatin1String("@URI@"), uri)
            .replace(QLatin1String("@PW@"), kPassword);
    QProcessEnvironment env = cleanEnv();
    if (envPassword)
        env.insert(QStringLiteral("MELODEE_DATABASE_PASSWORD"), kPassword);
    const auto r = TestEnv::runCli(args, env);
    QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
    QCOMPARE(r.err.count(kArgvWarning), named.isEmpty() ? 0 : 1);
    if (!named.isEmpty()) {
        QVERIFY2(r.err.contains(QStringLiteral("(%1)").arg(named)), qPrintable(r.err));
        QVERIFY2(r.err.contains(QLatin1String("--password-file")), qPrintable(r.err));
    }
    for (const QString &fragment : kFragments)
        QVERIFY2(!r.err.contains(fragment), qPrintable(r.err));
}

void tst_CliPasswords::environmentPasswordWithDsn_data()
{
    // libpq's PGPASSWORD rule: the environment's password fills in when the DSN has none, and a
    // password inside the DSN wins.
    QTest::addColumn<QString>("envPassword");
    QTest::addColumn<QString>("dsnPassword"); // empty: the DSN carries none
    QTest::addColumn<int>("exitCode");
    QTest::newRow("environment fills in") << kPassword << "" << 0;
    QTest::newRow("the DSN's wins over a wrong environment one") << "wrong" << kPassword << 0;
    QTest::newRow("a wrong DSN password is not rescued") << kPassword << "wrong" << 2;
}

void tst_CliPasswords::environmentPasswordWithDsn()
{
    QFETCH(QString, envPassword);
    QFETCH(QString, dsnPassword);
    QFETCH(int, exitCode);
    QProcessEnvironment env = cleanEnv();
    env.insert(QStringLiteral("MELODEE_DATABASE_PASSWORD"), envPassword);
    const QString dsn = dsnPassword.isEmpty() ? fields() : conninfoWith(dsnPassword);
    const auto r = TestEnv::runCli({QStringLiteral("health"), QStringLiteral("--dsn"), dsn}, env);
    QVERIFY2(r.exitCode == exitCode, qPrintable(r.out + r.err));
}

QTEST_GUILESS_MAIN(tst_CliPasswords)
#include "tst_clipasswords.moc"
