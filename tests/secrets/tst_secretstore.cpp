#include <config/configsources.h>
#include <config/profilestore.h>
#include <db/connectparams.h>
#include <db/dberror.h>
#include <db/pgconnection.h>
#include <secrets/secretstore.h>
#include <util/redactor.h>

#include <testenv.h>

#include <QCoreApplication>
#include <QDirIterator>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUuid>

#include <cstdio>

using namespace melodee;

namespace {

const char *const kChildVar = "MELODEE_TST_SECRETSTORE_CHILD";

// Child mode: try to store and read back a password, print what SecretStore reported as JSON.
int runChild()
{
    SecretStore store;
    const QString key = QStringLiteral("tst-no-keychain");
    const QString secret = QString::fromUtf8(qgetenv(kChildVar));
    const SecretResult w = store.writeBlocking(key, secret);
    const SecretResult r = store.readBlocking(key);
    const QJsonObject o{{QStringLiteral("writeOk"), w.ok},
                        {QStringLiteral("writeUnavailable"), w.keychainUnavailable},
                        {QStringLiteral("writeError"), w.error},
                        {QStringLiteral("readOk"), r.ok},
                        {QStringLiteral("readUnavailable"), r.keychainUnavailable},
                        {QStringLiteral("readNotFound"), r.notFound},
                        {QStringLiteral("readError"), r.error}};
    std::fputs(QJsonDocument(o).toJson(QJsonDocument::Compact).constData(), stdout);
    return 0;
}

QString uniqueKey(const char *what)
{
    return QStringLiteral("tst-%1-%2")
        .arg(QLatin1String(what), QUuid::createUuid().toString(QUuid::Id128).left(8));
}

} // namespace

// SecretStore against a real Secret Service (gnome-keyring in a private D-Bus session, started
// by tests/fixtures/with-keychain.sh), and the no-keychain case in a child process.
class tst_SecretStore : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup() { Redactor::clearSecrets(); }
    void roundTrip_data();
    void roundTrip();
    void notFound();
    void servicesAreSeparate();
    void asyncApi();
    void profilePasswordFromKeychain();
    void futureApi();
    void storedPasswordOnlyToItsServer_data();
    void storedPasswordOnlyToItsServer();
    void noKeychain();
};

void tst_SecretStore::initTestCase()
{
    QVERIFY2(!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"),
             "no D-Bus session: run through tests/fixtures/with-keychain.sh (ctest does)");
    const SecretResult probe = SecretStore().readBlocking(uniqueKey("probe"));
    QVERIFY2(!probe.keychainUnavailable, qPrintable(probe.error));
}

void tst_SecretStore::roundTrip_data()
{
    QTest::addColumn<QString>("first");
    QTest::addColumn<QString>("second");
    QTest::newRow("odd") << QStringLiteral(R"(p a'ss\ dbname=evil)") << QStringLiteral("plain");
    QTest::newRow("unicode") << QStringLiteral("pässwörd✓ 密码") << QStringLiteral("zwei");
    QTest::newRow("long") << QString(4096, QLatin1Char('x')) << QStringLiteral("short");
    QTest::newRow("quotes and newline") << QStringLiteral("a\"b\nc") << QStringLiteral("=;:@/");
}

void tst_SecretStore::roundTrip()
{
    QFETCH(QString, first);
    QFETCH(QString, second);
    SecretStore store;
    QCOMPARE(store.service(), QStringLiteral("melodee-admin"));
    const QString key = uniqueKey("profile");

    SecretResult r = store.writeBlocking(key, first);
    QVERIFY2(r.ok, qPrintable(r.error));
    r = store.readBlocking(key);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.value, first);
    // What was read is masked in anything logged from now on.
    QVERIFY(!Redactor::redact(QStringLiteral("x ") + first + QStringLiteral(" y")).contains(first));

    r = store.writeBlocking(key, second); // overwrite
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(store.readBlocking(key).value, second);

    r = store.removeBlocking(key);
    QVERIFY2(r.ok, qPrintable(r.error));
    r = store.readBlocking(key);
    QVERIFY(!r.ok);
    QVERIFY(r.notFound);
    QVERIFY(!r.keychainUnavailable);
}

void tst_SecretStore::notFound()
{
    const QString key = uniqueKey("never-written");
    const SecretResult r = SecretStore().readBlocking(key);
    QVERIFY(!r.ok);
    QVERIFY(r.notFound);
    QVERIFY(!r.keychainUnavailable);
    QVERIFY(r.value.isEmpty());
    QVERIFY2(r.error.contains(key), qPrintable(r.error));
}

