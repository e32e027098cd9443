#include "healthmonitor.h"

#include "workers.h"

#include <async/task.h>
#include <async/whenfinished.h>
#include <health/partitioncheck.h>
#include <pool/connectionpool.h>

namespace melodee {

HealthMonitor::HealthMonitor(QObject *parent)
    : QObject(parent)
{
    m_timer.setInterval(std::chrono::seconds(10));
    connect(&m_timer, &QTimer::timeout, this, &HealthMonitor::checkNow);
}

HealthMonitor::~HealthMonitor()
{
    // The check holds its own reference to the pool; it ends by its deadline on its own.
    cancelRunning();
}

void HealthMonitor::setTarget(std::shared_ptr<ConnectionPool> pool, const SessionConfig &session)
{
    cancelRunning();
    m_pool = std::move(pool);
    m_session = session;
    m_hasReport = false;
    m_last = HealthReport{};
    m_checkedAt = QDateTime();
    m_timer.start();
    checkNow();
}

void HealthMonitor::clearTarget()
{
    cancelRunning();
    m_pool.reset();
    m_timer.stop();
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

bool HealthMonitor::isChecking() const
{
    return m_running.isRunning() && !m_running.isCanceled();
}

void HealthMonitor::cancelRunning()
{
    // Its report belongs to a target that is no longer ours: whenFinished sees it cancelled.
    m_running.cancel();
    m_running = QFuture<HealthReport>();
}

void HealthMonitor::checkNow()
{
    // A slow server must not pile up checks: the running one reports soon enough.
    if (!m_pool || isChecking())
        return;
    m_running = startTask(
        networkThreadPool(),
        [pool = m_pool, session = m_session, timeout = m_timeout](std::stop_token stop) {
            HealthChecker checker(*pool, timeout);
            addPartitionCheck(checker, session);
            return checker.check(stop);
        });
    whenFinished(this, m_running, [this](const TaskOutcome<HealthReport> &o) {
        if (o.cancelled)
            return;
        if (o.ok()) {
            m_last = *o.value;
        } else {
            // check() reports failures in the report; anything else is a failure of its own.
            m_last = HealthReport{};
            m_last.message = o.error;
        }
        m_hasReport = true;
        m_checkedAt = QDateTime::currentDateTime();
        emit reportChanged(m_last);
    });
    emit checkStarted();
}

} // namespace melodee
