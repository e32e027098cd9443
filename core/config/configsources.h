#pragma once

#include "appconfig.h"

#include <QList>
#include <QPair>
#include <QProcessEnvironment>
#include <QStringList>

namespace melodee {

// Where a front end was told to take its configuration from.
struct ConfigSources
{
    QString configFile;                  // --config: a Melodee YAML file
    QString profile;                     // --profile: a saved connection profile
    QString dsn;                         // --dsn: conninfo or postgres:// URI
    QList<QPair<QString, QString>> sets; // --set key=value
    QString profileSettingsFile;         // tests: an INI file instead of the user's QSettings
    bool readKeychain = true;            // profile passwords come from the OS keychain
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
};

// defaults < profile or YAML file < MELODEE_* environment < --dsn / --set. Throws ConfigError.
AppConfig resolveConfig(const ConfigSources &sources, QStringList *warnings = nullptr);

} // namespace melodee
