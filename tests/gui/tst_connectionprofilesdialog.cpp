#include <config/profilestore.h>
#include <dialogs/connectionprofilesdialog.h>

#include "dialogfield.h"

#include <testenv.h>

#include <QComboBox>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace melodee;
using namespace melodee::test;

// Without a keychain (no D-Bus session here): profiles, validation, import and connection tests.
// The keychain path is in tst_connectionprofilesdialog_keychain.
class tst_ConnectionProfilesDialog : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void saysKeychainIsUnavailable();
    void createEditDelete();
    void profileSequences_data();
    void profileSequences();
    void validation_data();
    void validation();
    void importConfig_data();
    void importConfig();
    void testConnectionToFixture_data();
    void testConnectionToFixture();
    void silentServerKeepsWindowResponsive();
    void cancelTest();
    void connectEmitsConfig();

private:
    void fillFixture(ConnectionProfilesDialog &dialog);
    QString ini() const { return m_dir.filePath(QStringLiteral("profiles.ini")); }

    QTemporaryDir m_dir;
};

void tst_ConnectionProfilesDialog::initTestCase()
{
    // No D-Bus session and no X display: QtKeychain cannot reach any keychain.
    qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    qunsetenv("DISPLAY");
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.path());
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.path());
}

void tst_ConnectionProfilesDialog::init()
{
    QFile::remove(ini());
}

void tst_ConnectionProfilesDialog::fillFixture(ConnectionProfilesDialog &dialog)
{
    field<QLineEdit>(&dialog, "host")->setText(TestEnv::pgHost());
    field<QSpinBox>(&dialog, "port")->setValue(TestEnv::pgPort());
    field<QLineEdit>(&dialog, "user")->setText(QStringLiteral("postgres"));
    field<QLineEdit>(&dialog, "dbname")->setText(QStringLiteral("postgres"));
}

void tst_ConnectionProfilesDialog::saysKeychainIsUnavailable()
{
    ConnectionProfilesDialog dialog(ini());
    dialog.show();
    QTRY_COMPARE_WITH_TIMEOUT(
        dialog.keychainState(), ConnectionProfilesDialog::KeychainState::Unavailable, 10000);
    QVERIFY2(dialog.keychainText().contains(QLatin1String("not available")),
             qPrintable(dialog.keychainText()));
    QVERIFY2(dialog.keychainText().contains(QLatin1String("each time")),
             qPrintable(dialog.keychainText()));
}

