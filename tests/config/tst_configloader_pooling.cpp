// tst_ConfigLoader, the pooling keys: database.pooler, direct_dsn, pooler_admin_dsn, replicas and
// max_replica_lag.
#include "tst_configloader.h"

void tst_ConfigLoader::poolingDefaults()
{
    const AppConfig c = ConfigLoader().finish();
    QCOMPARE(c.database.pooler, Pooler::None);
    QVERIFY(!c.database.behindTransactionPooler());
    QVERIFY(c.database.directDsn.isEmpty());
    QVERIFY(c.database.poolerAdminDsn.isEmpty());
    QVERIFY(c.database.replicas.isEmpty());
    QCOMPARE(c.database.maxReplicaLag, Duration(5s));
}

void tst_ConfigLoader::replicasFromYaml_data()
{
    QTest::addColumn<QString>("yaml");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("list") << "database:\n  replicas:\n    - host=r1 port=5433\n"
                             "    - postgresql://r2:5434/melodee\n"
                          << QStringList{"host=r1 port=5433", "postgresql://r2:5434/melodee"};
    QTest::newRow("flow list") << "database:\n  replicas: [host=r1, host=r2]\n"
                               << QStringList{"host=r1", "host=r2"};
    // A multi-host URI has a comma of its own: only the list form keeps it whole.
    QTest::newRow("comma inside an item")
        << "database:\n  replicas:\n    - postgresql://r1:5433,r2:5434/melodee\n"
        << QStringList{"postgresql://r1:5433,r2:5434/melodee"};
    QTest::newRow("comma-separated scalar") << "database:\n  replicas: host=r1, host=r2\n"
                                            << QStringList{"host=r1", "host=r2"};
    QTest::newRow("empty list") << "database:\n  replicas: []\n" << QStringList{};
}

void tst_ConfigLoader::replicasFromYaml()
{
    QFETCH(QString, yaml);
    QFETCH(QStringList, expected);
    ConfigLoader loader;
    loader.loadYamlText(yaml, QStringLiteral("melodee.yaml"));
    QCOMPARE(loader.finish().database.replicas, expected);
}

void tst_ConfigLoader::laterLayersReplaceTheReplicaList()
{
    ConfigLoader loader;
    loader.loadYamlText(QStringLiteral("database:\n  replicas:\n    - host=a\n    - host=b\n"
                                       "  max_replica_lag: 2s\n  pooler: pgbouncer-transaction\n"),
                        QStringLiteral("melodee.yaml"));
    QProcessEnvironment env;
    env.insert(QStringLiteral("MELODEE_DATABASE_REPLICAS"), QStringLiteral("host=c"));
    env.insert(QStringLiteral("MELODEE_DATABASE_POOLER"), QStringLiteral("none"));
    loader.loadEnvironment(env);
    AppConfig c = loader.finish();
    QCOMPARE(c.database.replicas, QStringList{QStringLiteral("host=c")});
    QCOMPARE(c.database.pooler, Pooler::None);
    QCOMPARE(c.database.maxReplicaLag, Duration(2s));
    // --set database.replicas= (empty) switches them off.
    loader.set(QStringLiteral("database.replicas"), QString(), QStringLiteral("--set"));
    QVERIFY(loader.finish().database.replicas.isEmpty());
}

void tst_ConfigLoader::badReplicaListInYaml()
{
    ConfigLoader loader;
    try {
        loader.loadYamlText(QStringLiteral("database:\n  replicas:\n    - host=a\n    - {x: 1}\n"),
                            QStringLiteral("melodee.yaml"));
        QFAIL("no ConfigError thrown");
    } catch (const ConfigError &e) {
        QVERIFY2(e.message().contains(QStringLiteral("melodee.yaml:3")), qPrintable(e.message()));
        QVERIFY2(e.message().contains(QStringLiteral("must be a list of values")),
                 qPrintable(e.message()));
    }
    // A list where one value belongs is refused as before.
    try {
        loader.loadYamlText(QStringLiteral("database:\n  direct_dsn:\n    - host=a\n"),
                            QStringLiteral("melodee.yaml"));
        QFAIL("no ConfigError thrown");
    } catch (const ConfigError &e) {
        QVERIFY2(e.message().contains(QStringLiteral("must be a single value")),
                 qPrintable(e.message()));
    }
}

void tst_ConfigLoader::passwordsInDsnsAreSecrets()
{
    const QString secret = QStringLiteral("Pw-%1-x'y").arg(QCoreApplication::applicationPid());
    ConfigLoader loader;
    loader.set(QStringLiteral("database.replicas"),
               QStringLiteral("host=r1 password='%1',host=r2")
                   .arg(QString(secret).replace(QLatin1String("'"), QLatin1String("\\'"))),
               QStringLiteral("--set"));
    QVERIFY(!Redactor::redact(QStringLiteral("failed with %1").arg(secret)).contains(secret));
    // A bad DSN is never quoted back: it may hold a password.
    const QString other = QStringLiteral("Other-%1").arg(QCoreApplication::applicationPid());
    try {
        loader.set(QStringLiteral("database.direct_dsn"),
                   QStringLiteral("host=x password=%1 bogus").arg(other),
                   QStringLiteral("--set"));
        QFAIL("no ConfigError thrown");
    } catch (const ConfigError &e) {
        QVERIFY2(!e.message().contains(other), qPrintable(e.message()));
        QVERIFY2(e.message().contains(QStringLiteral("database.direct_dsn")),
                 qPrintable(e.message()));
    }
}
