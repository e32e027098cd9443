#include <config/profilestore.h>
#include <dialogs/connectionprofilesdialog.h>
#include <secrets/secretstore.h>
#include <session/connectionsession.h>
#include <views/mainwindow.h>

#include "dialogfield.h"

#include <testenv.h>

#include <QComboBox>
#include <QFile>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

using namespace melodee;
using namespace melodee::test;

// The dialog with a real Secret Service (gnome-keyring under dbus-run-session, see
// tests/fixtures/with-keychain.sh) and a role that needs its password (scram-sha-256).
class tst_ConnectionProfilesDialogKeychain : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void passwordGoesToKeychainOnly();
    void mainWindowReadsPasswordAsync();
    void deleteRemovesPassword();
    void renameMovesPassword_data();
    void renameMovesPassword();
    void editingTargetForgetsPassword_data();
    void editingTargetForgetsPassword();

private:
    QString ini() const { return m_dir.filePath(QStringLiteral("profiles.ini")); }

    QTemporaryDir m_dir;
    const QString m_role = QStringLiteral("melodee_gui_kc");
    // Spaces, quotes and a backslash: passed verbatim through the keychain and libpq.
    const QString m_password = QStringLiteral("kc p'a\\ss dbname=evil");
};

void tst_ConnectionProfilesDialogKeychain::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
    QVERIFY2(qEnvironmentVariableIsSet("DBUS_SESSION_BUS_ADDRESS"),
             "run under tests/fixtures/with-keychain.sh");
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.path());
    QString sqlPassword = m_password;
    sqlPassword.replace(QLatin1Char('\''), QStringLiteral("''"));
    TestEnv::psql(QStringLiteral("DROP ROLE IF EXISTS %1; CREATE ROLE %1 LOGIN PASSWORD '%2';")
                      .arg(m_role, sqlPassword));
}

void tst_ConnectionProfilesDialogKeychain::passwordGoesToKeychainOnly()
{
    {
        ConnectionProfilesDialog dialog(ini());
        dialog.show();
        QTRY_COMPARE_WITH_TIMEOUT(
            dialog.keychainState(), ConnectionProfilesDialog::KeychainState::Available, 15000);
        dialog.newProfile();
        field<QLineEdit>(&dialog, "name")->setText(QStringLiteral("kc"));
        field<QLineEdit>(&dialog, "host")->setText(TestEnv::pgHost());
        field<QSpinBox>(&dialog, "port")->setValue(TestEnv::pgPort());
        field<QLineEdit>(&dialog, "user")->setText(m_role);
        field<QLineEdit>(&dialog, "dbname")->setText(QStringLiteral("postgres"));
        auto *mode = field<QComboBox>(&dialog, "sslmode");
        mode->setCurrentIndex(mode->findData(QStringLiteral("disable")));
        field<QLineEdit>(&dialog, "password")->setText(m_password);
        QSignalSpy stored(&dialog, &ConnectionProfilesDialog::passwordStored);
        QVERIFY(dialog.saveProfile());
        QTRY_COMPARE_WITH_TIMEOUT(stored.count(), 1, 15000);
        QVERIFY2(stored.at(0).at(1).toBool(), qPrintable(stored.at(0).at(2).toString()));
        // The field empties; the keychain holds the password.
        QVERIFY(field<QLineEdit>(&dialog, "password")->text().isEmpty());
        QVERIFY(dialog.hasStoredPassword());
    }
    const SecretResult secret = SecretStore().readBlocking(QStringLiteral("kc"));
    QVERIFY2(secret.ok, qPrintable(secret.error));
    QCOMPARE(secret.value, m_password);
    QFile file(ini());
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(!file.readAll().contains(m_password.toUtf8()));

    // A new dialog reads it back asynchronously and the test connection uses it.
    ConnectionProfilesDialog dialog(ini());
    QSignalSpy loaded(&dialog, &ConnectionProfilesDialog::passwordLoaded);
    dialog.show();
    QVERIFY(dialog.selectProfile(QStringLiteral("kc")));
    QTRY_VERIFY_WITH_TIMEOUT(!loaded.isEmpty() && dialog.hasStoredPassword(), 15000);
    QVERIFY(field<QLineEdit>(&dialog, "password")->text().isEmpty());
    QSignalSpy finished(&dialog, &ConnectionProfilesDialog::testFinished);
    dialog.testConnection();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);
    QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(dialog.testResultText()));
    QVERIFY(dialog.testResultText().contains(m_role));

    // A wrong typed password fails with the server's message and is not echoed.
    field<QLineEdit>(&dialog, "password")->setText(QStringLiteral("wrong-pw-5521"));
    dialog.testConnection();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 20000);
    QVERIFY(!finished.at(1).at(0).toBool());
    QVERIFY2(dialog.testResultText().contains(QLatin1String("password authentication failed")),
             qPrintable(dialog.testResultText()));
    QVERIFY(!dialog.testResultText().contains(QLatin1String("wrong-pw-5521")));
}

