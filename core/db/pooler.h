#pragma once

#include "config/appconfig.h"

#include <optional>

namespace melodee {

// What a session that needs the server itself (a session advisory lock, session settings) is
// opened with: behind a transaction pooler, database.direct_dsn (its keywords win over the
// fields, as --dsn's do); otherwise the config as it is. `purpose` names the work ("migrations",
// "partition maintenance") in the error.
// Throws ConfigError (a usage error) behind a transaction pooler without database.direct_dsn:
// each transaction there may run on another server session, so a lock taken through it would
// protect nothing and could be held by a stranger's session.
DatabaseConfig directSessionConfig(const DatabaseConfig &config, const QString &purpose);

// After a schema change behind a pooler: PgBouncer's server connections keep the plans they
// cached, which then fail with "cached plan must not change result type". With
// database.pooler_admin_dsn set, sends RECONNECT on PgBouncer's admin console (bounded by
// connect_timeout and a 10 s statement deadline) and says so; otherwise says that it should be
// done. std::nullopt when no pooler is configured. Never throws: a failed RECONNECT is reported
// in the returned line.
std::optional<QString> reconnectPoolerAfterSchemaChange(const DatabaseConfig &config);

} // namespace melodee
