#pragma once

#include "healthmonitor.h"

#include <config/appconfig.h>
#include <inspect/schemainspector.h>

#include <QFuture>
#include <QObject>

#include <atomic>
#include <memory>

namespace melodee {

class ConnectionPool;
class ReplicaRouter;
struct WarmUpTarget;

// The database the window works on: its configuration (password only in memory), the profile it
// came from, its connection pool and its health. Views receive a pointer to it, react to
// connectionChanged() and run their database work through pool() (never on the GUI thread).
class ConnectionSession : public QObject
{
    Q_OBJECT

public:
    explicit ConnectionSession(QObject *parent = nullptr);

    bool isConnected() const { return m_connected; }
    const AppConfig &config() const { return m_config; }
    QString profileName() const { return m_profileName; }
    // "user@host:port/dbname" without any secret, for titles and the status bar.
    QString displayName() const;
    HealthMonitor *health() { return &m_health; }
    // Shared so work still running on a worker keeps the old pool alive after a reconnect.
    std::shared_ptr<ConnectionPool> pool() const { return m_pool; }
    // Where reads go (database.replicas) over pool(), and what its prober last saw of each
    // replica: one per connection, shared by the Songs view and the Dashboard's replica panel.
    std::shared_ptr<ReplicaRouter> router() const { return m_router; }

    void connectTo(const AppConfig &config, const QString &profileName = QString());
    void disconnectFromServer();

    static QString displayNameFor(const DatabaseConfig &database);

    // What SchemaInspector::detect() found on connecting. Until it has answered (or failed),
    // schemaDetected() is false; views that read songs wait for schemaChanged() and read the
    // tables of schemaLayout().
    bool schemaDetected() const { return m_schemaDetected; }
    const SchemaReport &schema() const { return m_schema; }
    SchemaLayout schemaLayout() const { return schemaLayoutFor(m_schema.kind); }
    QString schemaError() const { return m_schemaError; }

signals:
    void connectionChanged();
    void schemaChanged();

private:
    void detectSchema();

    AppConfig m_config;
    SchemaReport m_schema;
    QString m_schemaError;
    bool m_schemaDetected = false;
    QFuture<SchemaReport> m_schemaFuture;
    quint64 m_schemaGeneration = 0; // answers of an earlier detection are dropped
    QString m_profileName;
    bool m_connected = false;
    std::shared_ptr<ConnectionPool> m_pool;
    std::shared_ptr<ReplicaRouter> m_router;
    std::shared_ptr<std::atomic<WarmUpTarget>> m_warmUp; // what the pool's new connections warm
    HealthMonitor m_health;
};

} // namespace melodee
