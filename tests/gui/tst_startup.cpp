#include <config/profilestore.h>
#include <session/startup.h>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace melodee;

class tst_Startup : public QObject
{
    Q_OBJECT

private slots:
    void usage_data();
    void usage();
    void plan_data();
    void plan();
    void badConfigFileOpensUnconnected();
    void profileNeverReadsKeychain();

private:
    QTemporaryDir m_dir;
};

void tst_Startup::usage_data()
{
    QTest::addColumn<QString>("view");
    QTest::addColumn<QString>("profile");
    QTest::addColumn<QString>("dsn");
    QTest::addColumn<QString>("errorContains");
    QTest::newRow("nothing") << QString() << QString() << QString() << QString();
    QTest::newRow("each view") << QStringLiteral("songs") << QString() << QString() << QString();
    QTest::newRow("view case") << QStringLiteral("Partitions") << QString() << QString()
                               << QString();
    QTest::newRow("unknown view") << QStringLiteral("albums") << QString() << QString()
                                  << QStringLiteral("\"albums\"");
    QTest::newRow("profile and dsn")
        << QString() << QStringLiteral("p") << QStringLiteral("host=127.0.0.1")
        << QStringLiteral("cannot be combined");
}

void tst_Startup::usage()
{
    QFETCH(QString, view);
    QFETCH(QString, profile);
    QFETCH(QString, dsn);
    QFETCH(QString, errorContains);
    const QString error = checkStartupRequest({QString(), dsn, profile, view});
    if (errorContains.isEmpty())
        QVERIFY2(error.isEmpty(), qPrintable(error));
    else
        QVERIFY2(error.contains(errorContains), qPrintable(error));
}

void tst_Startup::plan_data()
{
    QTest::addColumn<QString>("dsn");
    QTest::addColumn<QStringList>("env");
    QTest::addColumn<QString>("lastProfile");
    QTest::addColumn<bool>("connect");
    QTest::addColumn<QString>("profile");
    QTest::addColumn<QString>("host");
    QTest::newRow("nothing: not connected")
        << QString() << QStringList{} << QString() << false << QString() << QString();
    QTest::newRow("dsn") << QStringLiteral("host=127.0.0.1 port=5999 dbname=melodee")
                         << QStringList{} << QString() << true << QString() << QString();
    QTest::newRow("melodee env") << QString()
                                 << QStringList{QStringLiteral("MELODEE_DATABASE_HOST=10.9.9.9")}
                                 << QString() << true << QString() << QStringLiteral("10.9.9.9");
    QTest::newRow("PGHOST env") << QString() << QStringList{QStringLiteral("PGHOST=/tmp")}
                                << QString() << true << QString() << QString();
    QTest::newRow("last profile") << QString() << QStringList{} << QStringLiteral("saved") << true
                                  << QStringLiteral("saved") << QStringLiteral("127.0.0.9");
    QTest::newRow("last profile deleted")
        << QString() << QStringList{} << QStringLiteral("gone") << false << QString() << QString();
    QTest::newRow("dsn beats last profile")
        << QStringLiteral("host=127.0.0.1") << QStringList{} << QStringLiteral("saved") << true
        << QString() << QString();
}

void tst_Startup::plan()
{
    QFETCH(QString, dsn);
    QFETCH(QStringList, env);
    QFETCH(QString, lastProfile);
    QFETCH(bool, connect);
    QFETCH(QString, profile);
    QFETCH(QString, host);
    const QString ini = m_dir.filePath(QStringLiteral("profiles.ini"));
    {
        ProfileStore store(ini);
        DatabaseConfig c;
        c.host = QStringLiteral("127.0.0.9");
        store.save(QStringLiteral("saved"), c);
    }
    QProcessEnvironment environment;
    for (const QString &kv : env)
        environment.insert(kv.section(QLatin1Char('='), 0, 0), kv.section(QLatin1Char('='), 1));
    const StartupPlan plan = planStartup(
        {QString(), dsn, QString(), QStringLiteral("songs")}, lastProfile, environment, ini);
    QVERIFY2(plan.error.isEmpty(), qPrintable(plan.error));
    QCOMPARE(plan.connect, connect);
    QCOMPARE(plan.profile, profile);
    QCOMPARE(plan.view, std::optional<ViewId>(ViewId::Songs));
    QCOMPARE(plan.config.database.host, host);
    QCOMPARE(plan.config.database.dsn, dsn);
}

void tst_Startup::badConfigFileOpensUnconnected()
{
    const QString file = m_dir.filePath(QStringLiteral("bad.yaml"));
    QFile f(file);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("database:\n  host: [unclosed\n");
    f.close();
    const StartupPlan plan = planStartup({file, QString(), QString(), QString()},
                                         QString(),
                                         QProcessEnvironment(),
                                         m_dir.filePath(QStringLiteral("none.ini")));
    QVERIFY(!plan.connect);
    QVERIFY2(plan.error.contains(QStringLiteral("bad.yaml")), qPrintable(plan.error));
    QVERIFY2(plan.error.contains(QStringLiteral("bad.yaml:3")), qPrintable(plan.error));

    const StartupPlan missing
        = planStartup({QString(), QString(), QStringLiteral("nope"), QString()},
                      QString(),
                      QProcessEnvironment(),
                      m_dir.filePath(QStringLiteral("none.ini")));
    QVERIFY(!missing.connect);
    QVERIFY2(missing.error.contains(QStringLiteral("\"nope\"")), qPrintable(missing.error));
}

void tst_Startup::profileNeverReadsKeychain()
{
    // No D-Bus here: a keychain read would fail or hang; the plan must not try.
    const QString ini = m_dir.filePath(QStringLiteral("p2.ini"));
    {
        ProfileStore store(ini);
        DatabaseConfig c;
        c.host = QStringLiteral("127.0.0.1");
        c.port = 6543;
        store.save(QStringLiteral("prod"), c);
    }
    const StartupPlan plan = planStartup({QString(), QString(), QStringLiteral("prod"), QString()},
                                         QString(),
                                         QProcessEnvironment(),
                                         ini);
    QVERIFY(plan.connect);
    QCOMPARE(plan.profile, QStringLiteral("prod"));
    QCOMPARE(plan.config.database.port, 6543);
    QVERIFY(plan.config.database.password.isEmpty());
    QVERIFY(plan.warnings.isEmpty());
}

QTEST_MAIN(tst_Startup)
#include "tst_startup.moc"
