#include "pooler.h"

#include "config/configloader.h"
#include "dberror.h"
#include "pgconnection.h"
#include "querydeadline.h"

namespace melodee {

DatabaseConfig directSessionConfig(const DatabaseConfig &config, const QString &purpose)
{
    if (!config.behindTransactionPooler())
        return config;
    if (config.directDsn.isEmpty())
        throw ConfigError(
            QStringLiteral("database.direct_dsn"),
            QString(),
            QStringLiteral("%1 need a session of their own on the server (an advisory lock and "
                           "session settings), which a transaction pooler cannot give "
                           "(database.pooler = %2): set database.direct_dsn "
                           "(MELODEE_DATABASE_DIRECT_DSN) to a DSN that reaches PostgreSQL "
                           "itself, not PgBouncer")
                .arg(purpose, poolerName(config.pooler)));
    DatabaseConfig direct = config;
    direct.routeDsn = config.directDsn;
    direct.pooler = Pooler::None;
    direct.replicas.clear();
    return direct;
}

std::optional<QString> reconnectPoolerAfterSchemaChange(const DatabaseConfig &config)
{
    if (config.pooler == Pooler::None)
        return std::nullopt;
    if (config.poolerAdminDsn.isEmpty())
        return QStringLiteral("the schema changed: run RECONNECT on PgBouncer's admin console so "
                              "that its server connections drop plans cached for the old schema "
                              "(or set database.pooler_admin_dsn to have it done)");
    DatabaseConfig admin = config;
    admin.routeDsn = config.poolerAdminDsn;
    admin.pooler = Pooler::None;
    try {
        const auto conn = PgConnection::open(admin);
        // The admin console speaks the simple query protocol only, which exec() without
        // parameters uses. RECONNECT closes each server connection once it is released.
        QueryDeadline deadline(*conn, std::chrono::seconds(10));
        conn->exec("RECONNECT", {QStringLiteral("RECONNECT on the PgBouncer admin console"), {}});
        return QStringLiteral("the schema changed: sent RECONNECT to PgBouncer, whose server "
                              "connections reconnect as they are released");
    } catch (const DbError &e) {
        return QStringLiteral("the schema changed, but RECONNECT on PgBouncer's admin console "
                              "failed: %1; run it by hand so that plans cached for the old schema "
                              "are dropped")
            .arg(e.toString());
    }
}

} // namespace melodee
