#pragma once

#include "duration.h"
#include "util/loglevel.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace melodee {

using namespace std::chrono_literals;

// Where a stored password may be sent: the host and port of the profile it was saved with. An
// empty host is libpq's default (the local socket), port 0 is 5432.
struct PasswordBinding
{
    QString host;
    int port = 0;
};

// What stands between us and the server. A transaction pooler (PgBouncer with pool_mode =
// transaction) hands each transaction to any server connection: no named prepared statements,
// no session settings and no advisory locks may be used through it.
enum class Pooler { None, PgBouncerTransaction };
QString poolerName(Pooler pooler);

// Melodee's database settings, with the server's mapstructure keys under "database.".
// Empty strings and a zero port mean "not set": libpq then applies PG* variables,
// pg_service.conf and its own defaults.
struct DatabaseConfig
{
    QString host;
    int port = 0;
    QString user;
    QString password;
    QString dbname;
    QString sslmode;
    QString sslrootcert;
    QString sslcert;
    QString sslkey;
    QString applicationName = QStringLiteral("melodee-admin");
    Duration connectTimeout = 10s;
    // A conninfo string or postgres:// URI given with --dsn; libpq expands it.
    QString dsn;
    // Laid over dsn for another server of the same installation (a replica, database.direct_dsn,
    // PgBouncer's admin console): its keywords win, and everything else still applies.
    QString routeDsn;
    // Set when the password is (or will be) a stored one, a profile's from the keychain:
    // ConnectParams then leaves it out unless the connection goes to exactly this host and port.
    std::optional<PasswordBinding> passwordBoundTo;

    int maxOpenConns = 50;
    int maxIdleConns = 25;
    Duration connMaxLifetime = 30min;
    Duration connMaxIdleTime = 15min;

    // Pool extras beyond Go's four settings.
    Duration acquireTimeout = 30s;
    Duration connMaxLifetimeJitter = 0s;
    Duration leakDetectionThreshold = 0s; // 0 = off
    Duration validateAfterIdle = 1s;

    // Pooling and replicas (docs/pooling-and-replicas.md). The DSNs are conninfo strings or
    // URIs; keywords they leave out come from the fields above.
    Pooler pooler = Pooler::None;
    QString directDsn;      // reaches the server itself, for sessions a pooler cannot carry
    QString poolerAdminDsn; // PgBouncer's admin console, for RECONNECT after a migration
    QStringList replicas;   // streaming replicas for reads
    Duration maxReplicaLag = 5s;

    bool behindTransactionPooler() const { return pooler == Pooler::PgBouncerTransaction; }
};

// Melodee's GORM settings (the "gorm:" section). docs/configuration.md says what reads each.
struct SessionConfig
{
    LogLevel logLevel = LogLevel::Warn;
    bool ignoreNotFoundError = false;
    bool prepareStmt = true;
    bool disableNestedTransaction = false;
    bool skipDefaultTransaction = true;
    bool dryRun = false;
    QString tablePrefix = QStringLiteral("melodee_");
    bool singularTable = false;
    Duration slowThreshold = 200ms;

    // The one naming function for tables: prefix + plural (unless singular_table).
    QString tableName(const QString &singular) const;
};

struct RedisConfig
{
    bool enabled = true;
    QString address = QStringLiteral("127.0.0.1:6379");
    QString password;
    int db = 0;
    QString keyPrefix = QStringLiteral("song:");
    Duration ttl = 1h;
    Duration connectTimeout = 200ms;
};

// Where migrations run. Production turns the migration guard on.
enum class Environment { Development, Staging, Production };

// "development", "staging", "production": the names the config, the CLI and the history use.
QString environmentName(Environment environment);
// Case-insensitive; std::nullopt for anything else.
std::optional<Environment> parseEnvironment(const QString &text);
QStringList environmentNames();

struct MigrateConfig
{
    Environment environment = Environment::Development;
    Duration lockTimeout = 5s;
    Duration statementTimeout = 10min;
    Duration lockWait = 60s;
    int retries = 3;
    int premakeMonths = 6;
};

struct AppConfig
{
    DatabaseConfig database;
    SessionConfig session;
    RedisConfig redis;
    MigrateConfig migrate;
};

} // namespace melodee
