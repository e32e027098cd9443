#include <config/profilestore.h>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace melodee;
using namespace std::chrono_literals;

class tst_ProfileStore : public QObject
{
    Q_OBJECT

private slots:
    void roundTrip();
    void passwordNeverStored();
    void names_data();
    void names();
};

void tst_ProfileStore::roundTrip()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("p.ini"));
    DatabaseConfig c;
    c.host = QStringLiteral("127.0.0.1");
    c.port = 5544;
    c.user = QStringLiteral("admin");
    c.dbname = QStringLiteral("melodee");
    c.sslmode = QStringLiteral("verify-full");
    c.sslrootcert = QStringLiteral("/etc/ca.crt");
    c.maxOpenConns = 12;
    c.maxIdleConns = 6;
    c.connMaxLifetime = 20min;
    {
        ProfileStore store(file);
        store.save(QStringLiteral("prod"), c);
        store.save(QStringLiteral("staging"), DatabaseConfig{});
    }
    ProfileStore store(file);
    QCOMPARE(store.names(), (QStringList{QStringLiteral("prod"), QStringLiteral("staging")}));
    const auto loaded = store.load(QStringLiteral("prod"));
    QVERIFY(loaded);
    QCOMPARE(loaded->host, c.host);
    QCOMPARE(loaded->port, c.port);
    QCOMPARE(loaded->sslmode, c.sslmode);
    QCOMPARE(loaded->sslrootcert, c.sslrootcert);
    QCOMPARE(loaded->maxOpenConns, 12);
    QCOMPARE(loaded->connMaxLifetime, Duration(20min));
    store.remove(QStringLiteral("prod"));
    QCOMPARE(store.names(), QStringList{QStringLiteral("staging")});
    QVERIFY(!store.load(QStringLiteral("prod")));
}

void tst_ProfileStore::passwordNeverStored()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("p.ini"));
    DatabaseConfig c;
    c.password = QStringLiteral("do-not-write-me");
    ProfileStore(file).save(QStringLiteral("x"), c);
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray content = f.readAll();
    QVERIFY(!content.isEmpty());
    QVERIFY(!content.contains("do-not-write-me"));
    QVERIFY(ProfileStore(file).load(QStringLiteral("x"))->password.isEmpty());
}

void tst_ProfileStore::names_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("valid");
    QTest::newRow("plain") << "prod" << true;
    QTest::newRow("spaces") << "Prod EU 1" << true;
    QTest::newRow("empty") << "" << false;
    QTest::newRow("slash") << "a/b" << false;
    QTest::newRow("leading space") << " a" << false;
}

void tst_ProfileStore::names()
{
    QFETCH(QString, name);
    QFETCH(bool, valid);
    QCOMPARE(ProfileStore::isValidName(name), valid);
}

QTEST_GUILESS_MAIN(tst_ProfileStore)
#include "tst_profilestore.moc"
