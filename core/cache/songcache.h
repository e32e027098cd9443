#pragma once

#include "config/appconfig.h"
#include "library/song.h"

#include <QString>

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>

struct redisContext;

namespace melodee {

// Cache-aside storage for songs in Redis (the seed's CachedRepository cache half): key
// <key_prefix><id>, the song as JSON, expiring after redis.ttl. Redis is an accelerator, never a
// dependency: when it is down or slow every call gives up within redis.connect_timeout, one warning
// is logged, and reconnecting is retried at most once per retryInterval, so callers just go to the
// database. Thread-safe (one connection behind a mutex).
class SongCache
{
public:
    explicit SongCache(const RedisConfig &config,
                       std::chrono::milliseconds retryInterval = std::chrono::milliseconds(1000));
    ~SongCache();
    SongCache(const SongCache &) = delete;
    SongCache &operator=(const SongCache &) = delete;

    enum class Lookup { Hit, Miss, Corrupt, Unavailable, Disabled };
    std::optional<Song> get(qint64 id, Lookup *how = nullptr);
    void put(const Song &song);
    void invalidate(qint64 id);

    struct Stats
    {
        qint64 hits = 0;
        qint64 misses = 0;
        qint64 errors = 0;  // Redis unreachable, timed out or answered with an error
        qint64 corrupt = 0; // a cached value that was not a valid song (ignored, then replaced)
        bool connected = false;
    };
    Stats stats() const;
    QString key(qint64 id) const;
    bool enabled() const { return m_config.enabled; }

private:
    bool ensureConnectedLocked();
    void dropLocked(const QString &why);
    // Runs a command; returns false (and drops the connection on I/O errors) when it failed.
    bool commandLocked(const char *format, ...);

    RedisConfig m_config;
    std::chrono::milliseconds m_retryInterval;
    QString m_host;
    int m_port = 6379;
    mutable std::mutex m_mutex;
    redisContext *m_ctx = nullptr;
    std::chrono::steady_clock::time_point m_retryAt{};
    bool m_warned = false;
    std::atomic<qint64> m_hits{0};
    std::atomic<qint64> m_misses{0};
    std::atomic<qint64> m_errors{0};
    std::atomic<qint64> m_corrupt{0};
    // The reply of the last commandLocked(); owned here, freed by the next command.
    void *m_reply = nullptr;
};

} // namespace melodee
