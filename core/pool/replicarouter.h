#pragma once

#include "async/task.h"
#include "connectionpool.h"
#include "connector.h"
#include "replicastatus.h"

#include <QList>
#include <QThreadPool>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stop_token>
#include <thread>
#include <type_traits>
#include <vector>

namespace melodee {

// Sends reads to a streaming replica and writes to the primary (database.replicas).
// - A read goes to a replica in the rotation: reachable, in recovery, replay lag at most
//   database.max_replica_lag. With none, it goes to the primary.
// - Read-your-writes: after a write the router remembers pg_current_wal_lsn(); a later read goes
//   to a replica only once that replica's pg_last_wal_replay_lsn() has reached it (checked on the
//   replica's connection while it has not), else to the primary.
// - A background prober looks at every replica each probe interval, each look bounded by a
//   deadline, so a replica that falls behind or dies leaves the rotation and one that is healthy
//   again comes back without the callers ever waiting on a probe. A read whose replica connection
//   breaks marks it down at once and runs again on the primary.
// With no replicas configured every call goes to the primary pool, with no extra round trip.
class ReplicaRouter
{
public:
    // The replicas are the primary pool's DatabaseConfig::replicas; their pools take the same
    // limits, and warmUp runs on each connection they open (as the primary's connector's does).
    // probeInterval defaults to 1 s, or half of max_replica_lag when that is shorter.
    explicit ReplicaRouter(std::shared_ptr<ConnectionPool> primary,
                           std::chrono::milliseconds probeInterval = {},
                           PgConnector::WarmUp warmUp = {});
    ~ReplicaRouter();
    ReplicaRouter(const ReplicaRouter &) = delete;
    ReplicaRouter &operator=(const ReplicaRouter &) = delete;

    const std::shared_ptr<ConnectionPool> &primary() const { return m_primary; }
    bool hasReplicas() const { return !m_replicas.empty(); }
    // What the last look at each replica found, in configuration order. No network.
    QList<ReplicaStatus> replicaStatus() const;
    // Looks at every replica now, on the calling thread (each look bounded by its deadline).
    void probeNow();
    // The WAL position of the last write through write(); 0 before any.
    quint64 lastWriteLsn() const { return m_writeLsn.load(std::memory_order_acquire); }
    // In the background, opens connections until n are idle (ConnectionPool::prewarm()) on every
    // pool a read may use now: the primary's, then each replica's in the rotation. A replica that
    // cannot be reached is logged and left to the prober; the future carries the primary's error.
    QFuture<void> prewarm(int n);

    // As ConnectionPool::run(): fn(PgConnection &) or fn(PgConnection &, std::stop_token) on a
    // worker thread; cancelling the future sends PQcancel. read() may run on a replica.
    template<typename Fn>
    auto read(Fn &&fn);
    // On the primary; afterwards the write's WAL position is remembered (read-your-writes).
    template<typename Fn>
    auto write(Fn &&fn);

private:
    struct Replica;
    // A lease for a read and the replica it came from (-1: the primary).
    PooledConnection leaseForRead(std::stop_token stop, int *replica);
    PooledConnection leasePrimary(std::stop_token stop);
    // After a read on a replica failed: true when it should run again on the primary (the
    // connection broke, or a recovery conflict cancelled it); the replica then leaves the
    // rotation until the prober sees it healthy.
    bool replicaReadFailed(int replica, const DbError &error, PooledConnection &lease);
    void markDown(int replica, const QString &reason);
    void noteWrite(PgConnection &conn);
    // Looks at one replica and records what it found. A stop request (the router going away)
    // cancels the look in flight and records nothing.
    void probe(Replica &replica, std::stop_token stop = {});
    void probeLoop(std::stop_token stop);

    std::shared_ptr<ConnectionPool> m_primary;
    std::vector<std::unique_ptr<Replica>> m_replicas;
    std::chrono::milliseconds m_probeInterval;
    std::chrono::milliseconds m_probeDeadline;
    mutable std::mutex m_mutex; // guards every Replica's status
    std::atomic<quint64> m_writeLsn{0};
    std::atomic<unsigned> m_next{0};
    QThreadPool m_runPool;
    std::mutex m_probeMutex;
    std::condition_variable_any m_probeWake;
    std::jthread m_prober;
};

template<typename Fn>
auto ReplicaRouter::read(Fn &&fn)
{
    if (m_replicas.empty())
        return m_primary->run(std::forward<Fn>(fn));
    constexpr bool takesToken = std::is_invocable_v<Fn, PgConnection &, std::stop_token>;
    auto work = [this, fn = std::forward<Fn>(fn)](std::stop_token stop) mutable {
        const auto call = [&fn, &stop](PgConnection &conn) {
            detail::CancelOnStop cancelOnStop(conn, stop);
            if constexpr (takesToken)
                return fn(conn, stop);
            else
                return fn(conn);
        };
        int replica = -1;
        PooledConnection lease = leaseForRead(stop, &replica);
        if (replica >= 0) {
            try {
                return call(*lease);
            } catch (const DbError &e) {
                if (!replicaReadFailed(replica, e, lease))
                    throw;
            }
            lease = leasePrimary(stop);
        }
        return call(*lease);
    };
    return startTask(&m_runPool, std::move(work));
}

template<typename Fn>
auto ReplicaRouter::write(Fn &&fn)
{
    if (m_replicas.empty())
        return m_primary->run(std::forward<Fn>(fn));
    constexpr bool takesToken = std::is_invocable_v<Fn, PgConnection &, std::stop_token>;
    auto work = [this, fn = std::forward<Fn>(fn)](std::stop_token stop) mutable {
        PooledConnection lease = leasePrimary(stop);
        detail::CancelOnStop cancelOnStop(*lease, stop);
        const auto call = [&] {
            if constexpr (takesToken)
                return fn(*lease, stop);
            else
                return fn(*lease);
        };
        using R = decltype(call());
        if constexpr (std::is_void_v<R>) {
            call();
            noteWrite(*lease);
        } else {
            R result = call();
            noteWrite(*lease);
            return result;
        }
    };
    return startTask(&m_runPool, std::move(work));
}

} // namespace melodee
