#include "replicarouter.h"

#include "util/logging.h"

namespace melodee {

using namespace std::chrono;

struct ReplicaRouter::Replica
{
    DatabaseConfig config;
    std::shared_ptr<ConnectionPool> pool;
    ReplicaStatus status;                  // guarded by m_mutex
    std::unique_ptr<ReplicaProber> prober; // prober thread only
};

ReplicaRouter::ReplicaRouter(std::shared_ptr<ConnectionPool> primary,
                             milliseconds probeInterval,
                             PgConnector::WarmUp warmUp)
    : m_primary(std::move(primary))
{
    const DatabaseConfig &database = m_primary->databaseConfig();
    const auto halfLag = duration_cast<milliseconds>(database.maxReplicaLag / 2);
    m_probeInterval = probeInterval.count() > 0
                          ? probeInterval
                          : std::clamp(halfLag, milliseconds(100), milliseconds(1000));
    // A look must end well before the next one is due, and never hold a replica's verdict long.
    m_probeDeadline = std::clamp(m_probeInterval * 2, milliseconds(500), milliseconds(2000));
    for (const QString &dsn : database.replicas) {
        auto replica = std::make_unique<Replica>();
        replica->config = replicaConfig(database, dsn);
        const SessionConfig &session = m_primary->sessionConfig();
        replica->pool = std::make_shared<ConnectionPool>(
            replica->config,
            session,
            std::make_unique<PgConnector>(replica->config, session.prepareStmt, warmUp));
        replica->prober = std::make_unique<ReplicaProber>(replica->config);
        replica->status.name = replica->prober->name();
        replica->status.reason = QStringLiteral("not looked at yet");
        m_replicas.push_back(std::move(replica));
    }
    m_runPool.setObjectName(QStringLiteral("melodee-router-run"));
    m_runPool.setMaxThreadCount(m_primary->threadPool()->maxThreadCount());
    if (!m_replicas.empty())
        m_prober = std::jthread([this](std::stop_token stop) { probeLoop(stop); });
}

ReplicaRouter::~ReplicaRouter()
{
    if (m_prober.joinable()) {
        m_prober.request_stop();
        m_probeWake.notify_all();
        m_prober.join();
    }
    m_runPool.waitForDone();
}

QFuture<void> ReplicaRouter::prewarm(int n)
{
    return startTask(&m_runPool, [this, n](std::stop_token stop) {
        m_primary->prewarm(n, stop);
        for (const auto &r : m_replicas) {
            QString name;
            {
                std::lock_guard lock(m_mutex);
                if (!r->status.inRotation)
                    continue;
                name = r->status.name;
            }
            try {
                r->pool->prewarm(n, stop);
            } catch (const DbError &e) {
                qCInfo(lcPool).noquote() << "replica" << name << "warm-up stopped:" << e.message();
            }
        }
    });
}

QList<ReplicaStatus> ReplicaRouter::replicaStatus() const
{
    std::lock_guard lock(m_mutex);
    QList<ReplicaStatus> out;
    for (const auto &r : m_replicas)
        out << r->status;
    return out;
}

void ReplicaRouter::probe(Replica &replica, std::stop_token stop)
{
    ReplicaStatus s;
    try {
        s = replica.prober->look(m_primary->databaseConfig().maxReplicaLag, m_probeDeadline, stop);
    } catch (const DbError &) {
        return; // stopped (look() throws for nothing else): the destructor is waiting
    }
    bool cameBack = false;
    bool left = false;
    {
        std::lock_guard lock(m_mutex);
        cameBack = s.inRotation && !replica.status.inRotation;
        left = !s.inRotation && replica.status.inRotation;
        // The read path may have seen a newer replay position meanwhile.
        s.replayLsn
            = std::max(s.replayLsn,
                       s.role == QLatin1String("replica") ? replica.status.replayLsn : quint64(0));
        replica.status = s;
    }
    if (cameBack)
        qCInfo(lcPool).noquote()
            << QStringLiteral("replica %1 is back in the rotation").arg(s.name);
    if (left) {
        qCWarning(lcPool).noquote()
            << QStringLiteral("replica %1 left the rotation: %2").arg(s.name, s.reason);
        if (s.role == QLatin1String("unreachable"))
            replica.pool->reset();
    }
}

void ReplicaRouter::probeNow()
{
    std::lock_guard probing(m_probeMutex);
    for (const auto &r : m_replicas)
        probe(*r);
}

void ReplicaRouter::probeLoop(std::stop_token stop)
{
    while (!stop.stop_requested()) {
        {
            std::lock_guard probing(m_probeMutex);
            for (const auto &r : m_replicas) {
                if (stop.stop_requested())
                    return;
                probe(*r, stop);
            }
        }
        std::unique_lock lock(m_probeMutex);
        m_probeWake.wait_for(lock, stop, m_probeInterval, [] { return false; });
    }
}

PooledConnection ReplicaRouter::leasePrimary(std::stop_token stop)
{
    return m_primary->acquire(
        duration_cast<milliseconds>(m_primary->databaseConfig().acquireTimeout), std::move(stop));
}

PooledConnection ReplicaRouter::leaseForRead(std::stop_token stop, int *replica)
{
    *replica = -1;
    const int n = int(m_replicas.size());
    if (n == 0)
        return leasePrimary(std::move(stop));
    const quint64 want = m_writeLsn.load(std::memory_order_acquire);
    const unsigned start = m_next.fetch_add(1, std::memory_order_relaxed);
    for (int k = 0; k < n; ++k) {
        const int i = int((start + unsigned(k)) % unsigned(n));
        Replica &r = *m_replicas[size_t(i)];
        quint64 known = 0;
        {
            std::lock_guard lock(m_mutex);
            if (!r.status.inRotation)
                continue;
            known = r.status.replayLsn;
        }
        try {
            PooledConnection lease
                = r.pool->acquire(duration_cast<milliseconds>(r.config.acquireTimeout), stop);
            if (want > known) {
                // Our last write may not be there yet: ask this replica how far it has replayed.
                const PgResult p
                    = lease->exec("SELECT pg_last_wal_replay_lsn()::text",
                                  {QStringLiteral("read-your-writes check"), QString()});
                const quint64 replayed = parseLsn(p.text(0, 0));
                {
                    std::lock_guard lock(m_mutex);
                    r.status.replayLsn = std::max(r.status.replayLsn, replayed);
                }
                if (replayed < want)
                    continue; // not yet: another replica or the primary
            }
            *replica = i;
            return lease;
        } catch (const DbError &e) {
            if (e.isCancelled())
                throw;
            markDown(i, e.toString());
        }
    }
    return leasePrimary(std::move(stop));
}

bool ReplicaRouter::replicaReadFailed(int replica, const DbError &error, PooledConnection &lease)
{
    if (error.isCancelled())
        return false;
    const bool broken = error.connectionBroken() || lease->isIdleBroken();
    // 40001 on a replica is a recovery conflict (the rows it read were vacuumed on the primary).
    const bool conflict = error.sqlState() == QLatin1String("40001");
    if (!broken && !conflict)
        return false;
    if (broken) {
        lease.discard();
        markDown(replica, error.toString());
    }
    lease.release();
    return true;
}

void ReplicaRouter::markDown(int replica, const QString &reason)
{
    Replica &r = *m_replicas[size_t(replica)];
    bool left = false;
    {
        std::lock_guard lock(m_mutex);
        left = r.status.inRotation;
        r.status.inRotation = false;
        r.status.role = QStringLiteral("unreachable");
        r.status.reason = reason;
    }
    if (left)
        qCWarning(lcPool).noquote()
            << QStringLiteral("replica %1 left the rotation: %2").arg(r.status.name, reason);
    r.pool->reset();
    m_probeWake.notify_all();
}

void ReplicaRouter::noteWrite(PgConnection &conn)
{
    if (m_replicas.empty())
        return;
    try {
        const PgResult r = conn.exec("SELECT pg_current_wal_lsn()::text",
                                     {QStringLiteral("note the write's WAL position"), QString()});
        const quint64 lsn = parseLsn(r.text(0, 0));
        quint64 seen = m_writeLsn.load(std::memory_order_relaxed);
        while (lsn > seen && !m_writeLsn.compare_exchange_weak(seen, lsn)) {
        }
    } catch (const DbError &e) {
        // The write itself succeeded; without its position, reads may briefly miss it.
        qCWarning(lcPool).noquote()
            << QStringLiteral("could not read the WAL position after a write: %1")
                   .arg(e.toString());
    }
}

} // namespace melodee
