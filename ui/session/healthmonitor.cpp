#include "healthmonitor.h"

#include "workers.h"

#include <pool/connectionpool.h>

#include <QtConcurrent>

namespace melodee {

HealthMonitor::HealthMonitor(QObject *parent)
    : QObject(parent)
{
    m_timer.setInterval(std::chrono::seconds(10));
    connect(&m_timer, &QTimer::timeout, this, &HealthMonitor::checkNow);
    connect(&m_watcher, &QFutureWatcher<HealthReport>::finished, this, &HealthMonitor::onFinished);
}

HealthMonitor::~HealthMonitor()
{
    // A running check holds its own reference to the pool; let it finish on its own.
    m_watcher.disconnect(this);
}

void HealthMonitor::setTarget(std::shared_ptr<ConnectionPool> pool)
{
    m_pool = std::move(pool);
    ++m_generation;
    m_hasReport = false;
    m_last = HealthReport{};
    m_checkedAt = QDateTime();
    m_timer.start();
    checkNow();
}

void HealthMonitor::clearTarget()
{
    m_pool.reset();
    ++m_generation;
    m_timer.stop();
    m_recheck = false;
    m_hasReport = false;
    m_last = HealthReport{};
    emit targetCleared();
}

void HealthMonitor::setInterval(std::chrono::milliseconds interval)
{
    m_timer.setInterval(interval);
}

std::chrono::milliseconds HealthMonitor::interval() const
{
    return m_timer.intervalAsDuration();
}

void HealthMonitor::checkNow()
{
    if (!m_pool)
        return;
    if (m_watcher.isRunning()) {
        // A slow server must not pile up checks; run once more afterwards if the target changed.
        m_recheck = m_runningGeneration != m_generation;
        return;
    }
    m_runningGeneration = m_generation;
    std::shared_ptr<ConnectionPool> pool = m_pool;
    m_watcher.setFuture(
        QtConcurrent::run(networkThreadPool(), [pool] { return HealthChecker(*pool).check(); }));
    emit checkStarted();
}

void HealthMonitor::onFinished()
{
    const HealthReport report = m_watcher.result();
    const bool current = m_pool && m_runningGeneration == m_generation;
    if (current) {
        m_last = report;
        m_hasReport = true;
        m_checkedAt = QDateTime::currentDateTime();
        emit reportChanged(report);
    }
    if (m_recheck || (m_pool && !current)) {
        m_recheck = false;
        checkNow();
    }
}

} // namespace melodee