void tst_ConnectionProfilesDialog::createEditDelete()
{
    ConnectionProfilesDialog dialog(ini());
    dialog.show();
    QTRY_COMPARE_WITH_TIMEOUT(
        dialog.keychainState(), ConnectionProfilesDialog::KeychainState::Unavailable, 10000);
    QSignalSpy changed(&dialog, &ConnectionProfilesDialog::profilesChanged);
    QCOMPARE(dialog.profileNames(), QStringList{});

    // Create.
    dialog.newProfile();
    field<QLineEdit>(&dialog, "name")->setText(QStringLiteral("staging"));
    fillFixture(dialog);
    const QString password = QStringLiteral("typed-but-never-saved");
    field<QLineEdit>(&dialog, "password")->setText(password);
    auto *sslmode = field<QComboBox>(&dialog, "sslmode");
    sslmode->setCurrentIndex(sslmode->findData(QStringLiteral("require")));
    field<QSpinBox>(&dialog, "maxOpenConns")->setValue(12);
    field<QSpinBox>(&dialog, "maxIdleConns")->setValue(6);
    field<QLineEdit>(&dialog, "connMaxLifetime")->setText(QStringLiteral("1h30m"));
    field<QLineEdit>(&dialog, "connMaxIdleTime")->setText(QStringLiteral("90s"));
    QVERIFY(field<QPushButton>(&dialog, "saveButton")->isEnabled());
    QTest::mouseClick(field<QPushButton>(&dialog, "saveButton"), Qt::LeftButton);
    QCOMPARE(dialog.profileNames(), QStringList{QStringLiteral("staging")});
    QCOMPARE(dialog.currentProfile(), QStringLiteral("staging"));
    QCOMPARE(changed.count(), 1);
    QVERIFY2(dialog.messageText().contains(QLatin1String("not saved (no keychain)")),
             qPrintable(dialog.messageText()));
    {
        const auto saved = ProfileStore(ini()).load(QStringLiteral("staging"));
        QVERIFY(saved);
        QCOMPARE(saved->port, TestEnv::pgPort());
        QCOMPARE(saved->sslmode, QStringLiteral("require"));
        QCOMPARE(saved->maxOpenConns, 12);
        QCOMPARE(saved->maxIdleConns, 6);
        QCOMPARE(saved->connMaxLifetime, Duration(std::chrono::minutes(90)));
        QCOMPARE(saved->connMaxIdleTime, Duration(std::chrono::seconds(90)));
        QVERIFY(saved->password.isEmpty());
    }

    // Edit: another port, then a rename.
    field<QSpinBox>(&dialog, "port")->setValue(6001);
    QVERIFY(dialog.saveProfile());
    QCOMPARE(ProfileStore(ini()).load(QStringLiteral("staging"))->port, 6001);
    field<QLineEdit>(&dialog, "name")->setText(QStringLiteral("staging-2"));
    QVERIFY(dialog.saveProfile());
    QCOMPARE(dialog.profileNames(), QStringList{QStringLiteral("staging-2")});

    // A second profile, and the list switches between them.
    dialog.newProfile();
    field<QLineEdit>(&dialog, "name")->setText(QStringLiteral("prod"));
    field<QLineEdit>(&dialog, "host")->setText(QStringLiteral("127.0.0.2"));
    QVERIFY(dialog.saveProfile());
    QCOMPARE(dialog.profileNames(),
             (QStringList{QStringLiteral("prod"), QStringLiteral("staging-2")}));
    QVERIFY(dialog.selectProfile(QStringLiteral("staging-2")));
    QCOMPARE(field<QSpinBox>(&dialog, "port")->value(), 6001);
    QCOMPARE(field<QLineEdit>(&dialog, "connMaxLifetime")->text(), QStringLiteral("1h30m"));
    // A duplicate name is refused, nothing is overwritten.
    field<QLineEdit>(&dialog, "name")->setText(QStringLiteral("prod"));
    QVERIFY(!dialog.saveProfile());
    QVERIFY2(dialog.messageText().contains(QLatin1String("already exists")),
             qPrintable(dialog.messageText()));
    QCOMPARE(ProfileStore(ini()).load(QStringLiteral("prod"))->host, QStringLiteral("127.0.0.2"));

    // Delete.
    QVERIFY(dialog.selectProfile(QStringLiteral("prod")));
    QVERIFY(dialog.deleteProfile(false));
    QCOMPARE(dialog.profileNames(), QStringList{QStringLiteral("staging-2")});

    // The password went nowhere on disk.
    QFile file(ini());
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(!file.readAll().contains(password.toUtf8()));
}

void tst_ConnectionProfilesDialog::profileSequences_data()
{
    // Steps: "new NAME HOST" (New, as a menu or shortcut would, then Save clicked with the mouse,
    // which leaves focus on Save), "rename NAME" (Save must succeed), "rename! NAME" (Save must be
    // refused), "select NAME", "delete". Expected: the saved profiles as "name=host".
    QTest::addColumn<QStringList>("steps");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("two new") << QStringList{"new a 10.0.0.1", "new b 10.0.0.2"}
                             << QStringList{"a=10.0.0.1", "b=10.0.0.2"};
    QTest::newRow("rename then new") << QStringList{"new a 10.0.0.1", "rename a2", "new b 10.0.0.2"}
                                     << QStringList{"a2=10.0.0.1", "b=10.0.0.2"};
    QTest::newRow("three new") << QStringList{"new c 10.0.0.3", "new b 10.0.0.2", "new a 10.0.0.1"}
                               << QStringList{"a=10.0.0.1", "b=10.0.0.2", "c=10.0.0.3"};
    QTest::newRow("rename twice") << QStringList{"new a 10.0.0.1", "rename b", "rename c"}
                                  << QStringList{"c=10.0.0.1"};
    QTest::newRow("rename back") << QStringList{"new a 10.0.0.1", "rename b", "rename a"}
                                 << QStringList{"a=10.0.0.1"};
    QTest::newRow("rename a selected one, then new")
        << QStringList{"new a 10.0.0.1", "new b 10.0.0.2", "select a", "rename z", "new c 10.0.0.3"}
        << QStringList{"b=10.0.0.2", "c=10.0.0.3", "z=10.0.0.1"};
    QTest::newRow("delete then new")
        << QStringList{"new a 10.0.0.1", "new b 10.0.0.2", "select a", "delete", "new c 10.0.0.3"}
        << QStringList{"b=10.0.0.2", "c=10.0.0.3"};
    QTest::newRow("delete the only one, then new")
        << QStringList{"new a 10.0.0.1", "delete", "new b 10.0.0.2"} << QStringList{"b=10.0.0.2"};
    QTest::newRow("rename onto an existing name is refused")
        << QStringList{"new a 10.0.0.1",
                       "new b 10.0.0.2",
                       "select a",
                       "rename! b",
                       "new c 10.0.0.3"}
        << QStringList{"a=10.0.0.1", "b=10.0.0.2", "c=10.0.0.3"};
    QTest::newRow("rename then delete")
        << QStringList{"new a 10.0.0.1", "rename b", "delete"} << QStringList{};
    QTest::newRow("new with an existing name is refused")
        << QStringList{"new a 10.0.0.1", "new a! 10.0.0.2"} << QStringList{"a=10.0.0.1"};
}

