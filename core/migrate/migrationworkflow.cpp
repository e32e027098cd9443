#include "migrationworkflow.h"

#include "db/dberror.h"
#include "db/pgconnection.h"
#include "db/pooler.h"
#include "migrationengine.h"

namespace melodee {

namespace {

void throwIfStopped(const std::stop_token &stop)
{
    if (stop.stop_requested())
        throw MigrateError(QStringLiteral("cancelled"), ErrorKind::Cancelled);
}

// Runs a read on the engine's session; a stop request cancels the running statement at once.
template<typename Fn>
auto cancellable(MigrationEngine &engine, const std::stop_token &stop, Fn fn)
{
    throwIfStopped(stop);
    PgConnection *conn = engine.connection();
    const std::stop_callback onStop(stop, [conn] {
        if (conn && conn->queryRunning())
            conn->cancel();
    });
    try {
        return fn();
    } catch (const DbError &e) {
        if (e.isCancelled() || stop.stop_requested())
            throw MigrateError(QStringLiteral("cancelled"), ErrorKind::Cancelled);
        throw;
    }
}

} // namespace

QString migrationStepName(MigrationStep step)
{
    switch (step) {
    case MigrationStep::Connecting:
        return QStringLiteral("connecting");
    case MigrationStep::Locking:
        return QStringLiteral("taking the migration lock");
    case MigrationStep::CheckingDrift:
        return QStringLiteral("checking drift");
    case MigrationStep::Planning:
        return QStringLiteral("planning");
    case MigrationStep::CheckingGuard:
        return QStringLiteral("checking the production guard");
    case MigrationStep::Rehearsing:
        return QStringLiteral("rehearsing");
    case MigrationStep::Applying:
        return QStringLiteral("applying");
    }
    return {};
}

MigrationWorkflow::MigrationWorkflow(const AppConfig &config,
                                     const MigrationRequest &request,
                                     const MigrationProgress &progress)
    : m_config(config)
    , m_request(request)
    , m_progress(progress)
    , m_engine(std::make_unique<MigrationEngine>(config, request.migrationDir))
{
    if (!m_request.now.isValid())
        m_request.now = QDateTime::currentDateTimeUtc();
}

MigrationWorkflow::~MigrationWorkflow() = default;

const QList<Migration> &MigrationWorkflow::migrations() const
{
    return m_engine->migrations();
}

QString MigrationWorkflow::target() const
{
    return m_engine->targetDescription();
}

void MigrationWorkflow::step(MigrationStep s) const
{
    if (m_progress.step)
        m_progress.step(s);
}

void MigrationWorkflow::connect(std::stop_token stop)
{
    throwIfStopped(stop);
    if (m_engine->connection())
        return;
    step(MigrationStep::Connecting);
    m_engine->connect();
}

MigrationSnapshot MigrationWorkflow::snapshot(std::stop_token stop)
{
    connect(stop);
    return cancellable(*m_engine, stop, [this] {
        MigrationSnapshot s;
        s.states = m_engine->status();
        s.migrations = m_engine->migrations();
        step(MigrationStep::Planning);
        s.plan = m_engine->plan(m_request.now, m_request.liveFacts);
        s.target = m_engine->targetDescription();
        return s;
    });
}

QList<MigrationState> MigrationWorkflow::status(std::stop_token stop)
{
    connect(stop);
    return cancellable(*m_engine, stop, [this] { return m_engine->status(); });
}

Plan MigrationWorkflow::dryRun(std::stop_token stop, bool offline)
{
    if (offline) {
        step(MigrationStep::Planning);
        return m_engine->plan(m_request.now);
    }
    connect(stop);
    return cancellable(*m_engine, stop, [this] {
        step(MigrationStep::CheckingDrift);
        m_engine->checkDrift();
        step(MigrationStep::Planning);
        return m_engine->plan(m_request.now);
    });
}

Plan MigrationWorkflow::lockedPlan(std::stop_token stop)
{
    return cancellable(*m_engine, stop, [this] {
        step(MigrationStep::CheckingDrift);
        m_engine->checkDrift();
        // Planned after the lock is taken, so the second of two migrators started together
        // finds nothing to do.
        step(MigrationStep::Planning);
        return m_engine->plan(m_request.now);
    });
}

MigrationRehearsal MigrationWorkflow::rehearse(std::stop_token stop)
{
    connect(stop);
    const MigrateCallbacks callbacks{m_progress.statement, m_progress.log, stop};
    step(MigrationStep::Locking);
    const MigrationLock lock(*m_engine, callbacks);
    MigrationRehearsal out;
    out.plan = lockedPlan(stop);
    step(MigrationStep::Rehearsing);
    const MigrationEngine::RehearseResult r = m_engine->rehearse(out.plan, callbacks);
    out.rehearsed = r.rehearsed;
    out.notRehearsed = r.notRehearsed;
    out.failure = r.failure;
    out.failedVersion = r.failedVersion;
    out.traces = r.traces;
    return out;
}

MigrationApplyReport MigrationWorkflow::apply(std::stop_token stop)
{
    connect(stop);
    const MigrateCallbacks callbacks{m_progress.statement, m_progress.log, stop};
    step(MigrationStep::Locking);
    const MigrationLock lock(*m_engine, callbacks);
    MigrationApplyReport out;
    out.plan = lockedPlan(stop);
    MigrateApplyOptions options;
    options.reviewer = m_request.reviewer;
    options.expectedHash = m_request.expectedHash;
    options.expectedStatements = m_request.expectedStatements;
    options.allowDestructive = m_request.allowDestructive;
    options.forceEnvironment = m_request.forceEnvironment;
    // The guard decides before anything runs; apply() checks it again on the same plan.
    step(MigrationStep::CheckingGuard);
    m_engine->checkGuard(out.plan, options.allowDestructive, options.forceEnvironment);
    step(MigrationStep::Applying);
    const MigrationEngine::ApplyResult r = m_engine->apply(out.plan, options, callbacks);
    out.applied = r.applied;
    out.finalVersion = r.finalVersion;
    out.planHash = r.planHash;
    out.messages = r.messages;
    if (r.applied > 0) {
        if (const auto line = reconnectPoolerAfterSchemaChange(m_config.database))
            out.messages << *line;
    }
    return out;
}

Plan MigrationWorkflow::planDown(int toVersion, std::stop_token stop)
{
    connect(stop);
    return cancellable(*m_engine, stop, [this, toVersion] {
        step(MigrationStep::CheckingDrift);
        m_engine->checkDrift();
        step(MigrationStep::Planning);
        return m_engine->planDown(toVersion);
    });
}

MigrationApplyReport MigrationWorkflow::down(int toVersion, std::stop_token stop)
{
    connect(stop);
    const MigrateCallbacks callbacks{m_progress.statement, m_progress.log, stop};
    step(MigrationStep::Locking);
    const MigrationLock lock(*m_engine, callbacks);
    MigrationApplyReport out;
    out.plan = cancellable(*m_engine, stop, [this, toVersion] {
        step(MigrationStep::CheckingDrift);
        m_engine->checkDrift();
        step(MigrationStep::Planning);
        return m_engine->planDown(toVersion);
    });
    MigrateApplyOptions options;
    options.reviewer = m_request.reviewer;
    options.allowDestructive = m_request.allowDestructive;
    options.forceEnvironment = m_request.forceEnvironment;
    step(MigrationStep::CheckingGuard);
    m_engine->checkGuard(out.plan, options.allowDestructive, options.forceEnvironment);
    step(MigrationStep::Applying);
    const MigrationEngine::ApplyResult r = m_engine->applyDown(out.plan, options, callbacks);
    out.applied = r.applied;
    out.finalVersion = r.finalVersion;
    out.planHash = r.planHash;
    out.messages = r.messages;
    if (r.applied > 0) {
        if (const auto line = reconnectPoolerAfterSchemaChange(m_config.database))
            out.messages << *line;
    }
    return out;
}

QStringList MigrationWorkflow::repair(std::stop_token stop)
{
    connect(stop);
    const MigrateCallbacks callbacks{m_progress.statement, m_progress.log, stop};
    step(MigrationStep::Locking);
    const MigrationLock lock(*m_engine, callbacks);
    return cancellable(*m_engine, stop, [this] { return m_engine->repair(); });
}

} // namespace melodee
