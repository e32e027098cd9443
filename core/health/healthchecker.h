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

// The seed's CheckHealth on the pool: SELECT 1 within the timeout (unhealthy with the error when
// it fails), pool usage above 90% of max open (warning + degraded), else healthy. Extra checks
// (e.g. partitions) run on the same connection; one that returns a message makes the result
// degraded. Blocking: call it off the GUI thread.
class HealthChecker
{
public:
    // Returns std::nullopt when fine, or a short message why the database is degraded.
    using Check = std::function<std::optional<QString>(PgConnection &)>;

    explicit HealthChecker(ConnectionPool &pool,
                           std::chrono::milliseconds timeout = std::chrono::seconds(5));

    void addCheck(const QString &name, Check check);
    HealthReport check();

private:
    ConnectionPool &m_pool;
    std::chrono::milliseconds m_timeout;
    QList<QPair<QString, Check>> m_checks;
};

} // namespace melodee
