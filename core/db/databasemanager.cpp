#include "databasemanager.h"

#include "dberror.h"
#include "pgconnection.h"

#include <libpq-fe.h>

#include <QElapsedTimer>

namespace melodee {

namespace {

double runHealthQuery(PgConnection &conn, std::chrono::milliseconds timeout)
{
    // The server enforces the limit, so a stuck query cannot hang the check. The setting lasts
    // for this transaction only: a session SET would stay behind in a pooler's server session.
    const OpContext ctx{QStringLiteral("health check"), QString()};
    conn.exec("BEGIN READ ONLY", ctx);
    PgResult r;
    double ms = 0;
    try {
        conn.exec("SELECT set_config('statement_timeout', $1, true)",
                  {QByteArray::number(qint64(timeout.count()))},
                  ctx);
        QElapsedTimer timer;
        timer.start();
        r = conn.exec("SELECT 1", ctx);
        ms = double(timer.nsecsElapsed()) / 1e6;
        conn.exec("COMMIT", ctx);
    } catch (const DbError &) {
        if (!conn.isBroken()) {
            try {
                conn.exec("ROLLBACK", ctx);
            } catch (const DbError &) {
            }
        }
        throw;
    }
    if (r.rows() != 1 || r.text(0, 0) != QLatin1String("1"))
        throw DbError(
            QStringLiteral("health check"), QString(), QStringLiteral("SELECT 1 returned no row"));
    return ms;
}

ServerInfo describe(PgConnection &conn)
{
    ServerInfo info;
    info.serverVersion = conn.serverVersion();
    info.database = QString::fromUtf8(PQdb(conn.handle()));
    info.user = QString::fromUtf8(PQuser(conn.handle()));
    info.tls = conn.sslInUse();
    info.tlsDescription = conn.sslDescription();
    info.backendPid = conn.backendPid();
    return info;
}

} // namespace

DatabaseManager::DatabaseManager(const AppConfig &config)
    : m_config(config)
{}

DatabaseManager::~DatabaseManager() = default;

ServerInfo DatabaseManager::connect()
{
    QElapsedTimer timer;
    timer.start();
    m_connection = PgConnection::open(m_config.database);
    m_connection->setUsePreparedStatements(m_config.session.prepareStmt);
    m_connection->setSlowThreshold(m_config.session.slowThreshold);
    ServerInfo info = describe(*m_connection);
    info.connectMs = double(timer.nsecsElapsed()) / 1e6;
    info.latencyMs = runHealthQuery(*m_connection, std::chrono::seconds(10));
    return info;
}

double DatabaseManager::ping()
{
    if (!m_connection)
        throw DbError(QStringLiteral("ping"), QString(), QStringLiteral("not connected"));
    return runHealthQuery(*m_connection, std::chrono::seconds(10));
}

ServerInfo DatabaseManager::probe(const DatabaseConfig &config,
                                  std::chrono::milliseconds checkTimeout)
{
    QElapsedTimer timer;
    timer.start();
    const auto conn = PgConnection::open(config);
    ServerInfo info = describe(*conn);
    info.connectMs = double(timer.nsecsElapsed()) / 1e6;
    info.latencyMs = runHealthQuery(*conn, checkTimeout);
    return info;
}

} // namespace melodee
