#include "backoffpolicy.h"

namespace melodee {

BackoffPolicy::BackoffPolicy(const MigrateConfig &config)
    : m_retries(config.retries)
    , m_attemptTimeout(std::chrono::duration_cast<std::chrono::milliseconds>(config.lockTimeout))
{}

std::chrono::milliseconds BackoffPolicy::ceiling(int attempt) const
{
    const qint64 ms = kBase.count() << qBound(0, attempt, 10);
    return std::chrono::milliseconds(qMin<qint64>(kCap.count(), ms));
}

std::chrono::milliseconds BackoffPolicy::delay(int attempt, QRandomGenerator &random) const
{
    return std::chrono::milliseconds(qint64(random.bounded(quint64(ceiling(attempt).count()) + 1)));
}

std::chrono::milliseconds BackoffPolicy::worstCase() const
{
    std::chrono::milliseconds total = m_attemptTimeout * (m_retries + 1);
    for (int i = 0; i < m_retries; ++i)
        total += ceiling(i);
    return total;
}

} // namespace melodee