void tst_ConnectionProfilesDialog::profileSequences()
{
    QFETCH(QStringList, steps);
    QFETCH(QStringList, expected);
    ConnectionProfilesDialog dialog(ini());
    dialog.show();
    QVERIFY(QTest::qWaitForWindowActive(&dialog));
    auto *save = field<QPushButton>(&dialog, "saveButton");
    for (const QString &step : steps) {
        const QStringList w = step.split(QLatin1Char(' '));
        if (w[0] == QLatin1String("new")) {
            dialog.newProfile();
            // New always starts from a blank form, whatever had focus before.
            QVERIFY2(dialog.currentProfile().isEmpty(), qPrintable(step));
            QVERIFY2(dialog.formName().isEmpty(), qPrintable(step));
            QCOMPARE(field<QSpinBox>(&dialog, "port")->value(), 0);
            QVERIFY(dialog.findChild<QListWidget *>(QStringLiteral("profileList"))->currentItem()
                    == nullptr);
            const bool refused = w[1].endsWith(QLatin1Char('!'));
            const QString name = refused ? w[1].chopped(1) : w[1];
            field<QLineEdit>(&dialog, "name")->setText(name);
            field<QLineEdit>(&dialog, "host")->setText(w[2]);
            QTest::mouseClick(save, Qt::LeftButton);
            QCOMPARE(dialog.currentProfile(), refused ? QString() : name);
            if (refused)
                QVERIFY2(dialog.messageText().contains(QLatin1String("already exists")),
                         qPrintable(dialog.messageText()));
        } else if (w[0].startsWith(QLatin1String("rename"))) {
            const bool refused = w[0].endsWith(QLatin1Char('!'));
            const QString before = dialog.currentProfile();
            field<QLineEdit>(&dialog, "name")->setText(w[1]);
            QTest::mouseClick(save, Qt::LeftButton);
            QCOMPARE(dialog.currentProfile(), refused ? before : w[1]);
        } else if (w[0] == QLatin1String("select")) {
            QVERIFY(dialog.selectProfile(w[1]));
            QCOMPARE(dialog.currentProfile(), w[1]);
        } else if (w[0] == QLatin1String("delete")) {
            QVERIFY(dialog.deleteProfile(false));
        } else {
            QFAIL(qPrintable(QStringLiteral("bad step %1").arg(step)));
        }
    }
    QStringList saved;
    const ProfileStore store(ini());
    for (const QString &name : store.names())
        saved << name + QLatin1Char('=') + store.load(name)->host;
    QCOMPARE(saved, expected);
    QStringList listed;
    auto *list = dialog.findChild<QListWidget *>(QStringLiteral("profileList"));
    for (int i = 0; i < list->count(); ++i)
        listed << list->item(i)->text();
    QCOMPARE(listed, dialog.profileNames());
    QCOMPARE(dialog.profileNames(), store.names());
}

