#include "songservice.h"

#include "db/dberror.h"
#include "library/songsql.h"
#include "pool/connectionpool.h"
#include "pool/replicarouter.h"

namespace melodee {

// Invalidates the song's cached copy when the write is over (committed or not: a failed commit may
// still have applied, and a copy of a song someone else deleted is worth dropping too). A reader
// that began before it either saw the old row and has its put() refused, or comes after it.
class SongService::InvalidateAfter
{
public:
    InvalidateAfter(const State &state, qint64 id)
        : m_state(state)
        , m_id(id)
    {}
    ~InvalidateAfter()
    {
        if (m_state.cache && !m_state.repository.session().dryRun)
            m_state.cache->invalidate(m_id);
    }

private:
    const State &m_state;
    qint64 m_id;
};

SongService::SongService(std::shared_ptr<ConnectionPool> pool,
                         const SessionConfig &session,
                         std::shared_ptr<SongCache> cache,
                         SchemaLayout layout)
    : SongService(
        std::make_shared<ReplicaRouter>(std::move(pool)), session, std::move(cache), layout)
{}

SongService::SongService(std::shared_ptr<ReplicaRouter> router,
                         const SessionConfig &session,
                         std::shared_ptr<SongCache> cache,
                         SchemaLayout layout)
    : m_router(std::move(router))
    // The cache holds rows of our songs table under ids of that table; melodee-next's tracks
    // have ids of their own, so its rows are always read from the database.
    , m_state(std::make_shared<State>(
          session,
          layout == SchemaLayout::MelodeeNext ? std::shared_ptr<SongCache>() : std::move(cache),
          layout))
{}

QFuture<void> SongService::prewarm(int connections) const
{
    return m_router->prewarm(connections);
}

QFuture<SongPage> SongService::page(const PageRequest &request) const
{
    return m_router->read(
        [state = m_state, request](PgConnection &c) { return state->browser.page(c, request); });
}

QFuture<SongPage> SongService::pageAtFraction(
    SongSort sort, const SongFilter &filter, double fraction, int limit, bool descending) const
{
    return m_router->read(
        [state = m_state, sort, filter, fraction, limit, descending](PgConnection &c) {
            return state->browser.pageAtFraction(c, sort, filter, fraction, limit, descending);
        });
}

QFuture<SongPage>
SongService::pageAtMonth(int year, int month, const SongFilter &filter, int limit) const
{
    return m_router->read([state = m_state, year, month, filter, limit](PgConnection &c) {
        return state->browser.pageAtMonth(c, year, month, filter, limit);
    });
}

QFuture<SongPage>
SongService::pageAtSong(SongSort sort, qint64 id, const SongFilter &filter, int limit) const
{
    return m_router->read([state = m_state, sort, id, filter, limit](PgConnection &c) {
        return state->browser.pageAtSong(c, sort, id, filter, limit);
    });
}

QFuture<SongCount> SongService::count(const SongFilter &filter, bool exact) const
{
    return m_router->read([state = m_state, filter, exact](PgConnection &c) {
        return state->repository.count(c, filter, exact);
    });
}

QFuture<SongCount> SongService::browseCount(const SongFilter &filter, qint64 exactBelow) const
{
    return m_router->read([state = m_state, filter, exactBelow](PgConnection &c,
                                                                std::stop_token stop) {
        SongCount n = state->repository.count(c, filter, false);
        if (n.value > 0 && (filter.isEmpty() || n.value >= exactBelow))
            return n;
        if (stop.stop_requested())
            throw DbError::cancelled(QStringLiteral("songs.count"), state->repository.songsTable());
        return state->repository.count(c, filter, true);
    });
}

std::optional<Song>
SongService::readThrough(const State &state, PgConnection &conn, qint64 id, SongCache::Lookup *how)
{
    SongCache::Read cached;
    if (state.cache)
        cached = state.cache->read(id);
    *how = cached.how;
    if (cached.song)
        return cached.song;
    std::optional<Song> song = state.repository.songById(conn, id);
    if (song && state.cache)
        state.cache->put(*song, cached.ticket);
    return song;
}

void SongService::warmUp(PgConnection &conn,
                         const SessionConfig &session,
                         SchemaLayout layout,
                         int rows)
{
    const SongPage first = SongBrowser(session, layout).warmUp(conn, rows);
    if (first.songs.isEmpty())
        return;
    // The same statements details() runs, for a song that exists (the cache is not asked).
    const SongRepository repository(session, layout);
    const qint64 id = first.songs.constFirst().id;
    repository.songById(conn, id);
    repository.songsWithAlbumAndArtist(conn, {id});
}

std::optional<SchemaLayout> SongService::layoutPresent(PgConnection &conn,
                                                       const SessionConfig &session)
{
    const PgResult r = conn.exec(
        "SELECT to_regclass($1) IS NOT NULL, to_regclass($2) IS NOT NULL",
        {PgParam(songsql::songTables(session, SchemaLayout::Melodee).songs.toUtf8()),
         PgParam(songsql::songTables(session, SchemaLayout::MelodeeNext).songs.toUtf8())},
        {QStringLiteral("find the songs table"), QString()});
    if (r.toBool(0, 0))
        return SchemaLayout::Melodee;
    if (r.toBool(0, 1))
        return SchemaLayout::MelodeeNext;
    return std::nullopt;
}

QFuture<std::optional<Song>> SongService::songById(qint64 id) const
{
    return m_router->read([state = m_state, id](PgConnection &c) {
        SongCache::Lookup how{};
        return readThrough(*state, c, id, &how);
    });
}

QFuture<SongDetails> SongService::details(qint64 id) const
{
    return m_router->read([state = m_state, id](PgConnection &c, std::stop_token stop) {
        SongDetails d;
        d.id = id;
        try {
            d.song = readThrough(*state, c, id, &d.cache);
        } catch (const DbError &e) {
            if (!e.isNotFound())
                throw;
        }
        if (!d.song)
            return d;
        if (stop.stop_requested())
            throw DbError::cancelled(QStringLiteral("songs.details"),
                                     state->repository.songsTable());
        const QList<SongWithDetails> joined = state->repository.songsWithAlbumAndArtist(c, {id});
        if (!joined.isEmpty()) {
            d.artistName = joined.first().artistName;
            d.albumName = joined.first().albumName;
        }
        return d;
    });
}

QFuture<QList<SongWithDetails>> SongService::songsWithAlbumAndArtist(const QList<qint64> &ids) const
{
    return m_router->read([state = m_state, ids](PgConnection &c) {
        return state->repository.songsWithAlbumAndArtist(c, ids);
    });
}

QFuture<qint64> SongService::renameSong(qint64 id, const QString &name) const
{
    return m_router->write([state = m_state, id, name](PgConnection &c) {
        const InvalidateAfter invalidate(*state, id);
        return state->repository.renameSong(c, id, name);
    });
}

QFuture<qint64> SongService::deleteSong(qint64 id) const
{
    return m_router->write([state = m_state, id](PgConnection &c) {
        const InvalidateAfter invalidate(*state, id);
        return state->repository.deleteSong(c, id);
    });
}

} // namespace melodee
