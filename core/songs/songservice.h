#pragma once

#include "cache/songcache.h"
#include "library/songbrowser.h"
#include "library/songrepository.h"

#include <QFuture>

#include <memory>
#include <optional>

namespace melodee {

class ConnectionPool;
class ReplicaRouter;

// A song with what the details panel shows next to it.
struct SongDetails
{
    qint64 id = 0;
    std::optional<Song> song; // std::nullopt: there is no such song (any more)
    QString artistName;
    QString albumName;
    SongCache::Lookup cache = SongCache::Lookup::Disabled; // how the song was found
};

// The songs of the library for both front ends: keyset pages and jumps (SongBrowser), counts,
// rows by id and the writes (SongRepository), with the Redis cache (SongCache) in front of the
// by-id reads and invalidated after every write. Reads go through a ReplicaRouter (to a replica in
// its rotation when database.replicas is set), writes to the primary. Each call runs on a pooled
// connection on a worker thread and returns a QFuture: cancelling it stops the work (PQcancel for
// a running statement).
// The GUI thread never waits on the network; the CLI waits on the future.
class SongService
{
public:
    // cache may be null (Redis off). Work in flight keeps what it needs alive, so the service may
    // be destroyed while futures are still running.
    // layout: whose tables to read; on melodee-next's the cache is not used (see the .cpp).
    SongService(std::shared_ptr<ConnectionPool> pool,
                const SessionConfig &session,
                std::shared_ptr<SongCache> cache = {},
                SchemaLayout layout = SchemaLayout::Melodee);
    // Over a router shared with other services; the pool form makes a router of its own.
    SongService(std::shared_ptr<ReplicaRouter> router,
                const SessionConfig &session,
                std::shared_ptr<SongCache> cache = {},
                SchemaLayout layout = SchemaLayout::Melodee);

    // Plans, on a new connection, what the service's reads will need, so they only execute:
    // the browser's pages (SongBrowser::warmUp(), at `rows` rows) and one song's details (the
    // look-up by id and the album and artist names). Planning the details' two statements over
    // the partitioned songs and albums costs a new backend about 19 ms at 10M songs in 25
    // months, against 2 ms to run them; left to the first details, that planning shares the
    // CPUs with the rows of a jump. For a PgConnector's warm-up. Does nothing without prepared
    // statements. Throws DbError.
    static void warmUp(PgConnection &conn,
                       const SessionConfig &session,
                       SchemaLayout layout,
                       int rows = SongBrowser::kViewBlockRows);
    // The layout whose songs table the database has, ours first, or none: what a connection
    // warms up before the schema has been recognised. One catalog look-up.
    static std::optional<SchemaLayout> layoutPresent(PgConnection &conn,
                                                     const SessionConfig &session);

    // In the background, opens connections until `connections` are idle on the pools its reads
    // use (ReplicaRouter::prewarm()), so reads that run side by side (a view's blocks, the
    // details) find them open and warmed up.
    QFuture<void> prewarm(int connections) const;

    QFuture<SongPage> page(const PageRequest &request) const;
    QFuture<SongPage> pageAtFraction(SongSort sort,
                                     const SongFilter &filter,
                                     double fraction,
                                     int limit,
                                     bool descending = false) const;
    QFuture<SongPage> pageAtMonth(int year, int month, const SongFilter &filter, int limit) const;
    QFuture<SongPage>
    pageAtSong(SongSort sort, qint64 id, const SongFilter &filter, int limit) const;
    QFuture<SongCount> count(const SongFilter &filter, bool exact) const;
    // The instant estimate; the exact count instead when the estimate says the table is empty or
    // a filtered estimate (the planner's guess, often far off for LIKE) is below exactBelow.
    QFuture<SongCount> browseCount(const SongFilter &filter, qint64 exactBelow) const;

    // Through the cache: a hit skips the database, a miss stores the row read.
    QFuture<std::optional<Song>> songById(qint64 id) const;
    QFuture<SongDetails> details(qint64 id) const;
    QFuture<QList<SongWithDetails>> songsWithAlbumAndArtist(const QList<qint64> &ids) const;

    // One transaction each (per the session's default-transaction rule); the cached copy is
    // invalidated after the commit. Under dry_run nothing is written or invalidated.
    QFuture<qint64> renameSong(qint64 id, const QString &name) const;
    QFuture<qint64> deleteSong(qint64 id) const;

    // What dry_run recorded, among the rest.
    const SongRepository &repository() const { return m_state->repository; }

private:
    struct State
    {
        State(const SessionConfig &session, std::shared_ptr<SongCache> cache, SchemaLayout layout)
            : browser(session, layout)
            , repository(session, layout)
            , cache(std::move(cache))
        {}
        SongBrowser browser;
        SongRepository repository;
        std::shared_ptr<SongCache> cache;
    };
    class InvalidateAfter;
    static std::optional<Song>
    readThrough(const State &state, PgConnection &conn, qint64 id, SongCache::Lookup *how);

    std::shared_ptr<ReplicaRouter> m_router;
    std::shared_ptr<State> m_state;
};

} // namespace melodee
