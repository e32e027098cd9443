#pragma once

#include "config/appconfig.h"
#include "schemalayout.h"
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

// Counts, songs by id, the OFFSET page with its total, songs with their artist and album names,
// and the writes (rename, delete). Every method runs on the PgConnection it is given. Throws
// DbError (with operation and table) on failure and std::invalid_argument on bad input, naming the
// value. Browsing the whole table by key is SongBrowser's.
class SongRepository
{
public:
    // layout: whose tables to read (ours, or melodee-next's tracks, which are read-only).
    explicit SongRepository(const SessionConfig &session,
                            SchemaLayout layout = SchemaLayout::Melodee);

    const SessionConfig &session() const { return m_session; }
    QString songsTable() const { return m_songs; }
    QString albumsTable() const { return m_albums; }
    QString artistsTable() const { return m_artists; }

    // Instant estimate (reltuples over the partitions, or the planner's row estimate when filtered)
    // or the exact count(*).
    SongCount count(PgConnection &conn, const SongFilter &filter, bool exact) const;

    // The OFFSET method: a page at a row offset plus the exact total. Kept for compatibility with
    // callers that page by number; slow at depth by nature (see SongBrowser::page()).
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

    // One query, ids bound as a binary int8[]; unknown ids are absent from the result. Ordered by
    // id.
    QList<SongWithDetails> songsWithAlbumAndArtist(PgConnection &conn,
                                                   const QList<qint64> &ids) const;

    // With ignore_not_found_error the miss is std::nullopt; otherwise DbError::isNotFound().
    std::optional<Song> songById(PgConnection &conn, qint64 id) const;

    // Writes, each a Transaction::execWrite (inside BEGIN/COMMIT unless skip_default_transaction,
    // joining the caller's transaction if one is open). Under dry_run they are recorded (see
    // recorded()) and report 0 rows.
    qint64 renameSong(PgConnection &conn, qint64 id, const QString &newName) const;
    qint64 deleteSong(PgConnection &conn, qint64 id) const;
    QList<RecordedStatement> recorded() const;
    void clearRecorded();

private:
    qint64 write(PgConnection &conn,
                 const QString &operation,
                 const QByteArray &sql,
                 const QList<QByteArray> &params) const;

    SessionConfig m_session;
    SchemaLayout m_layout;
    const char *m_columns; // the Song columns of the layout
    QString m_songs;
    QString m_albums;
    QString m_artists;
    mutable QMutex m_recordMutex;
    mutable QList<RecordedStatement> m_recorded;
};

} // namespace melodee
