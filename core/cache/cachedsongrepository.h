#pragma once

#include "cache/songcache.h"
#include "library/songrepository.h"

namespace melodee {

class ConnectionPool;

// The seed's CachedRepository: song-by-id through the cache, writes through the repository with
// the cached copy removed afterwards. A concurrent reader can still put back the old row between
// the write and the DEL; the TTL bounds how long that lasts.
class CachedSongRepository
{
public:
    CachedSongRepository(const SongRepository &repo, SongCache &cache);

    std::optional<Song> songById(PgConnection &conn, qint64 id);
    std::optional<Song> songById(ConnectionPool &pool, qint64 id);
    qint64 renameSong(PgConnection &conn, qint64 id, const QString &name);
    qint64 deleteSong(PgConnection &conn, qint64 id);

    const SongRepository &repository() const { return m_repo; }
    SongCache &cache() { return m_cache; }

private:
    const SongRepository &m_repo;
    SongCache &m_cache;
};

} // namespace melodee
