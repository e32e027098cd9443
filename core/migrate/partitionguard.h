#pragma once

#include "config/appconfig.h"

#include <QString>
#include <QStringList>

namespace melodee {

class PgConnection;

// The production guard for partition actions, with the rules migrations follow
// (docs/migrations.md): every statement is classified from its parse tree (StatementAnalyser);
// in production a destructive or unclassified one needs allowDestructive; once the migration
// history records production, a run that does not say production needs forceEnvironment.
struct PartitionGuard
{
    Environment environment = Environment::Development;
    bool productionInHistory = false;
    QStringList stopped; // "DROP TABLE x: destructive: drops table x and its data"

    // Reads the history's environments on conn and classifies the statements.
    static PartitionGuard
    evaluate(PgConnection &conn, const AppConfig &config, const QStringList &statements);
    // Empty when the statements may run with these flags; otherwise why not.
    QString refusal(bool allowDestructive, bool forceEnvironment) const;
    // "guard: environment production; 2 statement(s) refused without --allow-destructive".
    QString summary() const;
};

} // namespace melodee
