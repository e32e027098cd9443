#pragma once

#include "config/appconfig.h"
#include "library/song.h"

#include <QSet>
#include <QString>

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>

struct redisContext;
struct redisReply;

namespace melodee {

// Cache-aside storage for songs in Redis: key <key_prefix><id>, the song as JSON (Song::toJson),
// expiring after redis.ttl. Redis is an accelerator, never a dependency: when it is down or slow
// every call gives up within redis.connect_timeout, one warning is logged, and reconnecting is
// tried at most once per retryInterval, so callers just go to the database.
//
// Invalidations are owed, not best effort: one that cannot reach Redis is kept and delivered
// (DEL) as soon as Redis answers again, before anything is read from it, so a song renamed or
// deleted during an outage is never served from a copy made before it. A row read from the
// database is stored only if no invalidation happened since the read began (the ticket), so a
// slow reader cannot put back a row a writer has just replaced. Thread-safe (one connection
// behind a mutex).
class SongCache
{
public:
    explicit SongCache(const RedisConfig &config,
                       std::chrono::milliseconds retryInterval = std::chrono::milliseconds(1000));
    ~SongCache();
    SongCache(const SongCache &) = delete;
    SongCache &operator=(const SongCache &) = delete;

    // A cached value larger than this is not a song (a full row is a few KB) and is ignored
    // without being parsed.
    static constexpr qsizetype kMaxValueBytes = 64 * 1024;

    enum class Lookup { Hit, Miss, Corrupt, Unavailable, Disabled };
    struct Read
    {
        std::optional<Song> song; // set on Hit only
        Lookup how = Lookup::Disabled;
        // Hand it to put() with the row read from the database after this miss.
        quint64 ticket = 0;
    };
    Read read(qint64 id);
    std::optional<Song> get(qint64 id, Lookup *how = nullptr);
    // Stores the database's row unless an invalidation happened since `ticket` was issued (the
    // row may then be older than the write that caused it).
    void put(const Song &song, quint64 ticket);
    // Removes the cached copy now, or as soon as Redis can be reached again.
    void invalidate(qint64 id);

    struct Stats
    {
        qint64 hits = 0;
        qint64 misses = 0;
        qint64 errors = 0;  // Redis unreachable, timed out or answered with an error
        qint64 corrupt = 0; // a cached value that was not a valid song (ignored, then replaced)
        qint64 pendingInvalidations = 0; // owed to Redis until it answers again
        bool purgePending = false;       // too many were owed: every key of the prefix goes instead
        bool connected = false;
    };
    Stats stats() const;
    QString key(qint64 id) const;
    // Past this many owed invalidations the cache stops listing them and removes every key of
    // its prefix when Redis is back (SCAN + UNLINK).
    void setMaxPendingInvalidations(int n);

private:
    // Connected, and every owed invalidation delivered: only then may Redis be read or written.
    bool readyLocked();
    bool connectLocked();
    bool deliverPendingLocked();
    bool purgePrefixLocked();
    void dropLocked(const QString &why);
    // Runs a command and returns its reply (owned by the cache until the next command), or
    // nullptr when Redis failed (the connection is then dropped). An error reply is returned only
    // when `allowError` says so (WRONGTYPE for a read); any other drops the connection too.
    redisReply *commandLocked(int argc, const char **argv, const size_t *lengths);
    redisReply *commandLocked(std::initializer_list<QByteArray> args);

    RedisConfig m_config;
    std::chrono::milliseconds m_retryInterval;
    QString m_host;
    int m_port = 6379;
    mutable std::mutex m_mutex;
    redisContext *m_ctx = nullptr;
    redisReply *m_reply = nullptr;
    std::chrono::steady_clock::time_point m_retryAt{};
    bool m_warned = false;
    quint64 m_invalidations = 0;
    QSet<qint64> m_pending;
    bool m_purge = false;
    int m_maxPending = 10000;
    std::atomic<qint64> m_hits{0};
    std::atomic<qint64> m_misses{0};
    std::atomic<qint64> m_errors{0};
    std::atomic<qint64> m_corrupt{0};
};

} // namespace melodee
