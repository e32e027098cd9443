#include "configsources.h"

#include "configloader.h"
#include "profilestore.h"
#include "secrets/secretstore.h"

namespace melodee {

AppConfig resolveConfig(const ConfigSources &sources, QStringList *warnings)
{
    ConfigLoader loader;
    if (!sources.configFile.isEmpty())
        loader.loadFile(sources.configFile);
    if (!sources.profile.isEmpty()) {
        std::unique_ptr<ProfileStore> store
            = sources.profileSettingsFile.isEmpty()
                  ? std::make_unique<ProfileStore>()
                  : std::make_unique<ProfileStore>(sources.profileSettingsFile);
        const auto profile = store->load(sources.profile);
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
    AppConfig config = loader.finish();

    if (!sources.profile.isEmpty() && config.database.password.isEmpty() && sources.readKeychain) {
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
