#pragma once

#include "config/appconfig.h"

#include <QString>

#include <chrono>
#include <memory>

namespace melodee {

class PgConnection;

// What a successful connection check found out about the server.
struct ServerInfo
{
    QString serverVersion;
    QString database;
    QString user;
    bool tls = false;
    QString tlsDescription;
    int backendPid = 0;
    double latencyMs = 0; // the SELECT 1 round trip
    double connectMs = 0;
};

// One connection with Melodee's session settings: connect, ping, and the connect-time health
// check (SELECT 1 within 10 s). Blocking: call it from a worker thread in the GUI.
class DatabaseManager
{
public:
    explicit DatabaseManager(const AppConfig &config);
    ~DatabaseManager();

    // Opens one connection and runs the check. Throws DbError.
    ServerInfo connect();
    // Another SELECT 1 on the open connection; returns the latency in milliseconds.
    double ping();
    const AppConfig &config() const { return m_config; }
    PgConnection *connection() const { return m_connection.get(); }

    // Connects, checks and disconnects: "Test connection" in the profile dialog.
    static ServerInfo probe(const DatabaseConfig &config,
                            std::chrono::milliseconds checkTimeout = std::chrono::seconds(10));

private:
    AppConfig m_config;
    std::unique_ptr<PgConnection> m_connection;
};

} // namespace melodee
