#pragma once

#include "songrepository.h"

#include <QFuture>

namespace melodee {

class ConnectionPool;
class SongCache;

// The asynchronous face of the library for the GUI: each call runs on a pooled connection on a
// worker thread and returns a QFuture (cancelling it sends PQcancel through the pool). The UI
// thread never waits on the network.
class SongService
{
public:
    // cache may be null (no Redis).
    SongService(ConnectionPool &pool, const SessionConfig &session, SongCache *cache = nullptr);

    QFuture<SongPage> page(const PageRequest &request);
    QFuture<SongPage>
    pageAtFraction(SongSort sort, const SongFilter &filter, double fraction, int limit);
    QFuture<SongCount> count(const SongFilter &filter, bool exact);
    QFuture<std::optional<Song>> songById(qint64 id);
    QFuture<QList<SongWithDetails>> songsWithAlbumAndArtist(const QList<qint64> &ids);
    QFuture<qint64> renameSong(qint64 id, const QString &name);
    QFuture<qint64> deleteSong(qint64 id);

    const SongRepository &repository() const { return m_repo; }

private:
    ConnectionPool &m_pool;
    SongRepository m_repo;
    SongCache *m_cache;
};

} // namespace melodee
