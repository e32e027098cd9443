#pragma once

#include <config/appconfig.h>
#include <db/databasemanager.h>

#include <QMetaType>
#include <QThreadPool>

#include <chrono>

namespace melodee {

// Threads for blocking network work started from the GUI (connection tests, health checks).
// Separate from QThreadPool::globalInstance() so an abandoned connection attempt that is still
// waiting for its connect_timeout cannot starve other background work on a 2-core machine.
QThreadPool *networkThreadPool();

// The outcome of a one-off connection test.
struct ProbeResult
{
    bool ok = false;
    ServerInfo server;
    QString error; // redacted, with the operation and connection target (for logs)
    QString sqlState;
    QString serverMessage; // the server's (libpq's) words alone, redacted
};

// DatabaseManager::probe without throwing. Blocking: run it on networkThreadPool().
ProbeResult runProbe(const DatabaseConfig &database,
                     std::chrono::milliseconds checkTimeout = std::chrono::seconds(5));

} // namespace melodee
