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
    loader.loadEnvironment(sources.environment);
    if (!sources.dsn.isEmpty())
        loader.setDsn(sources.dsn);
    for (const auto &[key, value] : sources.sets)
        loader.set(key, value, QStringLiteral("--set %1").arg(key));
    AppConfig config = loader.finish();

    if (!sources.profile.isEmpty()) {
        std::unique_ptr<ProfileStore> store = sources.profileSettingsFile.isEmpty()
                                                  ? std::make_unique<ProfileStore>()
                                                  : std::make_unique<ProfileStore>(sources.profileSettingsFile);
        const auto profile = store->load(sources.profile);
        if (!profile) {
            throw ConfigError(QStringLiteral("profile"),
                              QStringLiteral("--profile"),
                              QStringLiteral("no connection profile named \"%1\" (saved profiles: %2)")
                                  .arg(sources.profile,
                                       store->names().isEmpty() ? QStringLiteral("none")
                                                                : store->names().join(QLatin1String(", "))));
        }
        // The profile supplies the connection; explicit env/command-line values still win.
        DatabaseConfig merged = *profile;
        const DatabaseConfig &over = config.database;
        const DatabaseConfig defaults;
        auto pick = [](auto &dst, const auto &src, const auto &def) {
            if (src != def)
                dst = src;
        };
        pick(merged.host, over.host, defaults.host);
        pick(merged.port, over.port, defaults.port);
        pick(merged.user, over.user, defaults.user);
        pick(merged.dbname, over.dbname, defaults.dbname);
        pick(merged.sslmode, over.sslmode, defaults.sslmode);
        pick(merged.password, over.password, defaults.password);
        merged.dsn = over.dsn;
        merged.applicationName = over.applicationName;
        if (merged.password.isEmpty() && sources.readKeychain) {
            const SecretResult secret = SecretStore().readBlocking(sources.profile);
            if (secret.ok)
                merged.password = secret.value;
            else if (warnings && !secret.notFound)
                *warnings << secret.error;
        }
        config.database = merged;
    }
    if (warnings)
        *warnings << loader.warnings();
    return config;
}

} // namespace melodee
