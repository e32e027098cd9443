#include "songsql.h"

#include "namenormalizer.h"

#include <QStringList>

#include <stdexcept>

namespace melodee::songsql {

const char *const kSongColumns
    = "s.id, s.api_key::text, s.name, s.name_normalized, s.sort_name, s.album_id, s.artist_id, "
      "s.duration, s.track_number, s.disc_number, s.file_path, s.file_size, s.bit_rate, "
      "s.play_count, s.rating, (extract(epoch from s.created_at) * 1000000)::int8, "
      "(extract(epoch from s.updated_at) * 1000000)::int8";

namespace {

const char *const kTrackColumns
    = "s.id, s.api_key::text, s.name, s.name_normalized, s.sort_name, s.album_id, s.artist_id, "
      "s.duration, NULL::int4, NULL::int4, s.relative_path, NULL::int8, s.bit_rate, 0::int8, "
      "NULL::int4, coalesce((extract(epoch from s.created_at) * 1000000)::int8, 0), NULL::int8";

} // namespace

SongTables songTables(const SessionConfig &session, SchemaLayout layout)
{
    if (layout == SchemaLayout::MelodeeNext)
        return {QStringLiteral("tracks"),
                QStringLiteral("albums"),
                QStringLiteral("artists"),
                kTrackColumns,
                false};
    return {session.tableName(QStringLiteral("song")),
            session.tableName(QStringLiteral("album")),
            session.tableName(QStringLiteral("artist")),
            kSongColumns,
            true};
}

void requireWritable(const SongTables &tables, const QString &operation)
{
    if (!tables.writable)
        throw std::invalid_argument(
            QStringLiteral("%1 is not available on a melodee-next database: its %2 table is "
                           "browsed read-only")
                .arg(operation, tables.songs)
                .toStdString());
}

std::optional<qint64> optInt(const PgResult &r, int row, int col)
{
    if (r.isNull(row, col))
        return std::nullopt;
    return r.toInt64(row, col);
}

namespace {

std::optional<int> optInt32(const PgResult &r, int row, int col)
{
    if (r.isNull(row, col))
        return std::nullopt;
    return int(r.toInt64(row, col));
}

} // namespace

Song songFromRow(const PgResult &r, int row)
{
    Song s;
    s.id = r.toInt64(row, 0);
    s.apiKey = r.text(row, 1);
    s.name = r.text(row, 2);
    s.nameNormalized = r.text(row, 3);
    s.sortName = r.text(row, 4);
    s.albumId = optInt(r, row, 5);
    s.artistId = optInt(r, row, 6);
    s.durationMs = optInt(r, row, 7);
    s.trackNumber = optInt32(r, row, 8);
    s.discNumber = optInt32(r, row, 9);
    s.filePath = r.text(row, 10);
    s.fileSize = optInt(r, row, 11);
    s.bitRate = optInt32(r, row, 12);
    s.playCount = r.isNull(row, 13) ? 0 : r.toInt64(row, 13);
    s.rating = optInt32(r, row, 14);
    s.createdAtUs = r.toInt64(row, 15);
    s.updatedAtUs = optInt(r, row, 16);
    return s;
}

PgParams toParams(const QList<QByteArray> &values)
{
    PgParams p;
    p.reserve(values.size());
    for (const QByteArray &v : values)
        p.append(v);
    return p;
}

QByteArray placeholder(QList<QByteArray> *params, const QByteArray &value)
{
    params->append(value);
    return '$' + QByteArray::number(params->size());
}

void checkLimit(int limit)
{
    if (limit < 1 || limit > kMaxLimit)
        throw std::invalid_argument(
            QStringLiteral("invalid page limit %1: must be between 1 and %2")
                .arg(limit)
                .arg(kMaxLimit)
                .toStdString());
}

QString filterSql(const SongFilter &filter, QList<QByteArray> *params)
{
    QStringList parts;
    if (filter.artistId)
        parts << QStringLiteral("s.artist_id = %1::int8")
                     .arg(QString::fromLatin1(
                         placeholder(params, QByteArray::number(*filter.artistId))));
    if (filter.albumId)
        parts << QStringLiteral("s.album_id = %1::int8")
                     .arg(QString::fromLatin1(
                         placeholder(params, QByteArray::number(*filter.albumId))));
    if (filter.createdFromUs)
        parts << QStringLiteral("s.created_at >= %1::timestamptz")
                     .arg(QString::fromLatin1(
                         placeholder(params, formatUtcMicros(*filter.createdFromUs).toUtf8())));
    if (filter.createdToUs)
        parts << QStringLiteral("s.created_at < %1::timestamptz")
                     .arg(QString::fromLatin1(
                         placeholder(params, formatUtcMicros(*filter.createdToUs).toUtf8())));
    const QString term = normalizeName(filter.search);
    if (!term.isEmpty()) {
        // name_normalized is already lower-case, so LIKE (not ILIKE) and the trigram index serve.
        const QByteArray pattern = ('%' + escapeLike(term) + '%').toUtf8();
        parts << QStringLiteral("s.name_normalized LIKE %1 ESCAPE '\\'")
                     .arg(QString::fromLatin1(placeholder(params, pattern)));
    }
    return parts.join(QStringLiteral(" AND "));
}

} // namespace melodee::songsql
