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

QTEST_GUILESS_MAIN(tst_ConfigSources)
#include "tst_configsources.moc"
