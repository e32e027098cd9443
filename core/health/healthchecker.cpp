#include "healthchecker.h"

#include "db/querydeadline.h"
#include "db/transaction.h"
#include "lockholders.h"
#include "pool/connectionpool.h"
#include "util/logging.h"

#include <libpq-fe.h>

#include <QElapsedTimer>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace melodee {

QString HealthReport::statusName() const
{
    switch (status) {
    case HealthStatus::Healthy:
        return QStringLiteral("healthy");
    case HealthStatus::Degraded:
        return QStringLiteral("degraded");
    case HealthStatus::Unhealthy:
        break;
    }
    return QStringLiteral("unhealthy");
}

QJsonObject HealthReport::toJson() const
{
    QJsonObject o{{QStringLiteral("status"), statusName()}, {QStringLiteral("message"), message}};
    if (status != HealthStatus::Unhealthy) {
        o.insert(QStringLiteral("server_version"), serverVersion);
        o.insert(QStringLiteral("latency_ms"), latencyMs);
        o.insert(QStringLiteral("connect_ms"), acquireMs);
        o.insert(QStringLiteral("tls"), tls);
        if (tls)
            o.insert(QStringLiteral("tls_description"), tlsDescription);
        o.insert(QStringLiteral("database"), database);
    }
    if (!degradations.isEmpty())
        o.insert(QStringLiteral("degradations"), QJsonArray::fromStringList(degradations));
    o.insert(QStringLiteral("pool"), pool.toJson());
    return o;
}

HealthChecker::HealthChecker(ConnectionPool &pool, std::chrono::milliseconds timeout)
    : m_pool(pool)
    , m_timeout(timeout)
{}

void HealthChecker::addCheck(const QString &name, Check check, const QStringList &tables)
{
    m_checks.append({name, std::move(check), tables});
}

std::optional<QString> HealthChecker::runCheck(PgConnection &conn,
                                               const NamedCheck &check,
                                               std::chrono::steady_clock::time_point deadline)
{
    using namespace std::chrono;
    const OpContext ctx{QStringLiteral("health check"), check.name};
    const auto left = duration_cast<milliseconds>(deadline - steady_clock::now());
    // Kept back for naming the lock holders after a timeout.
    const milliseconds reserve = std::clamp(m_timeout / 5, milliseconds(100), milliseconds(1000));
    const milliseconds budget = left - reserve;
    if (budget < milliseconds(50)) {
        return QStringLiteral("%1 check not run: the %2 ms deadline was used up")
            .arg(check.name)
            .arg(m_timeout.count());
    }
    const auto limited = [&conn, &ctx](milliseconds ms) {
        beginReadOnly(conn, ms, ctx);
    };
    // The server ends a live check by itself; this drops the connection of one that stopped
    // answering.
    QueryDeadline hard(conn, left + milliseconds(250));
    QElapsedTimer timer;
    timer.start();
    try {
        limited(budget);
        const std::optional<QString> problem = check.check(conn);
        conn.exec("ROLLBACK", ctx);
        if (problem)
            return QStringLiteral("%1: %2").arg(check.name, *problem);
        return std::nullopt;
    } catch (const DbError &e) {
        hard.finish();
        if (hard.fired()) {
            DbError late(ctx.operation,
                         ctx.table,
                         QStringLiteral("the server did not answer within %1 ms; the connection "
                                        "was dropped")
                             .arg(left.count()));
            late.setConnectionBroken(true);
            throw late;
        }
        if (e.connectionBroken() || conn.isBroken())
            throw;
        conn.exec("ROLLBACK", ctx);
        const bool timedOut
            = e.kind() == ErrorKind::LockWait
              || (e.sqlState() == QLatin1String(DbError::kQueryCanceled) && !e.isCancelled());
        if (!timedOut)
            return QStringLiteral("%1: check failed: %2").arg(check.name, e.toString());
    }
    QString line = QStringLiteral("%1 check timed out after %2 s")
                       .arg(check.name)
                       .arg(double(timer.elapsed()) / 1000.0, 0, 'f', 1);
    const auto rest = duration_cast<milliseconds>(deadline - steady_clock::now());
    if (check.tables.isEmpty() || rest < milliseconds(20))
        return line;
    QueryDeadline lookupDeadline(conn, rest + milliseconds(250));
    try {
        limited(rest);
        const QStringList holders = describeLockHolders(conn, check.tables);
        conn.exec("ROLLBACK", ctx);
        if (holders.isEmpty()) {
            line += QStringLiteral(" (no session holds or waits for an exclusive lock on %1)")
                        .arg(check.tables.join(QStringLiteral(", ")));
        } else {
            line += QStringLiteral(": ") + holders.join(QStringLiteral("; "));
        }
    } catch (const DbError &e) {
        lookupDeadline.finish();
        if (lookupDeadline.fired() || e.connectionBroken() || conn.isBroken())
            throw;
        conn.exec("ROLLBACK", ctx);
        line += QStringLiteral(" (could not tell who holds the lock: %1)").arg(e.message());
    }
    return line;
}

