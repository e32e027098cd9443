#include "serveractivity.h"

#include <pool/connectionpool.h>
#include <util/logging.h>

#include <libpq-fe.h>

#include <algorithm>

namespace melodee {

namespace {

QString activityTable()
{
    return QStringLiteral("pg_stat_activity");
}

QString readOp()
{
    return QStringLiteral("server activity");
}

QString cancelOp()
{
    return QStringLiteral("cancel backend");
}

QString terminateOp()
{
    return QStringLiteral("terminate backend");
}

// Everything in one statement so the rows and "now" come from the same moment. Timestamps as
// epoch milliseconds: no parsing of the server's DateStyle or TimeZone. The LEFT JOIN keeps the
// session facts even in the (theoretical) case that no row is visible.
QByteArray snapshotSql()
{
    return QByteArrayLiteral(
        "SELECT a.pid, a.datname, a.usename, a.application_name, host(a.client_addr), "
        "a.backend_type, a.state, a.wait_event_type, a.wait_event, "
        "(extract(epoch FROM a.backend_start) * 1000)::int8, "
        "(extract(epoch FROM a.xact_start) * 1000)::int8, "
        "(extract(epoch FROM a.query_start) * 1000)::int8, "
        "(extract(epoch FROM a.state_change) * 1000)::int8, "
        "a.query, "
        "(extract(epoch FROM m.now) * 1000)::int8, m.self, m.db, m.usr, m.app, "
        "(extract(epoch FROM a.backend_start) * 1000000)::int8 "
        "FROM (SELECT clock_timestamp() AS now, pg_backend_pid() AS self, "
        "current_database() AS db, current_user::text AS usr, "
        "current_setting('application_name') AS app) m "
        "LEFT JOIN pg_stat_activity a ON true "
        "ORDER BY a.pid, a.backend_start");
}

QByteArray lookupSql()
{
    return QByteArrayLiteral(
        "SELECT state, application_name, backend_type, usename, "
        "(extract(epoch FROM backend_start) * 1000000)::int8 FROM pg_stat_activity WHERE pid = "
        "$1::int");
}

QByteArray ownStartSql()
{
    return QByteArrayLiteral("SELECT (extract(epoch FROM backend_start) * 1000000)::int8 "
                             "FROM pg_stat_activity WHERE pid = pg_backend_pid()");
}

// The signal goes only to the pid whose backend start is still the one the admin saw, in the
// same statement that reads it: a pid the server has given to a new session is never hit.
// set_config(..., true) lasts for this statement's implicit transaction only: it keeps the
// server's WARNING for a vanished pid off libpq's default notice printer (stderr) without
// changing the pooled session.
#define MELODEE_SIGNAL_SQL(call)                                                                   \
    QByteArrayLiteral("SELECT set_config('client_min_messages', 'error', true), " call             \
                      " FROM pg_stat_activity WHERE pid = $1::int AND "                            \
                      "(extract(epoch FROM backend_start) * 1000000)::int8 = $2::int8")
QByteArray cancelSql()
{
    return MELODEE_SIGNAL_SQL("pg_cancel_backend(pid)");
}

QByteArray terminateWaitSql()
{
    return MELODEE_SIGNAL_SQL("pg_terminate_backend(pid, $3::int8)");
}

QByteArray terminateSql()
{
    return MELODEE_SIGNAL_SQL("pg_terminate_backend(pid)");
}
#undef MELODEE_SIGNAL_SQL

QDateTime timestamp(const PgResult &r, int row, int col)
{
    if (r.isNull(row, col))
        return QDateTime();
    return QDateTime::fromMSecsSinceEpoch(r.toInt64(row, col), Qt::UTC);
}

struct Target
{
    QString state;
    QString application;
    QString backendType;
    QString user;
};

DbError goneError(const QString &operation, int pid)
{
    DbError e(
        operation,
        activityTable(),
        QStringLiteral("no server session with pid %1: it has ended or never existed").arg(pid));
    e.setSqlState(QString::fromLatin1(DbError::kNotFound));
    return e;
}

DbError replacedError(const QString &operation, int pid)
{
    DbError e(operation,
              activityTable(),
              QStringLiteral("the session with pid %1 has ended and the server gave its pid to a "
                             "new session; nothing was sent")
                  .arg(pid));
    e.setSqlState(QString::fromLatin1(DbError::kNotFound));
    return e;
}

// pg_stat_activity hides the start of another role's session unless we have pg_read_all_stats:
// such a session cannot be told apart from a later one with the same pid.
DbError hiddenStartError(const QString &operation, int pid)
{
    DbError e(operation,
              activityTable(),
              QStringLiteral("pid %1 without its backend start (the server shows it only for the "
                             "role's own sessions or with pg_read_all_stats): a pid alone may "
                             "name a newer session than the one meant; nothing was sent")
                  .arg(pid));
    e.setSqlState(QStringLiteral("22023"));
    return e;
}

PgParams keyParams(const BackendKey &key)
{
    return {QByteArray::number(key.pid), QByteArray::number(key.backendStartUs)};
}

// The session as it is now; throws when the pid is gone or belongs to another session.
Target lookup(PgConnection &conn, const BackendKey &key, const QString &operation)
{
    const PgResult r
        = conn.execCached(lookupSql(), {QByteArray::number(key.pid)}, {operation, activityTable()});
    if (r.rows() == 0)
        throw goneError(operation, key.pid);
    if (r.isNull(0, 4))
        throw hiddenStartError(operation, key.pid);
    if (r.toInt64(0, 4) != key.backendStartUs)
        throw replacedError(operation, key.pid);
    return {r.text(0, 0), r.text(0, 1), r.text(0, 2), r.text(0, 3)};
}

// Whether `conn` itself is the session `key` names (and not a newer one with its pid).
bool isOwnSession(PgConnection &conn, const BackendKey &key, const QString &operation)
{
    if (key.pid != conn.backendPid())
        return false;
    const PgResult r = conn.execCached(ownStartSql(), {}, {operation, activityTable()});
    if (r.rows() == 0 || r.toInt64(0, 0) != key.backendStartUs)
        throw replacedError(operation, key.pid);
    return true;
}

// Re-raises a refusal with the reason an admin can act on; the server's words go to detail.
[[noreturn]] void rethrowPermission(
    const DbError &e, const QString &operation, const QString &verb, int pid, const Target &t)
{
    DbError clear(
        operation,
        activityTable(),
        QStringLiteral("permission denied to %1 pid %2 (application \"%3\", role \"%4\"): "
                       "signalling another role's session needs membership in that "
                       "role or in pg_signal_backend, and a superuser's session needs a "
                       "superuser")
            .arg(verb)
            .arg(pid)
            .arg(t.application, t.user));
    clear.setSqlState(e.sqlState());
    clear.setDetail(e.message());
    clear.setHint(e.hint());
    throw clear;
}

BackendSignalResult signal(PgConnection &conn,
                           const BackendKey &key,
                           const QString &operation,
                           const QString &verb,
                           const QByteArray &sql,
                           const PgParams &params,
                           const Target &t,
                           std::chrono::milliseconds wait = {})
{
    const int pid = key.pid;
    BackendSignalResult result;
    result.pid = pid;
    result.stateBefore = t.state;
    result.application = t.application;
    result.backendType = t.backendType;
    bool delivered = false;
    const auto started = std::chrono::steady_clock::now();
    try {
        const PgResult r = conn.execCached(sql, params, {operation, activityTable()});
        // No row: the session ended (or its pid went to another) since the lookup.
        delivered = r.rows() > 0 && r.toBool(0, 1);
    } catch (const DbError &e) {
        if (e.sqlState() == QLatin1String("42501"))
            rethrowPermission(e, operation, verb, pid, t);
        throw;
    }
    if (delivered)
        return result;
    // false: the pid was not a signalable backend (it ended meanwhile, or is a process such as
    // the checkpointer), or terminate timed out. Look again to say which.
    const PgResult again
        = conn.execCached(lookupSql(), {QByteArray::number(pid)}, {operation, activityTable()});
    if (again.rows() == 0)
        throw goneError(operation, pid);
    if (again.toInt64(0, 4) != key.backendStartUs)
        throw replacedError(operation, pid);
    // Both failures answer false; only a timeout takes the whole wait.
    if (wait.count() > 0 && std::chrono::steady_clock::now() - started >= wait * 9 / 10) {
        result.outcome = BackendSignalResult::Outcome::StillRunning;
        return result;
    }
    DbError e(operation,
              activityTable(),
              QStringLiteral("the server would not %1 pid %2 (%3): only client backends and "
                             "workers can be signalled")
                  .arg(verb)
                  .arg(pid)
                  .arg(t.backendType));
    e.setSqlState(QStringLiteral("55000"));
    throw e;
}

} // namespace

ServerActivity::ServerActivity(ConnectionPool &pool)
    : m_pool(pool)
{}

void ServerActivity::checkKey(const BackendKey &target, const QString &operation)
{
    if (target.pid > 0 && target.backendStartUs > 0)
        return;
    if (target.pid > 0)
        throw hiddenStartError(operation, target.pid);
    DbError e(operation,
              activityTable(),
              QStringLiteral("invalid pid %1: a backend process id is a positive number")
                  .arg(target.pid));
    e.setSqlState(QStringLiteral("22023"));
    throw e;
}

ActivitySnapshot
ServerActivity::snapshot(PgConnection &conn, Scope scope, const QList<int> &ourPids)
{
    const PgResult r = conn.execCached(snapshotSql(), {}, {readOp(), activityTable()});
    ActivitySnapshot s;
    s.allDatabases = scope == Scope::AllDatabases;
    if (r.rows() > 0) {
        s.serverNow = timestamp(r, 0, 14);
        s.selfPid = int(r.toInt64(0, 15));
        s.database = r.text(0, 16);
        s.user = r.text(0, 17);
        s.applicationName = r.text(0, 18);
    }
    s.sessions.reserve(r.rows());
    for (int i = 0; i < r.rows(); ++i) {
        if (r.isNull(i, 0))
            continue; // the LEFT JOIN's empty side
        ServerSession x;
        x.pid = int(r.toInt64(i, 0));
        x.database = r.text(i, 1);
        if (!s.allDatabases && x.database != s.database) {
            ++s.hiddenCount;
            continue;
        }
        x.user = r.text(i, 2);
        x.application = r.text(i, 3);
        x.clientAddr = r.text(i, 4);
        x.backendType = r.text(i, 5);
        x.state = r.text(i, 6);
        x.waitEventType = r.text(i, 7);
        x.waitEvent = r.text(i, 8);
        x.backendStart = timestamp(r, i, 9);
        x.backendStartUs = r.toInt64(i, 19);
        x.xactStart = timestamp(r, i, 10);
        x.queryStart = timestamp(r, i, 11);
        x.stateChange = timestamp(r, i, 12);
        x.query = r.text(i, 13);
        x.self = x.pid == s.selfPid;
        x.ours = x.self || ourPids.contains(x.pid);
        s.sessions.append(std::move(x));
    }
    return s;
}

BackendSignalResult ServerActivity::cancel(PgConnection &conn, const BackendKey &target)
{
    checkKey(target, cancelOp());
    const int pid = target.pid;
    if (isOwnSession(conn, target, cancelOp())) {
        // The connection asking runs only this request: there is no other query to cancel, and
        // pg_cancel_backend on ourselves would cancel the asking statement.
        BackendSignalResult r;
        r.pid = pid;
        r.outcome = BackendSignalResult::Outcome::NothingToCancel;
        r.stateBefore = QStringLiteral("idle");
        r.backendType = QStringLiteral("client backend");
        return r;
    }
    const Target t = lookup(conn, target, cancelOp());
    // A cancel only interrupts a running statement; the server ignores it while a session waits
    // for its client, so say so instead of reporting a success that changed nothing.
    if (t.state.startsWith(QLatin1String("idle"))) {
        BackendSignalResult r;
        r.pid = pid;
        r.outcome = BackendSignalResult::Outcome::NothingToCancel;
        r.stateBefore = t.state;
        r.application = t.application;
        r.backendType = t.backendType;
        return r;
    }
    return signal(
        conn, target, cancelOp(), QStringLiteral("cancel"), cancelSql(), keyParams(target), t);
}

BackendSignalResult ServerActivity::terminate(PgConnection &conn,
                                              const BackendKey &target,
                                              std::chrono::milliseconds wait)
{
    checkKey(target, terminateOp());
    const int pid = target.pid;
    if (isOwnSession(conn, target, terminateOp())) {
        DbError e(terminateOp(),
                  activityTable(),
                  QStringLiteral("pid %1 is the connection running this request; close it instead "
                                 "of terminating it from itself")
                      .arg(pid));
        e.setSqlState(QStringLiteral("55000"));
        throw e;
    }
    const Target t = lookup(conn, target, terminateOp());
    // pg_terminate_backend(pid, timeout) waits for the exit (PostgreSQL 14+), so a refresh right
    // after it no longer lists the session.
    if (PQserverVersion(conn.handle()) >= 140000 && wait.count() > 0)
        return signal(conn,
                      target,
                      terminateOp(),
                      QStringLiteral("terminate"),
                      terminateWaitSql(),
                      keyParams(target) << QByteArray::number(qint64(wait.count())),
                      t,
                      wait);
    return signal(conn,
                  target,
                  terminateOp(),
                  QStringLiteral("terminate"),
                  terminateSql(),
                  keyParams(target),
                  t);
}

ActivitySnapshot ServerActivity::snapshot(Scope scope) const
{
    return m_pool.withConnection(
        [this, scope](PgConnection &conn) { return snapshot(conn, scope, m_pool.backendPids()); },
        RetryPolicy::read());
}

BackendSignalResult ServerActivity::cancel(const BackendKey &target) const
{
    checkKey(target, cancelOp());
    // Not retried: a cancel that may have been delivered must not be sent twice.
    return m_pool.withConnection([&target](PgConnection &conn) { return cancel(conn, target); });
}

BackendSignalResult ServerActivity::terminate(const BackendKey &target,
                                              std::chrono::milliseconds wait) const
{
    checkKey(target, terminateOp());
    const int pid = target.pid;
    PooledConnection lease = m_pool.acquire();
    try {
        if (isOwnSession(*lease, target, terminateOp())) {
            // The admin asked to end one of our own idle connections and the pool lent us
            // exactly that one: closing it ends the same backend without it signalling itself.
            BackendSignalResult r;
            r.pid = pid;
            r.outcome = BackendSignalResult::Outcome::ClosedOwnConnection;
            r.stateBefore = QStringLiteral("idle");
            r.backendType = QStringLiteral("client backend");
            r.application
                = QString::fromUtf8(PQparameterStatus(lease->handle(), "application_name"));
            lease.discard();
            lease.release();
            qCInfo(lcDb) << "closed our own pooled connection, pid" << pid;
            return r;
        }
        return terminate(*lease, target, wait);
    } catch (const DbError &e) {
        if (e.connectionBroken() || lease->isBroken())
            lease.discard();
        throw;
    }
}

} // namespace melodee
