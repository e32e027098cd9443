#pragma once

#include "healthmonitor.h"

#include <config/appconfig.h>

#include <QObject>

#include <memory>

namespace melodee {

class ConnectionPool;

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

    void connectTo(const AppConfig &config, const QString &profileName = QString());
    void disconnectFromServer();

    static QString displayNameFor(const DatabaseConfig &database);

signals:
    void connectionChanged();

private:
    AppConfig m_config;
    QString m_profileName;
    bool m_connected = false;
    std::shared_ptr<ConnectionPool> m_pool;
    HealthMonitor m_health;
};

} // namespace melodee
