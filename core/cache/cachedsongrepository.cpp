#include "cachedsongrepository.h"

#include "pool/connectionpool.h"

namespace melodee {

CachedSongRepository::CachedSongRepository(const SongRepository &repo, SongCache &cache)
    : m_repo(repo)
    , m_cache(cache)
{}

std::optional<Song> CachedSongRepository::songById(PgConnection &conn, qint64 id)
{
    if (auto cached = m_cache.get(id))
        return cached;
    auto song = m_repo.songById(conn, id);
    if (song)
        m_cache.put(*song);
    return song;
}

std::optional<Song> CachedSongRepository::songById(ConnectionPool &pool, qint64 id)
{
    if (auto cached = m_cache.get(id))
        return cached;
    PooledConnection conn = pool.acquire();
    auto song = m_repo.songById(*conn, id);
    conn.release();
    if (song)
        m_cache.put(*song);
    return song;
}

qint64 CachedSongRepository::renameSong(PgConnection &conn, qint64 id, const QString &name)
{
    const qint64 n = m_repo.renameSong(conn, id, name);
    if (!m_repo.session().dryRun)
        m_cache.invalidate(id);
    return n;
}

qint64 CachedSongRepository::deleteSong(PgConnection &conn, qint64 id)
{
    const qint64 n = m_repo.deleteSong(conn, id);
    if (!m_repo.session().dryRun)
        m_cache.invalidate(id);
    return n;
}

} // namespace melodee
