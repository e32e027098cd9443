#include <config/profilestore.h>
#include <dialogs/connectionprofilesdialog.h>

#include "dialogfield.h"

#include <testenv.h>

#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace melodee;
using namespace melodee::test;

// The profile dialog's form as a user meets it: no error before anything is typed, a failed
// test that names the field to fix (never the connection string), and Close that asks before
// unsaved changes are lost. Profiles and validation are in tst_connectionprofilesdialog.
class tst_ConnectionProfilesDialogForm : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void noErrorBeforeTyping_data();
    void noErrorBeforeTyping();
    void failureNamesTheField_data();
    void failureNamesTheField();
    void closeAsksBeforeDiscarding_data();
    void closeAsksBeforeDiscarding();

private:
    QString ini() const { return m_dir.filePath(QStringLiteral("profiles.ini")); }

    QTemporaryDir m_dir;
};

void tst_ConnectionProfilesDialogForm::initTestCase()
{
    // No D-Bus session and no X display: QtKeychain cannot reach any keychain.
    qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    qunsetenv("DISPLAY");
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.path());
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.path());
}

void tst_ConnectionProfilesDialogForm::init()
{
    QFile::remove(ini());
}

void tst_ConnectionProfilesDialogForm::noErrorBeforeTyping_data()
{
    QTest::addColumn<QString>("steps"); // "saved" (one profile exists), "new", "type", "save"
    QTest::addColumn<bool>("nameErrorShown");
    QTest::newRow("first start, no profiles") << "" << false;
    QTest::newRow("New after a saved profile") << "saved new" << false;
    QTest::newRow("typed a host, no name yet") << "type" << true;
    QTest::newRow("Save without a name") << "save" << true;
    QTest::newRow("New again after typing") << "type new" << false;
}

// A fresh form is not an error: the missing name shows once something was typed or a save was
// tried.
void tst_ConnectionProfilesDialogForm::noErrorBeforeTyping()
{
    QFETCH(QString, steps);
    QFETCH(bool, nameErrorShown);
    if (steps.contains(QLatin1String("saved"))) {
        DatabaseConfig saved;
        saved.host = QStringLiteral("127.0.0.1");
        ProfileStore(ini()).save(QStringLiteral("existing"), saved);
    }
    ConnectionProfilesDialog dialog(ini());
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    for (const QString &step : steps.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        if (step == QLatin1String("new"))
            QTest::mouseClick(field<QPushButton>(&dialog, "newButton"), Qt::LeftButton);
        else if (step == QLatin1String("type"))
            QTest::keyClicks(field<QLineEdit>(&dialog, "host"), QStringLiteral("x"));
        else if (step == QLatin1String("save"))
            QVERIFY(!dialog.saveProfile());
    }
    auto *label = field<QLabel>(&dialog, "validationLabel");
    QCOMPARE(label->isVisible(), nameErrorShown);
    QCOMPARE(label->text().contains(QLatin1String("Name:")), nameErrorShown);
    // Save stays off without a name either way.
    QVERIFY(!field<QPushButton>(&dialog, "saveButton")->isEnabled());
    if (!steps.contains(QLatin1String("save")))
        QVERIFY2(dialog.messageText().isEmpty(), qPrintable(dialog.messageText()));
}

void tst_ConnectionProfilesDialogForm::failureNamesTheField_data()
{
    QTest::addColumn<QString>("setup");
    QTest::addColumn<QString>("fieldSays");
    QTest::newRow("closed port") << "closed-port"
                                 << "Host or port: nothing accepts connections";
    QTest::newRow("unknown database") << "unknown-db"
                                      << "Database: there is no database";
    QTest::newRow("wrong password") << "wrong-password"
                                    << "User or password: the server refused";
    QTest::newRow("no password") << "no-password"
                                 << "Password: the server asks for a password";
    QTest::newRow("certificate from another CA") << "other-ca"
                                                 << "Root CA: the server's";
    QTest::newRow("verify-ca without a root CA") << "no-ca"
                                                 << "Root CA: SSL mode \"verify-ca\"";
}

