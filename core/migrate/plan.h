#pragma once

#include "config/appconfig.h"
#include "lint.h"
#include "migration.h"
#include "migrationstatus.h"
#include "statementanalyser.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

namespace melodee {

struct PlannedStatement
{
    QString sql;
    QList<LintFinding> findings;
    GuardDecision guard; // the production guard's decision, independent of lint ignores
};

struct PlannedMigration
{
    Migration migration;
    QList<PlannedStatement> statements;
    // Running or Failed when an earlier attempt did not finish; the migration runs again.
    std::optional<MigrationStatus> previousStatus;
    // Some statement is destructive or unclassified: the production guard stops it.
    bool destructive() const;
    bool irreversible() const { return !migration.reversible; }
};

// Exactly what an apply will run, in order. The hash pins it: a reviewed plan file applies only
// if the plan computed at apply time has the same hash.
struct Plan
{
    static constexpr int kFormatVersion = 1;

    QString target;      // "host:port/dbname" (never credentials) or "offline"
    int baseVersion = 0; // highest applied version
    QDateTime now;       // the clock partitions were planned from (UTC)
    Environment environment = Environment::Development;
    // An earlier apply recorded production: an apply that does not say production is refused.
    bool productionInHistory = false;
    bool down = false;      // a down-migration plan: applied migrations undone, newest first
    int downTo = 0;         // the version a down plan goes back to
    QStringList sessionSql; // SET lock_timeout ... run once per session
    bool liveFacts = false; // lint read the connected database's catalog and sessions
    QString liveFactsError; // why it could not (lint then ran offline)
    QList<PlannedMigration> migrations;

    bool isEmpty() const { return migrations.isEmpty(); }
    int statementCount() const;
    // Session settings then every statement, in order.
    QStringList statements() const;
    // "sha256:<hex>" over the statements, each followed by ";\n", and one marker line per
    // migration with its version and transactional mode.
    QString hash() const;
    int findingCount(const QString &severity) const;
    // The reviewable SQL file: header (with the guard's decisions), then statements grouped by
    // phase and migration, lint findings and guard decisions as comments.
    QString render() const;
};

struct PlanFile
{
    QString hash;
    int formatVersion = 0;
    QStringList statements;
};

// Reads a rendered plan. Throws MigrateError (exit 3) when it is not a plan.
PlanFile readPlanFile(const QString &path);
// A short statement-level diff ("- " only in a, "+ " only in b), at most maxLines lines.
QStringList diffStatements(const QStringList &a, const QStringList &b, int maxLines = 20);

} // namespace melodee