void tst_SecretStore::servicesAreSeparate()
{
    const QString key = uniqueKey("shared");
    SecretStore a;
    SecretStore b(QStringLiteral("melodee-admin-other"));
    QVERIFY(a.writeBlocking(key, QStringLiteral("from-a")).ok);
    QVERIFY(b.readBlocking(key).notFound);
    QVERIFY(b.writeBlocking(key, QStringLiteral("from-b")).ok);
    QCOMPARE(a.readBlocking(key).value, QStringLiteral("from-a"));
    QCOMPARE(b.readBlocking(key).value, QStringLiteral("from-b"));
    a.removeBlocking(key);
    b.removeBlocking(key);
}

void tst_SecretStore::asyncApi()
{
    SecretStore store;
    const QString key = uniqueKey("async");
    QObject context;
    QEventLoop loop;
    QTimer::singleShot(20000, &loop, &QEventLoop::quit); // a hung keychain fails the test, not CI
    SecretResult got;
    store.write(key, QStringLiteral("async-secret"), &context, [&](const SecretResult &r) {
        QVERIFY2(r.ok, qPrintable(r.error));
        store.read(key, &context, [&](const SecretResult &rr) {
            got = rr;
            loop.quit();
        });
    });
    loop.exec();
    QVERIFY2(got.ok, qPrintable(got.error));
    QCOMPARE(got.value, QStringLiteral("async-secret"));
    bool removed = false;
    store.remove(key, &context, [&](const SecretResult &r) {
        removed = r.ok;
        loop.quit();
    });
    loop.exec();
    QVERIFY(removed);
}

void tst_SecretStore::profilePasswordFromKeychain()
{
    QTemporaryDir dir;
    const QString ini = dir.filePath(QStringLiteral("profiles.ini"));
    const QString name = uniqueKey("prod");
    DatabaseConfig profile;
    profile.host = QStringLiteral("127.0.0.1");
    profile.user = QStringLiteral("melodee");
    profile.password = QStringLiteral("must-not-be-saved");
    ProfileStore(ini).save(name, profile);
    QVERIFY(SecretStore().writeBlocking(name, QStringLiteral("from-keychain")).ok);

    ConfigSources sources;
    sources.profile = name;
    sources.profileSettingsFile = ini;
    sources.environment = QProcessEnvironment();
    QCOMPARE(resolveConfig(sources).database.password, QStringLiteral("from-keychain"));
    // A password from the environment wins over the keychain.
    sources.environment.insert(QStringLiteral("MELODEE_DATABASE_PASSWORD"),
                               QStringLiteral("from-env"));
    QCOMPARE(resolveConfig(sources).database.password, QStringLiteral("from-env"));

    QFile f(ini);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray saved = f.readAll();
    QVERIFY(!saved.contains("must-not-be-saved"));
    QVERIFY(!saved.contains("from-keychain"));
    SecretStore().removeBlocking(name);
}

void tst_SecretStore::futureApi()
{
    SecretStore store;
    const QString key = uniqueKey("future");
    QVERIFY(store.writeBlocking(key, QStringLiteral("future-secret")).ok);
    QFuture<SecretResult> read = store.read(key);
    QTRY_VERIFY_WITH_TIMEOUT(read.isFinished(), 20000);
    QVERIFY(read.result().ok);
    QCOMPARE(read.result().value, QStringLiteral("future-secret"));
    // A cancelled read still finishes; whoever waits sees the cancellation, not a value.
    QFuture<SecretResult> dropped = store.read(key);
    dropped.cancel();
    QTRY_VERIFY_WITH_TIMEOUT(dropped.isFinished(), 20000);
    QVERIFY(dropped.isCanceled());
    QVERIFY(store.removeBlocking(key).ok);
}

void tst_SecretStore::storedPasswordOnlyToItsServer_data()
{
    QTest::addColumn<QStringList>("env"); // MELODEE_* overrides on top of the profile
    QTest::addColumn<bool>("loggedIn");
    QTest::newRow("the profile's own server") << QStringList{} << true;
    QTest::newRow("host overridden by the environment")
        << QStringList{"MELODEE_DATABASE_HOST=localhost"} << false;
    QTest::newRow("port overridden") << QStringList{"MELODEE_DATABASE_PORT=1"} << false;
    QTest::newRow("password given for this run goes wherever the run says")
        << QStringList{"MELODEE_DATABASE_HOST=localhost", "MELODEE_DATABASE_PASSWORD=@PW@"} << true;
}