void tst_ConnectionProfilesDialogKeychain::mainWindowReadsPasswordAsync()
{
    const StartupPlan plan = planStartup({QString(), QString(), QStringLiteral("kc"), QString()},
                                         QString(),
                                         QProcessEnvironment(),
                                         ini());
    QVERIFY2(plan.error.isEmpty(), qPrintable(plan.error));
    QVERIFY(plan.config.database.password.isEmpty());
    MainWindow window;
    window.show();
    window.applyStartup(plan);
    QTRY_VERIFY_WITH_TIMEOUT(window.session()->isConnected(), 15000);
    QCOMPARE(window.session()->config().database.password, m_password);
    QTRY_VERIFY2_WITH_TIMEOUT(window.healthText().startsWith(QStringLiteral("● healthy")),
                              qPrintable(window.healthText()),
                              15000);
}

void tst_ConnectionProfilesDialogKeychain::deleteRemovesPassword()
{
    ConnectionProfilesDialog dialog(ini());
    dialog.show();
    QTRY_COMPARE_WITH_TIMEOUT(
        dialog.keychainState(), ConnectionProfilesDialog::KeychainState::Available, 15000);
    QVERIFY(dialog.selectProfile(QStringLiteral("kc")));
    QSignalSpy removed(&dialog, &ConnectionProfilesDialog::passwordStored);
    QVERIFY(dialog.deleteProfile(false));
    QTRY_COMPARE_WITH_TIMEOUT(removed.count(), 1, 15000);
    QVERIFY(removed.at(0).at(1).toBool());
    QVERIFY(!ProfileStore(ini()).names().contains(QStringLiteral("kc")));
    QVERIFY(SecretStore().readBlocking(QStringLiteral("kc")).notFound);
}

void tst_ConnectionProfilesDialogKeychain::renameMovesPassword_data()
{
    // Each row saves profile `first` with password "pw-<first>", optionally reopens the dialog
    // (so the saved password is still being read when the rename comes), renames through
    // `renames` without waiting between saves, and may delete at the end. The password must end
    // up under exactly `holder` (or nowhere), never lost, never left under an old name.
    QTest::addColumn<QString>("first");
    QTest::addColumn<bool>("reopen");
    QTest::addColumn<QStringList>("renames");
    QTest::addColumn<QString>("typedOnRename");
    QTest::addColumn<bool>("deleteAfter");
    QTest::addColumn<QString>("holder");
    QTest::newRow("rename keeps the password")
        << "mv1" << false << QStringList{"mv1-new"} << QString() << false << "mv1-new";
    QTest::newRow("rename while the password is still loading")
        << "mv2" << true << QStringList{"mv2-new"} << QString() << false << "mv2-new";
    QTest::newRow("rename with a new password")
        << "mv3" << false << QStringList{"mv3-new"} << "typed-new-pw" << false << "mv3-new";
    QTest::newRow("two renames back to back")
        << "mv4" << false << QStringList{"mv4-b", "mv4-c"} << QString() << false << "mv4-c";
    QTest::newRow("rename back to the first name")
        << "mv5" << true << QStringList{"mv5-b", "mv5"} << QString() << false << "mv5";
    QTest::newRow("rename then delete at once")
        << "mv6" << false << QStringList{"mv6-b"} << QString() << true << QString();
}