void tst_ConnectionProfilesDialog::validation_data()
{
    QTest::addColumn<QString>("fieldName");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("errorContains");
    QTest::addColumn<bool>("testAllowed");
    QTest::newRow("lifetime not a duration") << "connMaxLifetime"
                                             << "abc"
                                             << "\"abc\"" << false;
    QTest::newRow("idle time without unit") << "connMaxIdleTime"
                                            << "15"
                                            << "\"15\"" << false;
    QTest::newRow("negative idle time") << "connMaxIdleTime"
                                        << "-5m"
                                        << "\"-5m\"" << false;
    QTest::newRow("connect timeout empty") << "connectTimeout"
                                           << ""
                                           << "Connect timeout" << false;
    QTest::newRow("missing CA file") << "sslrootcert"
                                     << "/nonexistent/ca.crt"
                                     << "/nonexistent/ca.crt" << false;
    QTest::newRow("bad name blocks save only") << "name"
                                               << "bad/name"
                                               << "\"bad/name\"" << true;
    QTest::newRow("empty name blocks save only") << "name"
                                                 << ""
                                                 << "Name:" << true;
    QTest::newRow("fine go duration") << "connMaxLifetime"
                                      << "1h2m3.5s"
                                      << "" << true;
}

void tst_ConnectionProfilesDialog::validation()
{
    QFETCH(QString, fieldName);
    QFETCH(QString, value);
    QFETCH(QString, errorContains);
    QFETCH(bool, testAllowed);
    ConnectionProfilesDialog dialog(ini());
    dialog.newProfile();
    field<QLineEdit>(&dialog, "name")->setText(QStringLiteral("ok"));
    field<QLineEdit>(&dialog, fieldName.toLatin1().constData())->setText(value);
    auto *label = field<QLabel>(&dialog, "validationLabel");
    if (errorContains.isEmpty()) {
        QVERIFY2(dialog.validationErrors().isEmpty(), qPrintable(label->text()));
        QVERIFY(field<QPushButton>(&dialog, "saveButton")->isEnabled());
    } else {
        QVERIFY2(label->text().contains(errorContains), qPrintable(label->text()));
        // Field names and plain words: no implementation language.
        QVERIFY2(!label->text().contains(QLatin1String("Go ")), qPrintable(label->text()));
        QVERIFY(!field<QPushButton>(&dialog, "saveButton")->isEnabled());
        QVERIFY(!dialog.saveProfile());
    }
    QCOMPARE(field<QPushButton>(&dialog, "testButton")->isEnabled(), testAllowed);
    QCOMPARE(field<QPushButton>(&dialog, "connectButton")->isEnabled(), testAllowed);
    QCOMPARE(ProfileStore(ini()).names(), errorContains.isEmpty() ? QStringList{} : QStringList{});
}

void tst_ConnectionProfilesDialog::importConfig_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QString>("messageContains");
    QTest::newRow("seed keys") << QByteArray(
        "database:\n  host: db.internal\n  port: 6432\n  user: melodee\n"
        "  dbname: music\n  sslmode: verify-full\n  max_open_conns: 40\n"
        "  max_idle_conns: 20\n  conn_max_lifetime: 45m\n  conn_max_idle_time: 5m\n")
                               << true << "Review them and Save";
    QTest::newRow("unknown key is a warning")
        << QByteArray("database:\n  host: h\n  colour: blue\n") << true << "colour";
    QTest::newRow("malformed yaml names the line")
        << QByteArray("database:\n  host: h\n  port: [1,\n") << false << "malformed YAML";
    QTest::newRow("bad duration names key and value")
        << QByteArray("database:\n  conn_max_lifetime: forever\n") << false << "forever";
    QTest::newRow("unknown sslmode")
        << QByteArray("database:\n  sslmode: sometimes\n") << false << "sometimes";
    QTest::newRow("negative size")
        << QByteArray("database:\n  max_open_conns: -3\n") << false << "max_open_conns";
}

