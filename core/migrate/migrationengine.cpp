#include "migrationengine.h"

#include "db/dberror.h"
#include "db/pgconnection.h"
#include "partitions/partitionsql.h"
#include "sqlparse.h"
#include "util/logging.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QHash>
#include <QRandomGenerator>
#include <QThread>

#include <libpq-fe.h>

namespace melodee {

namespace {

// 'melo': the first advisory-lock key; the second is derived from the history table's name so
// two Melodee schemas with different prefixes in one database do not block each other.
constexpr qint64 kLockClass = 0x6D656C6F;

QString durationSql(Duration d)
{
    const qint64 ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
    if (ms >= 60000 && ms % 60000 == 0)
        return QStringLiteral("%1min").arg(ms / 60000);
    if (ms >= 1000 && ms % 1000 == 0)
        return QStringLiteral("%1s").arg(ms / 1000);
    return QStringLiteral("%1ms").arg(ms);
}

QByteArray q(const QString &s)
{
    return s.toUtf8();
}

PgParam p(const QString &s)
{
    return s.toUtf8();
}

QString osUser()
{
    const QByteArray u = qgetenv("USER");
    return u.isEmpty() ? QStringLiteral("unknown") : QString::fromLocal8Bit(u);
}

} // namespace

MigrationEngine::MigrationEngine(const AppConfig &config, const QString &migrationDir)
    : m_config(config)
    , m_migrations(allMigrations(migrationDir))
{}

MigrationEngine::~MigrationEngine()
{
    if (m_locked && m_conn && !m_conn->isBroken()) {
        try {
            unlock();
        } catch (...) {
        }
    }
}

QString MigrationEngine::historyTable() const
{
    return m_config.session.tablePrefix + QStringLiteral("schema_migrations");
}

QString MigrationEngine::targetDescription() const
{
    if (!m_conn)
        return QStringLiteral("offline (planned against an empty database)");
    PGconn *c = m_conn->handle();
    return QStringLiteral("%1:%2/%3")
        .arg(
            QString::fromUtf8(PQhost(c)), QString::fromUtf8(PQport(c)), QString::fromUtf8(PQdb(c)));
}

void MigrationEngine::connect()
{
    m_conn = PgConnection::open(m_config.database);
    m_conn->setUsePreparedStatements(false);
    applySession();
}

void MigrationEngine::applySession()
{
    m_conn->exec(q(
        QStringLiteral("SET lock_timeout = '%1'").arg(durationSql(m_config.migrate.lockTimeout))));
    m_conn->exec(q(QStringLiteral("SET statement_timeout = '%1'")
                       .arg(durationSql(m_config.migrate.statementTimeout))));
    // Catalog output (partition bounds, timestamps) in UTC whatever the server's TimeZone.
    m_conn->exec("SET TimeZone = 'UTC'");
    // If the CLI is killed mid-statement the server notices within 2 s and rolls back, instead of
    // finishing a long statement for nobody and holding the migration lock meanwhile.
    m_conn->exec("SET client_connection_check_interval = '2s'");
}

void MigrationEngine::reconnect(const Callbacks &callbacks)
{
    const bool wasLocked = m_locked;
    m_locked = false;
    m_conn.reset();
    connect();
    if (wasLocked)
        lock(callbacks);
}

static qint64 lockKey2(const QString &table)
{
    const QByteArray h = QCryptographicHash::hash(table.toUtf8(), QCryptographicHash::Sha256);
    const quint32 v = (quint32(uchar(h[0])) << 24) | (quint32(uchar(h[1])) << 16)
                      | (quint32(uchar(h[2])) << 8) | quint32(uchar(h[3]));
    return qint64(v & 0x7fffffff);
}

QString MigrationEngine::lockHolder()
{
    const PgResult r = m_conn->exec(
        "SELECT a.pid, coalesce(a.usename, ''), coalesce(a.application_name, ''), "
        "coalesce(host(a.client_addr), 'local socket'), "
        "to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
        "coalesce(a.state, '') "
        "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::oid AND l.objid = $2::oid "
        "AND l.objsubid = 2 AND l.database = (SELECT oid FROM pg_database WHERE datname = "
        "current_database())",
        {QByteArray::number(kLockClass), QByteArray::number(lockKey2(historyTable()))},
        {QStringLiteral("find migration lock holder"), QStringLiteral("pg_locks")});
    if (r.rows() == 0)
        return {};
    return QStringLiteral("pid %1 (user %2, application \"%3\", client %4, connected since %5, %6)")
        .arg(r.text(0, 0), r.text(0, 1), r.text(0, 2), r.text(0, 3), r.text(0, 4), r.text(0, 5));
}

void MigrationEngine::lock(const Callbacks &callbacks)
{
    if (m_locked)
        return;
    const auto waitMs
        = std::chrono::duration_cast<std::chrono::milliseconds>(m_config.migrate.lockWait);
    QElapsedTimer timer;
    timer.start();
    bool reported = false;
    const PgParams keys
        = {QByteArray::number(kLockClass), QByteArray::number(lockKey2(historyTable()))};
    while (true) {
        const PgResult r = m_conn->exec("SELECT pg_try_advisory_lock($1::int, $2::int)",
                                        keys,
                                        {QStringLiteral("take migration lock"), historyTable()});
        if (r.toBool(0, 0)) {
            m_locked = true;
            if (reported && callbacks.log) {
                callbacks.log(QStringLiteral("took the migration lock after waiting %1 s")
                                  .arg(timer.elapsed() / 1000.0, 0, 'f', 1));
            }
            return;
        }
        if (!reported) {
            reported = true;
            if (callbacks.log) {
                const QString holder = lockHolder();
                callbacks.log(
                    QStringLiteral("waiting up to %1 for the migration lock held by %2")
                        .arg(durationSql(m_config.migrate.lockWait),
                             holder.isEmpty() ? QStringLiteral("another session") : holder));
            }
        }
        if (timer.elapsed() >= waitMs.count()) {
            const QString holder = lockHolder();
            throw MigrateError(
                QStringLiteral("another migration holds the migration lock; gave up "
                               "after %1 (migrate.lock_wait / --lock-wait). Holder: "
                               "%2")
                    .arg(durationSql(m_config.migrate.lockWait),
                         holder.isEmpty() ? QStringLiteral("released just now") : holder),
                ErrorKind::LockWait);
        }
        QThread::msleep(qMin<qint64>(250, qMax<qint64>(1, waitMs.count() - timer.elapsed())));
    }
}

void MigrationEngine::unlock()
{
    if (!m_locked)
        return;
    m_locked = false;
    m_conn->exec("SELECT pg_advisory_unlock($1::int, $2::int)",
                 {QByteArray::number(kLockClass), QByteArray::number(lockKey2(historyTable()))},
                 {QStringLiteral("release migration lock"), historyTable()});
}

void MigrationEngine::ensureHistoryTable()
{
    m_conn->exec(
        q(QStringLiteral(
              "CREATE TABLE IF NOT EXISTS %1 ("
              "version integer PRIMARY KEY, name text NOT NULL, phase integer NOT NULL, "
              "checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), "
              "applied_by text NOT NULL, reviewer text, plan_hash text, execution_ms bigint, "
              "status text NOT NULL CHECK (status IN ('applied', 'running', 'failed')), "
              "transactional boolean NOT NULL DEFAULT true, error text)")
              .arg(historyTable())),
        {QStringLiteral("create history table"), historyTable()});
}

QList<HistoryRow> MigrationEngine::history()
{
    QList<HistoryRow> out;
    if (!m_conn)
        return out;
    const PgResult exists = m_conn->exec("SELECT to_regclass($1) IS NOT NULL", {p(historyTable())});
    if (!exists.toBool(0, 0))
        return out;
    const PgResult r = m_conn->exec(
        q(QStringLiteral(
              "SELECT version, name, checksum, "
              "to_char(applied_at AT TIME ZONE 'UTC', "
              "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), applied_by, coalesce(reviewer, ''), "
              "coalesce(plan_hash, ''), coalesce(execution_ms, 0), status FROM %1 "
              "ORDER BY version")
              .arg(historyTable())),
        {QStringLiteral("read history"), historyTable()});
    for (int i = 0; i < r.rows(); ++i) {
        HistoryRow h;
        h.version = int(r.toInt64(i, 0));
        h.name = r.text(i, 1);
        h.checksum = r.text(i, 2);
        h.appliedAt = QDateTime::fromString(r.text(i, 3), Qt::ISODateWithMs);
        h.appliedBy = r.text(i, 4);
        h.reviewer = r.text(i, 5);
        h.planHash = r.text(i, 6);
        h.executionMs = r.toInt64(i, 7);
        h.status = r.text(i, 8);
        out << h;
    }
    return out;
}

QList<MigrationState> MigrationEngine::status()
{
    QHash<int, HistoryRow> rows;
    for (const HistoryRow &h : history())
        rows.insert(h.version, h);
    QList<MigrationState> out;
    for (const Migration &m : m_migrations) {
        MigrationState s;
        s.version = m.version;
        s.name = m.name;
        s.phase = m.phase;
        s.currentChecksum = QString::fromLatin1(m.checksum);
        if (rows.contains(m.version)) {
            const HistoryRow h = rows.take(m.version);
            s.history = h;
            if (h.status != QLatin1String("applied"))
                s.state = h.status;
            else if (h.checksum != s.currentChecksum)
                s.state = QStringLiteral("drifted");
            else
                s.state = QStringLiteral("applied");
        } else {
            s.state = QStringLiteral("pending");
        }
        out << s;
    }
    for (const HistoryRow &h : std::as_const(rows)) {
        MigrationState s;
        s.version = h.version;
        s.name = h.name;
        s.state = QStringLiteral("missing");
        s.history = h;
        out << s;
    }
    std::sort(out.begin(), out.end(), [](const MigrationState &a, const MigrationState &b) {
        return a.version < b.version;
    });
    return out;
}

void MigrationEngine::checkDrift()
{
    QStringList drifted;
    for (const MigrationState &s : status()) {
        if (s.state == QLatin1String("drifted")) {
            drifted << QStringLiteral("migration %1 %2 was applied with checksum %3 but its file "
                                      "now has %4")
                           .arg(s.version)
                           .arg(s.name, s.history->checksum.left(12), s.currentChecksum.left(12));
        }
    }
    if (!drifted.isEmpty()) {
        throw MigrateError(QStringLiteral("drift: %1. Restore the applied file, or run `melodee "
                                          "migrate repair` to accept the change")
                               .arg(drifted.join(QLatin1String("; "))),
                           ErrorKind::Drift);
    }
}

QStringList MigrationEngine::repair()
{
    QStringList done;
    ensureHistoryTable();
    for (const MigrationState &s : status()) {
        if (s.state == QLatin1String("drifted")) {
            m_conn->exec(q(QStringLiteral("UPDATE %1 SET checksum = $1 WHERE version = $2")
                               .arg(historyTable())),
                         {p(s.currentChecksum), QByteArray::number(s.version)},
                         {QStringLiteral("repair checksum"), historyTable()});
            done << QStringLiteral("migration %1 %2: checksum updated to %3")
                        .arg(s.version)
                        .arg(s.name, s.currentChecksum.left(12));
        } else if (s.state == QLatin1String("failed")) {
            m_conn->exec(q(QStringLiteral("DELETE FROM %1 WHERE version = $1 AND status = 'failed'")
                               .arg(historyTable())),
                         {QByteArray::number(s.version)},
                         {QStringLiteral("repair failed row"), historyTable()});
            done << QStringLiteral("migration %1 %2: failed attempt forgotten (pending again)")
                        .arg(s.version)
                        .arg(s.name);
        }
    }
    return done;
}

Plan MigrationEngine::plan(const QDateTime &now)
{
    Plan plan;
    plan.now = now.toUTC();
    plan.target = targetDescription();
    plan.environment = m_config.migrate.environment;
    plan.sessionSql
        << QStringLiteral("SET lock_timeout = '%1'").arg(durationSql(m_config.migrate.lockTimeout))
        << QStringLiteral("SET statement_timeout = '%1'")
               .arg(durationSql(m_config.migrate.statementTimeout));

    QHash<int, HistoryRow> rows;
    for (const HistoryRow &h : history()) {
        rows.insert(h.version, h);
        if (h.status == QLatin1String("applied"))
            plan.baseVersion = qMax(plan.baseVersion, h.version);
    }

    Linter linter;
    for (const Migration &m : m_migrations) {
        const auto row = rows.constFind(m.version);
        if (row != rows.constEnd() && row->status == QLatin1String("applied"))
            continue;
        PlannedMigration pm;
        pm.migration = m;
        if (row != rows.constEnd())
            pm.previousStatus = row->status;

        QString script;
        if (m.generated == QLatin1String("partitions")) {
            const Month first = Month::fromDate(plan.now.date());
            QStringList stmts;
            for (const QString &table : partitionedTables(m_config.session)) {
                for (const Month &month : monthWindow(first, m_config.migrate.premakeMonths))
                    stmts << createMonthPartitionSql(table, month);
                stmts << createDefaultPartitionSql(table);
            }
            script = stmts.join(QStringLiteral(";\n")) + QStringLiteral(";\n");
        } else if (!m.generated.isEmpty()) {
            throw MigrateError(
                QStringLiteral("%1: unknown generator \"%2\"").arg(m.source, m.generated));
        } else {
            script = m.expandedSql(m_config.session);
        }
        const SqlParseResult parsed = parseSql(script);
        if (!parsed.error.isEmpty()) {
            throw MigrateError(QStringLiteral("%1: line %2: %3")
                                   .arg(m.source)
                                   .arg(parsed.errorLine)
                                   .arg(parsed.error),
                               ErrorKind::Usage);
        }
        Linter::Options lo;
        lo.inTransaction = m.transactional;
        lo.timeoutsSetByEngine = true;
        lo.ignore = QSet<QString>(m.lintIgnore.cbegin(), m.lintIgnore.cend());
        linter.setOptions(lo);
        int index = 0;
        for (const SqlStatement &s : parsed.statements) {
            if (s.kind == QLatin1String("TransactionStmt")) {
                throw MigrateError(QStringLiteral("%1: line %2: BEGIN/COMMIT in a migration; the "
                                                  "engine runs each migration in its own "
                                                  "transaction (or none with '-- transactional: "
                                                  "false')")
                                       .arg(m.source)
                                       .arg(s.line),
                                   ErrorKind::Usage);
            }
            PlannedStatement ps;
            ps.sql = s.text;
            ps.findings = linter.lint(s, ++index);
            pm.statements << ps;
        }
        plan.migrations << pm;
    }
    return plan;
}

void MigrationEngine::checkGuard(const Plan &plan, bool allowDestructive) const
{
    if (m_config.migrate.environment != QLatin1String("production") || allowDestructive)
        return;
    QStringList blocked;
    for (const PlannedMigration &pm : plan.migrations) {
        QStringList why;
        if (pm.destructive())
            why << QStringLiteral("destructive");
        if (pm.irreversible())
            why << QStringLiteral("irreversible");
        if (!why.isEmpty()) {
            blocked << QStringLiteral("migration %1 %2 (%3)")
                           .arg(pm.migration.version)
                           .arg(pm.migration.name, why.join(QLatin1String(", ")));
        }
    }
    if (!blocked.isEmpty()) {
        throw MigrateError(
            QStringLiteral("production guard: refusing %1. Review the plan and rerun "
                           "with --allow-destructive")
                .arg(blocked.join(QLatin1String(", "))),
            ErrorKind::Guard);
    }
}

bool MigrationEngine::cancelled(const Callbacks &callbacks) const
{
    return callbacks.cancel && callbacks.cancel->load();
}

void MigrationEngine::recordHistory(const Migration &m,
                                    const QString &status,
                                    const QString &planHash,
                                    const QString &reviewer,
                                    qint64 ms,
                                    const QString &error)
{
    m_conn->exec(q(QStringLiteral(
                       "INSERT INTO %1 (version, name, phase, checksum, applied_at, applied_by, "
                       "reviewer, plan_hash, execution_ms, status, transactional, error) "
                       "VALUES ($1, $2, $3, $4, now(), session_user || ' (os user ' || $5 || ')', "
                       "nullif($6, ''), $7, $8, $9, $10, nullif($11, '')) "
                       "ON CONFLICT (version) DO UPDATE SET name = EXCLUDED.name, "
                       "phase = EXCLUDED.phase, checksum = EXCLUDED.checksum, applied_at = now(), "
                       "applied_by = EXCLUDED.applied_by, reviewer = EXCLUDED.reviewer, "
                       "plan_hash = EXCLUDED.plan_hash, execution_ms = EXCLUDED.execution_ms, "
                       "status = EXCLUDED.status, transactional = EXCLUDED.transactional, "
                       "error = EXCLUDED.error")
                       .arg(historyTable())),
                 {QByteArray::number(m.version),
                  p(m.name),
                  QByteArray::number(m.phase),
                  m.checksum,
                  p(osUser()),
                  p(reviewer),
                  p(planHash),
                  QByteArray::number(ms),
                  p(status),
                  m.transactional ? QByteArray("true") : QByteArray("false"),
                  p(error)},
                 {QStringLiteral("record migration %1").arg(m.version), historyTable()});
}

bool MigrationEngine::historyHasApplied(int version)
{
    for (const HistoryRow &h : history()) {
        if (h.version == version && h.status == QLatin1String("applied"))
            return true;
    }
    return false;
}

void MigrationEngine::backoff(int attempt,
                              const QString &what,
                              const QString &error,
                              const Callbacks &callbacks)
{
    // Full jitter (AWS architecture blog): uniform in [0, min(cap, base * 2^attempt)], so
    // migrators that collided do not collide again in lockstep.
    const qint64 ceiling = qMin<qint64>(5000, 200LL << qMin(attempt, 10));
    const qint64 sleepMs = qint64(QRandomGenerator::global()->bounded(quint64(ceiling) + 1));
    const QString msg = QStringLiteral("retry %1/%2 of %3 in %4 ms after: %5")
                            .arg(attempt + 1)
                            .arg(m_config.migrate.retries)
                            .arg(what)
                            .arg(sleepMs)
                            .arg(error);
    qCInfo(lcMigrate).noquote() << msg;
    if (callbacks.log)
        callbacks.log(msg);
    QThread::msleep(quint64(sleepMs));
}

void MigrationEngine::applyTransactional(const PlannedMigration &pm,
                                         const QString &planHash,
                                         const ApplyOptions &options,
                                         const Callbacks &callbacks,
                                         bool down)
{
    const Migration &m = pm.migration;
    const QString what = QStringLiteral("migration %1 %2").arg(m.version).arg(m.name);
    const OpContext ctx{QStringLiteral("apply %1").arg(what), QString()};
    for (int attempt = 0;; ++attempt) {
        QElapsedTimer timer;
        timer.start();
        try {
            if (!m_conn || m_conn->isBroken())
                reconnect(callbacks);
            m_conn->exec("BEGIN");
            int index = 0;
            for (const PlannedStatement &s : pm.statements) {
                if (cancelled(callbacks)) {
                    m_conn->exec("ROLLBACK");
                    throw MigrateError(QStringLiteral("cancelled before statement %1 of %2; rolled "
                                                      "back")
                                           .arg(index + 1)
                                           .arg(what),
                                       ErrorKind::Cancelled);
                }
                ++index;
                if (callbacks.statement)
                    callbacks.statement(m.version, index, int(pm.statements.size()), s.sql);
                m_conn->exec(s.sql.toUtf8(), ctx);
            }
            if (down) {
                m_conn->exec(
                    q(QStringLiteral("DELETE FROM %1 WHERE version = $1").arg(historyTable())),
                    {QByteArray::number(m.version)},
                    {QStringLiteral("remove history row"), historyTable()});
            } else {
                recordHistory(
                    m, QStringLiteral("applied"), planHash, options.reviewer, timer.elapsed(), {});
            }
            m_conn->exec("COMMIT");
            return;
        } catch (const DbError &e) {
            const bool broken = !m_conn || m_conn->isBroken() || e.connectionBroken();
            if (!broken) {
                try {
                    m_conn->exec("ROLLBACK");
                } catch (const DbError &) {
                }
            } else {
                // The connection died: COMMIT may or may not have landed. The history row is in
                // the same transaction, so it tells.
                try {
                    reconnect(callbacks);
                    if (historyHasApplied(m.version) != down)
                        return;
                } catch (const DbError &) {
                }
            }
            const bool retryable = broken || e.isRetryable();
            if (!retryable || attempt >= m_config.migrate.retries) {
                try {
                    if (m_conn && !m_conn->isBroken() && !down)
                        recordHistory(m,
                                      QStringLiteral("failed"),
                                      planHash,
                                      options.reviewer,
                                      timer.elapsed(),
                                      e.toString());
                } catch (const DbError &) {
                }
                if (!retryable)
                    throw MigrateError(QStringLiteral("%1 failed: %2").arg(what, e.toString()),
                                       ErrorKind::Failure);
                throw MigrateError(QStringLiteral("%1 failed after %2 retries: %3")
                                       .arg(what)
                                       .arg(m_config.migrate.retries)
                                       .arg(e.toString()),
                                   ErrorKind::LockWait);
            }
            backoff(attempt, what, e.toString(), callbacks);
        }
    }
}

void MigrationEngine::applyNonTransactional(const PlannedMigration &pm,
                                            const QString &planHash,
                                            const ApplyOptions &options,
                                            const Callbacks &callbacks)
{
    const Migration &m = pm.migration;
    const QString what = QStringLiteral("migration %1 %2").arg(m.version).arg(m.name);
    QElapsedTimer timer;
    timer.start();
    // "running" is committed first: if we die half-way, the next run sees it and redoes the
    // migration instead of trusting a half-built state.
    recordHistory(m, QStringLiteral("running"), planHash, options.reviewer, 0, {});
    int index = 0;
    for (const PlannedStatement &s : pm.statements) {
        ++index;
        if (cancelled(callbacks)) {
            throw MigrateError(
                QStringLiteral("cancelled before statement %1 of %2 (non-transactional: "
                               "the statements before it are committed; rerun to "
                               "finish)")
                    .arg(index)
                    .arg(what));
        }
        if (callbacks.statement)
            callbacks.statement(m.version, index, int(pm.statements.size()), s.sql);
        const SqlParseResult parsed = parseSql(s.sql);
        QString concurrentIndex;
        if (parsed.statements.size() == 1 && parsed.statements[0].kind == QLatin1String("IndexStmt")
            && parsed.statements[0].node.value(QLatin1String("concurrent")).toBool()) {
            concurrentIndex = parsed.statements[0].node.value(QLatin1String("idxname")).toString();
        }
        for (int attempt = 0;; ++attempt) {
            try {
                if (!m_conn || m_conn->isBroken())
                    reconnect(callbacks);
                if (!concurrentIndex.isEmpty()) {
                    // A CREATE INDEX CONCURRENTLY that was interrupted leaves an INVALID index that
                    // IF NOT EXISTS would silently accept: drop it and build it again.
                    const PgResult r = m_conn->exec(
                        "SELECT NOT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = "
                        "i.indexrelid WHERE c.relname = $1 AND pg_table_is_visible(c.oid)",
                        {p(concurrentIndex)});
                    if (r.rows() > 0 && r.toBool(0, 0)) {
                        const QString msg = QStringLiteral("%1: index %2 is INVALID (an earlier "
                                                           "build was interrupted); rebuilding it")
                                                .arg(what, concurrentIndex);
                        if (callbacks.log)
                            callbacks.log(msg);
                        m_conn->exec(q(QStringLiteral("DROP INDEX CONCURRENTLY IF EXISTS \"%1\"")
                                           .arg(concurrentIndex)));
                    }
                }
                m_conn->exec(s.sql.toUtf8(), {QStringLiteral("apply %1").arg(what), QString()});
                break;
            } catch (const DbError &e) {
                const bool broken = !m_conn || m_conn->isBroken() || e.connectionBroken();
                const bool retryable = broken || e.isRetryable();
                if (!retryable || attempt >= m_config.migrate.retries) {
                    try {
                        if (m_conn && !m_conn->isBroken())
                            recordHistory(m,
                                          QStringLiteral("failed"),
                                          planHash,
                                          options.reviewer,
                                          timer.elapsed(),
                                          e.toString());
                    } catch (const DbError &) {
                    }
                    throw MigrateError(QStringLiteral("%1, statement %2 failed%3: %4")
                                           .arg(what)
                                           .arg(index)
                                           .arg(retryable ? QStringLiteral(" after %1 retries")
                                                                .arg(m_config.migrate.retries)
                                                          : QString(),
                                                e.toString()),
                                       retryable ? ErrorKind::LockWait : ErrorKind::Failure);
                }
                backoff(attempt, what, e.toString(), callbacks);
            }
        }
    }
    recordHistory(m, QStringLiteral("applied"), planHash, options.reviewer, timer.elapsed(), {});
}

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
    checkGuard(plan, options.allowDestructive);
    if (plan.isEmpty())
        return result;
    ensureHistoryTable();
    for (const PlannedMigration &pm : plan.migrations) {
        if (pm.migration.transactional)
            applyTransactional(pm, result.planHash, options, callbacks);
        else
            applyNonTransactional(pm, result.planHash, options, callbacks);
        ++result.applied;
        result.finalVersion = qMax(result.finalVersion, pm.migration.version);
        result.messages << QStringLiteral("applied migration %1 %2")
                               .arg(pm.migration.version)
                               .arg(pm.migration.name);
    }
    return result;
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
    m_conn->exec("BEGIN");
    try {
        for (const PlannedMigration &pm : plan.migrations) {
            if (!pm.migration.transactional)
                continue;
            int index = 0;
            for (const PlannedStatement &s : pm.statements) {
                ++index;
                if (callbacks.statement)
                    callbacks.statement(
                        pm.migration.version, index, int(pm.statements.size()), s.sql);
                try {
                    m_conn->exec(s.sql.toUtf8(),
                                 {QStringLiteral("rehearse migration %1").arg(pm.migration.version),
                                  QString()});
                } catch (const DbError &e) {
                    result.failedVersion = pm.migration.version;
                    result.failure = QStringLiteral("migration %1 %2, statement %3: %4")
                                         .arg(pm.migration.version)
                                         .arg(pm.migration.name)
                                         .arg(index)
                                         .arg(e.toString());
                    break;
                }
            }
            if (!result.failure.isEmpty())
                break;
            ++result.rehearsed;
        }
    } catch (...) {
        if (!m_conn->isBroken())
            m_conn->exec("ROLLBACK");
        throw;
    }
    m_conn->exec("ROLLBACK");
    return result;
}

