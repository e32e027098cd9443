#include "songrepository.h"

#include "db/dberror.h"
#include "db/pgarray.h"
#include "db/pgconnection.h"
#include "db/transaction.h"
#include "namenormalizer.h"
#include "songsql.h"
#include "util/logging.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

#include <stdexcept>

namespace melodee {

using namespace songsql;

SongRepository::SongRepository(const SessionConfig &session, SchemaLayout layout)
    : m_session(session)
    , m_layout(layout)
    , m_columns(songTables(session, layout).columns)
    , m_songs(songTables(session, layout).songs)
    , m_albums(songTables(session, layout).albums)
    , m_artists(songTables(session, layout).artists)
{}

SongCount SongRepository::count(PgConnection &conn, const SongFilter &filter, bool exact) const
{
    QList<QByteArray> params;
    const QString where = filterSql(filter, &params);
    const QString from = quoteIdent(m_songs) + QStringLiteral(" s")
                         + (where.isEmpty() ? QString() : QStringLiteral(" WHERE ") + where);
    if (exact) {
        PgResult r = conn.exec(QStringLiteral("SELECT count(*) FROM %1").arg(from).toUtf8(),
                               toParams(params),
                               {QStringLiteral("songs.count"), m_songs});
        return {r.toInt64(0, 0), true};
    }
    if (where.isEmpty()) {
        // reltuples is what VACUUM/ANALYZE last saw; -1 means a partition was never analysed.
        // relpages is only set by those too, so a never-analysed partition that has since been
        // loaded still says 0 pages: its real size (one stat call) tells an empty new partition
        // from a loaded one, whose rows are estimated at the analysed partitions' rows per page
        // (as the planner scales reltuples). The planner's own guess for a never-analysed table
        // comes from column widths and was off by 15x in tests.
        PgResult r = conn.execCached(
            "SELECT coalesce(sum(c.reltuples) FILTER (WHERE c.reltuples >= 0), 0)::float8, "
            "coalesce(sum(c.reltuples) FILTER (WHERE c.reltuples > 0 AND c.relpages > 0) "
            "  / nullif(sum(c.relpages) FILTER (WHERE c.reltuples > 0 AND c.relpages > 0), 0), "
            "  0)::float8, "
            "coalesce(sum(CASE WHEN c.reltuples < 0 THEN pg_relation_size(c.oid) END) "
            "  / current_setting('block_size')::int8, 0)::float8 "
            "FROM pg_class c "
            "WHERE c.oid IN (SELECT i.inhrelid FROM pg_inherits i WHERE i.inhparent = "
            "$1::regclass) "
            // A plain (unpartitioned) table is counted itself: melodee-next's tracks.
            "OR (c.oid = $1::regclass AND c.relkind = 'r')",
            {quoteIdent(m_songs).toUtf8()},
            {QStringLiteral("songs.estimate"), m_songs});
        const double known = r.toDouble(0, 0);
        const double rowsPerPage = r.toDouble(0, 1);
        const double unknownPages = r.toDouble(0, 2);
        if (unknownPages == 0)
            return {qint64(std::llround(known)), false};
        if (rowsPerPage > 0)
            return {qint64(std::llround(known + rowsPerPage * unknownPages)), false};
    }
    // Filtered, or nothing analysed yet: the planner's own row estimate.
    PgResult r
        = conn.exec(QStringLiteral("EXPLAIN (FORMAT JSON) SELECT 1 FROM %1").arg(from).toUtf8(),
                    toParams(params),
                    {QStringLiteral("songs.estimate"), m_songs});
    const QJsonDocument doc = QJsonDocument::fromJson(r.bytes(0, 0));
    const double rows = doc.array()
                            .at(0)
                            .toObject()
                            .value(QLatin1String("Plan"))
                            .toObject()
                            .value(QLatin1String("Plan Rows"))
                            .toDouble();
    return {qint64(rows), false};
}

QStringList SongRepository::conditionColumns()
{
    return {QStringLiteral("id"),
            QStringLiteral("api_key"),
            QStringLiteral("name"),
            QStringLiteral("name_normalized"),
            QStringLiteral("sort_name"),
            QStringLiteral("album_id"),
            QStringLiteral("artist_id"),
            QStringLiteral("duration"),
            QStringLiteral("track_number"),
            QStringLiteral("disc_number"),
            QStringLiteral("file_path"),
            QStringLiteral("file_size"),
            QStringLiteral("bit_rate"),
            QStringLiteral("play_count"),
            QStringLiteral("rating")};
}

SongRepository::OffsetPage SongRepository::songsPaginated(
    PgConnection &conn, qint64 offset, int limit, const QList<SongCondition> &conditions) const
{
    checkLimit(limit);
    if (offset < 0)
        throw std::invalid_argument(
            QStringLiteral("invalid offset %1: must not be negative").arg(offset).toStdString());
    QStringList allowed = conditionColumns();
    if (m_layout == SchemaLayout::MelodeeNext)
        for (const char *missing :
             {"track_number", "disc_number", "file_path", "file_size", "play_count", "rating"})
            allowed.removeAll(QLatin1String(missing));
    QList<QByteArray> params;
    QStringList parts;
    for (const SongCondition &c : conditions) {
        if (!allowed.contains(c.column))
            throw std::invalid_argument(
                QStringLiteral("unknown condition column \"%1\"; allowed: %2")
                    .arg(c.column.left(100), allowed.join(QStringLiteral(", ")))
                    .toStdString());
        if (!c.value) {
            parts << QStringLiteral("s.%1 IS NULL").arg(c.column);
        } else {
            parts << QStringLiteral("s.%1 = %2")
                         .arg(c.column,
                              QString::fromLatin1(placeholder(&params, c.value->toUtf8())));
        }
    }
    const QString where = parts.isEmpty()
                              ? QString()
                              : QStringLiteral(" WHERE ") + parts.join(QStringLiteral(" AND "));
    OffsetPage out;
    const OpContext ctx{QStringLiteral("songs.paginated"), m_songs};
    PgResult total = conn.exec(
        QStringLiteral("SELECT count(*) FROM %1 s%2").arg(quoteIdent(m_songs), where).toUtf8(),
        toParams(params),
        ctx);
    out.total = {total.toInt64(0, 0), true};
    QList<QByteArray> pageParams = params;
    const QString off = QString::fromLatin1(placeholder(&pageParams, QByteArray::number(offset)));
    const QString lim = QString::fromLatin1(placeholder(&pageParams, QByteArray::number(limit)));
    PgResult r = conn.exec(
        QStringLiteral("SELECT %1 FROM %2 s%3 ORDER BY s.id OFFSET %4::int8 LIMIT %5::int8")
            .arg(QLatin1String(m_columns), quoteIdent(m_songs), where, off, lim)
            .toUtf8(),
        toParams(pageParams),
        ctx);
    for (int i = 0; i < r.rows(); ++i)
        out.songs.append(songFromRow(r, i));
    return out;
}

QList<SongWithDetails> SongRepository::songsWithAlbumAndArtist(PgConnection &conn,
                                                               const QList<qint64> &ids) const
{
    QList<SongWithDetails> out;
    if (ids.isEmpty())
        return out;
    // The ids as one array parameter however many there are, so one cached statement.
    QStringList idTexts;
    idTexts.reserve(ids.size());
    for (qint64 id : ids)
        idTexts << QString::number(id);
    // One lookup per id, driven from the list: songs and albums are partitioned by month, not
    // by id, so each lookup probes the partitions' primary keys in turn and stops at the first
    // match. Written as a join over `id = ANY($1)` instead, the planner sees every partition at
    // once, and with the empty premade months priced as ten pages each it chose a parallel
    // plan: two workers started, each opening every partition, 150 ms for one song's details
    // where this takes a few.
    const QString sql
        = QStringLiteral(
              "SELECT s.id, s.name, s.duration, a.name, al.name "
              "FROM (SELECT DISTINCT u.id FROM unnest($1::int8[]) AS u(id)) k "
              "CROSS JOIN LATERAL (SELECT x.id, x.name, x.duration, x.artist_id, x.album_id "
              "FROM %1 x WHERE x.id = k.id LIMIT 1) s "
              "LEFT JOIN %2 a ON a.id = s.artist_id "
              "LEFT JOIN LATERAL (SELECT y.name FROM %3 y WHERE y.id = s.album_id LIMIT 1) al "
              "ON true ORDER BY s.id")
              .arg(quoteIdent(m_songs), quoteIdent(m_artists), quoteIdent(m_albums));
    // Its plan is the same for any list, and planning it costs more than running it (5-12 ms
    // at 32 partitions each for songs and albums): the generic plan, made once per connection.
    PgResult r = conn.execCached(sql.toUtf8(),
                                 {textArrayLiteral(idTexts)},
                                 {QStringLiteral("songs.withAlbumAndArtist"), m_songs},
                                 PlanChoice::Generic);
    out.reserve(r.rows());
    for (int i = 0; i < r.rows(); ++i) {
        SongWithDetails d;
        d.id = r.toInt64(i, 0);
        d.name = r.text(i, 1);
        d.durationMs = optInt(r, i, 2);
        d.artistName = r.text(i, 3);
        d.albumName = r.text(i, 4);
        out.append(d);
    }
    return out;
}

std::optional<Song> SongRepository::songById(PgConnection &conn, qint64 id) const
{
    const QByteArray sql = QStringLiteral("SELECT %1 FROM %2 s WHERE s.id = $1::int8 LIMIT 1")
                               .arg(QLatin1String(m_columns), quoteIdent(m_songs))
                               .toUtf8();
    // An id says nothing about the month, so every plan probes each partition's primary key;
    // planning that afresh for each id cost more than the lookup (3-9 ms at 32 partitions).
    PgResult r = conn.execCached(sql,
                                 {QByteArray::number(id)},
                                 {QStringLiteral("songs.byId"), m_songs},
                                 PlanChoice::Generic);
    if (r.rows() == 0) {
        if (m_session.ignoreNotFoundError)
            return std::nullopt;
        DbError e(QStringLiteral("songs.byId"), m_songs, QStringLiteral("record not found"));
        e.setSqlState(QLatin1String(DbError::kNotFound));
        e.setParams({{QStringLiteral("id"), id}});
        throw e;
    }
    return songFromRow(r, 0);
}

qint64 SongRepository::write(PgConnection &conn,
                             const QString &operation,
                             const QByteArray &sql,
                             const QList<QByteArray> &params) const
{
    if (m_session.dryRun) {
        RecordedStatement st;
        st.sql = QString::fromUtf8(sql);
        for (const QByteArray &p : params)
            st.params << QString::fromUtf8(p);
        qCInfo(lcLibrary) << "dry run:" << operation << st.sql;
        QMutexLocker lock(&m_recordMutex);
        m_recorded.append(st);
        return 0;
    }
    const PgResult r
        = Transaction::execWrite(conn, m_session, sql, toParams(params), {operation, m_songs});
    return r.affectedRows();
}

qint64 SongRepository::renameSong(PgConnection &conn, qint64 id, const QString &newName) const
{
    requireWritable(songTables(m_session, m_layout), QStringLiteral("renaming a song"));
    const QString name = newName.trimmed();
    if (name.isEmpty())
        throw std::invalid_argument(QStringLiteral("invalid song name \"%1\": must not be empty")
                                        .arg(newName)
                                        .toStdString());
    if (truncateCodePoints(name, 255) != name)
        throw std::invalid_argument(
            QStringLiteral("invalid song name \"%1...\": longer than 255 characters")
                .arg(name.left(40))
                .toStdString());
    const QString normalized = truncateCodePoints(normalizeName(name), 255);
    const QByteArray sql = QStringLiteral("UPDATE %1 SET name = $2, name_normalized = $3, "
                                          "updated_at = now() WHERE id = $1::int8")
                               .arg(quoteIdent(m_songs))
                               .toUtf8();
    const qint64 n = write(conn,
                           QStringLiteral("songs.rename"),
                           sql,
                           {QByteArray::number(id), name.toUtf8(), normalized.toUtf8()});
    if (n == 0 && !m_session.dryRun && !m_session.ignoreNotFoundError) {
        DbError e(QStringLiteral("songs.rename"), m_songs, QStringLiteral("record not found"));
        e.setSqlState(QLatin1String(DbError::kNotFound));
        e.setParams({{QStringLiteral("id"), id}});
        throw e;
    }
    return n;
}

qint64 SongRepository::deleteSong(PgConnection &conn, qint64 id) const
{
    requireWritable(songTables(m_session, m_layout), QStringLiteral("deleting a song"));
    const QByteArray sql
        = QStringLiteral("DELETE FROM %1 WHERE id = $1::int8").arg(quoteIdent(m_songs)).toUtf8();
    const qint64 n = write(conn, QStringLiteral("songs.delete"), sql, {QByteArray::number(id)});
    if (n == 0 && !m_session.dryRun && !m_session.ignoreNotFoundError) {
        DbError e(QStringLiteral("songs.delete"), m_songs, QStringLiteral("record not found"));
        e.setSqlState(QLatin1String(DbError::kNotFound));
        e.setParams({{QStringLiteral("id"), id}});
        throw e;
    }
    return n;
}

QList<RecordedStatement> SongRepository::recorded() const
{
    QMutexLocker lock(&m_recordMutex);
    return m_recorded;
}

void SongRepository::clearRecorded()
{
    QMutexLocker lock(&m_recordMutex);
    m_recorded.clear();
}

} // namespace melodee
