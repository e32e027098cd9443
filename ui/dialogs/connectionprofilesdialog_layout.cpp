// The profile dialog's widgets and layout: the profile list beside the form, the pool and
// timeout fields, the keychain line and the buttons, each wired to its slot.
#include "connectionprofilesdialog.h"

#include <style/theme.h>

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
    m_connectTimeout->setToolTip(
        tr("How long to wait for the server, such as 10s or 1m. libpq waits at least 2s."));
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
        = buttons->addButton(tr("&Import Melodee config…"), QDialogButtonBox::ActionRole);
    m_importButton->setObjectName(QStringLiteral("importButton"));
    m_testButton = buttons->addButton(tr("&Test connection"), QDialogButtonBox::ActionRole);
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
        connect(edit, &QLineEdit::textChanged, this, &ConnectionProfilesDialog::onEdited);
    connect(m_password, &QLineEdit::textChanged, this, &ConnectionProfilesDialog::onEdited);
    connect(m_port, &QSpinBox::valueChanged, this, &ConnectionProfilesDialog::onEdited);
    // A saved password belongs to the server it was saved for, not to the profile's name.
    connect(m_host, &QLineEdit::textChanged, this, &ConnectionProfilesDialog::onTargetEdited);
    connect(m_port, &QSpinBox::valueChanged, this, &ConnectionProfilesDialog::onTargetEdited);
    connect(m_maxOpen, &QSpinBox::valueChanged, this, &ConnectionProfilesDialog::onEdited);
    connect(m_maxIdle, &QSpinBox::valueChanged, this, &ConnectionProfilesDialog::onEdited);
    connect(m_sslmode, &QComboBox::currentIndexChanged, this, &ConnectionProfilesDialog::onEdited);
    resize(960, 620);
}

} // namespace melodee
