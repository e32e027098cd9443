#include "songcache.h"

#include "util/logging.h"
#include "util/redactor.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <hiredis/hiredis.h>

#include <cstdarg>

namespace melodee {

namespace {

timeval toTimeval(Duration d)
{
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
    const long long bounded = us > 0 ? us : 200000;
    return timeval{time_t(bounded / 1000000), suseconds_t(bounded % 1000000)};
}

} // namespace

SongCache::SongCache(const RedisConfig &config, std::chrono::milliseconds retryInterval)
    : m_config(config)
    , m_retryInterval(retryInterval)
{
    Redactor::registerSecret(config.password);
    const QString addr = config.address.trimmed();
    const qsizetype colon = addr.lastIndexOf(QLatin1Char(':'));
    if (addr.startsWith(QLatin1Char('/'))) {
        m_host = addr; // a unix socket path
        m_port = 0;
    } else if (colon > 0) {
        m_host = addr.left(colon);
        if (m_host.startsWith(QLatin1Char('[')) && m_host.endsWith(QLatin1Char(']')))
            m_host = m_host.mid(1, m_host.size() - 2);
        m_port = addr.mid(colon + 1).toInt();
    } else {
        m_host = addr;
    }
}

SongCache::~SongCache()
{
    std::lock_guard lock(m_mutex);
    if (m_reply)
        freeReplyObject(m_reply);
    if (m_ctx)
        redisFree(m_ctx);
}

QString SongCache::key(qint64 id) const
{
    return m_config.keyPrefix + QString::number(id);
}

void SongCache::dropLocked(const QString &why)
{
    if (m_ctx) {
        redisFree(m_ctx);
        m_ctx = nullptr;
    }
    m_retryAt = std::chrono::steady_clock::now() + m_retryInterval;
    ++m_errors;
    if (!m_warned) {
        m_warned = true;
        qCWarning(lcCache).noquote()
            << QStringLiteral("Redis at %1 unavailable (%2); reading songs from the database")
                   .arg(m_config.address, Redactor::redact(why));
    }
}

bool SongCache::ensureConnectedLocked()
{
    if (m_ctx)
        return true;
    if (std::chrono::steady_clock::now() < m_retryAt) {
        ++m_errors;
        return false;
    }
    const timeval tv = toTimeval(m_config.connectTimeout);
    const QByteArray host = m_host.toUtf8();
    redisContext *ctx = m_port == 0 ? redisConnectUnixWithTimeout(host.constData(), tv)
                                    : redisConnectWithTimeout(host.constData(), m_port, tv);
    if (!ctx || ctx->err) {
        const QString why = ctx ? QString::fromUtf8(ctx->errstr) : QStringLiteral("out of memory");
        if (ctx)
            redisFree(ctx);
        dropLocked(why);
        return false;
    }
    // A reachable but silent server must not stall callers either.
    redisSetTimeout(ctx, tv);
    m_ctx = ctx;
    if (!m_config.password.isEmpty()) {
        const QByteArray pw = m_config.password.toUtf8();
        if (!commandLocked("AUTH %b", pw.constData(), size_t(pw.size())))
            return false;
    }
    if (m_config.db != 0 && !commandLocked("SELECT %d", m_config.db))
        return false;
    if (m_warned)
        qCInfo(lcCache).noquote() << QStringLiteral("Redis at %1 is back").arg(m_config.address);
    m_warned = false;
    return true;
}

bool SongCache::commandLocked(const char *format, ...)
{
    if (m_reply) {
        freeReplyObject(m_reply);
        m_reply = nullptr;
    }
    va_list ap;
    va_start(ap, format);
    void *reply = redisvCommand(m_ctx, format, ap);
    va_end(ap);
    if (!reply) {
        dropLocked(QString::fromUtf8(m_ctx->errstr));
        return false;
    }
    m_reply = reply;
    if (static_cast<redisReply *>(reply)->type == REDIS_REPLY_ERROR) {
        const QString msg = QString::fromUtf8(static_cast<redisReply *>(reply)->str);
        // AUTH/SELECT failures make the connection useless; other errors only fail this call.
        if (msg.startsWith(QLatin1String("NOAUTH")) || msg.startsWith(QLatin1String("WRONGPASS"))
            || msg.startsWith(QLatin1String("ERR invalid"))
            || msg.startsWith(QLatin1String("ERR DB"))) {
            dropLocked(msg);
        } else {
            ++m_errors;
            qCWarning(lcCache).noquote()
                << QStringLiteral("Redis error: %1").arg(Redactor::redact(msg));
        }
        return false;
    }
    return true;
}

std::optional<Song> SongCache::get(qint64 id, Lookup *how)
{
    const auto set = [how](Lookup l) {
        if (how)
            *how = l;
    };
    if (!m_config.enabled) {
        set(Lookup::Disabled);
        return std::nullopt;
    }
    std::lock_guard lock(m_mutex);
    const QByteArray k = key(id).toUtf8();
    if (!ensureConnectedLocked() || !commandLocked("GET %b", k.constData(), size_t(k.size()))) {
        set(Lookup::Unavailable);
        return std::nullopt;
    }
    const auto *reply = static_cast<redisReply *>(m_reply);
    if (reply->type == REDIS_REPLY_NIL) {
        ++m_misses;
        set(Lookup::Miss);
        return std::nullopt;
    }
    if (reply->type == REDIS_REPLY_STRING) {
        QJsonParseError err;
        const QJsonDocument doc
            = QJsonDocument::fromJson(QByteArray(reply->str, qsizetype(reply->len)), &err);
        if (err.error == QJsonParseError::NoError && doc.isObject()) {
            auto song = Song::fromJson(doc.object());
            if (song && song->id == id) {
                ++m_hits;
                set(Lookup::Hit);
                return song;
            }
        }
    }
    ++m_corrupt;
    ++m_misses;
    qCWarning(lcCache).noquote()
        << QStringLiteral("ignoring corrupt cached value for %1").arg(QString::fromUtf8(k));
    set(Lookup::Corrupt);
    return std::nullopt;
}

void SongCache::put(const Song &song)
{
    if (!m_config.enabled)
        return;
    const QByteArray value = QJsonDocument(song.toJson()).toJson(QJsonDocument::Compact);
    const long long ttlMs = std::max<long long>(
        1, std::chrono::duration_cast<std::chrono::milliseconds>(m_config.ttl).count());
    std::lock_guard lock(m_mutex);
    const QByteArray k = key(song.id).toUtf8();
    if (ensureConnectedLocked())
        commandLocked("SET %b %b PX %lld",
                      k.constData(),
                      size_t(k.size()),
                      value.constData(),
                      size_t(value.size()),
                      ttlMs);
}

void SongCache::invalidate(qint64 id)
{
    if (!m_config.enabled)
        return;
    std::lock_guard lock(m_mutex);
    const QByteArray k = key(id).toUtf8();
    if (ensureConnectedLocked())
        commandLocked("DEL %b", k.constData(), size_t(k.size()));
}

SongCache::Stats SongCache::stats() const
{
    Stats s;
    s.hits = m_hits.load();
    s.misses = m_misses.load();
    s.errors = m_errors.load();
    s.corrupt = m_corrupt.load();
    std::lock_guard lock(m_mutex);
    s.connected = m_ctx != nullptr;
    return s;
}

} // namespace melodee
