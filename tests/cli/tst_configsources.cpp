#include <config/configloader.h>
#include <config/configsources.h>
#include <config/profilestore.h>
#include <db/connectparams.h>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace melodee;
using namespace std::chrono_literals;

// resolveConfig: how the front ends' layers stack up, key by key.
class tst_ConfigSources : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void profileLayer_data();
    void profileLayer();
    void yamlLikeViper_data();
    void yamlLikeViper();
    void dsnOverFields();
    void profileWithDsnRefused_data();
    void profileWithDsnRefused();
    void storedPasswordBound_data();
    void storedPasswordBound();
    void passwordFromFrontEnd_data();
    void passwordFromFrontEnd();

private:
    QTemporaryDir m_dir;
    QString m_ini;
};

void tst_ConfigSources::initTestCase()
{
    m_ini = m_dir.filePath(QStringLiteral("profiles.ini"));
    DatabaseConfig p;
    p.host = QStringLiteral("profile-host");
    p.port = 6000;
    p.user = QStringLiteral("profile-user");
    p.dbname = QStringLiteral("profile-db");
    p.sslmode = QStringLiteral("verify-full");
    p.sslrootcert = QStringLiteral("/profile/ca.crt");
    p.maxOpenConns = 10;
    p.maxIdleConns = 5;
    p.connMaxLifetime = 2min;
    ProfileStore(m_ini).save(QStringLiteral("prod"), p);
}

void tst_ConfigSources::profileLayer_data()
{
    QTest::addColumn<QStringList>("env");
    QTest::addColumn<QStringList>("sets");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("expected");

    QTest::newRow("profile host") << QStringList{} << QStringList{} << "host"
                                  << "profile-host";
    QTest::newRow("profile pool size") << QStringList{} << QStringList{} << "max_open"
                                       << "10";
    QTest::newRow("profile tls file") << QStringList{} << QStringList{} << "sslrootcert"
                                      << "/profile/ca.crt";
    QTest::newRow("env over profile host")
        << QStringList{"MELODEE_DATABASE_HOST=env-host"} << QStringList{} << "host"
        << "env-host";
    // Before, env/--set pool settings were silently dropped when a profile was used.
    QTest::newRow("env over profile pool size")
        << QStringList{"MELODEE_DATABASE_MAX_OPEN_CONNS=30"} << QStringList{} << "max_open"
        << "30";
    QTest::newRow("--set default value still wins")
        << QStringList{} << QStringList{"database.max_open_conns=50"} << "max_open"
        << "50";
    QTest::newRow("--set over env") << QStringList{"MELODEE_DATABASE_USER=env-user"}
                                    << QStringList{"database.user=cli-user"} << "user"
                                    << "cli-user";
    QTest::newRow("env tls file over profile")
        << QStringList{"MELODEE_DATABASE_SSLROOTCERT=/env/ca.crt"} << QStringList{} << "sslrootcert"
        << "/env/ca.crt";
    QTest::newRow("clamp applies after all layers")
        << QStringList{"MELODEE_DATABASE_MAX_IDLE_CONNS=40"} << QStringList{} << "max_idle"
        << "10";
    QTest::newRow("env lifetime") << QStringList{"MELODEE_DATABASE_CONN_MAX_LIFETIME=1h"}
                                  << QStringList{} << "lifetime"
                                  << "1h";
    QTest::newRow("profile lifetime") << QStringList{} << QStringList{} << "lifetime"
                                      << "2m";
}

void tst_ConfigSources::profileLayer()
{
    QFETCH(QStringList, env);
    QFETCH(QStringList, sets);
    QFETCH(QString, key);
    QFETCH(QString, expected);
    ConfigSources s;
    s.profile = QStringLiteral("prod");
    s.profileSettingsFile = m_ini;
    s.readKeychain = false;
    s.environment = QProcessEnvironment();
    for (const QString &kv : std::as_const(env))
        s.environment.insert(kv.section(QLatin1Char('='), 0, 0), kv.section(QLatin1Char('='), 1));
    for (const QString &kv : std::as_const(sets))
        s.sets.append({kv.section(QLatin1Char('='), 0, 0), kv.section(QLatin1Char('='), 1)});
    // The CA file does not exist; the check is not what this test is about.
    s.sets.append({QStringLiteral("database.sslmode"), QStringLiteral("require")});
    const DatabaseConfig c = resolveConfig(s).database;
    const QMap<QString, QString> got{{"host", c.host},
                                     {"user", c.user},
                                     {"sslrootcert", c.sslrootcert},
                                     {"max_open", QString::number(c.maxOpenConns)},
                                     {"max_idle", QString::number(c.maxIdleConns)},
                                     {"lifetime", formatGoDuration(c.connMaxLifetime)}};
    QCOMPARE(got.value(key), expected);
}

