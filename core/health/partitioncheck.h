#pragma once

#include <QDateTime>
#include <QString>
#include <QStringList>

#include <optional>

namespace melodee {

class HealthChecker;
class PgConnection;
struct SessionConfig;

// The health check's view of the month-partitioned tables: a problem when next month has no
// partition or a default partition holds rows; std::nullopt when fine or when the schema is not
// migrated yet. Cheap on any table size: the partition bounds come from the catalog and the
// default partition is tested with EXISTS, not counted. Waits for locks like any read: run it
// under lock_timeout/statement_timeout (HealthChecker does).
std::optional<QString>
checkPartitionHealth(PgConnection &conn, const SessionConfig &session, const QDateTime &now);

// Adds the partition check, named "partitions", to a checker (the CLI's and the GUI's).
void addPartitionCheck(HealthChecker &checker, const SessionConfig &session);

} // namespace melodee
