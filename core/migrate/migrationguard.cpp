#include "migrationguard.h"

namespace melodee {

QString GuardStep::toString() const
{
    const QString where
        = statement > 0
              ? QStringLiteral("V%1 %2 statement %3").arg(version).arg(name).arg(statement)
              : QStringLiteral("V%1 %2").arg(version).arg(name);
    return where + QStringLiteral(": ") + decision.toString();
}

GuardReport evaluateGuard(const Plan &plan)
{
    GuardReport r;
    r.environment = plan.environment;
    r.productionInHistory = plan.productionInHistory;
    for (const PlannedMigration &pm : plan.migrations) {
        if (pm.irreversible() && !plan.down) {
            r.steps << GuardStep{
                pm.migration.version,
                pm.migration.name,
                0,
                {GuardDecision::Destructive, QStringLiteral("irreversible (reversible: false)")}};
        }
        for (int i = 0; i < pm.statements.size(); ++i) {
            if (!pm.statements[i].guard.isSafe())
                r.steps << GuardStep{
                    pm.migration.version, pm.migration.name, i + 1, pm.statements[i].guard};
        }
    }
    return r;
}

QString GuardReport::refusal(bool allowDestructive, bool forceEnvironment) const
{
    if (environmentMismatch() && !forceEnvironment) {
        return QStringLiteral("production guard: the history records applies in production, but "
                              "this apply says %1. Say --environment production (or set "
                              "migrate.environment), or pass --force-environment if the database "
                              "really is no longer production")
            .arg(environmentName(environment));
    }
    if (needsAllowDestructive() && !allowDestructive) {
        QStringList lines;
        for (const GuardStep &s : steps)
            lines << s.toString();
        return QStringLiteral("production guard: refusing %1. Review the plan and rerun with "
                              "--allow-destructive")
            .arg(lines.join(QLatin1String("; ")));
    }
    return {};
}

QStringList GuardReport::summary() const
{
    QStringList out;
    const QString env = environmentName(environment);
    if (steps.isEmpty()) {
        out << QStringLiteral("guard: environment %1; every statement is safe").arg(env);
    } else {
        out << QStringLiteral("guard: environment %1; %2 step(s) %3:")
                   .arg(env)
                   .arg(steps.size())
                   .arg(enforced() ? QStringLiteral("refused without --allow-destructive")
                                   : QStringLiteral("that production would refuse without "
                                                    "--allow-destructive"));
        for (const GuardStep &s : steps)
            out << QStringLiteral("  ") + s.toString();
    }
    if (productionInHistory) {
        out << QStringLiteral("guard: the history records production; an apply that does not say "
                              "production is refused (--force-environment overrides)");
    }
    return out;
}

} // namespace melodee