void tst_SecretStore::storedPasswordOnlyToItsServer()
{
    // The keychain holds a real role's password for profile (fixture host, fixture port). The
    // environment then moves the connection; the stored password must not follow it.
    QFETCH(QStringList, env);
    QFETCH(bool, loggedIn);
    MELODEE_REQUIRE_POSTGRES();
    using melodee::test::TestEnv;
    const QString role = QStringLiteral("melodee_tst_bound");
    const QString password = QStringLiteral("bound p'w\\ 1");
    QString literal = password;
    literal.replace(QLatin1Char('\''), QLatin1String("''"));
    TestEnv::psql(QStringLiteral("DROP ROLE IF EXISTS %1; SET password_encryption = "
                                 "'scram-sha-256'; CREATE ROLE %1 LOGIN PASSWORD '%2'")
                      .arg(role, literal));
    QTemporaryDir dir;
    const QString ini = dir.filePath(QStringLiteral("profiles.ini"));
    const QString name = uniqueKey("bound");
    DatabaseConfig profile;
    profile.host = TestEnv::pgHost();
    profile.port = TestEnv::pgPort();
    profile.user = role;
    profile.dbname = QStringLiteral("postgres");
    profile.sslmode = QStringLiteral("disable");
    ProfileStore(ini).save(name, profile);
    QVERIFY(SecretStore().writeBlocking(name, password).ok);

    ConfigSources sources;
    sources.profile = name;
    sources.profileSettingsFile = ini;
    sources.environment = QProcessEnvironment();
    for (QString kv : std::as_const(env)) {
        kv.replace(QLatin1String("@PW@"), password);
        sources.environment.insert(kv.section(QLatin1Char('='), 0, 0),
                                   kv.section(QLatin1Char('='), 1));
    }
    const AppConfig config = resolveConfig(sources);
    QCOMPARE(config.database.password, password);
    // Withheld before any connection attempt, not just refused by a server.
    QCOMPARE(ConnectParams(config.database).passwordWithheld().isEmpty(), loggedIn);
    try {
        const auto conn = PgConnection::open(config.database);
        QVERIFY2(loggedIn, "logged in on a server the password was not saved for");
        QCOMPARE(conn->exec("SELECT current_user").text(0, 0), role);
    } catch (const DbError &e) {
        QVERIFY2(!loggedIn, qPrintable(e.toString()));
        QVERIFY(!e.toString().contains(password));
    }
    SecretStore().removeBlocking(name);
}

void tst_SecretStore::noKeychain()
{
    QTemporaryDir home;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // No session bus and nothing libdbus could find one through.
    for (const char *v : {"DBUS_SESSION_BUS_ADDRESS",
                          "DISPLAY",
                          "WAYLAND_DISPLAY",
                          "XDG_RUNTIME_DIR",
                          "GNOME_KEYRING_CONTROL"})
        env.remove(QString::fromLatin1(v));
    env.insert(QStringLiteral("HOME"), home.path());
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral(".config")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral(".local/share")));
    const QString secret
        = QStringLiteral("no-keychain-secret-") + QUuid::createUuid().toString(QUuid::Id128);
    env.insert(QString::fromLatin1(kChildVar), secret);

    QProcess child;
    child.setProcessEnvironment(env);
    child.start(QCoreApplication::applicationFilePath(), {});
    QVERIFY(child.waitForFinished(60000));
    QCOMPARE(child.exitCode(), 0);
    const QByteArray out = child.readAllStandardOutput();
    const QJsonObject o = QJsonDocument::fromJson(out).object();
    QVERIFY2(!o.isEmpty(), out.constData());
    QVERIFY(!o.value(QStringLiteral("writeOk")).toBool());
    QVERIFY2(o.value(QStringLiteral("writeUnavailable")).toBool(), out.constData());
    QVERIFY(!o.value(QStringLiteral("readOk")).toBool());
    QVERIFY2(o.value(QStringLiteral("readUnavailable")).toBool(), out.constData());
    QVERIFY(o.value(QStringLiteral("writeError")).toString().contains(QLatin1String("keychain")));
    QVERIFY(!out.contains(secret.toUtf8()));
    QVERIFY(!child.readAllStandardError().contains(secret.toUtf8()));

    // Nothing was written anywhere under HOME: no plain-text fallback.
    QStringList files;
    QDirIterator it(
        home.path(), QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext())
        files << it.next();
    QVERIFY2(files.isEmpty(), qPrintable(files.join(QLatin1Char(' '))));
}

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (qEnvironmentVariableIsSet(kChildVar))
        return runChild();
    tst_SecretStore test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_secretstore.moc"
