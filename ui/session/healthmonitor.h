#pragma once

#include <config/appconfig.h>
#include <health/healthchecker.h>

#include <QDateTime>
#include <QFuture>
#include <QObject>
#include <QTimer>

#include <chrono>
#include <memory>

namespace melodee {

class ConnectionPool;

// Runs the health check (SELECT 1, pool usage and the partition check, as `melodee health`
// does) periodically on networkThreadPool() and reports on the GUI thread. At most one check
// runs at a time; setTarget() and clearTarget() cancel the running one, whose report is then
// ignored. The worker holds its own reference to the pool, so replacing the pool never waits for
// it.
class HealthMonitor : public QObject
{
    Q_OBJECT

public:
    explicit HealthMonitor(QObject *parent = nullptr);
    ~HealthMonitor() override;

    // Starts monitoring this pool and checks at once; clearTarget() stops.
    void setTarget(std::shared_ptr<ConnectionPool> pool, const SessionConfig &session = {});
    void clearTarget();
    bool hasTarget() const { return bool(m_pool); }

    void setInterval(std::chrono::milliseconds interval);
    std::chrono::milliseconds interval() const;
    // The whole check's deadline (5 s, as the CLI's).
    void setTimeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }
    bool isChecking() const;
    // Whether lastReport() holds a finished check of the current target.
    bool hasReport() const { return m_hasReport; }
    HealthReport lastReport() const { return m_last; }
    QDateTime lastCheckedAt() const { return m_checkedAt; }

    void checkNow();

signals:
    void checkStarted();
    void reportChanged(const melodee::HealthReport &report);
    void targetCleared();

private:
    void cancelRunning();

    QTimer m_timer;
    QFuture<HealthReport> m_running;
    std::shared_ptr<ConnectionPool> m_pool;
    SessionConfig m_session;
    std::chrono::milliseconds m_timeout = std::chrono::seconds(5);
    bool m_hasReport = false;
    HealthReport m_last;
    QDateTime m_checkedAt;
};

} // namespace melodee
