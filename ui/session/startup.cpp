#include "startup.h"

#include <config/configloader.h>
#include <config/configsources.h>
#include <config/profilestore.h>

#include <QCoreApplication>

#include <memory>

namespace melodee {

namespace {

struct StartupText
{
    Q_DECLARE_TR_FUNCTIONS(melodee::Startup)
};

bool environmentNamesServer(const QProcessEnvironment &env)
{
    for (const QString &key : env.keys()) {
        if (key.startsWith(QLatin1String("MELODEE_DATABASE_")))
            return true;
    }
    return env.contains(QStringLiteral("PGHOST")) || env.contains(QStringLiteral("PGSERVICE"))
           || env.contains(QStringLiteral("PGDATABASE"));
}

} // namespace

QString checkStartupRequest(const StartupRequest &request)
{
    if (!request.view.isEmpty() && !viewIdFromName(request.view)) {
        return StartupText::tr("--view: unknown view \"%1\" (expected one of: %2)")
            .arg(request.view, viewIdNames().join(QLatin1String(", ")));
    }
    if (!request.profile.isEmpty() && !request.dsn.isEmpty())
        return StartupText::tr("--profile and --dsn cannot be combined");
    return QString();
}

StartupPlan planStartup(const StartupRequest &request,
                        const QString &lastProfile,
                        const QProcessEnvironment &environment,
                        const QString &profileSettingsFile)
{
    StartupPlan plan;
    if (!request.view.isEmpty())
        plan.view = viewIdFromName(request.view);

    ConfigSources sources;
    sources.configFile = request.configFile;
    sources.dsn = request.dsn;
    sources.profile = request.profile;
    sources.environment = environment;
    sources.profileSettingsFile = profileSettingsFile;
    // The GUI reads the keychain asynchronously itself: never block the start on it.
    sources.readKeychain = false;

    const bool explicitTarget
        = !request.configFile.isEmpty() || !request.dsn.isEmpty() || !request.profile.isEmpty();
    plan.connect = explicitTarget || environmentNamesServer(environment);
    if (!plan.connect && !lastProfile.isEmpty()) {
        const std::unique_ptr<ProfileStore> store
            = profileSettingsFile.isEmpty() ? std::make_unique<ProfileStore>()
                                            : std::make_unique<ProfileStore>(profileSettingsFile);
        if (store->names().contains(lastProfile)) {
            sources.profile = lastProfile;
            plan.connect = true;
        }
    }
    plan.profile = sources.profile;
    try {
        plan.config = resolveConfig(sources, &plan.warnings);
    } catch (const ConfigError &e) {
        plan.error = e.message();
        plan.connect = false;
        plan.profile.clear();
    }
    return plan;
}

} // namespace melodee
