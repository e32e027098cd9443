#pragma once

#include <config/appconfig.h>
#include <views/viewid.h>

#include <QProcessEnvironment>
#include <QStringList>

#include <optional>

namespace melodee {

// What melodee-admin was asked on its command line.
struct StartupRequest
{
    QString configFile;
    QString dsn;
    QString profile;
    QString view;
};

// What the window does at start: connect (or not) with which configuration, and which view.
struct StartupPlan
{
    AppConfig config;
    bool connect = false;
    QString profile; // the saved profile in use; its password comes from the keychain
    std::optional<ViewId> view;
    QStringList warnings;
    QString error; // a configuration error: the window opens unconnected and shows it
};

// A usage error (unknown --view, --profile together with --dsn) as a message, or empty.
QString checkStartupRequest(const StartupRequest &request);

// Resolves the configuration with resolveConfig() without touching the keychain (the window
// reads the password asynchronously). Without --config/--dsn/--profile it connects when the
// environment names a server (MELODEE_DATABASE_* or PGHOST/PGSERVICE/PGDATABASE) or else to
// lastProfile when that profile still exists.
StartupPlan planStartup(const StartupRequest &request,
                        const QString &lastProfile = QString(),
                        const QProcessEnvironment &environment
                        = QProcessEnvironment::systemEnvironment(),
                        const QString &profileSettingsFile = QString());

} // namespace melodee
