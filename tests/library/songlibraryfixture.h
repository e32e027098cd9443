#pragma once

#include "config/appconfig.h"
#include "library/songquery.h"

#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QSet>
#include <QString>

namespace melodee {
class PgConnection;
class SongBrowser;
} // namespace melodee

namespace melodee::test {

// The library the song tests browse: `bulkSongs` songs over 12 months of 2025 (one every 8
// minutes, 200 artists, 1000 albums) plus eight edge cases after them: duplicate names, equal
// created_at, unicode, LIKE metacharacters, a song without artist or album (bulkSongs + 3),
// "Beyoncé Halo" (+ 4), "100x Pure Love" (+ 6). Analysed.
DatabaseConfig createSongLibrary(const QString &prefix, int bulkSongs);

// The ids in the database's own ORDER BY for a sort (artist order leaves out NULL artists).
QList<qint64> referenceIds(PgConnection &conn, SongSort sort, const QString &where = QString());

// Every node of the EXPLAIN (FORMAT JSON) plan of the statement a page request runs, depth first.
QList<QJsonObject>
explainPage(PgConnection &conn, const SongBrowser &browser, const PageRequest &req);

// The tables a plan reads.
QSet<QString> relationsIn(const QList<QJsonObject> &nodes);

// Every sort and every anchor, with the names data tags use.
QList<QPair<const char *, SongSort>> namedSorts();
QList<QPair<const char *, PageAnchor>> namedAnchors();

// Why a plan is not an index range scan (a Merge Append of per-partition index scans at most): a
// Seq Scan of a partition with more than a page's worth of rows, a Sort of more than a page's
// worth, or no index at all. Empty when it is one.
QString fullScanIn(const QList<QJsonObject> &nodes, const QString &dbname);

} // namespace melodee::test
