#pragma once

#include "config/appconfig.h"
#include "db/pgconnection.h"
#include "db/sqlident.h"
#include "schemalayout.h"
#include "song.h"
#include "songquery.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

// SQL pieces, filters and row reading shared by SongBrowser and SongRepository.
namespace melodee::songsql {

constexpr int kMaxLimit = 10000;

// The columns of Song, in the order songFromRow() reads them (table alias "s").
extern const char *const kSongColumns;

// The tables and Song columns of a schema layout: ours (named by the session), or
// melodee-next's `tracks`, whose missing columns (track and disc number, file size, play count,
// rating, updated_at) read as NULL and whose relative_path stands for file_path. Filters and
// sorts use id, name_normalized, album_id, artist_id and created_at, which both layouts have.
struct SongTables
{
    QString songs;
    QString albums;
    QString artists;
    const char *columns = kSongColumns;
    bool writable = true; // melodee-next's tracks are browsed read-only
};
SongTables songTables(const SessionConfig &session, SchemaLayout layout);
// Throws std::invalid_argument naming the operation when the layout is read-only.
void requireWritable(const SongTables &tables, const QString &operation);

using melodee::quoteIdent; // db/sqlident.h
std::optional<qint64> optInt(const PgResult &r, int row, int col);
Song songFromRow(const PgResult &r, int row);
PgParams toParams(const QList<QByteArray> &values);
// Appends a parameter and returns its placeholder ("$3").
QByteArray placeholder(QList<QByteArray> *params, const QByteArray &value);
// Throws std::invalid_argument for a page size outside 1..kMaxLimit.
void checkLimit(int limit);
// The filter as SQL conditions on alias "s", "" for none. Values are bound, search text is
// normalised and its LIKE metacharacters escaped.
QString filterSql(const SongFilter &filter, QList<QByteArray> *params);

} // namespace melodee::songsql
