#pragma once

#include "config/appconfig.h"
#include "songquery.h"

#include <QList>
#include <QMutex>
#include <QString>
#include <QStringList>

#include <optional>

namespace melodee {

class PgConnection;

// A write that dry_run recorded instead of executing.
struct RecordedStatement
{
    QString sql;
    QStringList params;
};

// The song repository (the seed's Repository). Every method runs on the PgConnection it is given,
// so callers pick the thread and connection: the pool's run()/acquire() in the app, a plain
// connection in tools and tests. Throws DbError (with operation and table) on failure and
// std::invalid_argument on bad input, naming the value.
class SongRepository
{
public:
    explicit SongRepository(const SessionConfig &session);

    const SessionConfig &session() const { return m_session; }
    QString songsTable() const { return m_songs; }
    QString albumsTable() const { return m_albums; }
    QString artistsTable() const { return m_artists; }

    // Keyset paging: one index range scan per page whatever its depth.
    SongPage page(PgConnection &conn, const PageRequest &request) const;
    // Jumps. fraction in [0,1] is turned into a key from the planner's histogram (pg_stats) or,
    // without statistics, from the key's min/max; the page starts at that key.
    // descending: the fraction is of the descending order and so is the page.
    SongPage pageAtFraction(PgConnection &conn,
                            SongSort sort,
                            const SongFilter &filter,
                            double fraction,
                            int limit,
                            bool descending = false) const;
    SongPage
    pageAtMonth(PgConnection &conn, int year, int month, const SongFilter &filter, int limit) const;
    // The page in `sort` order that starts with song `id`. In id order a missing id starts the page
    // at the next one; in other orders a missing id is a not-found DbError.
    SongPage pageAtSong(
        PgConnection &conn, SongSort sort, qint64 id, const SongFilter &filter, int limit) const;
    // Where a key lies in the sort, 0..1, from the histogram: the scrollbar position.
    // std::nullopt when there are no statistics and no rows to interpolate over.
    std::optional<double>
    estimateFraction(PgConnection &conn, SongSort sort, const SongKey &key) const;
    std::optional<SongKey> keyAtFraction(PgConnection &conn,
                                         SongSort sort,
                                         const SongFilter &filter,
                                         double fraction) const;

    // Instant estimate (reltuples over the partitions, or the planner's row estimate when filtered)
    // or the exact count(*).
    SongCount count(PgConnection &conn, const SongFilter &filter, bool exact) const;

    // The seed's GetSongsPaginated: OFFSET paging plus the exact total. Kept for compatibility;
    // slow at depth by nature (see page()).
    struct OffsetPage
    {
        QList<Song> songs;
        SongCount total;
    };
    OffsetPage songsPaginated(PgConnection &conn,
                              qint64 offset,
                              int limit,
                              const QList<SongCondition> &conditions) const;
    static QStringList conditionColumns();

    // The seed's GetSongsWithAlbumAndArtist: one query, ids bound as a binary int8[]; unknown ids
    // are absent from the result. Ordered by id.
    QList<SongWithDetails> songsWithAlbumAndArtist(PgConnection &conn,
                                                   const QList<qint64> &ids) const;

    // With ignore_not_found_error the miss is std::nullopt; otherwise DbError::isNotFound().
    std::optional<Song> songById(PgConnection &conn, qint64 id) const;

    // Writes. Under dry_run they are recorded (see recorded()) and report 0 rows.
    qint64 renameSong(PgConnection &conn, qint64 id, const QString &newName) const;
    qint64 deleteSong(PgConnection &conn, qint64 id) const;
    QList<RecordedStatement> recorded() const;
    void clearRecorded();

    // The SQL a page request runs and its parameters (for EXPLAIN in tests and the bench).
    QByteArray pageSql(const PageRequest &request, QList<QByteArray> *params) const;
    // Whether page() runs that SQL on a cached generic plan (keyset shapes on prepared
    // statements) or plans it for its parameters (searches, or no prepared statements).
    static bool pageUsesGenericPlan(const PgConnection &conn, const PageRequest &request);
    // The statement keyAtFraction() reads the planner's histogram with (its first step).
    QByteArray histogramSql(SongSort sort, QList<QByteArray> *params) const;
    // The request pageAtFraction() runs first (it re-reads the last page if the key left less
    // than a page).
    PageRequest fractionRequest(PgConnection &conn,
                                SongSort sort,
                                const SongFilter &filter,
                                double fraction,
                                int limit,
                                bool descending = false) const;

private:
    qint64 write(PgConnection &conn,
                 const QString &operation,
                 const QByteArray &sql,
                 const QList<QByteArray> &params) const;
    QString filterSql(const SongFilter &filter, QList<QByteArray> *params) const;

    SessionConfig m_session;
    QString m_songs;
    QString m_albums;
    QString m_artists;
    mutable QMutex m_recordMutex;
    mutable QList<RecordedStatement> m_recorded;
};

} // namespace melodee
