#pragma once

#include "config/appconfig.h"
#include "migrationguard.h"
#include "migrationhistory.h"
#include "plan.h"
#include "rehearsaltrace.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <stop_token>

namespace melodee {

class MigrationEngine;

// What a front end asks of a migration run.
struct MigrationRequest
{
    QString migrationDir; // admin migrations (--dir); empty: the built-ins only
    QDateTime now;        // partitions are planned from this UTC time; invalid: the clock
    QString reviewer;     // recorded in the history
    // A reviewed plan: the apply runs only if the plan computed under the lock has this hash
    // and exactly these statements.
    QString expectedHash;
    QStringList expectedStatements;
    bool allowDestructive = false; // let the production guard pass what it would stop
    bool forceEnvironment = false; // apply although the history says production and we do not
    // Lint the plan with the catalog's facts too (sizes, default partitions, live sessions).
    bool liveFacts = false;
};

// The steps a run goes through, in order, for a front end's progress display.
enum class MigrationStep {
    Connecting,
    Locking, // waiting for the migration lock
    CheckingDrift,
    Planning,
    CheckingGuard,
    Rehearsing,
    Applying,
};
QString migrationStepName(MigrationStep step);

// Called on the worker thread that runs the workflow.
struct MigrationProgress
{
    std::function<void(MigrationStep step)> step;
    // Lock waits, retries, reconnects, rebuilt indexes.
    std::function<void(const QString &message)> log;
    // Before each statement: migration version, statement index (1-based), count, SQL.
    std::function<void(int version, int index, int count, const QString &sql)> statement;
};

// What the review screen shows: every migration with its state, and the pending plan.
struct MigrationSnapshot
{
    QList<MigrationState> states;
    QList<Migration> migrations;
    Plan plan;
    QString target;
};

struct MigrationApplyReport
{
    Plan plan; // what was applied (the plan computed under the lock)
    int applied = 0;
    int finalVersion = 0;
    QString planHash;
    QStringList messages;
};

struct MigrationRehearsal
{
    Plan plan;
    int rehearsed = 0;        // migrations that ran before the rollback
    QStringList notRehearsed; // non-transactional migrations
    QString failure;          // empty when every statement ran
    int failedVersion = 0;
    QList<StatementTrace> traces; // per statement: locks, rewrites, time, sessions in the way
};

// The one way to run migrations, shared by `melodee migrate` and the Migrations view: connect,
// take the migration lock (held for the whole run, released by RAII however the run ends), check
// drift, plan, let the production guard decide, then rehearse or apply. Every method runs on the
// caller's thread and may block; a stop request on the token ends it early with MigrateError
// (ErrorKind::Cancelled). Errors are MigrateError or DbError.
class MigrationWorkflow
{
public:
    // Loads the migrations (the built-ins and request.migrationDir); throws MigrateError (Usage)
    // for a bad migration file.
    explicit MigrationWorkflow(const AppConfig &config,
                               const MigrationRequest &request = {},
                               const MigrationProgress &progress = {});
    ~MigrationWorkflow();
    MigrationWorkflow(const MigrationWorkflow &) = delete;
    MigrationWorkflow &operator=(const MigrationWorkflow &) = delete;

    const QList<Migration> &migrations() const;
    // "host:port/db" once connected (never credentials).
    QString target() const;

    // Reads the history and plans, without the lock and without writing.
    MigrationSnapshot snapshot(std::stop_token stop = {});
    QList<MigrationState> status(std::stop_token stop = {});
    // The plan. Connected: drift is checked first. Offline: planned against an empty database
    // without connecting.
    Plan dryRun(std::stop_token stop = {}, bool offline = false);
    // Runs the pending transactional migrations in one transaction under the lock, and rolls
    // it back.
    MigrationRehearsal rehearse(std::stop_token stop = {});
    MigrationApplyReport apply(std::stop_token stop = {});
    // The down plan to toVersion (no lock, nothing written).
    Plan planDown(int toVersion, std::stop_token stop = {});
    MigrationApplyReport down(int toVersion, std::stop_token stop = {});
    // Accepts drift and forgets failed attempts, under the lock.
    QStringList repair(std::stop_token stop = {});

private:
    void step(MigrationStep s) const;
    void connect(std::stop_token stop);
    Plan lockedPlan(std::stop_token stop);

    AppConfig m_config;
    MigrationRequest m_request;
    MigrationProgress m_progress;
    std::unique_ptr<MigrationEngine> m_engine;
};

} // namespace melodee