void tst_ConnectionProfilesDialog::importConfig()
{
    QFETCH(QByteArray, yaml);
    QFETCH(bool, ok);
    QFETCH(QString, messageContains);
    const QString path = m_dir.filePath(QStringLiteral("melodee-config.yaml"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(yaml);
    f.close();
    ConnectionProfilesDialog dialog(ini());
    field<QLineEdit>(&dialog, "host")->setText(QStringLiteral("untouched"));
    QCOMPARE(dialog.importConfigFile(path), ok);
    QVERIFY2(dialog.messageText().contains(messageContains), qPrintable(dialog.messageText()));
    if (!ok) {
        // A failed import changes nothing in the form and names the file.
        QCOMPARE(field<QLineEdit>(&dialog, "host")->text(), QStringLiteral("untouched"));
        QVERIFY2(dialog.messageText().contains(path), qPrintable(dialog.messageText()));
        return;
    }
    QCOMPARE(dialog.formName(), QStringLiteral("melodee-config"));
    if (QTest::currentDataTag() == QLatin1String("seed keys")) {
        QCOMPARE(field<QLineEdit>(&dialog, "host")->text(), QStringLiteral("db.internal"));
        QCOMPARE(field<QSpinBox>(&dialog, "port")->value(), 6432);
        QCOMPARE(field<QLineEdit>(&dialog, "user")->text(), QStringLiteral("melodee"));
        QCOMPARE(field<QLineEdit>(&dialog, "dbname")->text(), QStringLiteral("music"));
        QCOMPARE(field<QComboBox>(&dialog, "sslmode")->currentData().toString(),
                 QStringLiteral("verify-full"));
        QCOMPARE(field<QSpinBox>(&dialog, "maxOpenConns")->value(), 40);
        QCOMPARE(field<QSpinBox>(&dialog, "maxIdleConns")->value(), 20);
        QCOMPARE(field<QLineEdit>(&dialog, "connMaxLifetime")->text(), QStringLiteral("45m"));
        QCOMPARE(field<QLineEdit>(&dialog, "connMaxIdleTime")->text(), QStringLiteral("5m"));
    }
    // Import fills the form; nothing is saved until the user saves.
    QCOMPARE(ProfileStore(ini()).names(), QStringList{});
}

void tst_ConnectionProfilesDialog::testConnectionToFixture_data()
{
    QTest::addColumn<QString>("sslmode");
    QTest::addColumn<bool>("withCa");
    QTest::addColumn<QString>("tlsContains");
    QTest::newRow("plain") << "disable" << false << "TLS: not in use";
    QTest::newRow("verify-full with the CA") << "verify-full" << true << "TLSv1.";
}

void tst_ConnectionProfilesDialog::testConnectionToFixture()
{
    QFETCH(QString, sslmode);
    QFETCH(bool, withCa);
    QFETCH(QString, tlsContains);
    ConnectionProfilesDialog dialog(ini());
    dialog.show();
    dialog.newProfile();
    fillFixture(dialog);
    auto *mode = field<QComboBox>(&dialog, "sslmode");
    mode->setCurrentIndex(mode->findData(sslmode));
    if (withCa)
        field<QLineEdit>(&dialog, "sslrootcert")->setText(TestEnv::pgCa());
    QSignalSpy finished(&dialog, &ConnectionProfilesDialog::testFinished);
    QTest::mouseClick(field<QPushButton>(&dialog, "testButton"), Qt::LeftButton);
    QVERIFY(dialog.isTestRunning());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);
    QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(dialog.testResultText()));
    const QString text = dialog.testResultText();
    QVERIFY2(text.contains(QLatin1String("PostgreSQL 15")), qPrintable(text));
    QVERIFY2(text.contains(QLatin1String("SELECT 1")), qPrintable(text));
    QVERIFY2(text.contains(tlsContains), qPrintable(text));
    QCOMPARE(field<QPushButton>(&dialog, "testButton")->text(), QStringLiteral("&Test connection"));
}

