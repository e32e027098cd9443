#include "connectionprofilesdialog.h"

#include "connectionproblem.h"

#include <async/task.h>
#include <async/whenfinished.h>
#include <config/configloader.h>
#include <config/duration.h>
#include <i18n/numberformat.h>
#include <session/connectionsession.h>
#include <session/workers.h>
#include <style/theme.h>
#include <util/logging.h>
#include <util/redactor.h>

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QToolButton>
#include <QVBoxLayout>

namespace melodee {

namespace {

QString durationText(Duration d)
{
    return formatGoDuration(d);
}

} // namespace

ConnectionProfilesDialog::ConnectionProfilesDialog(const QString &profileSettingsFile,
                                                   QWidget *parent)
    : QDialog(parent)
    , m_store(profileSettingsFile.isEmpty() ? std::make_unique<ProfileStore>()
                                            : std::make_unique<ProfileStore>(profileSettingsFile))
{
    setObjectName(QStringLiteral("connectionProfilesDialog"));
    setWindowTitle(tr("Connection profiles"));
    buildUi();
    m_testTicker.setInterval(100);
    connect(&m_testTicker, &QTimer::timeout, this, [this] {
        setTestResult(tr("Connecting… %1 s (gives up after %2)")
                          .arg(formatDecimal(double(m_testClock.elapsed()) / 1000.0, 1),
                               durationText(m_testTimeout)),
                      0);
    });
    reloadList();
    if (m_list->count() > 0)
        m_list->setCurrentRow(0);
    else
        newProfile();
    checkKeychain();
}

ConnectionProfilesDialog::~ConnectionProfilesDialog()
{
    // A running test keeps only copies of its inputs; nothing is delivered once the dialog is gone.
    m_test.cancel();
    m_passwordRead.cancel();
    m_storedPassword.fill(QLatin1Char(' '));
}

QStringList ConnectionProfilesDialog::profileNames() const
{
    return m_store->names();
}

void ConnectionProfilesDialog::reloadList(const QString &select)
{
    const QSignalBlocker blocker(m_list);
    m_list->clear();
    m_list->addItems(m_store->names());
    const QList<QListWidgetItem *> found = m_list->findItems(select, Qt::MatchExactly);
    if (!found.isEmpty())
        m_list->setCurrentItem(found.first());
}

bool ConnectionProfilesDialog::selectProfile(const QString &name)
{
    const QList<QListWidgetItem *> found = m_list->findItems(name, Qt::MatchExactly);
    if (found.isEmpty())
        return false;
    m_list->setCurrentItem(found.first());
    return true;
}

void ConnectionProfilesDialog::onSelectionChanged()
{
    QListWidgetItem *item = m_list->currentItem();
    if (item)
        loadProfile(item->text());
}

void ConnectionProfilesDialog::loadProfile(const QString &name)
{
    const std::optional<DatabaseConfig> config = m_store->load(name);
    if (!config)
        return;
    m_currentProfile = name;
    m_storedFor = PasswordBinding{config->host, config->port};
    m_targetEdited = false;
    m_passwordForgotten = false;
    setForm(name, *config);
    setMessage(QString(), false);
    setTestResult(QString(), 0);
    readStoredPassword(name);
}

void ConnectionProfilesDialog::newProfile()
{
    // Focus first: clearing the form disables Save/Delete, and a disabled focus widget hands focus
    // on to the next one, often the list, whose focusInEvent makes row 0 current. That used to load
    // the first profile into the "new" form, so the next save renamed it instead of adding one.
    m_name->setFocus();
    const QSignalBlocker blocker(m_list);
    m_list->clearSelection();
    m_list->setCurrentRow(-1);
    m_currentProfile.clear();
    cancelPasswordRead();
    m_storedPassword.clear();
    m_targetEdited = false;
    m_passwordForgotten = false;
    DatabaseConfig defaults;
    defaults.host = QStringLiteral("127.0.0.1");
    setForm(QString(), defaults);
    setMessage(QString(), false);
    setTestResult(QString(), 0);
    // Should anything still have made a row current, the form is new: the list must say so too.
    m_list->setCurrentRow(-1);
}

void ConnectionProfilesDialog::setForm(const QString &name, const DatabaseConfig &c)
{
    m_loading = true;
    m_showNameError = false;
    m_name->setText(name);
    m_host->setText(c.host);
    m_port->setValue(c.port);
    m_user->setText(c.user);
    m_dbname->setText(c.dbname);
    m_password->setText(c.password);
    const int mode = m_sslmode->findData(c.sslmode);
    m_sslmode->setCurrentIndex(mode >= 0 ? mode : 0);
    m_sslrootcert->setText(c.sslrootcert);
    m_sslcert->setText(c.sslcert);
    m_sslkey->setText(c.sslkey);
    m_connectTimeout->setText(durationText(c.connectTimeout));
    m_maxOpen->setValue(c.maxOpenConns);
    m_maxIdle->setValue(c.maxIdleConns);
    m_lifetime->setText(durationText(c.connMaxLifetime));
    m_idleTime->setText(durationText(c.connMaxIdleTime));
    m_loading = false;
    validate();
    setKeychainState(m_keychainState);
    m_snapshot = formSnapshot();
}

void ConnectionProfilesDialog::onEdited()
{
    if (!m_loading)
        m_showNameError = true;
    validate();
}

QString ConnectionProfilesDialog::formName() const
{
    return m_name->text().trimmed();
}

std::optional<DatabaseConfig> ConnectionProfilesDialog::formConfig(QStringList *errors) const
{
    QStringList problems;
    DatabaseConfig c;
    c.host = m_host->text().trimmed();
    c.port = m_port->value();
    c.user = m_user->text().trimmed();
    c.dbname = m_dbname->text().trimmed();
    c.password = m_password->text();
    c.sslmode = m_sslmode->currentData().toString();
    c.sslrootcert = m_sslrootcert->text().trimmed();
    c.sslcert = m_sslcert->text().trimmed();
    c.sslkey = m_sslkey->text().trimmed();
    c.maxOpenConns = m_maxOpen->value();
    c.maxIdleConns = m_maxIdle->value();

    auto duration = [&problems](QLineEdit *edit, const QString &field, Duration *out) {
        QString why;
        const std::optional<Duration> d = parseGoDuration(edit->text().trimmed(), &why);
        if (d)
            *out = *d;
        else
            problems << tr("%1: \"%2\" is not a duration (%3). Use a number with a unit, such "
                           "as 30m, 1h30m, 90s or 500ms.")
                            .arg(field, edit->text(), why);
    };
    duration(m_connectTimeout, tr("Connect timeout"), &c.connectTimeout);
    duration(m_lifetime, tr("Connection lifetime"), &c.connMaxLifetime);
    duration(m_idleTime, tr("Max idle time"), &c.connMaxIdleTime);

    const std::pair<QLineEdit *, QString> files[] = {{m_sslrootcert, tr("Root CA")},
                                                     {m_sslcert, tr("Client certificate")},
                                                     {m_sslkey, tr("Client key")}};
    for (const auto &[edit, field] : files) {
        const QString file = edit->text().trimmed();
        if (!file.isEmpty() && !QFileInfo(file).isReadable())
            problems << tr("%1: the file \"%2\" cannot be read.").arg(field, file);
    }
    if (errors)
        *errors = problems;
    if (!problems.isEmpty())
        return std::nullopt;
    return c;
}

void ConnectionProfilesDialog::validate()
{
    if (m_loading)
        return;
    QStringList errors;
    formConfig(&errors);
    const QString name = formName();
    m_nameError.clear();
    if (name.isEmpty())
        m_nameError = tr("Name: enter a name to save this profile.");
    else if (!ProfileStore::isValidName(name))
        m_nameError = tr("Name: \"%1\" is not a valid profile name (letters, digits, space, "
                         "'.', '_' and '-'; starting with a letter or digit; at most 64).")
                          .arg(name);
    QStringList notes;
    if (m_maxOpen->value() > 0 && m_maxIdle->value() > m_maxOpen->value())
        notes << tr("Max idle connections (%1) is above max open connections (%2): it will be "
                    "lowered to %2.")
                     .arg(formatCount(m_maxIdle->value()), formatCount(m_maxOpen->value()));
    m_errors = errors;
    QStringList lines = errors;
    // A missing name shows once something was typed or a save was tried, not on a fresh form.
    if (!m_nameError.isEmpty() && (m_showNameError || !name.isEmpty()))
        lines.prepend(m_nameError);
    lines << notes;
    m_validationLabel->setText(lines.join(QLatin1Char('\n')));
    QPalette pal = m_validationLabel->palette();
    const bool bad = !errors.isEmpty() || lines.contains(m_nameError);
    pal.setColor(QPalette::WindowText,
                 Theme::statusColor(bad ? Theme::Status::Bad : Theme::Status::Warn, palette()));
    m_validationLabel->setPalette(pal);
    m_validationLabel->setVisible(!lines.isEmpty());
    updateButtons();
}

void ConnectionProfilesDialog::updateButtons()
{
    // The name matters only for saving; testing and connecting need valid settings.
    const bool nameOk = m_nameError.isEmpty();
    const bool settingsOk = m_errors.isEmpty();
    const auto setEnabled = [this](QPushButton *button, bool enabled) {
        // Qt moves focus off a button being disabled, possibly into the list, which then selects
        // (and loads) its first profile over the form being edited. Keep focus in the form.
        if (!enabled && button->hasFocus())
            m_name->setFocus();
        button->setEnabled(enabled);
    };
    setEnabled(m_saveButton, nameOk && settingsOk);
    setEnabled(m_testButton, m_testRunning || (settingsOk && !m_passwordReadPending));
    m_testButton->setText(m_testRunning ? tr("Cancel &test") : tr("&Test connection"));
    setEnabled(m_connectButton, settingsOk && !m_passwordReadPending);
    setEnabled(m_deleteButton, !m_currentProfile.isEmpty());
}

void ConnectionProfilesDialog::setMessage(const QString &text, bool error)
{
    m_messageLabel->setText(text);
    QPalette pal = m_messageLabel->palette();
    pal.setColor(QPalette::WindowText,
                 error ? Theme::statusColor(Theme::Status::Bad, palette())
                       : palette().color(QPalette::WindowText));
    m_messageLabel->setPalette(pal);
    m_messageLabel->setVisible(!text.isEmpty());
}

void ConnectionProfilesDialog::setTestResult(const QString &text, int status)
{
    m_testResult->setText(text);
    QPalette pal = m_testResult->palette();
    const Theme::Status s = status > 0   ? Theme::Status::Good
                            : status < 0 ? Theme::Status::Bad
                                         : Theme::Status::Neutral;
    pal.setColor(QPalette::WindowText,
                 s == Theme::Status::Neutral ? palette().color(QPalette::WindowText)
                                             : Theme::statusColor(s, palette()));
    m_testResult->setPalette(pal);
    m_testResult->setVisible(!text.isEmpty());
}

QString ConnectionProfilesDialog::testResultText() const
{
    return m_testResult->text();
}

QString ConnectionProfilesDialog::messageText() const
{
    return m_messageLabel->text();
}

QString ConnectionProfilesDialog::keychainText() const
{
    return m_keychainLabel->text();
}

bool ConnectionProfilesDialog::saveProfile()
{
    m_showNameError = true;
    validate();
    const QString name = formName();
    QStringList errors;
    const std::optional<DatabaseConfig> config = formConfig(&errors);
    if (!config || !ProfileStore::isValidName(name)) {
        QStringList all = m_errors;
        if (!m_nameError.isEmpty())
            all.prepend(m_nameError);
        setMessage(tr("Not saved: %1").arg(all.join(QLatin1Char(' '))), true);
        return false;
    }
    // A rename only when the form still shows the profile selected in the list.
    const QListWidgetItem *selected = m_list->currentItem();
    const QString previous
        = selected && selected->text() == m_currentProfile ? m_currentProfile : QString();
    if (previous != name && m_store->names().contains(name)) {
        setMessage(tr("Not saved: a profile named \"%1\" already exists.").arg(name), true);
        return false;
    }
    const bool renamed = !previous.isEmpty() && previous != name;
    m_store->save(name, *config); // ProfileStore never writes the password
    if (renamed)
        m_store->remove(previous);
    const QString typed = config->password;
    m_currentProfile = name;
    if (renamed) {
        // The move below sets the stored password; a read still pending for the old name is stale.
        cancelPasswordRead();
    }
    // The keychain entry held a password for the server the profile pointed at before; with
    // nothing typed it is removed rather than kept for the new host.
    const bool dropStored = m_targetEdited && typed.isEmpty();
    m_storedFor = PasswordBinding{config->host, config->port};
    m_targetEdited = false;
    m_passwordForgotten = false;
    reloadList(name);
    QString message = tr("Saved profile \"%1\".").arg(name);
    if (m_keychainState == KeychainState::Available && dropStored) {
        const QStringList stale = renamed ? QStringList{previous, name} : QStringList{name};
        for (const QString &key : stale) {
            enqueueKeychain([this, key](const std::function<void()> &next) {
                m_secrets.remove(key, this, [this, key, next](const SecretResult &r) {
                    emit passwordStored(key, r.ok || r.notFound, r.notFound ? QString() : r.error);
                    next();
                });
            });
        }
        message += QLatin1Char(' ')
                   + tr("Its saved password was for the previous server and was removed from "
                        "the keychain.");
    } else if (m_keychainState == KeychainState::Available && renamed) {
        movePassword(previous, name, typed);
        message += QLatin1Char(' ') + tr("Moving the password in the keychain…");
    } else if (m_keychainState == KeychainState::Available && !typed.isEmpty()) {
        movePassword(QString(), name, typed);
        message += QLatin1Char(' ') + tr("Storing the password in the keychain…");
    } else if (!typed.isEmpty() && m_keychainState != KeychainState::Available) {
        message += QLatin1Char(' ')
                   + tr("The password was not saved (no keychain); it stays in this form until "
                        "the dialog closes.");
    }
    setMessage(message, false);
    m_snapshot = formSnapshot();
    qCInfo(lcUi).noquote() << "saved connection profile" << name;
    updateButtons();
    emit profilesChanged();
    return true;
}

bool ConnectionProfilesDialog::deleteProfile(bool confirm)
{
    const QString name = m_currentProfile;
    if (name.isEmpty())
        return false;
    if (confirm
        && QMessageBox::question(this,
                                 tr("Delete profile"),
                                 tr("Delete the connection profile \"%1\" and its saved "
                                    "password?")
                                     .arg(name))
               != QMessageBox::Yes)
        return false;
    m_store->remove(name);
    if (m_keychainState == KeychainState::Available) {
        enqueueKeychain([this, name](const std::function<void()> &next) {
            m_secrets.remove(name, this, [this, name, next](const SecretResult &r) {
                emit passwordStored(name, r.ok || r.notFound, r.notFound ? QString() : r.error);
                next();
            });
        });
    }
    qCInfo(lcUi).noquote() << "deleted connection profile" << name;
    reloadList();
    m_currentProfile.clear();
    if (m_list->count() > 0)
        m_list->setCurrentRow(0);
    else
        newProfile();
    setMessage(tr("Deleted profile \"%1\".").arg(name), false);
    emit profilesChanged();
    return true;
}

// --- test connection -------------------------------------------------------------------------

void ConnectionProfilesDialog::testConnection()
{
    if (m_testRunning)
        return;
    QStringList errors;
    const std::optional<DatabaseConfig> form = formConfig(&errors);
    if (!form) {
        setTestResult(tr("Cannot test: %1").arg(errors.join(QLatin1Char(' '))), -1);
        return;
    }
    const DatabaseConfig config = withPassword(*form);
    m_testedConfig = config;
    m_testedConfig.password.clear();
    m_testRunning = true;
    m_testTimeout = std::max<Duration>(config.connectTimeout, std::chrono::seconds(2));
    m_testClock.start();
    m_testTicker.start();
    setTestResult(tr("Connecting to %1…").arg(ConnectionSession::displayNameFor(config)), 0);
    updateButtons();

    // The probe blocks in libpq, so it runs on a worker; the dialog only waits for its outcome.
    m_test = startTask(networkThreadPool(), [config](std::stop_token) { return runProbe(config); });
    whenFinished(this, m_test, [this](const TaskOutcome<ProbeResult> &o) {
        if (o.cancelled)
            return; // cancelled or replaced: the dialog has moved on
        onTestFinished(o.value ? *o.value : ProbeResult{false, {}, o.error, {}, {}});
    });
}

void ConnectionProfilesDialog::cancelTest()
{
    if (!m_testRunning)
        return;
    // libpq's blocking connect cannot be interrupted; the abandoned attempt ends by itself at
    // connect_timeout and its result is dropped.
    m_test.cancel();
    m_testRunning = false;
    m_testTicker.stop();
    setTestResult(tr("Test cancelled."), 0);
    updateButtons();
    emit testFinished(false, testResultText());
}

void ConnectionProfilesDialog::onTestFinished(const ProbeResult &result)
{
    m_testRunning = false;
    m_testTicker.stop();
    const bool ok = result.ok;
    if (ok) {
        const ServerInfo &s = result.server;
        const QString tls = s.tls ? (s.tlsDescription.isEmpty() ? tr("in use") : s.tlsDescription)
                                  : tr("not in use");
        setTestResult(tr("Connected: PostgreSQL %1, database \"%2\" as \"%3\".\nConnect %4 ms, "
                         "SELECT 1 %5 ms. TLS: %6.")
                          .arg(s.serverVersion,
                               s.database,
                               s.user,
                               formatDecimal(s.connectMs, 1),
                               formatDecimal(s.latencyMs, 2),
                               tls),
                      1);
    } else {
        // Which field to fix and why; the full error, with its target, only in the debug log.
        qCDebug(lcUi).noquote() << "connection test failed:" << result.error;
        setTestResult(tr("Connection failed after %1 s.\n%2")
                          .arg(formatDecimal(double(m_testClock.elapsed()) / 1000.0, 1),
                               ConnectionProblem::explain(result, m_testedConfig)),
                      -1);
    }
    updateButtons();
    emit testFinished(ok, testResultText());
}

// --- import / connect ------------------------------------------------------------------------

void ConnectionProfilesDialog::chooseImportFile()
{
    const QString file
        = QFileDialog::getOpenFileName(this,
                                       tr("Import Melodee config"),
                                       QString(),
                                       tr("YAML files (*.yaml *.yml);;All files (*)"));
    if (!file.isEmpty())
        importConfigFile(file);
}

bool ConnectionProfilesDialog::importConfigFile(const QString &path)
{
    ConfigLoader loader;
    AppConfig config;
    try {
        loader.loadFile(path);
        config = loader.finish();
    } catch (const ConfigError &e) {
        setMessage(tr("Could not import \"%1\":\n%2").arg(path, e.message()), true);
        return false;
    }
    QString name = formName();
    if (name.isEmpty() || !m_currentProfile.isEmpty()) {
        // Importing starts a new profile named after the file; the user reviews, then saves.
        newProfile();
        name = QFileInfo(path).completeBaseName();
        if (!ProfileStore::isValidName(name))
            name = QStringLiteral("imported");
    }
    setForm(name, config.database);
    m_snapshot.clear(); // imported, not saved: closing asks first
    QString message
        = tr("Imported the database settings of \"%1\". Review them and Save.").arg(path);
    if (!loader.warnings().isEmpty())
        message += QLatin1Char('\n') + tr("Warnings:") + QLatin1Char('\n')
                   + loader.warnings().join(QLatin1Char('\n'));
    setMessage(message, false);
    return true;
}

void ConnectionProfilesDialog::connectToServer()
{
    QStringList errors;
    const std::optional<DatabaseConfig> form = formConfig(&errors);
    if (!form) {
        setMessage(tr("Cannot connect: %1").arg(errors.join(QLatin1Char(' '))), true);
        return;
    }
    emit connectRequested(withPassword(*form), m_currentProfile);
    accept();
}

} // namespace melodee