void tst_ConnectionProfilesDialogKeychain::renameMovesPassword()
{
    QFETCH(QString, first);
    QFETCH(bool, reopen);
    QFETCH(QStringList, renames);
    QFETCH(QString, typedOnRename);
    QFETCH(bool, deleteAfter);
    QFETCH(QString, holder);
    const QString password = QStringLiteral("pw-") + first;
    auto dialog = std::make_unique<ConnectionProfilesDialog>(ini());
    dialog->show();
    QTRY_COMPARE_WITH_TIMEOUT(
        dialog->keychainState(), ConnectionProfilesDialog::KeychainState::Available, 15000);
    dialog->newProfile();
    field<QLineEdit>(dialog.get(), "name")->setText(first);
    field<QLineEdit>(dialog.get(), "password")->setText(password);
    QVERIFY(dialog->saveProfile());
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->isKeychainBusy(), 15000);
    QCOMPARE(SecretStore().readBlocking(first).value, password);

    if (reopen) {
        dialog = std::make_unique<ConnectionProfilesDialog>(ini());
        dialog->show();
        QTRY_COMPARE_WITH_TIMEOUT(
            dialog->keychainState(), ConnectionProfilesDialog::KeychainState::Available, 15000);
        dialog->newProfile(); // so selecting loads the profile afresh
        QVERIFY(dialog->selectProfile(first));
        // The read of the saved password was just started and has not answered yet.
        QVERIFY(dialog->isPasswordReadPending());
    }
    QSignalSpy stored(dialog.get(), &ConnectionProfilesDialog::passwordStored);
    for (const QString &name : renames) {
        field<QLineEdit>(dialog.get(), "name")->setText(name);
        if (!typedOnRename.isEmpty())
            field<QLineEdit>(dialog.get(), "password")->setText(typedOnRename);
        QVERIFY(dialog->saveProfile());
    }
    if (deleteAfter)
        QVERIFY(dialog->deleteProfile(false));
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->isKeychainBusy(), 15000);
    QCOMPARE(stored.count(), int(renames.size()) + (deleteAfter ? 1 : 0));
    for (const QList<QVariant> &signal : stored)
        QVERIFY2(signal.at(1).toBool(), qPrintable(signal.at(2).toString()));

    const QString expected = typedOnRename.isEmpty() ? password : typedOnRename;
    QStringList names = renames;
    names.prepend(first);
    for (const QString &name : names) {
        const SecretResult r = SecretStore().readBlocking(name);
        if (name == holder) {
            QVERIFY2(r.ok, qPrintable(name + QLatin1String(": ") + r.error));
            QCOMPARE(r.value, expected);
        } else {
            QVERIFY2(r.notFound, qPrintable(name + QLatin1String(" still has an entry")));
        }
    }
    if (!holder.isEmpty()) {
        QCOMPARE(dialog->currentProfile(), holder);
        QVERIFY(dialog->hasStoredPassword());
        QVERIFY(field<QLineEdit>(dialog.get(), "password")->text().isEmpty());
        QCOMPARE(ProfileStore(ini()).names().filter(first), QStringList{holder});
        ProfileStore(ini()).remove(holder);
        SecretStore().removeBlocking(holder);
    }
}

void tst_ConnectionProfilesDialogKeychain::editingTargetForgetsPassword_data()
{
    // A saved password belongs to the host and port it was saved with. Each row saves a profile
    // for the fixture with a password, edits the target (or not), then acts.
    QTest::addColumn<QString>("edit");   // none, host, port, host and back
    QTest::addColumn<QString>("action"); // connect, save, type and save, reselect
    QTest::addColumn<bool>("forgotten");
    QTest::newRow("no edit: connect sends it, bound") << "none"
                                                      << "connect" << false;
    QTest::newRow("host edited: connect sends none") << "host"
                                                     << "connect" << true;
    QTest::newRow("port edited: connect sends none") << "port"
                                                     << "connect" << true;
    QTest::newRow("host edited and back: still forgotten") << "host and back"
                                                           << "connect" << true;
    QTest::newRow("host edited, saved: removed from the keychain") << "host"
                                                                   << "save" << true;
    QTest::newRow("port edited, new password typed and saved") << "port"
                                                               << "type and save" << true;
    QTest::newRow("edit abandoned by selecting the profile again") << "host"
                                                                   << "reselect" << true;
}

