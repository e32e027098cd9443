#include "configsources.h"

#include "configloader.h"
#include "conninfo.h"
#include "profilestore.h"
#include "secrets/secretstore.h"

namespace melodee {

AppConfig resolveConfig(const ConfigSources &sources, QStringList *warnings)
{
    if (!sources.profile.isEmpty() && !sources.dsn.isEmpty()) {
        throw ConfigError(QStringLiteral("profile"),
                          QStringLiteral("--profile"),
                          QStringLiteral("--profile and --dsn cannot be combined: a profile's "
                                         "saved password is only sent to the profile's server"));
    }
    ConfigLoader loader;
    if (!sources.configFile.isEmpty())
        loader.loadFile(sources.configFile);
    std::optional<DatabaseConfig> profile;
    if (!sources.profile.isEmpty()) {
        std::unique_ptr<ProfileStore> store
            = sources.profileSettingsFile.isEmpty()
                  ? std::make_unique<ProfileStore>()
                  : std::make_unique<ProfileStore>(sources.profileSettingsFile);
        profile = store->load(sources.profile);
        if (!profile) {
            throw ConfigError(
                QStringLiteral("profile"),
                QStringLiteral("--profile"),
                QStringLiteral("no connection profile named \"%1\" (saved profiles: %2)")
                    .arg(sources.profile,
                         store->names().isEmpty() ? QStringLiteral("none")
                                                  : store->names().join(QLatin1String(", "))));
        }
        // A layer like the file: the environment and the command line still win, key by key.
        loader.applyProfile(*profile);
    }
    loader.loadEnvironment(sources.environment);
    if (!sources.dsn.isEmpty())
        loader.setDsn(sources.dsn);
    for (const auto &[key, value] : sources.sets)
        loader.set(key, value, QStringLiteral("--set %1").arg(key));
    if (sources.password) {
        const QString source = sources.passwordSource.isEmpty() ? QStringLiteral("--password-file")
                                                                : sources.passwordSource;
        for (const auto &[key, value] : sources.sets) {
            if (key == QLatin1String("database.password"))
                throw ConfigError(key,
                                  source,
                                  QStringLiteral("%1 and --set database.password cannot be "
                                                 "combined: give the password once")
                                      .arg(source));
        }
        if (!sources.dsn.isEmpty() && conninfoHasPassword(sources.dsn))
            throw ConfigError(QStringLiteral("database.password"),
                              source,
                              QStringLiteral("%1 and a password inside --dsn cannot be combined: "
                                             "give the password once")
                                  .arg(source));
        loader.set(QStringLiteral("database.password"), *sources.password, source);
    }
    AppConfig config = loader.finish();

    if (profile && config.database.password.isEmpty()) {
        // Whatever fills the password from now on (the keychain, a GUI prompt) holds a secret
        // saved for this profile's server only.
        config.database.passwordBoundTo = PasswordBinding{profile->host, profile->port};
    }
    if (profile && config.database.password.isEmpty() && sources.readKeychain) {
        const SecretResult secret = SecretStore().readBlocking(sources.profile);
        if (secret.ok)
            config.database.password = secret.value;
        else if (warnings && !secret.notFound)
            *warnings << secret.error;
    }
    if (warnings)
        *warnings << loader.warnings();
    return config;
}

} // namespace melodee
