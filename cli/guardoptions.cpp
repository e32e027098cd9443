#include "guardoptions.h"

#include "clicontext.h"
#include "config/appconfig.h"

namespace melodee {

void addGuardOptions(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("environment"),
                      QStringLiteral("development, staging or production (overrides "
                                     "migrate.environment; recorded in the history)."),
                      QStringLiteral("ENV")});
    parser.addOption({QStringLiteral("allow-destructive"),
                      QStringLiteral("Let the production guard pass destructive, unclassified "
                                     "and irreversible steps.")});
    parser.addOption({QStringLiteral("force-environment"),
                      QStringLiteral("Apply although the history records production and this run "
                                     "does not say production.")});
}

bool applyEnvironment(CliContext &ctx,
                      const QCommandLineParser &parser,
                      AppConfig &config,
                      int *code)
{
    if (!parser.isSet(QStringLiteral("environment")))
        return true;
    const QString value = parser.value(QStringLiteral("environment"));
    const auto env = parseEnvironment(value);
    if (!env) {
        *code = ctx.fail(QStringLiteral("--environment \"%1\" is not an environment: use %2")
                             .arg(value, environmentNames().join(QLatin1String(", "))),
                         ExitUsage);
        return false;
    }
    config.migrate.environment = *env;
    return true;
}

} // namespace melodee
