#pragma once

#include "appconfig.h"

#include <QList>
#include <QPair>
#include <QProcessEnvironment>
#include <QStringList>

#include <optional>

namespace melodee {

// Where a front end was told to take its configuration from.
struct ConfigSources
{
    QString configFile;                  // --config: a Melodee YAML file
    QString profile;                     // --profile: a saved connection profile
    QString dsn;                         // --dsn: conninfo or postgres:// URI
    QList<QPair<QString, QString>> sets; // --set key=value
    // The database password a front end read from a file or standard input (--password-file),
    // applied at the command-line layer; passwordSource names it in messages.
    std::optional<QString> password;
    QString passwordSource;
    QString profileSettingsFile; // tests: an INI file instead of the user's QSettings
    bool readKeychain = true;    // profile passwords come from the OS keychain
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
};

// defaults < YAML file < profile < MELODEE_* environment < --dsn / --set / --password-file.
// Throws ConfigError, also for a profile combined with a DSN: the profile's stored password must
// never go to a server the DSN names. When the password is still empty after every layer and a
// profile is used, the config is bound to the profile's host and port (passwordBoundTo) before
// the keychain is read, so a stored password cannot follow an overridden host.
AppConfig resolveConfig(const ConfigSources &sources, QStringList *warnings = nullptr);

} // namespace melodee
