// The main window's connecting: the start-up plan, a profile's password from the keychain (or
// asked for), and the profiles dialog, which opens on the connection used last.
#include "mainwindow.h"

#include <dialogs/connectionprofilesdialog.h>
#include <secrets/secretstore.h>
#include <session/connectionsession.h>
#include <util/logging.h>

#include <QInputDialog>
#include <QLabel>
#include <QMessageBox>

namespace melodee {

void MainWindow::applyStartup(const StartupPlan &plan)
{
    m_baseConfig = plan.config;
    m_baseConfig.database.password.clear();
    if (plan.view)
        showView(*plan.view);
    for (const QString &warning : plan.warnings)
        qCWarning(lcConfig).noquote() << warning;
    if (!plan.error.isEmpty()) {
        qCWarning(lcConfig).noquote() << plan.error;
        auto *box = new QMessageBox(QMessageBox::Warning,
                                    tr("Configuration error"),
                                    tr("The configuration cannot be used, so Melodee Admin starts "
                                       "without a connection."),
                                    QMessageBox::Ok,
                                    this);
        box->setObjectName(QStringLiteral("configErrorBox"));
        box->setInformativeText(plan.error);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
        return;
    }
    if (plan.connect)
        connectReadingPassword(plan.config, plan.profile);
}

void MainWindow::connectWith(const AppConfig &config, const QString &profileName)
{
    m_session->connectTo(config, profileName);
    m_lastDatabase = config.database;
    m_lastDatabase->password.clear();
    m_lastConnectedProfile = profileName;
    if (!profileName.isEmpty())
        setLastProfile(profileName);
}

void MainWindow::connectReadingPassword(const AppConfig &config, const QString &profile)
{
    if (profile.isEmpty() || !config.database.password.isEmpty()) {
        connectWith(config, profile);
        return;
    }
    m_connectionLabel->setText(
        tr("Reading the password of \"%1\" from the keychain…").arg(profile));
    SecretStore().read(profile, this, [this, profile, config](const SecretResult &r) {
        AppConfig c = config;
        if (r.ok) {
            c.database.password = r.value;
            connectWith(c, profile);
        } else if (r.notFound) {
            // No saved password: the profile may use trust, peer or ~/.pgpass.
            connectWith(c, profile);
        } else {
            askPassword(profile, c, r.error);
        }
    });
}

void MainWindow::askPassword(const QString &profile, const AppConfig &config, const QString &reason)
{
    auto *dialog = new QInputDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Password for %1").arg(profile));
    dialog->setLabelText(tr("The OS keychain is not available (%1).\nEnter the password for "
                            "%2; it is kept only in memory:")
                             .arg(reason, ConnectionSession::displayNameFor(config.database)));
    dialog->setTextEchoMode(QLineEdit::Password);
    connect(dialog,
            &QInputDialog::textValueSelected,
            this,
            [this, profile, config](const QString &password) {
                AppConfig c = config;
                c.database.password = password;
                // Typed for the server the prompt named, not a stored one: not bound.
                c.database.passwordBoundTo.reset();
                connectWith(c, profile);
            });
    dialog->open();
}

void MainWindow::openProfilesDialog()
{
    if (m_profilesDialog) {
        m_profilesDialog->raise();
        m_profilesDialog->activateWindow();
        return;
    }
    m_profilesDialog = new ConnectionProfilesDialog(m_profileSettingsFile, this);
    m_profilesDialog->setAttribute(Qt::WA_DeleteOnClose);
    // Reconnecting starts from the connection used last: its saved profile, else its settings
    // in a new form; before any connection, the profile used last time.
    if (m_lastDatabase) {
        if (m_lastConnectedProfile.isEmpty()
            || !m_profilesDialog->selectProfile(m_lastConnectedProfile))
            m_profilesDialog->prefill(*m_lastDatabase);
    } else if (!lastProfile().isEmpty()) {
        m_profilesDialog->selectProfile(lastProfile());
    }
    connect(m_profilesDialog,
            &ConnectionProfilesDialog::connectRequested,
            this,
            [this](const DatabaseConfig &database, const QString &profile) {
                AppConfig config = m_baseConfig;
                config.database = database;
                connectWith(config, profile);
            });
    m_profilesDialog->open();
}

} // namespace melodee