void tst_ConfigSources::yamlLikeViper_data()
{
    QTest::addColumn<QString>("yaml");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::newRow("lower case") << "database:\n  host: a\n  port: 1\n"
                                << "a" << 1;
    QTest::newRow("mixed case keys") << "Database:\n  Host: b\n  PORT: 2\n"
                                     << "b" << 2;
    QTest::newRow("empty value keeps default") << "database:\n  host:\n  port: 3\n"
                                               << "" << 3;
    QTest::newRow("null value keeps default") << "database:\n  host: ~\n  port: 4\n"
                                              << "" << 4;
    QTest::newRow("quoted number") << "database:\n  host: 'c'\n  port: \"5\"\n"
                                   << "c" << 5;
    QTest::newRow("other sections ignored") << "server:\n  port: 8080\ndatabase:\n  host: d\n"
                                            << "d" << 0;
}

void tst_ConfigSources::yamlLikeViper()
{
    QFETCH(QString, yaml);
    QFETCH(QString, host);
    QFETCH(int, port);
    ConfigLoader loader;
    loader.loadYamlText(yaml, QStringLiteral("t.yaml"));
    const AppConfig c = loader.finish();
    QCOMPARE(c.database.host, host);
    QCOMPARE(c.database.port, port);
}

void tst_ConfigSources::dsnOverFields()
{
    // --dsn is command line: it beats the file and the environment for what it names.
    const QString path = m_dir.filePath(QStringLiteral("m.yaml"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("database:\n  host: file-host\n  dbname: file-db\n  user: file-user\n");
    f.close();
    ConfigSources s;
    s.configFile = path;
    s.environment = QProcessEnvironment();
    s.environment.insert(QStringLiteral("MELODEE_DATABASE_HOST"), QStringLiteral("env-host"));
    s.dsn = QStringLiteral("postgres://dsn-host/dsn_db");
    const ConnectParams p(resolveConfig(s).database);
    QCOMPARE(p.value("host"), QStringLiteral("dsn-host"));
    QCOMPARE(p.value("dbname"), QStringLiteral("dsn_db"));
    QCOMPARE(p.value("user"), QStringLiteral("file-user")); // not in the DSN: the file's
}

void tst_ConfigSources::profileWithDsnRefused_data()
{
    QTest::addColumn<bool>("withFile");
    QTest::addColumn<QString>("dsn");
    QTest::newRow("conninfo") << false << "host=elsewhere dbname=x";
    QTest::newRow("uri, with a config file") << true << "postgres://elsewhere/x";
    QTest::newRow("bare dbname") << false << "x";
}

void tst_ConfigSources::profileWithDsnRefused()
{
    QFETCH(bool, withFile);
    QFETCH(QString, dsn);
    ConfigSources s;
    s.profile = QStringLiteral("prod");
    s.profileSettingsFile = m_ini;
    s.readKeychain = false;
    s.environment = QProcessEnvironment();
    s.dsn = dsn;
    if (withFile) {
        s.configFile = m_dir.filePath(QStringLiteral("f.yaml"));
        QFile f(s.configFile);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("database:\n  host: file-host\n");
    }
    try {
        resolveConfig(s);
        QFAIL("a profile with a DSN must be refused");
    } catch (const ConfigError &e) {
        QCOMPARE(e.kind(), ErrorKind::Usage);
        QVERIFY2(e.message().contains(QLatin1String("--profile and --dsn")),
                 qPrintable(e.message()));
    }
}

void tst_ConfigSources::storedPasswordBound_data()
{
    QTest::addColumn<QStringList>("env");
    QTest::addColumn<QStringList>("sets");
    QTest::addColumn<bool>("bound");
    QTest::newRow("nothing else: the keychain's password, bound")
        << QStringList{} << QStringList{} << true;
    QTest::newRow("host overridden: still bound to the profile's")
        << QStringList{"MELODEE_DATABASE_HOST=other"} << QStringList{} << true;
    QTest::newRow("password from the environment: not a stored one")
        << QStringList{"MELODEE_DATABASE_PASSWORD=given"} << QStringList{} << false;
    QTest::newRow("password from --set")
        << QStringList{} << QStringList{"database.password=given"} << false;
}

void tst_ConfigSources::storedPasswordBound()
{
    QFETCH(QStringList, env);
    QFETCH(QStringList, sets);
    QFETCH(bool, bound);
    ConfigSources s;
    s.profile = QStringLiteral("prod");
    s.profileSettingsFile = m_ini;
    s.readKeychain = false; // the binding is there before anything fills the password
    s.environment = QProcessEnvironment();
    for (const QString &kv : std::as_const(env))
        s.environment.insert(kv.section(QLatin1Char('='), 0, 0), kv.section(QLatin1Char('='), 1));
    for (const QString &kv : std::as_const(sets))
        s.sets.append({kv.section(QLatin1Char('='), 0, 0), kv.section(QLatin1Char('='), 1)});
    s.sets.append({QStringLiteral("database.sslmode"), QStringLiteral("require")});
    const DatabaseConfig c = resolveConfig(s).database;
    QCOMPARE(c.passwordBoundTo.has_value(), bound);
    if (bound) {
        QCOMPARE(c.passwordBoundTo->host, QStringLiteral("profile-host"));
        QCOMPARE(c.passwordBoundTo->port, 6000);
        // What the keychain would fill in is not sent to "other".
        DatabaseConfig filled = c;
        filled.password = QStringLiteral("from-keychain");
        const bool sameHost = c.host == QLatin1String("profile-host");
        QCOMPARE(ConnectParams(filled).value("password").isEmpty(), !sameHost);
    }
}

void tst_ConfigSources::passwordFromFrontEnd_data()
{
    QTest::addColumn<QString>("dsn");
    QTest::addColumn<QStringList>("sets");
    QTest::addColumn<QString>("errorPart"); // empty: accepted, the file's password used
    QTest::newRow("over MELODEE_DATABASE_PASSWORD") << "" << QStringList{} << "";
    QTest::newRow("with --set database.password")
        << "" << QStringList{"database.password=x"} << "--set database.password";
    QTest::newRow("with a password in --dsn")
        << "postgres://u:pw@h/db" << QStringList{} << "inside --dsn";
    QTest::newRow("with a --dsn without password") << "host=h dbname=d" << QStringList{} << "";
}

void tst_ConfigSources::passwordFromFrontEnd()
{
    QFETCH(QString, dsn);
    QFETCH(QStringList, sets);
    QFETCH(QString, errorPart);
    ConfigSources s;
    s.environment = QProcessEnvironment();
    s.environment.insert(QStringLiteral("MELODEE_DATABASE_PASSWORD"), QStringLiteral("env-pw"));
    s.dsn = dsn;
    for (const QString &kv : std::as_const(sets))
        s.sets.append({kv.section(QLatin1Char('='), 0, 0), kv.section(QLatin1Char('='), 1)});
    s.password = QStringLiteral("file-pw");
    try {
        const AppConfig c = resolveConfig(s);
        QVERIFY2(errorPart.isEmpty(), "should have been refused");
        QCOMPARE(c.database.password, QStringLiteral("file-pw"));
    } catch (const ConfigError &e) {
        QVERIFY2(!errorPart.isEmpty(), qPrintable(e.message()));
        QVERIFY2(e.message().contains(errorPart), qPrintable(e.message()));
        QVERIFY(!e.message().contains(QLatin1String("file-pw")));
    }
}

QTEST_GUILESS_MAIN(tst_ConfigSources)
#include "tst_configsources.moc"
