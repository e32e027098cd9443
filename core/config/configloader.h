#pragma once

#include "appconfig.h"
#include "util/error.h"

#include <QList>
#include <QPair>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace melodee {

// A configuration value that cannot be used. The message names the key, the value, where it
// came from and why it was refused; secrets are never quoted.
class ConfigError : public Error
{
public:
    ConfigError(const QString &key, const QString &source, const QString &message);

    QString key() const { return m_key; }
    QString source() const { return m_source; }
    QString message() const override { return m_message; }
    ErrorKind kind() const override { return ErrorKind::Usage; }
    const char *what() const noexcept override { return m_what.constData(); }
    void raise() const override { throw *this; }
    ConfigError *clone() const override { return new ConfigError(*this); }

private:
    QString m_key;
    QString m_source;
    QString m_message;
    QByteArray m_what;
};

// Builds an AppConfig from layers applied in order: defaults < YAML file < MELODEE_* environment
// < command line. Every key is "section.key" with the Melodee server's mapstructure names, and its
// environment variable is MELODEE_SECTION_KEY. A secret key also takes MELODEE_SECTION_KEY_FILE,
// the path of a file holding it, so the secret itself never has to be in the environment.
class ConfigLoader
{
public:
    ConfigLoader();

    // Applies a Melodee YAML file. Throws ConfigError for an unreadable file, malformed YAML
    // (with its line) or a bad value. Unknown keys become warnings.
    void loadFile(const QString &path);
    void loadYamlText(const QString &yaml, const QString &sourceName);
    void loadEnvironment(const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment());
    // One "section.key" = value override, e.g. from the command line's --set.
    void set(const QString &key, const QString &value, const QString &source);
    // A key that takes a list (database.replicas) from a YAML sequence; set() takes the same
    // list comma-separated.
    void setList(const QString &key, const QStringList &items, const QString &source);
    // A conninfo string or URI (--dsn). Throws ConfigError when libpq cannot parse it.
    void setDsn(const QString &dsn);
    // The connection fields a saved profile stores (a layer between the file and environment).
    void applyProfile(const DatabaseConfig &profile);

    // Cross-field checks (max_idle_conns clamped to max_open_conns, as Go does) and the result.
    AppConfig finish();
    QStringList warnings() const { return m_warnings; }

    static QStringList knownKeys();
    static QString environmentName(const QString &key);
    static bool isSecretKey(const QString &key);

    // A password kept in a file (--password-file, MELODEE_DATABASE_PASSWORD_FILE): the whole
    // content without one trailing line break. Throws ConfigError naming source and path for an
    // unreadable, empty or oversized file; a file other users can read adds a warning.
    static QString
    readSecretFile(const QString &path, const QString &source, QStringList *warnings = nullptr);
    // The same rules for bytes already read (standard input).
    static QString secretFromBytes(const QByteArray &bytes, const QString &source);

private:
    AppConfig m_config;
    QStringList m_warnings;
};

} // namespace melodee
