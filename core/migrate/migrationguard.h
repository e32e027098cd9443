#pragma once

#include "plan.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace melodee {

// One statement (or, with statement 0, a whole migration) the production guard stops.
struct GuardStep
{
    int version = 0;
    QString name;
    int statement = 0; // 1-based; 0: the migration itself (irreversible)
    GuardDecision decision;

    // "V100 drop_canary statement 1: destructive: drops table melodee_canary and its data".
    QString toString() const;
};

// The production guard's decision on a plan. It reads the plan's own facts only: the parse-tree
// decision of every statement, the migrations' reversible headers, the environment of this apply
// and whether the history has ever recorded production.
struct GuardReport
{
    Environment environment = Environment::Development;
    bool productionInHistory = false;
    QList<GuardStep> steps; // destructive or unclassified statements, and irreversible migrations

    bool enforced() const { return environment == Environment::Production; }
    // The history says production but this apply does not.
    bool environmentMismatch() const
    {
        return productionInHistory && environment != Environment::Production;
    }
    // Production and something to stop: the apply needs --allow-destructive.
    bool needsAllowDestructive() const { return enforced() && !steps.isEmpty(); }
    // Empty when the plan may run with these flags; otherwise why it may not.
    QString refusal(bool allowDestructive, bool forceEnvironment) const;
    // The header lines of a plan file, without the "-- " prefix.
    QStringList summary() const;
};

GuardReport evaluateGuard(const Plan &plan);

} // namespace melodee