Plan MigrationEngine::planDown(int toVersion)
{
    Plan plan;
    plan.down = true;
    plan.now = QDateTime::currentDateTimeUtc();
    plan.target = targetDescription();
    plan.environment = m_config.migrate.environment;
    plan.sessionSql
        = {QStringLiteral("SET lock_timeout = '%1'").arg(durationSql(m_config.migrate.lockTimeout)),
           QStringLiteral("SET statement_timeout = '%1'")
               .arg(durationSql(m_config.migrate.statementTimeout))};
    QList<MigrationState> undo;
    for (const MigrationState &s : status()) {
        if (s.history && s.history->status == QLatin1String("applied"))
            plan.baseVersion = qMax(plan.baseVersion, s.version);
        if (s.version > toVersion && s.history)
            undo.prepend(s);
    }
    auto find = [this](int version) {
        return std::find_if(m_migrations.cbegin(),
                            m_migrations.cend(),
                            [version](const Migration &m) { return m.version == version; });
    };
    QStringList irreversible;
    QStringList noDown;
    for (const MigrationState &s : std::as_const(undo)) {
        const auto it = find(s.version);
        if (it == m_migrations.cend()) {
            throw MigrateError(QStringLiteral("migration %1 %2 is in the history but its file is "
                                              "missing; pass the --dir that holds it")
                                   .arg(s.version)
                                   .arg(s.name));
        }
        if (!it->reversible)
            irreversible << QStringLiteral("%1 %2").arg(it->version).arg(it->name);
        else if (!it->hasDown())
            noDown << QStringLiteral("%1 %2").arg(it->version).arg(it->name);
    }
    if (!irreversible.isEmpty()) {
        throw MigrateError(QStringLiteral("down-migration refused: %1 is irreversible")
                               .arg(irreversible.join(QLatin1String(", "))),
                           ErrorKind::Guard);
    }
    if (!noDown.isEmpty()) {
        throw MigrateError(QStringLiteral("cannot go down: %1 has no \"-- melodee:down\" section")
                               .arg(noDown.join(QLatin1String(", "))));
    }
    Linter linter;
    for (const MigrationState &s : std::as_const(undo)) {
        const Migration &m = *find(s.version);
        const SqlParseResult parsed = parseSql(m.expandedDownSql(m_config.session));
        if (!parsed.error.isEmpty())
            throw MigrateError(QStringLiteral("%1 (down part): %2").arg(m.source, parsed.error),
                               ErrorKind::Usage);
        Linter::Options lo;
        lo.inTransaction = true;
        lo.timeoutsSetByEngine = true;
        lo.ignore = QSet<QString>(m.lintIgnore.cbegin(), m.lintIgnore.cend());
        linter.setOptions(lo);
        PlannedMigration pm;
        pm.migration = m;
        pm.migration.transactional = true; // a down part always runs in one transaction
        int index = 0;
        for (const SqlStatement &st : parsed.statements)
            pm.statements << PlannedStatement{st.text, linter.lint(st, ++index)};
        plan.migrations << pm;
    }
    return plan;
}

