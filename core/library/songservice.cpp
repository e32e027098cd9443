#include "songservice.h"

#include "cache/cachedsongrepository.h"
#include "pool/connectionpool.h"

namespace melodee {

SongService::SongService(ConnectionPool &pool, const SessionConfig &session, SongCache *cache)
    : m_pool(pool)
    , m_repo(session)
    , m_cache(cache)
{}

QFuture<SongPage> SongService::page(const PageRequest &request)
{
    return m_pool.run([this, request](PgConnection &c) { return m_repo.page(c, request); });
}

QFuture<SongPage>
SongService::pageAtFraction(SongSort sort, const SongFilter &filter, double fraction, int limit)
{
    return m_pool.run([this, sort, filter, fraction, limit](PgConnection &c) {
        return m_repo.pageAtFraction(c, sort, filter, fraction, limit);
    });
}

QFuture<SongCount> SongService::count(const SongFilter &filter, bool exact)
{
    return m_pool.run(
        [this, filter, exact](PgConnection &c) { return m_repo.count(c, filter, exact); });
}

QFuture<std::optional<Song>> SongService::songById(qint64 id)
{
    return m_pool.run([this, id](PgConnection &c) -> std::optional<Song> {
        if (m_cache)
            return CachedSongRepository(m_repo, *m_cache).songById(c, id);
        return m_repo.songById(c, id);
    });
}

QFuture<QList<SongWithDetails>> SongService::songsWithAlbumAndArtist(const QList<qint64> &ids)
{
    return m_pool.run(
        [this, ids](PgConnection &c) { return m_repo.songsWithAlbumAndArtist(c, ids); });
}

QFuture<qint64> SongService::renameSong(qint64 id, const QString &name)
{
    return m_pool.run([this, id, name](PgConnection &c) {
        if (m_cache)
            return CachedSongRepository(m_repo, *m_cache).renameSong(c, id, name);
        return m_repo.renameSong(c, id, name);
    });
}

QFuture<qint64> SongService::deleteSong(qint64 id)
{
    return m_pool.run([this, id](PgConnection &c) {
        if (m_cache)
            return CachedSongRepository(m_repo, *m_cache).deleteSong(c, id);
        return m_repo.deleteSong(c, id);
    });
}

} // namespace melodee
