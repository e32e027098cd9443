#include "migrationengine.h"

#include "db/dberror.h"
#include "db/pgconnection.h"
#include "db/transaction.h"
#include "sqlparse.h"
#include "util/logging.h"

#include <QElapsedTimer>
#include <QThread>

namespace melodee {

namespace {

QString what(const Migration &m)
{
    return QStringLiteral("migration %1 %2").arg(m.version).arg(m.name);
}

bool samePlanned(const QList<PlannedMigration> &a, const QList<PlannedMigration> &b)
{
    if (a.size() != b.size())
        return false;
    for (int i = 0; i < a.size(); ++i) {
        if (a[i].migration.version != b[i].migration.version
            || a[i].migration.transactional != b[i].migration.transactional
            || a[i].statements.size() != b[i].statements.size())
            return false;
        for (int j = 0; j < a[i].statements.size(); ++j) {
            if (a[i].statements[j].sql != b[i].statements[j].sql)
                return false;
        }
    }
    return true;
}

QStringList statementsOf(const QList<PlannedMigration> &list)
{
    QStringList out;
    for (const PlannedMigration &pm : list) {
        for (const PlannedStatement &s : pm.statements)
            out << s.sql;
    }
    return out;
}

MigrateError cancelledError(const QString &where)
{
    return MigrateError(QStringLiteral("cancelled %1").arg(where), ErrorKind::Cancelled);
}

} // namespace

MigrationEngine::ApplyResult
MigrationEngine::apply(const Plan &plan, const ApplyOptions &options, const Callbacks &callbacks)
{
    ApplyResult result;
    result.planHash = plan.hash();
    result.finalVersion = plan.baseVersion;
    if (!options.expectedHash.isEmpty() && options.expectedHash != result.planHash) {
        QStringList diff = diffStatements(options.expectedStatements, plan.statements());
        throw MigrateError(QStringLiteral("plan mismatch: the reviewed plan has %1 but the plan "
                                          "now is %2 (the database or the migrations changed "
                                          "since review; generate and review a new plan).\n%3")
                               .arg(options.expectedHash,
                                    result.planHash,
                                    diff.isEmpty() ? QStringLiteral("(same statements; settings or "
                                                                    "migration boundaries differ)")
                                                   : diff.join(QLatin1Char('\n'))),
                           ErrorKind::Drift);
    }
    if (!options.expectedHash.isEmpty() && options.expectedStatements != plan.statements()) {
        throw MigrateError(QStringLiteral("the plan file's statements were edited after it was "
                                          "generated (its hash header no longer describes it):\n%1")
                               .arg(diffStatements(options.expectedStatements, plan.statements())
                                        .join(QLatin1Char('\n'))),
                           ErrorKind::Drift);
    }
    checkGuard(plan, options.allowDestructive, options.forceEnvironment);
    if (plan.isEmpty())
        return result;
    if (!m_locked)
        throw MigrateError(QStringLiteral("apply needs the migration lock"));
    ensureHistoryTable();
    for (int i = 0; i < plan.migrations.size(); ++i) {
        const PlannedMigration &pm = plan.migrations[i];
        const Outcome outcome
            = pm.migration.transactional
                  ? applyTransactional(plan, i, result.planHash, options, callbacks)
                  : applyNonTransactional(plan, i, result.planHash, options, callbacks);
        result.finalVersion = qMax(result.finalVersion, pm.migration.version);
        if (outcome == Outcome::Applied) {
            ++result.applied;
            result.messages << QStringLiteral("applied %1").arg(what(pm.migration));
        } else {
            result.messages
                << QStringLiteral("%1 was found applied after a reconnect").arg(what(pm.migration));
        }
    }
    return result;
}

MigrationEngine::Outcome MigrationEngine::replanAfterReconnect(const Plan &plan, int from)
{
    const Plan fresh = plan.down ? planDown(plan.downTo) : this->plan(plan.now);
    const QList<PlannedMigration> rest = plan.migrations.mid(from);
    if (samePlanned(fresh.migrations, rest))
        return Outcome::Applied; // nothing changed: carry on with the migration at `from`
    if (!rest.isEmpty() && samePlanned(fresh.migrations, rest.mid(1)))
        return Outcome::AlreadyApplied; // its COMMIT landed before the connection died
    throw MigrateError(
        QStringLiteral("the history changed while the connection was lost (the migration lock "
                       "went with it, and another migrator may have run): what is left of the "
                       "plan is no longer what the database needs, so nothing more was applied. "
                       "Run again to plan and review anew.\n%1")
            .arg(diffStatements(statementsOf(rest), statementsOf(fresh.migrations))
                     .join(QLatin1Char('\n'))),
        ErrorKind::Drift);
}

MigrationEngine::Outcome MigrationEngine::applyTransactional(const Plan &plan,
                                                             int index,
                                                             const QString &planHash,
                                                             const ApplyOptions &options,
                                                             const Callbacks &callbacks)
{
    const PlannedMigration &pm = plan.migrations[index];
    const Migration &m = pm.migration;
    const OpContext ctx{QStringLiteral("apply %1").arg(what(m)), QString()};
    for (int attempt = 0;; ++attempt) {
        QElapsedTimer timer;
        timer.start();
        QString running; // the statement that was sent last
        int statement = 0;
        try {
            if (!m_conn || m_conn->isBroken()) {
                reconnect(callbacks);
                if (replanAfterReconnect(plan, index) == Outcome::AlreadyApplied)
                    return Outcome::AlreadyApplied;
            }
            // A stop cancels the running statement; the whole migration then rolls back.
            PgConnection *conn = m_conn.get();
            const std::stop_callback onStop(callbacks.stop, [conn] {
                if (conn->queryRunning())
                    conn->cancel();
            });
            Transaction tx(*m_conn, m_config.session, ctx);
            for (const PlannedStatement &s : pm.statements) {
                if (callbacks.stop.stop_requested())
                    throw cancelledError(QStringLiteral("before statement %1 of %2; rolled back")
                                             .arg(statement + 1)
                                             .arg(what(m)));
                ++statement;
                if (callbacks.statement)
                    callbacks.statement(m.version, statement, int(pm.statements.size()), s.sql);
                running = s.sql;
                m_conn->exec(s.sql.toUtf8(), ctx);
            }
            running.clear();
            if (plan.down) {
                Transaction::execWrite(*m_conn,
                                       m_config.session,
                                       QStringLiteral("DELETE FROM %1 WHERE version = $1")
                                           .arg(historyTable())
                                           .toUtf8(),
                                       {QByteArray::number(m.version)},
                                       {QStringLiteral("remove history row"), historyTable()});
            } else if (!recordHistory(m,
                                      MigrationStatus::Applied,
                                      planHash,
                                      options.reviewer,
                                      timer.elapsed(),
                                      {})) {
                throw MigrateError(QStringLiteral("%1 is already recorded as applied by another "
                                                  "session; this run's changes were rolled back")
                                       .arg(what(m)),
                                   ErrorKind::Drift);
            }
            tx.commit();
            return Outcome::Applied;
        } catch (const DbError &e) {
            // The Transaction has rolled back (or the connection is gone, and the server rolls
            // back). A broken connection is checked at the top of the next attempt: its history
            // row is in the same transaction, so the re-plan tells whether COMMIT landed.
            if (e.isCancelled() || callbacks.stop.stop_requested())
                throw cancelledError(QStringLiteral("during statement %1 of %2; rolled back")
                                         .arg(statement)
                                         .arg(what(m)));
            const bool broken = !m_conn || m_conn->isBroken() || e.connectionBroken();
            const bool retryable = broken || e.isRetryable();
            if (!retryable || attempt >= m_backoff.retries()) {
                if (!plan.down)
                    recordFailure(m, planHash, options, timer.elapsed(), e.toString(), callbacks);
                if (!retryable)
                    throw MigrateError(QStringLiteral("%1 failed: %2").arg(what(m), e.toString()),
                                       ErrorKind::Failure);
                throw retriesExhausted(what(m), running, e);
            }
            backoff(attempt, what(m), e.toString(), callbacks);
        }
    }
}

MigrationEngine::Outcome MigrationEngine::applyNonTransactional(const Plan &plan,
                                                                int index,
                                                                const QString &planHash,
                                                                const ApplyOptions &options,
                                                                const Callbacks &callbacks)
{
    const PlannedMigration &pm = plan.migrations[index];
    const Migration &m = pm.migration;
    QElapsedTimer timer;
    timer.start();
    // "running" is committed first: if we die half-way, the next run sees it and redoes the
    // migration instead of trusting a half-built state.
    if (!recordHistory(m, MigrationStatus::Running, planHash, options.reviewer, 0, {})) {
        throw MigrateError(
            QStringLiteral("%1 is already recorded as applied by another session").arg(what(m)),
            ErrorKind::Drift);
    }
    for (int i = 0; i < pm.statements.size(); ++i) {
        if (callbacks.stop.stop_requested()) {
            throw cancelledError(QStringLiteral("before statement %1 of %2 (non-transactional: "
                                                "the statements before it are committed; rerun "
                                                "to finish)")
                                     .arg(i + 1)
                                     .arg(what(m)));
        }
        if (callbacks.statement)
            callbacks.statement(m.version, i + 1, int(pm.statements.size()), pm.statements[i].sql);
        try {
            if (!runNonTransactionalStatement(plan, index, i, callbacks))
                return Outcome::AlreadyApplied;
        } catch (const DbError &e) {
            recordFailure(m, planHash, options, timer.elapsed(), e.toString(), callbacks);
            throw MigrateError(QStringLiteral("%1, statement %2 failed: %3")
                                   .arg(what(m))
                                   .arg(i + 1)
                                   .arg(e.toString()),
                               ErrorKind::Failure);
        } catch (const MigrateError &e) {
            if (e.kind() != ErrorKind::Drift && e.kind() != ErrorKind::Cancelled)
                recordFailure(m, planHash, options, timer.elapsed(), e.message(), callbacks);
            throw;
        }
    }
    if (!recordHistory(
            m, MigrationStatus::Applied, planHash, options.reviewer, timer.elapsed(), {})) {
        throw MigrateError(
            QStringLiteral("%1 is already recorded as applied by another session").arg(what(m)),
            ErrorKind::Drift);
    }
    return Outcome::Applied;
}

bool MigrationEngine::runNonTransactionalStatement(const Plan &plan,
                                                   int index,
                                                   int statement,
                                                   const Callbacks &callbacks)
{
    const PlannedMigration &pm = plan.migrations[index];
    const QString sql = pm.statements[statement].sql;
    const QString where
        = QStringLiteral("%1, statement %2").arg(what(pm.migration)).arg(statement + 1);
    const SqlParseResult parsed = parseSql(sql);
    const bool single = parsed.error.isEmpty() && parsed.statements.size() == 1;
    const bool repeatable = single && StatementAnalyser::safeToRepeat(parsed.statements[0]);
    QString concurrentIndex;
    if (single && parsed.statements[0].kind == QLatin1String("IndexStmt")
        && parsed.statements[0].node.value(QLatin1String("concurrent")).toBool()) {
        concurrentIndex = parsed.statements[0].node.value(QLatin1String("idxname")).toString();
    }
    // An earlier attempt (this run's or a killed run's) may have built the index already.
    bool mayHaveRun = pm.previousStatus.has_value();
    for (int attempt = 0;; ++attempt) {
        try {
            if (!m_conn || m_conn->isBroken()) {
                reconnect(callbacks);
                if (replanAfterReconnect(plan, index) == Outcome::AlreadyApplied)
                    return false;
            }
            if (!concurrentIndex.isEmpty()) {
                // An interrupted CREATE INDEX CONCURRENTLY leaves an INVALID index that IF NOT
                // EXISTS would silently accept: drop it and build it again. A valid one left by
                // an attempt that may have finished is the result we want.
                const PgResult r = m_conn->exec(
                    "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = "
                    "i.indexrelid WHERE c.relname = $1 AND pg_table_is_visible(c.oid)",
                    {concurrentIndex.toUtf8()},
                    {QStringLiteral("check index %1").arg(concurrentIndex), QString()});
                if (r.rows() > 0 && !r.toBool(0, 0)) {
                    if (callbacks.log)
                        callbacks.log(QStringLiteral("%1: index %2 is INVALID (an earlier build "
                                                     "was interrupted); rebuilding it")
                                          .arg(where, concurrentIndex));
                    m_conn->exec(QStringLiteral("DROP INDEX CONCURRENTLY IF EXISTS \"%1\"")
                                     .arg(QString(concurrentIndex)
                                              .replace(QLatin1Char('"'), QLatin1String("\"\"")))
                                     .toUtf8());
                } else if (r.rows() > 0 && mayHaveRun) {
                    if (callbacks.log)
                        callbacks.log(QStringLiteral("%1: index %2 was built by an earlier "
                                                     "attempt; not building it again")
                                          .arg(where, concurrentIndex));
                    return true;
                }
            }
            m_conn->exec(sql.toUtf8(), {QStringLiteral("apply %1").arg(where), QString()});
            return true;
        } catch (const DbError &e) {
            const bool broken = !m_conn || m_conn->isBroken() || e.connectionBroken();
            // A statement the server answered with an error did not take effect (a single
            // statement outside a transaction is atomic). After a lost connection nobody knows.
            const bool uncertain = broken && e.mayHaveExecuted();
            mayHaveRun |= uncertain;
            if (uncertain && !repeatable) {
                throw MigrateError(QStringLiteral("%1: the connection was lost after the "
                                                  "statement was sent, so it may have run; it is "
                                                  "not safe to repeat, so it was not retried. "
                                                  "Check whether it took effect before running "
                                                  "the migrations again (%2)")
                                       .arg(where, e.toString()),
                                   ErrorKind::Failure);
            }
            const bool retryable = broken || e.isRetryable();
            if (!retryable)
                throw;
            if (attempt >= m_backoff.retries())
                throw retriesExhausted(where, sql, e);
            backoff(attempt, what(pm.migration), e.toString(), callbacks);
        }
    }
}

MigrateError
MigrationEngine::retriesExhausted(const QString &what, const QString &sql, const DbError &e)
{
    QString message = QStringLiteral("%1 failed after %2 retries: %3")
                          .arg(what)
                          .arg(m_backoff.retries())
                          .arg(e.toString());
    if (e.sqlState() == QLatin1String("55P03") && !sql.isEmpty() && m_conn && !m_conn->isBroken()) {
        try {
            const QString holders = tableLockHolders(sql);
            message += holders.isEmpty() ? QStringLiteral(". The lock holder has released it since")
                                         : QStringLiteral(". Lock held by %1").arg(holders);
        } catch (const DbError &) {
        }
    }
    return MigrateError(message, ErrorKind::LockWait);
}

QString MigrationEngine::tableLockHolders(const QString &sql)
{
    QStringList tables;
    for (const SqlStatement &s : parseSql(sql).statements) {
        for (const RelationRef &r : statementRelations(s.node))
            tables << r.regclassText();
    }
    tables.removeDuplicates();
    if (tables.isEmpty())
        return {};
    const PgResult r = m_conn->exec(
        "SELECT l.pid, coalesce(a.usename, ''), coalesce(a.application_name, ''), "
        "coalesce(host(a.client_addr), 'local socket'), string_agg(DISTINCT l.mode || ' on ' || "
        "c.relname, ', ') FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
        "LEFT JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.granted AND l.pid <> "
        "pg_backend_pid() AND l.relation IN (SELECT to_regclass(t) FROM "
        "unnest(string_to_array($1, E'\\n')) t) GROUP BY 1, 2, 3, 4 ORDER BY 1",
        {tables.join(QLatin1Char('\n')).toUtf8()},
        {QStringLiteral("find table lock holders"), QStringLiteral("pg_locks")});
    QStringList holders;
    for (int i = 0; i < r.rows(); ++i) {
        holders << QStringLiteral("pid %1 (user %2, application \"%3\", client %4, holding %5)")
                       .arg(r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4));
    }
    return holders.join(QLatin1String("; "));
}

