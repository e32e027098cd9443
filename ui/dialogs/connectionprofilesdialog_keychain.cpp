// The profile dialog's keychain side: whether a keychain answers, reading a profile's saved
// password, and moving or forgetting it when the profile's name or server changes. Every
// operation goes through SecretStore, one at a time, never on the GUI thread.
#include "connectionprofilesdialog.h"

#include <async/task.h>
#include <async/whenfinished.h>
#include <style/theme.h>
#include <util/logging.h>
#include <util/redactor.h>

#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

namespace melodee {

namespace {

// A key no profile can have (profile names start with a letter or digit): reading it tells
// whether a keychain answers at all.
QString keychainCheckKey()
{
    return QStringLiteral(".keychain-check");
}

} // namespace

void ConnectionProfilesDialog::checkKeychain()
{
    setKeychainState(KeychainState::Checking);
    m_secrets.read(keychainCheckKey(), this, [this](const SecretResult &r) {
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

} // namespace melodee
