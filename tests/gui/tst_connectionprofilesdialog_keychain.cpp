#include <app/connectionsession.h>
#include <config/profilestore.h>
#include <dialogs/connectionprofilesdialog.h>
#include <secrets/secretstore.h>
#include <views/mainwindow.h>

#include <testenv.h>

#include <QComboBox>
#include <QFile>
#include <QLineEdit>
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

private:
    template<typename T>
    static T *field(QWidget *dialog, const char *name)
    {
        T *w = dialog->findChild<T *>(QString::fromLatin1(name));
        if (!w)
            qFatal("no field %s", name);
        return w;
    }
    QString ini() const { return m_dir.filePath(QStringLiteral("profiles.ini")); }

    QTemporaryDir m_dir;
    const QString m_role = QStringLiteral("melodee_gui_kc");
    // Spaces, quotes and a backslash: passed verbatim through the keychain and libpq.
    const QString m_password = QStringLiteral("kc p'a\\ss dbname=evil");
};

void tst_ConnectionProfilesDialogKeychain::initTestCase()
{
    QVERIFY2(TestEnv::hasPostgres(), "the pg fixture is not running");
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

QTEST_MAIN(tst_ConnectionProfilesDialogKeychain)
#include "tst_connectionprofilesdialog_keychain.moc"
