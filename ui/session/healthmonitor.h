#pragma once

#include <health/healthchecker.h>

#include <QDateTime>
#include <QFutureWatcher>
#include <QObject>
#include <QTimer>

#include <chrono>
#include <memory>

namespace melodee {

class ConnectionPool;

// Runs the pool's HealthChecker periodically on networkThreadPool() and reports on the GUI
// thread. At most one check runs at a time; a check started for a previous pool is discarded.
// The worker holds its own reference to the pool, so replacing the pool never waits for it.
class HealthMonitor : public QObject
{
    Q_OBJECT

public:
    explicit HealthMonitor(QObject *parent = nullptr);
    ~HealthMonitor() override;

    // Starts monitoring this pool and checks at once; clearTarget() stops.
    void setTarget(std::shared_ptr<ConnectionPool> pool);
    void clearTarget();
    bool hasTarget() const { return bool(m_pool); }

    void setInterval(std::chrono::milliseconds interval);
    std::chrono::milliseconds interval() const;
    bool isChecking() const { return m_watcher.isRunning(); }
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
    void onFinished();

    QTimer m_timer;
    QFutureWatcher<HealthReport> m_watcher;
    std::shared_ptr<ConnectionPool> m_pool;
    quint64 m_generation = 0;
    quint64 m_runningGeneration = 0;
    bool m_recheck = false;
    bool m_hasReport = false;
    HealthReport m_last;
    QDateTime m_checkedAt;
};

} // namespace melodee