void tst_ConnectionProfilesDialog::silentServerKeepsWindowResponsive()
{
    // Accepts TCP connections and never says a word: libpq waits for connect_timeout.
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress(QStringLiteral("127.0.0.1"))));
    QList<QTcpSocket *> held;
    connect(&silent, &QTcpServer::newConnection, this, [&] {
        while (QTcpSocket *s = silent.nextPendingConnection())
            held << s;
    });

    ConnectionProfilesDialog dialog(ini());
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    dialog.newProfile();
    field<QLineEdit>(&dialog, "host")->setText(QStringLiteral("127.0.0.1"));
    field<QSpinBox>(&dialog, "port")->setValue(silent.serverPort());
    field<QLineEdit>(&dialog, "user")->setText(QStringLiteral("postgres"));
    field<QLineEdit>(&dialog, "connectTimeout")->setText(QStringLiteral("2s"));

    // A 10 ms timer probe: the longest gap between ticks is how long the event loop was blocked.
    QElapsedTimer clock;
    qint64 last = 0;
    qint64 maxGap = 0;
    int ticks = 0;
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    probe.setInterval(10);
    connect(&probe, &QTimer::timeout, this, [&] {
        const qint64 now = clock.elapsed();
        maxGap = std::max(maxGap, now - last);
        last = now;
        ++ticks;
    });

    QSignalSpy finished(&dialog, &ConnectionProfilesDialog::testFinished);
    clock.start();
    probe.start();
    QTest::mouseClick(field<QPushButton>(&dialog, "testButton"), Qt::LeftButton);
    QVERIFY(dialog.isTestRunning());
    QTRY_VERIFY_WITH_TIMEOUT(!held.isEmpty(), 5000);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 15000);
    const qint64 elapsed = clock.elapsed();
    probe.stop();
    qInfo("silent server: failed after %lld ms; event loop max gap %lld ms over %d ticks",
          elapsed,
          maxGap,
          ticks);

    QVERIFY2(maxGap < 100, qPrintable(QStringLiteral("event loop blocked for %1 ms").arg(maxGap)));
    QVERIFY(ticks > 100);
    QVERIFY(!finished.at(0).at(0).toBool());
    QVERIFY2(elapsed >= 1500 && elapsed < 12000, qPrintable(QString::number(elapsed)));
    const QString text = dialog.testResultText();
    QVERIFY2(text.startsWith(QLatin1String("Connection failed after")), qPrintable(text));
    QVERIFY2(text.contains(QLatin1String("timeout"), Qt::CaseInsensitive), qPrintable(text));
    qDeleteAll(held);
}

void tst_ConnectionProfilesDialog::cancelTest()
{
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress(QStringLiteral("127.0.0.1"))));
    QList<QTcpSocket *> held;
    connect(&silent, &QTcpServer::newConnection, this, [&] {
        while (QTcpSocket *s = silent.nextPendingConnection())
            held << s;
    });
    ConnectionProfilesDialog dialog(ini());
    dialog.newProfile();
    field<QLineEdit>(&dialog, "host")->setText(QStringLiteral("127.0.0.1"));
    field<QSpinBox>(&dialog, "port")->setValue(silent.serverPort());
    field<QLineEdit>(&dialog, "connectTimeout")->setText(QStringLiteral("2s"));
    QSignalSpy finished(&dialog, &ConnectionProfilesDialog::testFinished);
    auto *button = field<QPushButton>(&dialog, "testButton");
    QTest::mouseClick(button, Qt::LeftButton);
    QTRY_VERIFY(!held.isEmpty());
    QCOMPARE(button->text(), QStringLiteral("Cancel &test"));
    QTest::mouseClick(button, Qt::LeftButton); // the same button cancels
    QVERIFY(!dialog.isTestRunning());
    QCOMPARE(finished.count(), 1);
    QCOMPARE(dialog.testResultText(), QStringLiteral("Test cancelled."));
    // The abandoned attempt ends at connect_timeout (libpq closes its socket); once its worker
    // is done and its outcome delivered, the dialog has ignored it.
    QTRY_COMPARE_WITH_TIMEOUT(held.first()->state(), QAbstractSocket::UnconnectedState, 15000);
    QTRY_COMPARE_WITH_TIMEOUT(networkThreadPool()->activeThreadCount(), 0, 15000);
    QCoreApplication::sendPostedEvents();
    QCoreApplication::processEvents();
    QCOMPARE(finished.count(), 1);
    QCOMPARE(dialog.testResultText(), QStringLiteral("Test cancelled."));
    qDeleteAll(held);
}

void tst_ConnectionProfilesDialog::connectEmitsConfig()
{
    ConnectionProfilesDialog dialog(ini());
    dialog.newProfile();
    fillFixture(dialog);
    field<QLineEdit>(&dialog, "password")->setText(QStringLiteral("only-in-memory"));
    QSignalSpy requested(&dialog, &ConnectionProfilesDialog::connectRequested);
    dialog.open();
    QTest::mouseClick(field<QPushButton>(&dialog, "connectButton"), Qt::LeftButton);
    QCOMPARE(requested.count(), 1);
    const auto config = requested.at(0).at(0).value<DatabaseConfig>();
    QCOMPARE(config.port, TestEnv::pgPort());
    QCOMPARE(config.password, QStringLiteral("only-in-memory"));
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
}

QTEST_MAIN(tst_ConnectionProfilesDialog)
#include "tst_connectionprofilesdialog.moc"
