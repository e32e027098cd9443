#include "partitionguard.h"

#include "db/pgconnection.h"
#include "statementanalyser.h"

namespace melodee {

PartitionGuard
PartitionGuard::evaluate(PgConnection &conn, const AppConfig &config, const QStringList &statements)
{
    PartitionGuard g;
    g.environment = config.migrate.environment;
    const QString history = config.session.tablePrefix + QStringLiteral("schema_migrations");
    const OpContext ctx{QStringLiteral("read the environments in the history"), history};
    const PgResult exists
        = conn.exec("SELECT to_regclass($1) IS NOT NULL", {PgParam(history.toUtf8())}, ctx);
    if (exists.toBool(0, 0)) {
        // to_jsonb(t): the environment column may not exist in a table an older version wrote.
        const PgResult r = conn.exec(QStringLiteral("SELECT EXISTS (SELECT 1 FROM %1 t WHERE "
                                                    "to_jsonb(t) ->> 'environment' = $1)")
                                         .arg(history)
                                         .toUtf8(),
                                     {PgParam(environmentName(Environment::Production).toUtf8())},
                                     ctx);
        g.productionInHistory = r.toBool(0, 0);
    }
    const StatementAnalyser analyser;
    for (const QString &sql : statements) {
        const GuardDecision d = analyser.guardScript(sql);
        if (!d.isSafe())
            g.stopped << QStringLiteral("%1: %2").arg(sql, d.toString());
    }
    return g;
}

QString PartitionGuard::refusal(bool allowDestructive, bool forceEnvironment) const
{
    if (productionInHistory && environment != Environment::Production && !forceEnvironment)
        return QStringLiteral("production guard: the migration history records production, but "
                              "this run says %1. Say --environment production (or set "
                              "migrate.environment), or pass --force-environment if the database "
                              "really is no longer production")
            .arg(environmentName(environment));
    if (environment == Environment::Production && !stopped.isEmpty() && !allowDestructive)
        return QStringLiteral("production guard: refusing %1. Review the preview and rerun with "
                              "--allow-destructive")
            .arg(stopped.join(QLatin1String("; ")));
    return {};
}

QString PartitionGuard::summary() const
{
    const QString env = environmentName(environment);
    if (stopped.isEmpty())
        return QStringLiteral("guard: environment %1; every statement is safe").arg(env);
    return QStringLiteral("guard: environment %1; %2 statement(s) %3")
        .arg(env)
        .arg(stopped.size())
        .arg(environment == Environment::Production
                 ? QStringLiteral("refused without --allow-destructive")
                 : QStringLiteral("that production would refuse without --allow-destructive"));
}

} // namespace melodee
