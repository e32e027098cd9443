#pragma once

#include <QFuture>
#include <QObject>
#include <QString>

#include <functional>

namespace melodee {

struct SecretResult
{
    bool ok = false;
    QString value;
    QString error;
    // No Secret Service / keychain could be reached: the caller asks for the password each time
    // instead; it is never written to disk as a fallback.
    bool keychainUnavailable = false;
    bool notFound = false;
};

// Passwords in the OS keychain through QtKeychain: service "melodee-admin", one key per profile.
class SecretStore
{
public:
    explicit SecretStore(const QString &service = QStringLiteral("melodee-admin"));

    using Callback = std::function<void(const SecretResult &)>;
    // Asynchronous forms for the GUI: the callback runs on context's thread.
    void read(const QString &key, QObject *context, Callback done) const;
    void write(const QString &key, const QString &secret, QObject *context, Callback done) const;
    void remove(const QString &key, QObject *context, Callback done) const;
    // The read as a future, for whenFinished(): cancelling it makes the GUI ignore a read that is
    // no longer wanted (another profile was selected, the host was edited). Call it on a thread
    // with an event loop; the keychain answers there.
    QFuture<SecretResult> read(const QString &key) const;

    // Blocking forms for the CLI and tests (they spin a local event loop).
    SecretResult readBlocking(const QString &key) const;
    SecretResult writeBlocking(const QString &key, const QString &secret) const;
    SecretResult removeBlocking(const QString &key) const;

    QString service() const { return m_service; }

private:
    QString m_service;
};

} // namespace melodee
