#pragma once

#include "pool/poolstats.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <chrono>
#include <functional>
#include <optional>
#include <stop_token>

namespace melodee {

class ConnectionPool;
class PgConnection;

enum class HealthStatus { Healthy, Degraded, Unhealthy };

struct HealthReport
{
    HealthStatus status = HealthStatus::Unhealthy;
    QString message;
    QStringList degradations; // one line per failed extra check or pool warning
    QString serverVersion;
    QString database;
    bool tls = false;
    QString tlsDescription;
    double latencyMs = 0; // the SELECT 1 round trip
    double acquireMs = 0; // getting the pooled connection (includes connecting when cold)
    PoolStats pool;

    QString statusName() const;
    QJsonObject toJson() const;
};

// The health check on the pool, answered within its timeout whatever the server does:
// - SELECT 1 (unhealthy with the error when it fails or does not answer in time);
// - pool usage above 90% of max open: a warning, and degraded;
// - extra checks (e.g. partitions) on the same connection, each in a read-only transaction with
//   lock_timeout and statement_timeout set to what is left of the timeout. A check that returns
//   a message makes the result degraded; one that runs out of time too, with the sessions whose
//   locks held it up.
// Blocking: call it off the GUI thread.
class HealthChecker
{
public:
    // Returns std::nullopt when fine, or a short message why the database is degraded.
    using Check = std::function<std::optional<QString>(PgConnection &)>;

    explicit HealthChecker(ConnectionPool &pool,
                           std::chrono::milliseconds timeout = std::chrono::seconds(5));

    // tables: what the check reads, so a check that times out can say who locks them.
    void addCheck(const QString &name, Check check, const QStringList &tables = {});
    // A stop request ends a waiting acquire at once and skips the remaining steps; the report
    // is then thrown away by the caller (DbError::cancelled is thrown).
    HealthReport check(std::stop_token stop = {});

private:
    struct NamedCheck
    {
        QString name;
        Check check;
        QStringList tables;
    };
    std::optional<QString> runCheck(PgConnection &conn,
                                    const NamedCheck &check,
                                    std::chrono::steady_clock::time_point deadline);

    ConnectionPool &m_pool;
    std::chrono::milliseconds m_timeout;
    QList<NamedCheck> m_checks;
};

} // namespace melodee