MigrationEngine::ApplyResult
MigrationEngine::applyDown(const Plan &plan, bool allowDestructive, const Callbacks &callbacks)
{
    ApplyResult result;
    result.planHash = plan.hash();
    if (m_config.migrate.environment == QLatin1String("production") && !allowDestructive) {
        QStringList blocked;
        for (const PlannedMigration &pm : plan.migrations) {
            if (pm.destructive())
                blocked << QStringLiteral("%1 %2").arg(pm.migration.version).arg(pm.migration.name);
        }
        if (!blocked.isEmpty()) {
            throw MigrateError(
                QStringLiteral("production guard: refusing the destructive down part "
                               "of %1. Review and rerun with --allow-destructive")
                    .arg(blocked.join(QLatin1String(", "))),
                ErrorKind::Guard);
        }
    }
    for (const PlannedMigration &pm : plan.migrations) {
        applyTransactional(pm, result.planHash, {}, callbacks, true);
        ++result.applied;
        result.messages << QStringLiteral("undid migration %1 %2")
                               .arg(pm.migration.version)
                               .arg(pm.migration.name);
    }
    for (const HistoryRow &h : history()) {
        if (h.status == QLatin1String("applied"))
            result.finalVersion = qMax(result.finalVersion, h.version);
    }
    return result;
}

