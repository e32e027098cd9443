#include "healthchecker.h"

#include "pool/connectionpool.h"
#include "util/logging.h"

#include <libpq-fe.h>

#ifdef _WIN32
#include <winsock2.h>
#define SHUT_RDWR SD_BOTH
#else
#include <sys/socket.h>
#endif

#include <QElapsedTimer>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace melodee {

namespace {

// Drops the connection if SELECT 1 is still running when the deadline passes, so a server that
// stopped answering (a frozen host, a dropped link) cannot hold the health check past its
// timeout: libpq's blocking read fails at once and the connection counts as broken. Not PQcancel:
// it opens a second connection and waits for the server, so it hangs on a frozen server as well.
class QueryDeadline
{
public:
    QueryDeadline(PgConnection &conn, std::chrono::milliseconds timeout)
        : m_thread([&conn, timeout, this](std::stop_token stop) {
            std::unique_lock lock(m_mutex);
            if (m_wake.wait_for(lock, stop, timeout, [] { return false; }) || stop.stop_requested()
                || !conn.queryRunning())
                return;
            m_fired = true;
            if (const int fd = PQsocket(conn.handle()); fd >= 0)
                ::shutdown(fd, SHUT_RDWR);
        })
    {}
    ~QueryDeadline() { finish(); }
    // Stops the watcher; fired() is stable afterwards.
    void finish()
    {
        m_thread.request_stop();
        m_wake.notify_all();
        if (m_thread.joinable())
            m_thread.join();
    }
    bool fired() const { return m_fired; }

private:
    std::mutex m_mutex;
    std::condition_variable_any m_wake;
    bool m_fired = false;
    std::jthread m_thread;
};

} // namespace

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

void HealthChecker::addCheck(const QString &name, Check check)
{
    m_checks.append({name, std::move(check)});
}

HealthReport HealthChecker::check()
{
    HealthReport report;
    const OpContext ctx{QStringLiteral("health check"), QString()};
    QElapsedTimer total;
    total.start();
    try {
        for (int attempt = 1;; ++attempt) {
            const auto left = m_timeout - std::chrono::milliseconds(total.elapsed());
            QElapsedTimer timer;
            timer.start();
            PooledConnection lease = m_pool.acquire(std::max(left, std::chrono::milliseconds(1)));
            report.acquireMs = double(timer.nsecsElapsed()) / 1e6;
            try {
                const auto limit = std::max(left, std::chrono::milliseconds(1));
                QueryDeadline deadline(*lease, limit);
                timer.restart();
                PgResult r;
                try {
                    r = lease->exec("SELECT 1", ctx);
                } catch (const DbError &e) {
                    deadline.finish();
                    if (!deadline.fired())
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
            for (const auto &[name, check] : std::as_const(m_checks)) {
                try {
                    if (const auto problem = check(*lease))
                        report.degradations << QStringLiteral("%1: %2").arg(name, *problem);
                } catch (const DbError &e) {
                    report.degradations
                        << QStringLiteral("%1: check failed: %2").arg(name, e.toString());
                }
            }
            break;
        }
    } catch (const DbError &e) {
        report.status = HealthStatus::Unhealthy;
        report.message = QStringLiteral("Basic query failed: %1").arg(e.toString());
        report.pool = m_pool.stats();
        return report;
    }

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
