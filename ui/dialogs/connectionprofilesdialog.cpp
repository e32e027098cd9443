#include "connectionprofilesdialog.h"

#include <async/task.h>
#include <async/whenfinished.h>
#include <config/configloader.h>
#include <config/duration.h>
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

// A key no profile can have (profile names start with a letter or digit): reading it tells
// whether a keychain answers at all.
const QString kKeychainCheckKey = QStringLiteral(".keychain-check");

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
    setWindowTitle(tr("Connection Profiles"));
    buildUi();
    m_testTicker.setInterval(100);
    connect(&m_testTicker, &QTimer::timeout, this, [this] {
        setTestResult(tr("Connecting… %1 s (gives up after %2)")
                          .arg(double(m_testClock.elapsed()) / 1000.0, 0, 'f', 1)
                          .arg(durationText(m_testTimeout)),
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

QLineEdit *ConnectionProfilesDialog::addFileField(QFormLayout *form,
                                                  const QString &label,
                                                  const QString &name,
                                                  const QString &filter)
{
    auto *row = new QWidget(this);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *edit = new QLineEdit(row);
    edit->setObjectName(name);
    edit->setPlaceholderText(tr("none"));
    auto *browse = new QToolButton(row);
    browse->setText(tr("…"));
    browse->setToolTip(tr("Choose a file"));
    layout->addWidget(edit, 1);
    layout->addWidget(browse);
    connect(browse, &QToolButton::clicked, this, [this, edit, label, filter] {
        const QString start
            = edit->text().isEmpty() ? QString() : QFileInfo(edit->text()).absolutePath();
        const QString file = QFileDialog::getOpenFileName(this, label, start, filter);
        if (!file.isEmpty())
            edit->setText(file);
    });
    form->addRow(label, row);
    return edit;
}

void ConnectionProfilesDialog::buildUi()
{
    auto *root = new QVBoxLayout(this);
    auto *splitter = new QSplitter(this);
    root->addWidget(splitter, 1);

    // Left: the saved profiles.
    auto *left = new QWidget(splitter);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    auto *listLabel = new QLabel(tr("&Profiles"), left);
    m_list = new QListWidget(left);
    m_list->setObjectName(QStringLiteral("profileList"));
    listLabel->setBuddy(m_list);
    auto *listButtons = new QHBoxLayout;
    m_newButton = new QPushButton(tr("&New"), left);
    m_newButton->setObjectName(QStringLiteral("newButton"));
    m_deleteButton = new QPushButton(tr("&Delete"), left);
    m_deleteButton->setObjectName(QStringLiteral("deleteButton"));
    listButtons->addWidget(m_newButton);
    listButtons->addWidget(m_deleteButton);
    leftLayout->addWidget(listLabel);
    leftLayout->addWidget(m_list, 1);
    leftLayout->addLayout(listButtons);

    // Right: the form.
    auto *right = new QWidget(splitter);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);

    auto *connectionBox = new QGroupBox(tr("Connection"), right);
    auto *form = new QFormLayout(connectionBox);
    m_name = new QLineEdit(connectionBox);
    m_name->setObjectName(QStringLiteral("name"));
    m_name->setPlaceholderText(tr("e.g. production"));
    form->addRow(tr("Na&me:"), m_name);
    m_host = new QLineEdit(connectionBox);
    m_host->setObjectName(QStringLiteral("host"));
    m_host->setPlaceholderText(tr("default: local socket or PGHOST"));
    form->addRow(tr("&Host:"), m_host);
    m_port = new QSpinBox(connectionBox);
    m_port->setObjectName(QStringLiteral("port"));
    m_port->setRange(0, 65535);
    m_port->setSpecialValueText(tr("default (5432)"));
    form->addRow(tr("P&ort:"), m_port);
    m_user = new QLineEdit(connectionBox);
    m_user->setObjectName(QStringLiteral("user"));
    form->addRow(tr("&User:"), m_user);
    m_dbname = new QLineEdit(connectionBox);
    m_dbname->setObjectName(QStringLiteral("dbname"));
    form->addRow(tr("&Database:"), m_dbname);
    m_password = new QLineEdit(connectionBox);
    m_password->setObjectName(QStringLiteral("password"));
    m_password->setEchoMode(QLineEdit::Password);
    form->addRow(tr("Pass&word:"), m_password);
    m_keychainLabel = new QLabel(connectionBox);
    m_keychainLabel->setObjectName(QStringLiteral("keychainLabel"));
    m_keychainLabel->setWordWrap(true);
    m_keychainLabel->setTextFormat(Qt::PlainText);
    form->addRow(QString(), m_keychainLabel);
    m_connectTimeout = new QLineEdit(connectionBox);
    m_connectTimeout->setObjectName(QStringLiteral("connectTimeout"));
    m_connectTimeout->setToolTip(tr(
        "How long to wait for the server, as a Go duration (10s, 1m). libpq waits at least 2s."));
    form->addRow(tr("Connect &timeout:"), m_connectTimeout);

    auto *tlsBox = new QGroupBox(tr("TLS"), right);
    auto *tlsForm = new QFormLayout(tlsBox);
    m_sslmode = new QComboBox(tlsBox);
    m_sslmode->setObjectName(QStringLiteral("sslmode"));
    m_sslmode->addItem(tr("default (prefer)"), QString());
    for (const char *mode : {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"})
        m_sslmode->addItem(QString::fromLatin1(mode), QString::fromLatin1(mode));
    tlsForm->addRow(tr("SSL &mode:"), m_sslmode);
    const QString certFilter = tr("Certificates (*.crt *.pem *.cer);;All files (*)");
    m_sslrootcert = addFileField(
        tlsForm, tr("Root CA (sslrootcert):"), QStringLiteral("sslrootcert"), certFilter);
    m_sslcert = addFileField(
        tlsForm, tr("Client certificate (sslcert):"), QStringLiteral("sslcert"), certFilter);
    m_sslkey = addFileField(tlsForm,
                            tr("Client key (sslkey):"),
                            QStringLiteral("sslkey"),
                            tr("Keys (*.key *.pem);;All files (*)"));

    auto *poolBox = new QGroupBox(tr("Pool"), right);
    auto *poolForm = new QFormLayout(poolBox);
    m_maxOpen = new QSpinBox(poolBox);
    m_maxOpen->setObjectName(QStringLiteral("maxOpenConns"));
    m_maxOpen->setRange(0, 100000);
    m_maxOpen->setSpecialValueText(tr("unlimited"));
    poolForm->addRow(tr("Max &open connections:"), m_maxOpen);
    m_maxIdle = new QSpinBox(poolBox);
    m_maxIdle->setObjectName(QStringLiteral("maxIdleConns"));
    m_maxIdle->setRange(0, 100000);
    poolForm->addRow(tr("Max &idle connections:"), m_maxIdle);
    m_lifetime = new QLineEdit(poolBox);
    m_lifetime->setObjectName(QStringLiteral("connMaxLifetime"));
    m_lifetime->setPlaceholderText(tr("e.g. 30m; 0 = no limit"));
    poolForm->addRow(tr("Connection &lifetime:"), m_lifetime);
    m_idleTime = new QLineEdit(poolBox);
    m_idleTime->setObjectName(QStringLiteral("connMaxIdleTime"));
    m_idleTime->setPlaceholderText(tr("e.g. 15m; 0 = no limit"));
    poolForm->addRow(tr("Max idle &time:"), m_idleTime);

    m_validationLabel = new QLabel(right);
    m_validationLabel->setObjectName(QStringLiteral("validationLabel"));
    m_validationLabel->setWordWrap(true);
    m_validationLabel->setTextFormat(Qt::PlainText);
    m_messageLabel = new QLabel(right);
    m_messageLabel->setObjectName(QStringLiteral("messageLabel"));
    m_messageLabel->setWordWrap(true);
    m_messageLabel->setTextFormat(Qt::PlainText);
    m_messageLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_testResult = new QLabel(right);
    m_testResult->setObjectName(QStringLiteral("testResult"));
    m_testResult->setWordWrap(true);
    m_testResult->setTextFormat(Qt::PlainText);
    m_testResult->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *columns = new QHBoxLayout;
    auto *col1 = new QVBoxLayout;
    col1->addWidget(connectionBox);
    col1->addStretch(1);
    auto *col2 = new QVBoxLayout;
    col2->addWidget(tlsBox);
    col2->addWidget(poolBox);
    col2->addStretch(1);
    columns->addLayout(col1, 1);
    columns->addLayout(col2, 1);
    rightLayout->addLayout(columns);
    rightLayout->addWidget(m_validationLabel);
    rightLayout->addWidget(m_messageLabel);
    rightLayout->addWidget(m_testResult);
    rightLayout->addStretch(1);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({180, 720});

    auto *buttons = new QDialogButtonBox(this);
    m_importButton
        = buttons->addButton(tr("&Import Melodee Config…"), QDialogButtonBox::ActionRole);
    m_importButton->setObjectName(QStringLiteral("importButton"));
    m_testButton = buttons->addButton(tr("&Test Connection"), QDialogButtonBox::ActionRole);
    m_testButton->setObjectName(QStringLiteral("testButton"));
    m_saveButton = buttons->addButton(tr("&Save"), QDialogButtonBox::ApplyRole);
    m_saveButton->setObjectName(QStringLiteral("saveButton"));
    m_connectButton = buttons->addButton(tr("&Connect"), QDialogButtonBox::AcceptRole);
    m_connectButton->setObjectName(QStringLiteral("connectButton"));
    m_connectButton->setDefault(true);
    QPushButton *close = buttons->addButton(QDialogButtonBox::Close);
    close->setObjectName(QStringLiteral("closeButton"));
    root->addWidget(buttons);

    connect(m_list,
            &QListWidget::currentRowChanged,
            this,
            &ConnectionProfilesDialog::onSelectionChanged);
    connect(m_newButton, &QPushButton::clicked, this, &ConnectionProfilesDialog::newProfile);
    connect(m_deleteButton, &QPushButton::clicked, this, [this] { deleteProfile(true); });
    connect(m_saveButton, &QPushButton::clicked, this, &ConnectionProfilesDialog::saveProfile);
    connect(m_testButton, &QPushButton::clicked, this, [this] {
        if (m_testRunning)
            cancelTest();
        else
            testConnection();
    });
    connect(
        m_importButton, &QPushButton::clicked, this, &ConnectionProfilesDialog::chooseImportFile);
    // Connect is handled here (not by the box's accepted()) so an invalid form keeps the dialog.
    connect(
        m_connectButton, &QPushButton::clicked, this, &ConnectionProfilesDialog::connectToServer);
    connect(close, &QPushButton::clicked, this, &QDialog::reject);

    for (QLineEdit *edit : {m_name,
                            m_host,
                            m_user,
                            m_dbname,
                            m_sslrootcert,
                            m_sslcert,
                            m_sslkey,
                            m_connectTimeout,
                            m_lifetime,
                            m_idleTime})
        connect(edit, &QLineEdit::textChanged, this, &ConnectionProfilesDialog::validate);
    connect(m_port, &QSpinBox::valueChanged, this, &ConnectionProfilesDialog::validate);
    // A saved password belongs to the server it was saved for, not to the profile's name.
    connect(m_host, &QLineEdit::textChanged, this, &ConnectionProfilesDialog::onTargetEdited);
    connect(m_port, &QSpinBox::valueChanged, this, &ConnectionProfilesDialog::onTargetEdited);
    connect(m_maxOpen, &QSpinBox::valueChanged, this, &ConnectionProfilesDialog::validate);
    connect(m_maxIdle, &QSpinBox::valueChanged, this, &ConnectionProfilesDialog::validate);
    connect(m_sslmode, &QComboBox::currentIndexChanged, this, &ConnectionProfilesDialog::validate);
    resize(960, 620);
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
            problems << tr("%1: \"%2\" is not a duration (%3). Use Go syntax such as 30m, 1h30m, "
                           "90s or 500ms.")
                            .arg(field, edit->text(), why);
    };
    duration(m_connectTimeout, tr("Connect timeout"), &c.connectTimeout);
    duration(m_lifetime, tr("Connection lifetime"), &c.connMaxLifetime);
    duration(m_idleTime, tr("Max idle time"), &c.connMaxIdleTime);

    for (QLineEdit *edit : {m_sslrootcert, m_sslcert, m_sslkey}) {
        const QString file = edit->text().trimmed();
        if (!file.isEmpty() && !QFileInfo(file).isReadable())
            problems << tr("%1: the file \"%2\" cannot be read.").arg(edit->objectName(), file);
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
                    "lowered to %2, as Go does.")
                     .arg(m_maxIdle->value())
                     .arg(m_maxOpen->value());
    m_errors = errors;
    QStringList lines = errors;
    if (!m_nameError.isEmpty())
        lines.prepend(m_nameError);
    lines << notes;
    m_validationLabel->setText(lines.join(QLatin1Char('\n')));
    QPalette pal = m_validationLabel->palette();
    const bool bad = !errors.isEmpty() || !m_nameError.isEmpty();
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
    m_testButton->setText(m_testRunning ? tr("Cancel &Test") : tr("&Test Connection"));
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

// --- keychain -------------------------------------------------------------------------------

void ConnectionProfilesDialog::checkKeychain()
{
    setKeychainState(KeychainState::Checking);
    m_secrets.read(kKeychainCheckKey, this, [this](const SecretResult &r) {
        if (r.ok || r.notFound)
            setKeychainState(KeychainState::Available);
        else
            setKeychainState(KeychainState::Unavailable, r.error);
    });
}

void ConnectionProfilesDialog::setKeychainState(KeychainState state, const QString &detail)
{
    const bool changed = state != m_keychainState;
    m_keychainState = state;
    QString text;
    Theme::Status status = Theme::Status::Neutral;
    switch (state) {
    case KeychainState::Checking:
        text = tr("Looking for the OS keychain…");
        break;
    case KeychainState::Available:
        if (m_passwordReadPending)
            text = tr("Reading the saved password from the keychain…");
        else if (!m_storedPassword.isEmpty() && m_password->text().isEmpty())
            text = tr("A password is saved in the OS keychain; type here to replace it.");
        else if (m_passwordForgotten && m_password->text().isEmpty())
            text = tr("The saved password belongs to the server this profile had before; enter "
                      "the password for the new host and port.");
        else
            text = tr("Saving stores the password in the OS keychain, never in a file.");
        break;
    case KeychainState::Unavailable:
        text = tr("The OS keychain is not available, so the password is not saved: enter it "
                  "here each time you connect.");
        if (!detail.isEmpty())
            text += QLatin1Char('\n') + detail;
        status = Theme::Status::Warn;
        break;
    }
    m_keychainLabel->setText(text);
    QPalette pal = m_keychainLabel->palette();
    pal.setColor(QPalette::WindowText,
                 status == Theme::Status::Neutral ? palette().color(QPalette::PlaceholderText)
                                                  : Theme::statusColor(status, palette()));
    m_keychainLabel->setPalette(pal);
    m_password->setPlaceholderText(!m_storedPassword.isEmpty() ? tr("saved in the keychain")
                                                               : QString());
    if (changed) {
        if (state == KeychainState::Available && !m_currentProfile.isEmpty()
            && m_storedPassword.isEmpty() && !m_passwordReadPending && !m_targetEdited)
            readStoredPassword(m_currentProfile);
        emit keychainStateChanged(state);
    }
}

void ConnectionProfilesDialog::readStoredPassword(const QString &name)
{
    cancelPasswordRead();
    m_storedPassword.clear();
    if (m_keychainState != KeychainState::Available) {
        setKeychainState(m_keychainState);
        updateButtons();
        return;
    }
    m_passwordReadPending = true;
    setKeychainState(m_keychainState);
    updateButtons();
    m_passwordRead = m_secrets.read(name);
    whenFinished(this, m_passwordRead, [this, name](const TaskOutcome<SecretResult> &o) {
        if (o.cancelled || !o.value)
            return; // another profile was selected, or the target was edited meanwhile
        const SecretResult &r = *o.value;
        m_passwordReadPending = false;
        if (r.ok)
            m_storedPassword = r.value;
        else if (!r.notFound)
            setMessage(tr("Could not read the saved password: %1").arg(r.error), true);
        setKeychainState(r.keychainUnavailable ? KeychainState::Unavailable : m_keychainState,
                         r.keychainUnavailable ? r.error : QString());
        updateButtons();
        emit passwordLoaded(name);
    });
}

void ConnectionProfilesDialog::cancelPasswordRead()
{
    m_passwordRead.cancel();
    m_passwordRead = {};
    m_passwordReadPending = false;
}

void ConnectionProfilesDialog::onTargetEdited()
{
    if (m_loading || m_currentProfile.isEmpty() || m_targetEdited)
        return;
    const bool same
        = m_host->text().trimmed().compare(m_storedFor.host.trimmed(), Qt::CaseInsensitive) == 0
          && m_port->value() == m_storedFor.port;
    if (same)
        return;
    // Forgotten for good, not just while the target differs: editing back to the old host does not
    // bring it back; selecting the profile again (or typing it) does.
    const bool hadPassword = !m_storedPassword.isEmpty() || m_passwordReadPending;
    cancelPasswordRead();
    m_storedPassword.fill(QLatin1Char(' '));
    m_storedPassword.clear();
    m_targetEdited = true;
    m_passwordForgotten = hadPassword;
    setKeychainState(m_keychainState);
    updateButtons();
}

DatabaseConfig ConnectionProfilesDialog::withPassword(DatabaseConfig config) const
{
    if (config.password.isEmpty() && !m_storedPassword.isEmpty()) {
        config.password = m_storedPassword;
        // Also checked when connecting: a stored password goes only to its own server.
        config.passwordBoundTo = m_storedFor;
    }
    if (!config.password.isEmpty())
        Redactor::registerSecret(config.password);
    return config;
}

// --- save / delete ---------------------------------------------------------------------------

void ConnectionProfilesDialog::enqueueKeychain(KeychainOp op)
{
    // One keychain job at a time, in save order: a rename A->B followed by B->C must find B's
    // password written before it reads it, and a delete must not overtake the write it undoes.
    m_keychainQueue.push_back(std::move(op));
    if (!m_keychainBusy)
        runNextKeychainOp();
}

void ConnectionProfilesDialog::runNextKeychainOp()
{
    if (m_keychainQueue.empty()) {
        m_keychainBusy = false;
        return;
    }
    m_keychainBusy = true;
    KeychainOp op = std::move(m_keychainQueue.front());
    m_keychainQueue.pop_front();
    op([this] { runNextKeychainOp(); });
}

void ConnectionProfilesDialog::movePassword(const QString &from,
                                            const QString &to,
                                            const QString &typed)
{
    if (!typed.isEmpty())
        Redactor::registerSecret(typed);
    enqueueKeychain([this, from, to, typed](const std::function<void()> &next) {
        const auto finish = [this, to, next](bool ok, const QString &error, const QString &value) {
            if (ok && !value.isEmpty() && to == m_currentProfile && !m_targetEdited) {
                m_storedPassword = value;
                if (m_password->text() == value)
                    m_password->clear();
            }
            if (!ok)
                setMessage(tr("The profile was saved but its password was not: %1").arg(error),
                           true);
            setKeychainState(m_keychainState);
            updateButtons();
            emit passwordStored(to, ok, error);
            next();
        };
        // Write the new entry before removing the old one, so a failure never loses the password.
        const auto writeThenRemove = [this, from, to, finish](const QString &value) {
            m_secrets.write(
                to, value, this, [this, from, to, value, finish](const SecretResult &w) {
                    if (!w.ok) {
                        finish(false,
                               from.isEmpty()
                                   ? w.error
                                   : tr("%1 (it is still stored under \"%2\")").arg(w.error, from),
                               QString());
                        return;
                    }
                    if (from.isEmpty() || from == to) {
                        finish(true, QString(), value);
                        return;
                    }
                    m_secrets.remove(from, this, [from, to, value, finish](const SecretResult &r) {
                        if (r.ok || r.notFound)
                            finish(true, QString(), value);
                        else
                            finish(false,
                                   tr("it was copied to \"%1\" but could not be removed from "
                                      "\"%2\": %3")
                                       .arg(to, from, r.error),
                                   value);
                    });
                });
        };
        if (!typed.isEmpty()) {
            writeThenRemove(typed);
            return;
        }
        // Renamed without typing a password: move whatever the keychain holds for the old name
        // (read now, not from the form's copy, which may still be loading).
        m_secrets.read(from, this, [finish, writeThenRemove](const SecretResult &r) {
            if (r.ok)
                writeThenRemove(r.value);
            else if (r.notFound)
                finish(true, QString(), QString());
            else
                finish(false, r.error, QString());
        });
    });
}

bool ConnectionProfilesDialog::saveProfile()
{
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
                                 tr("Delete Profile"),
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
        onTestFinished(o.value ? *o.value : ProbeResult{false, {}, o.error});
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
                          .arg(s.serverVersion, s.database, s.user)
                          .arg(s.connectMs, 0, 'f', 1)
                          .arg(s.latencyMs, 0, 'f', 2)
                          .arg(tls),
                      1);
    } else {
        setTestResult(tr("Connection failed after %1 s: %2")
                          .arg(double(m_testClock.elapsed()) / 1000.0, 0, 'f', 1)
                          .arg(result.error),
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
                                       tr("Import Melodee Config"),
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