// A failed test says which field to fix and why, and never dumps the connection string.
void tst_ConnectionProfilesDialogForm::failureNamesTheField()
{
    QFETCH(QString, setup);
    QFETCH(QString, fieldSays);
    MELODEE_REQUIRE_POSTGRES();
    const QString password = QStringLiteral("Right-pw=1 'x'");
    TestEnv::psql(QStringLiteral("DROP ROLE IF EXISTS dialog_user; CREATE ROLE dialog_user LOGIN "
                                 "PASSWORD 'Right-pw=1 ''x''';"));
    ConnectionProfilesDialog dialog(ini());
    dialog.show();
    dialog.newProfile();
    field<QLineEdit>(&dialog, "host")->setText(TestEnv::pgHost());
    field<QSpinBox>(&dialog, "port")->setValue(TestEnv::pgPort());
    field<QLineEdit>(&dialog, "user")->setText(QStringLiteral("postgres"));
    field<QLineEdit>(&dialog, "dbname")->setText(QStringLiteral("postgres"));
    auto *mode = field<QComboBox>(&dialog, "sslmode");
    mode->setCurrentIndex(mode->findData(QStringLiteral("disable")));
    QString typed;
    if (setup == QLatin1String("closed-port")) {
        QTcpServer closed; // a port that was free: listened on, then closed
        QVERIFY(closed.listen(QHostAddress(QStringLiteral("127.0.0.1"))));
        const quint16 port = closed.serverPort();
        closed.close();
        field<QSpinBox>(&dialog, "port")->setValue(port);
    } else if (setup == QLatin1String("unknown-db")) {
        field<QLineEdit>(&dialog, "dbname")->setText(QStringLiteral("no_such_db_\u00e9"));
    } else if (setup == QLatin1String("wrong-password")) {
        field<QLineEdit>(&dialog, "user")->setText(QStringLiteral("dialog_user"));
        typed = QStringLiteral("Wrong-pw=2");
    } else if (setup == QLatin1String("no-password")) {
        field<QLineEdit>(&dialog, "user")->setText(QStringLiteral("dialog_user"));
    } else if (setup == QLatin1String("other-ca")) {
        mode->setCurrentIndex(mode->findData(QStringLiteral("verify-full")));
        field<QLineEdit>(&dialog, "sslrootcert")->setText(TestEnv::pgOtherCa());
    } else if (setup == QLatin1String("no-ca")) {
        // The form refuses an unreadable file itself; libpq's default root CA is what is missing.
        mode->setCurrentIndex(mode->findData(QStringLiteral("verify-ca")));
        qputenv("PGSSLROOTCERT", m_dir.filePath(QStringLiteral("missing-ca.crt")).toUtf8());
    }
    field<QLineEdit>(&dialog, "password")->setText(typed);
    QSignalSpy finished(&dialog, &ConnectionProfilesDialog::testFinished);
    dialog.testConnection();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 20000);
    qunsetenv("PGSSLROOTCERT");
    QVERIFY(!finished.at(0).at(0).toBool());
    const QString text = dialog.testResultText();
    qInfo("%s", qPrintable(text));
    QVERIFY2(text.startsWith(QLatin1String("Connection failed after")), qPrintable(text));
    QVERIFY2(text.contains(fieldSays), qPrintable(text));
    for (const char *dump : {"params", "target=", "host=", "port=", "dbname=", "sslmode=", "Go "})
        QVERIFY2(!text.contains(QLatin1String(dump)), qPrintable(text));
    QVERIFY(!text.contains(password));
    if (!typed.isEmpty())
        QVERIFY(!text.contains(typed));
}

void tst_ConnectionProfilesDialogForm::closeAsksBeforeDiscarding_data()
{
    QTest::addColumn<QString>("steps");  // "saved", "select", "type", "save", "import"
    QTest::addColumn<QString>("answer"); // what the question, if asked, is answered with
    QTest::addColumn<bool>("asked");
    QTest::addColumn<bool>("closed");
    QTest::newRow("fresh form closes at once") << ""
                                               << "" << false << true;
    QTest::newRow("loaded profile unchanged") << "saved select"
                                              << "" << false << true;
    QTest::newRow("typed, Cancel keeps it") << "type"
                                            << "cancel" << true << false;
    QTest::newRow("typed, Discard closes") << "type"
                                           << "discard" << true << true;
    QTest::newRow("edited profile, Cancel") << "saved select type"
                                            << "cancel" << true << false;
    QTest::newRow("saved after typing closes") << "type save"
                                               << "" << false << true;
    QTest::newRow("unsaved import, Discard") << "import"
                                             << "discard" << true << true;
}

// Close (and Escape, and the title bar) ask before a filled or changed form is thrown away, with
// Cancel as the default; an unchanged form closes without a question.
void tst_ConnectionProfilesDialogForm::closeAsksBeforeDiscarding()
{
    QFETCH(QString, steps);
    QFETCH(QString, answer);
    QFETCH(bool, asked);
    QFETCH(bool, closed);
    if (steps.contains(QLatin1String("saved"))) {
        DatabaseConfig saved;
        saved.host = QStringLiteral("127.0.0.1");
        saved.port = 6001;
        ProfileStore(ini()).save(QStringLiteral("kept"), saved);
    }
    ConnectionProfilesDialog dialog(ini());
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    for (const QString &step : steps.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        if (step == QLatin1String("select")) {
            QVERIFY(dialog.selectProfile(QStringLiteral("kept")));
        } else if (step == QLatin1String("type")) {
            QTest::keyClicks(field<QLineEdit>(&dialog, "user"), QStringLiteral("me"));
        } else if (step == QLatin1String("save")) {
            field<QLineEdit>(&dialog, "name")->setText(QStringLiteral("typed"));
            QVERIFY(dialog.saveProfile());
        } else if (step == QLatin1String("import")) {
            const QString path = m_dir.filePath(QStringLiteral("import.yaml"));
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write("database:\n  host: db.internal\n");
            f.close();
            QVERIFY(dialog.importConfigFile(path));
        }
    }
    QCOMPARE(dialog.hasUnsavedChanges(), asked);
    bool sawQuestion = false;
    bool cancelIsDefault = false;
    QTimer answerer;
    answerer.setInterval(20);
    connect(&answerer, &QTimer::timeout, this, [&] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (!box || box->objectName() != QLatin1String("discardChangesBox"))
            return;
        sawQuestion = true;
        cancelIsDefault = box->defaultButton() == box->button(QMessageBox::Cancel);
        box->button(answer == QLatin1String("discard") ? QMessageBox::Discard : QMessageBox::Cancel)
            ->click();
    });
    answerer.start();
    QTest::mouseClick(field<QPushButton>(&dialog, "closeButton"), Qt::LeftButton);
    answerer.stop();
    QCOMPARE(sawQuestion, asked);
    QCOMPARE(cancelIsDefault, asked);
    QCOMPARE(!dialog.isVisible(), closed);
}

QTEST_MAIN(tst_ConnectionProfilesDialogForm)
#include "tst_connectionprofilesdialog_form.moc"
