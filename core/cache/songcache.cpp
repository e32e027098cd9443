#include "songcache.h"

#include "util/logging.h"
#include "util/redactor.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <hiredis/hiredis.h>

#include <vector>

namespace melodee {

namespace {

timeval toTimeval(Duration d)
{
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
    const long long bounded = us > 0 ? us : 200000;
    return timeval{time_t(bounded / 1000000), suseconds_t(bounded % 1000000)};
}

// A key prefix as a SCAN MATCH pattern that matches it literally.
QByteArray globEscaped(const QByteArray &text)
{
    QByteArray out;
    for (const char c : text) {
        if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\')
            out += '\\';
        out += c;
    }
    return out;
}

constexpr int kDeleteBatch = 500;

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
    if (!m_pending.isEmpty() || m_purge)
        qCWarning(lcCache).noquote()
            << QStringLiteral("%1 song cache invalidations could not be delivered to Redis at %2; "
                              "other clients may read those songs' old copies until they expire")
                   .arg(m_purge ? QStringLiteral("more than %1").arg(m_maxPending)
                                : QString::number(m_pending.size()),
                        m_config.address);
    if (m_reply)
        freeReplyObject(m_reply);
    if (m_ctx)
        redisFree(m_ctx);
}

QString SongCache::key(qint64 id) const
{
    return m_config.keyPrefix + QString::number(id);
}

void SongCache::setMaxPendingInvalidations(int n)
{
    std::lock_guard lock(m_mutex);
    m_maxPending = std::max(1, n);
}

void SongCache::dropLocked(const QString &why)
{
    if (m_reply) {
        freeReplyObject(m_reply);
        m_reply = nullptr;
    }
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

bool SongCache::connectLocked()
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
    if (!m_config.password.isEmpty()
        && !commandLocked({QByteArrayLiteral("AUTH"), m_config.password.toUtf8()}))
        return false;
    if (m_config.db != 0
        && !commandLocked({QByteArrayLiteral("SELECT"), QByteArray::number(m_config.db)}))
        return false;
    if (m_warned)
        qCInfo(lcCache).noquote() << QStringLiteral("Redis at %1 is back").arg(m_config.address);
    m_warned = false;
    return true;
}

bool SongCache::readyLocked()
{
    return connectLocked() && deliverPendingLocked();
}

bool SongCache::deliverPendingLocked()
{
    if (m_purge) {
        if (!purgePrefixLocked())
            return false;
        qCInfo(lcCache).noquote()
            << QStringLiteral("removed every cached song under \"%1\": more invalidations were "
                              "owed than were kept")
                   .arg(m_config.keyPrefix);
        m_purge = false;
        m_pending.clear();
        return true;
    }
    if (m_pending.isEmpty())
        return true;
    const qsizetype owed = m_pending.size();
    while (!m_pending.isEmpty()) {
        QList<qint64> ids;
        QList<QByteArray> keys;
        for (auto it = m_pending.cbegin(); it != m_pending.cend() && ids.size() < kDeleteBatch;
             ++it) {
            ids << *it;
            keys << key(*it).toUtf8();
        }
        std::vector<const char *> argv{"DEL"};
        std::vector<size_t> lengths{3};
        for (const QByteArray &k : std::as_const(keys)) {
            argv.push_back(k.constData());
            lengths.push_back(size_t(k.size()));
        }
        if (!commandLocked(int(argv.size()), argv.data(), lengths.data()))
            return false;
        for (qint64 id : std::as_const(ids))
            m_pending.remove(id);
    }
    qCInfo(lcCache).noquote()
        << QStringLiteral("delivered %1 song cache invalidations owed since Redis was unavailable")
               .arg(owed);
    return true;
}

bool SongCache::purgePrefixLocked()
{
    const QByteArray pattern = globEscaped(m_config.keyPrefix.toUtf8()) + '*';
    QByteArray cursor = "0";
    do {
        redisReply *r
            = commandLocked({QByteArrayLiteral("SCAN"), cursor, "MATCH", pattern, "COUNT", "1000"});
        if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2
            || r->element[0]->type != REDIS_REPLY_STRING
            || r->element[1]->type != REDIS_REPLY_ARRAY) {
            if (r)
                dropLocked(QStringLiteral("unexpected reply to SCAN"));
            return false;
        }
        cursor = QByteArray(r->element[0]->str, qsizetype(r->element[0]->len));
        const redisReply *keys = r->element[1];
        if (keys->elements == 0)
            continue;
        std::vector<QByteArray> names;
        names.reserve(keys->elements);
        for (size_t i = 0; i < keys->elements; ++i)
            names.emplace_back(keys->element[i]->str, qsizetype(keys->element[i]->len));
        std::vector<const char *> argv{"UNLINK"};
        std::vector<size_t> lengths{6};
        for (const QByteArray &k : names) {
            argv.push_back(k.constData());
            lengths.push_back(size_t(k.size()));
        }
        if (!commandLocked(int(argv.size()), argv.data(), lengths.data()))
            return false;
    } while (cursor != "0");
    return true;
}