QList<IntegrityProblem> MigrationEngine::integrityCheck()
{
    const SessionConfig &s = m_config.session;
    const QString songs = s.tableName(QStringLiteral("song"));
    const QString albums = s.tableName(QStringLiteral("album"));
    const QString artists = s.tableName(QStringLiteral("artist"));
    struct Check
    {
        QString name;
        QString sql;
    };
    const auto orphan = [](const QString &child, const QString &column, const QString &parent) {
        return QStringLiteral("SELECT count(*), coalesce(array_to_string((array_agg(c.id ORDER BY "
                              "c.id))[1:10], ', '), '') FROM %1 c WHERE c.%2 IS NOT NULL AND NOT "
                              "EXISTS (SELECT 1 FROM %3 p WHERE p.id = c.%2)")
            .arg(child, column, parent);
    };
    const auto dup = [](const QString &table, const QString &column) {
        return QStringLiteral("SELECT count(*), coalesce(array_to_string((array_agg(k ORDER BY k))"
                              "[1:10], ', '), '') FROM (SELECT %2::text AS k FROM %1 GROUP BY %2 "
                              "HAVING count(*) > 1) d")
            .arg(table, column);
    };
    const QList<Check> checks = {
        {QStringLiteral("songs with unknown artist_id"),
         orphan(songs, QStringLiteral("artist_id"), artists)},
        {QStringLiteral("songs with unknown album_id"),
         orphan(songs, QStringLiteral("album_id"), albums)},
        {QStringLiteral("albums with unknown artist_id"),
         orphan(albums, QStringLiteral("artist_id"), artists)},
        {QStringLiteral("duplicate song id across partitions"), dup(songs, QStringLiteral("id"))},
        {QStringLiteral("duplicate song api_key across partitions"),
         dup(songs, QStringLiteral("api_key"))},
        {QStringLiteral("duplicate album id across partitions"), dup(albums, QStringLiteral("id"))},
        {QStringLiteral("duplicate album api_key across partitions"),
         dup(albums, QStringLiteral("api_key"))},
    };
    QList<IntegrityProblem> out;
    for (const Check &c : checks) {
        const PgResult r
            = m_conn->exec(c.sql.toUtf8(), {QStringLiteral("integrity check"), c.name});
        IntegrityProblem pr;
        pr.check = c.name;
        pr.count = r.toInt64(0, 0);
        if (!r.text(0, 1).isEmpty())
            pr.samples = r.text(0, 1).split(QStringLiteral(", "));
        out << pr;
    }
    return out;
}

QStringList MigrationEngine::refreshViews(bool concurrently)
{
    QStringList out;
    for (const QString &view : {m_config.session.tablePrefix + QStringLiteral("library_totals"),
                                m_config.session.tablePrefix + QStringLiteral("artist_counts")}) {
        QElapsedTimer t;
        t.start();
        m_conn->exec(q(QStringLiteral("REFRESH MATERIALIZED VIEW %1%2")
                           .arg(concurrently ? QStringLiteral("CONCURRENTLY ") : QString(), view)),
                     {QStringLiteral("refresh materialized view"), view});
        out << QStringLiteral("%1 refreshed in %2 ms").arg(view).arg(t.elapsed());
    }
    return out;
}

} // namespace melodee