void tst_ConnectionProfilesDialogKeychain::editingTargetForgetsPassword()
{
    QFETCH(QString, edit);
    QFETCH(QString, action);
    QFETCH(bool, forgotten);
    // One profile per row, named after the row's number.
    static int row = 0;
    const QString name = QStringLiteral("tg-%1").arg(++row);
    ConnectionProfilesDialog dialog(ini());
    dialog.show();
    QTRY_COMPARE_WITH_TIMEOUT(
        dialog.keychainState(), ConnectionProfilesDialog::KeychainState::Available, 15000);
    dialog.newProfile();
    field<QLineEdit>(&dialog, "name")->setText(name);
    field<QLineEdit>(&dialog, "host")->setText(TestEnv::pgHost());
    field<QSpinBox>(&dialog, "port")->setValue(TestEnv::pgPort());
    field<QLineEdit>(&dialog, "user")->setText(m_role);
    field<QLineEdit>(&dialog, "password")->setText(m_password);
    QVERIFY(dialog.saveProfile());
    QTRY_VERIFY_WITH_TIMEOUT(!dialog.isKeychainBusy() && dialog.hasStoredPassword(), 15000);

    auto *host = field<QLineEdit>(&dialog, "host");
    auto *port = field<QSpinBox>(&dialog, "port");
    if (edit == QLatin1String("host") || edit == QLatin1String("host and back"))
        host->setText(QStringLiteral("db.example.invalid"));
    if (edit == QLatin1String("port"))
        port->setValue(TestEnv::pgPort() + 1);
    if (edit == QLatin1String("host and back"))
        host->setText(TestEnv::pgHost());
    QCOMPARE(dialog.hasStoredPassword(), !forgotten);
    QCOMPARE(dialog.isStoredPasswordForgotten(), forgotten);
    if (forgotten)
        QVERIFY2(dialog.keychainText().contains(QLatin1String("new host and port")),
                 qPrintable(dialog.keychainText()));

    if (action == QLatin1String("connect")) {
        QSignalSpy requested(&dialog, &ConnectionProfilesDialog::connectRequested);
        dialog.connectToServer();
        QCOMPARE(requested.count(), 1);
        const auto config = requested.at(0).at(0).value<DatabaseConfig>();
        QCOMPARE(config.password.isEmpty(), forgotten);
        QCOMPARE(config.passwordBoundTo.has_value(), !forgotten);
        if (!forgotten) {
            QCOMPARE(config.passwordBoundTo->host, TestEnv::pgHost());
            QCOMPARE(config.passwordBoundTo->port, TestEnv::pgPort());
        }
        // The keychain entry itself is untouched until a save.
        QCOMPARE(SecretStore().readBlocking(name).value, m_password);
    } else if (action == QLatin1String("save")) {
        QVERIFY(dialog.saveProfile());
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.isKeychainBusy(), 15000);
        QVERIFY(SecretStore().readBlocking(name).notFound);
        QVERIFY(!dialog.hasStoredPassword());
    } else if (action == QLatin1String("type and save")) {
        field<QLineEdit>(&dialog, "password")->setText(QStringLiteral("for-the-new-port"));
        QVERIFY(dialog.saveProfile());
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.isKeychainBusy() && dialog.hasStoredPassword(), 15000);
        QCOMPARE(SecretStore().readBlocking(name).value, QStringLiteral("for-the-new-port"));
        QVERIFY(!dialog.isStoredPasswordForgotten());
    } else if (action == QLatin1String("reselect")) {
        dialog.newProfile();
        QVERIFY(dialog.selectProfile(name));
        QTRY_VERIFY_WITH_TIMEOUT(dialog.hasStoredPassword(), 15000);
        QCOMPARE(host->text(), TestEnv::pgHost());
        QVERIFY(!dialog.isStoredPasswordForgotten());
    }
    ProfileStore(ini()).remove(name);
    SecretStore().removeBlocking(name);
}

QTEST_MAIN(tst_ConnectionProfilesDialogKeychain)
#include "tst_connectionprofilesdialog_keychain.moc"