redisReply *SongCache::commandLocked(int argc, const char **argv, const size_t *lengths)
{
    if (m_reply) {
        freeReplyObject(m_reply);
        m_reply = nullptr;
    }
    auto *reply = static_cast<redisReply *>(redisCommandArgv(m_ctx, argc, argv, lengths));
    if (!reply) {
        dropLocked(QString::fromUtf8(m_ctx->errstr));
        return nullptr;
    }
    m_reply = reply;
    if (reply->type == REDIS_REPLY_ERROR) {
        const QByteArray msg(reply->str, qsizetype(reply->len));
        // The key holds another type: a data problem the reader handles, not a broken server.
        if (msg.startsWith("WRONGTYPE"))
            return reply;
        // Anything else (AUTH, LOADING, READONLY, OOM...) makes Redis useless for now; the
        // invalidation this was, if any, stays owed.
        dropLocked(QString::fromUtf8(msg));
        return nullptr;
    }
    return reply;
}

redisReply *SongCache::commandLocked(std::initializer_list<QByteArray> args)
{
    std::vector<const char *> argv;
    std::vector<size_t> lengths;
    for (const QByteArray &a : args) {
        argv.push_back(a.constData());
        lengths.push_back(size_t(a.size()));
    }
    return commandLocked(int(argv.size()), argv.data(), lengths.data());
}

SongCache::Read SongCache::read(qint64 id)
{
    Read out;
    if (!m_config.enabled)
        return out;
    std::lock_guard lock(m_mutex);
    out.ticket = m_invalidations;
    out.how = Lookup::Unavailable;
    const QByteArray k = key(id).toUtf8();
    if (!readyLocked())
        return out;
    // At most one byte more than a value may have: enough to tell an oversized one, never the
    // whole of whatever someone stored there.
    redisReply *r = commandLocked(
        {QByteArrayLiteral("GETRANGE"), k, "0", QByteArray::number(kMaxValueBytes)});
    if (!r)
        return out;
    // GETRANGE answers "" for a missing key (and for an empty value, which is no song either).
    if (r->type == REDIS_REPLY_STRING && r->len == 0) {
        ++m_misses;
        out.how = Lookup::Miss;
        return out;
    }
    if (r->type == REDIS_REPLY_STRING && qsizetype(r->len) <= kMaxValueBytes) {
        QJsonParseError err;
        const QJsonDocument doc
            = QJsonDocument::fromJson(QByteArray(r->str, qsizetype(r->len)), &err);
        if (err.error == QJsonParseError::NoError && doc.isObject()) {
            auto song = Song::fromJson(doc.object());
            if (song && song->id == id) {
                ++m_hits;
                out.how = Lookup::Hit;
                out.song = std::move(song);
                return out;
            }
        }
    }
    ++m_corrupt;
    ++m_misses;
    qCWarning(lcCache).noquote()
        << QStringLiteral("ignoring corrupt cached value for %1").arg(QString::fromUtf8(k));
    out.how = Lookup::Corrupt;
    return out;
}

std::optional<Song> SongCache::get(qint64 id, Lookup *how)
{
    Read r = read(id);
    if (how)
        *how = r.how;
    return std::move(r.song);
}

void SongCache::put(const Song &song, quint64 ticket)
{
    if (!m_config.enabled)
        return;
    const QJsonObject json = song.toJson();
    const QByteArray value = QJsonDocument(json).toJson(QJsonDocument::Compact);
    // A row read() would reject (oversized, or a value outside what a song may hold) is not stored.
    if (value.size() > kMaxValueBytes || !Song::fromJson(json))
        return;
    const long long ttlMs = std::max<long long>(
        1, std::chrono::duration_cast<std::chrono::milliseconds>(m_config.ttl).count());
    std::lock_guard lock(m_mutex);
    if (ticket != m_invalidations || !readyLocked())
        return;
    commandLocked({QByteArrayLiteral("SET"),
                   key(song.id).toUtf8(),
                   value,
                   QByteArrayLiteral("PX"),
                   QByteArray::number(ttlMs)});
}

void SongCache::invalidate(qint64 id)
{
    if (!m_config.enabled)
        return;
    std::lock_guard lock(m_mutex);
    ++m_invalidations;
    if (!m_purge) {
        m_pending.insert(id);
        if (m_pending.size() > m_maxPending) {
            m_pending.clear();
            m_purge = true;
        }
    }
    // Delivers this one with any still owed; whatever fails stays owed.
    readyLocked();
}

SongCache::Stats SongCache::stats() const
{
    Stats s;
    s.hits = m_hits.load();
    s.misses = m_misses.load();
    s.errors = m_errors.load();
    s.corrupt = m_corrupt.load();
    std::lock_guard lock(m_mutex);
    s.pendingInvalidations = m_pending.size();
    s.purgePending = m_purge;
    s.connected = m_ctx != nullptr;
    return s;
}

} // namespace melodee