HealthReport HealthChecker::check(std::stop_token stop)
{
    HealthReport report;
    const OpContext ctx{QStringLiteral("health check"), QString()};
    const auto deadline = std::chrono::steady_clock::now() + m_timeout;
    const auto stopped = [&stop, &ctx] {
        if (stop.stop_requested())
            throw DbError::cancelled(ctx.operation);
    };
    try {
        for (int attempt = 1;; ++attempt) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            QElapsedTimer timer;
            timer.start();
            PooledConnection lease
                = m_pool.acquire(std::max(left, std::chrono::milliseconds(1)), stop);
            report.acquireMs = double(timer.nsecsElapsed()) / 1e6;
            try {
                const auto limit = std::max(left, std::chrono::milliseconds(1));
                QueryDeadline deadlineWatch(*lease, limit);
                timer.restart();
                PgResult r;
                try {
                    r = lease->exec("SELECT 1", ctx);
                } catch (const DbError &e) {
                    deadlineWatch.finish();
                    if (!deadlineWatch.fired())
                        throw;
                    // Say what happened rather than libpq's "server closed the connection".
                    lease.discard();
                    DbError late(ctx.operation,
                                 QString(),
                                 QStringLiteral("the server did not answer SELECT 1 within %1 ms; "
                                                "the connection was dropped")
                                     .arg(limit.count()));
                    late.setSqlState(e.sqlState());
                    late.setMayHaveExecuted(false);
                    throw late;
                }
                report.latencyMs = double(timer.nsecsElapsed()) / 1e6;
                if (r.rows() != 1 || r.text(0, 0) != QLatin1String("1"))
                    throw DbError(
                        ctx.operation, QString(), QStringLiteral("SELECT 1 returned no row"));
            } catch (const DbError &e) {
                // A stale pooled connection is not an unhealthy server: one more try on a fresh
                // one.
                if (!e.connectionBroken() || attempt >= 2)
                    throw;
                lease.discard();
                continue;
            }
            report.serverVersion = lease->serverVersion();
            report.database = QString::fromUtf8(PQdb(lease->handle()));
            report.tls = lease->sslInUse();
            report.tlsDescription = lease->sslDescription();
            for (const NamedCheck &c : std::as_const(m_checks)) {
                stopped();
                try {
                    if (const auto problem = runCheck(*lease, c, deadline))
                        report.degradations << *problem;
                } catch (const DbError &e) {
                    // The connection broke or stopped answering: the remaining checks cannot
                    // run on it.
                    lease.discard();
                    report.degradations
                        << QStringLiteral("%1: check failed: %2").arg(c.name, e.toString());
                    break;
                }
            }
            break;
        }
    } catch (const DbError &e) {
        if (e.isCancelled() && stop.stop_requested())
            throw;
        report.status = HealthStatus::Unhealthy;
        report.message = QStringLiteral("Basic query failed: %1").arg(e.toString());
        report.pool = m_pool.stats();
        return report;
    }
    stopped();

    report.pool = m_pool.stats();
    const PoolStats &s = report.pool;
    if (s.maxOpenConnections > 0 && s.openConnections > s.maxOpenConnections * 90 / 100) {
        qCWarning(lcPool,
                  "High database connection usage detected: open_connections=%d "
                  "max_connections=%d",
                  s.openConnections,
                  s.maxOpenConnections);
        report.degradations.prepend(
            QStringLiteral("High database connection usage: %1 of %2 connections open (%3 in use, "
                           "%4 waiting)")
                .arg(s.openConnections)
                .arg(s.maxOpenConnections)
                .arg(s.inUse)
                .arg(s.pendingWaiters));
    }
    if (report.degradations.isEmpty()) {
        report.status = HealthStatus::Healthy;
        report.message
            = QStringLiteral("Connected with %1 open connections").arg(s.openConnections);
    } else {
        report.status = HealthStatus::Degraded;
        report.message = report.degradations.join(QStringLiteral("; "));
    }
    return report;
}

} // namespace melodee