void MigrationEngine::backoff(int attempt,
                              const QString &what,
                              const QString &error,
                              const Callbacks &callbacks)
{
    const qint64 sleepMs = m_backoff.delay(attempt, *QRandomGenerator::global()).count();
    const QString msg = QStringLiteral("retry %1/%2 of %3 in %4 ms after: %5")
                            .arg(attempt + 1)
                            .arg(m_backoff.retries())
                            .arg(what)
                            .arg(sleepMs)
                            .arg(error);
    qCInfo(lcMigrate).noquote() << msg;
    if (callbacks.log)
        callbacks.log(msg);
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < sleepMs) {
        if (callbacks.stop.stop_requested())
            throw cancelledError(QStringLiteral("while waiting to retry %1").arg(what));
        QThread::msleep(quint64(qMin<qint64>(50, sleepMs - t.elapsed())));
    }
}

MigrationEngine::RehearseResult MigrationEngine::rehearse(const Plan &plan,
                                                          const Callbacks &callbacks)
{
    RehearseResult result;
    for (const PlannedMigration &pm : plan.migrations) {
        if (!pm.migration.transactional)
            result.notRehearsed
                << QStringLiteral("%1 %2").arg(pm.migration.version).arg(pm.migration.name);
    }
    PgConnection *conn = m_conn.get();
    const std::stop_callback onStop(callbacks.stop, [conn] {
        if (conn->queryRunning())
            conn->cancel();
    });
    Transaction tx(*m_conn, m_config.session, {QStringLiteral("rehearse"), QString()});
    // Each statement is traced on this session: the locks it took, the tables it rewrote, who
    // held its tables before and who waits for it after.
    RehearsalTracer tracer(*m_conn);
    for (const PlannedMigration &pm : plan.migrations) {
        if (!pm.migration.transactional)
            continue;
        int index = 0;
        for (const PlannedStatement &s : pm.statements) {
            if (callbacks.stop.stop_requested())
                throw cancelledError(QStringLiteral("rehearsal; rolled back"));
            ++index;
            if (callbacks.statement)
                callbacks.statement(pm.migration.version, index, int(pm.statements.size()), s.sql);
            QElapsedTimer timer;
            try {
                tracer.before(s.sql);
                timer.start();
                m_conn->exec(
                    s.sql.toUtf8(),
                    {QStringLiteral("rehearse migration %1").arg(pm.migration.version), QString()});
                const double ms = double(timer.nsecsElapsed()) / 1e6;
                result.traces << tracer.after(pm.migration.version, index, s.sql, ms, {});
            } catch (const DbError &e) {
                if (e.isCancelled() || callbacks.stop.stop_requested())
                    throw cancelledError(QStringLiteral("rehearsal; rolled back"));
                if (e.connectionBroken())
                    throw;
                result.failedVersion = pm.migration.version;
                result.failure = QStringLiteral("%1, statement %2: %3")
                                     .arg(what(pm.migration))
                                     .arg(index)
                                     .arg(e.toString());
                const double ms = timer.isValid() ? double(timer.nsecsElapsed()) / 1e6 : 0.0;
                result.traces << tracer.after(pm.migration.version, index, s.sql, ms, e.toString());
                break;
            }
        }
        if (!result.failure.isEmpty())
            break;
        ++result.rehearsed;
    }
    tx.rollback();
    tracer.addSizes(result.traces);
    return result;
}

MigrationEngine::ApplyResult MigrationEngine::applyDown(const Plan &plan,
                                                        const ApplyOptions &options,
                                                        const Callbacks &callbacks)
{
    ApplyResult result;
    result.planHash = plan.hash();
    checkGuard(plan, options.allowDestructive, options.forceEnvironment);
    if (!plan.isEmpty() && !m_locked)
        throw MigrateError(QStringLiteral("a down-migration needs the migration lock"));
    for (int i = 0; i < plan.migrations.size(); ++i) {
        const PlannedMigration &pm = plan.migrations[i];
        if (applyTransactional(plan, i, result.planHash, options, callbacks) == Outcome::Applied) {
            ++result.applied;
            result.messages << QStringLiteral("undid %1").arg(what(pm.migration));
        }
    }
    for (const HistoryRow &h : history()) {
        if (h.status == MigrationStatus::Applied)
            result.finalVersion = qMax(result.finalVersion, h.version);
    }
    return result;
}

} // namespace melodee
