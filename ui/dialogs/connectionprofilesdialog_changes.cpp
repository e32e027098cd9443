// The profile dialog's unsaved-changes guard: what the form held when loaded or saved, the
// question before Close discards more, and a form prefilled from the connection in use.
#include "connectionprofilesdialog.h"

#include <QComboBox>
#include <QLineEdit>
#include <QMessageBox>
#include <QSpinBox>

namespace melodee {

QString ConnectionProfilesDialog::formSnapshot() const
{
    QStringList values{m_name->text(),
                       m_host->text(),
                       m_user->text(),
                       m_dbname->text(),
                       m_password->text(),
                       m_sslmode->currentData().toString(),
                       m_sslrootcert->text(),
                       m_sslcert->text(),
                       m_sslkey->text(),
                       m_connectTimeout->text(),
                       m_lifetime->text(),
                       m_idleTime->text()};
    for (const QSpinBox *box : {m_port, m_maxOpen, m_maxIdle})
        values << QString::number(box->value());
    return values.join(QChar(0x1f));
}

bool ConnectionProfilesDialog::hasUnsavedChanges() const
{
    return formSnapshot() != m_snapshot;
}

void ConnectionProfilesDialog::prefill(const DatabaseConfig &config)
{
    newProfile();
    DatabaseConfig c = config;
    c.password.clear(); // a typed password is never carried into a form
    setForm(QString(), c);
}

void ConnectionProfilesDialog::reject()
{
    // Close, Escape and the window's close button all end here; Connect accepts instead.
    if (hasUnsavedChanges() && !confirmDiscard())
        return;
    QDialog::reject();
}

bool ConnectionProfilesDialog::confirmDiscard()
{
    QMessageBox box(
        QMessageBox::Question,
        tr("Unsaved changes"),
        m_currentProfile.isEmpty()
            ? tr("The new profile has not been saved. Discard it?")
            : tr("The changes to \"%1\" have not been saved. Discard them?").arg(m_currentProfile),
        QMessageBox::Discard | QMessageBox::Cancel,
        this);
    box.setObjectName(QStringLiteral("discardChangesBox"));
    box.setDefaultButton(QMessageBox::Cancel);
    return box.exec() == QMessageBox::Discard;
}

} // namespace melodee
