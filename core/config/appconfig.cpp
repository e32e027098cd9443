#include "appconfig.h"

namespace melodee {

QString SessionConfig::tableName(const QString &singular) const
{
    if (singularTable || singular.isEmpty())
        return tablePrefix + singular;
    // English plurals for the names this schema uses (library -> libraries, song -> songs).
    if (singular.endsWith(QLatin1Char('y')) && singular.size() > 1
        && !QStringLiteral("aeiou").contains(singular.at(singular.size() - 2)))
        return tablePrefix + singular.chopped(1) + QStringLiteral("ies");
    if (singular.endsWith(QLatin1Char('s')) || singular.endsWith(QLatin1Char('x'))
        || singular.endsWith(QLatin1String("ch")) || singular.endsWith(QLatin1String("sh")))
        return tablePrefix + singular + QStringLiteral("es");
    return tablePrefix + singular + QLatin1Char('s');
}

QString poolerName(Pooler pooler)
{
    return pooler == Pooler::PgBouncerTransaction ? QStringLiteral("pgbouncer-transaction")
                                                  : QStringLiteral("none");
}

QString environmentName(Environment environment)
{
    switch (environment) {
    case Environment::Development:
        return QStringLiteral("development");
    case Environment::Staging:
        return QStringLiteral("staging");
    case Environment::Production:
        return QStringLiteral("production");
    }
    return QStringLiteral("development");
}

std::optional<Environment> parseEnvironment(const QString &text)
{
    const QString t = text.trimmed().toLower();
    for (Environment e :
         {Environment::Development, Environment::Staging, Environment::Production}) {
        if (t == environmentName(e))
            return e;
    }
    return std::nullopt;
}

QStringList environmentNames()
{
    return {environmentName(Environment::Development),
            environmentName(Environment::Staging),
            environmentName(Environment::Production)};
}

} // namespace melodee
