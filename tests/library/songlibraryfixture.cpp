#include "songlibraryfixture.h"

#include "db/pgconnection.h"
#include "library/songbrowser.h"
#include "libraryschema.h"
#include "testenv.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QStringList>

namespace melodee::test {

namespace {

// Every node of an EXPLAIN (FORMAT JSON) plan, depth first.
void collectNodes(const QJsonObject &node, QList<QJsonObject> *out)
{
    out->append(node);
    for (const QJsonValue &child : node.value(QLatin1String("Plans")).toArray())
        collectNodes(child.toObject(), out);
}

} // namespace

DatabaseConfig createSongLibrary(const QString &prefix, int bulkSongs)
{
    const DatabaseConfig db = createLibraryDatabase(prefix, months(Month{2025, 1}, 12));
    const QString sql = QStringLiteral(R"SQL(
INSERT INTO melodee_artists (id, name, name_normalized)
  SELECT g, 'Artist ' || g, 'artist ' || g FROM generate_series(1, 200) g;
INSERT INTO melodee_albums (id, name, name_normalized, artist_id, created_at)
  SELECT g, 'Album ' || g, 'album ' || g, 1 + g % 200,
         timestamptz '2025-01-01 00:00:00+00' + (g % 300) * interval '1 day'
  FROM generate_series(1, 1000) g;
INSERT INTO melodee_songs (id, name, name_normalized, album_id, artist_id, duration, created_at)
  SELECT g, 'Song ' || md5(g::text), 'song ' || md5(g::text), 1 + g % 1000, 1 + g % 200,
         120000 + g % 200000, timestamptz '2025-01-01 00:00:00+00' + g * interval '8 minutes'
  FROM generate_series(1, %1) g;
INSERT INTO melodee_songs (id, name, name_normalized, album_id, artist_id, created_at) VALUES
  (%1 + 1, 'Same Name', 'same name', 1, 2, '2025-06-15 12:00:00+00'),
  (%1 + 2, 'Same Name', 'same name', 1, 2, '2025-06-15 12:00:00+00'),
  (%1 + 3, 'Same Name', 'same name', NULL, NULL, '2025-06-15 12:00:00+00'),
  (%1 + 4, 'Beyoncé Halo', 'beyonce halo', 2, 3, '2025-03-01 00:00:00+00'),
  (%1 + 5, '100% Pure_Love', '100% pure_love', 2, 3, '2025-03-01 00:00:00+00'),
  (%1 + 6, '100x Pure Love', '100x pure love', 2, 3, '2025-03-01 00:00:00+00'),
  (%1 + 7, 'Back\slash', 'back\slash', 2, 3, '2025-12-31 23:59:59.999999+00'),
  (%1 + 8, '東京 Night', '東京 night', 2, 3, '2025-01-01 00:00:00+00');
SELECT setval(pg_get_serial_sequence('melodee_songs', 'id'), %1 + 100);
ANALYZE;
)SQL")
                            .arg(bulkSongs);
    TestEnv::psql(sql, db.dbname);
    return db;
}

QList<qint64> referenceIds(PgConnection &conn, SongSort sort, const QString &where)
{
    QString order;
    QString cond = where;
    switch (sort) {
    case SongSort::Id:
        order = QStringLiteral("id");
        break;
    case SongSort::Name:
        order = QStringLiteral("name_normalized, id");
        break;
    case SongSort::Artist:
        order = QStringLiteral("artist_id, name_normalized, id");
        cond = cond.isEmpty() ? QStringLiteral("artist_id IS NOT NULL")
                              : cond + QStringLiteral(" AND artist_id IS NOT NULL");
        break;
    case SongSort::Created:
        order = QStringLiteral("created_at, id");
        break;
    }
    PgResult r
        = conn.exec(QStringLiteral("SELECT id FROM melodee_songs %1 ORDER BY %2")
                        .arg(cond.isEmpty() ? QString() : QStringLiteral("WHERE ") + cond, order)
                        .toUtf8());
    QList<qint64> ids;
    ids.reserve(r.rows());
    for (int i = 0; i < r.rows(); ++i)
        ids << r.toInt64(i, 0);
    return ids;
}

QList<QJsonObject>
explainPage(PgConnection &conn, const SongBrowser &browser, const PageRequest &req)
{
    QList<QByteArray> params;
    const QByteArray sql = browser.pageSql(req, &params);
    PgParams p;
    for (const QByteArray &v : params)
        p << v;
    PgResult r = conn.exec("EXPLAIN (FORMAT JSON) " + sql, p);
    const QJsonObject plan = QJsonDocument::fromJson(r.bytes(0, 0))
                                 .array()
                                 .at(0)
                                 .toObject()
                                 .value(QLatin1String("Plan"))
                                 .toObject();
    QList<QJsonObject> nodes;
    collectNodes(plan, &nodes);
    return nodes;
}

QSet<QString> relationsIn(const QList<QJsonObject> &nodes)
{
    QSet<QString> out;
    for (const QJsonObject &n : nodes) {
        const QString rel = n.value(QLatin1String("Relation Name")).toString();
        if (!rel.isEmpty())
            out.insert(rel);
    }
    return out;
}

QList<QPair<const char *, SongSort>> namedSorts()
{
    return {{"id", SongSort::Id},
            {"name", SongSort::Name},
            {"artist", SongSort::Artist},
            {"created", SongSort::Created}};
}

QList<QPair<const char *, PageAnchor>> namedAnchors()
{
    return {{"first", PageAnchor::First},
            {"last", PageAnchor::Last},
            {"after", PageAnchor::After},
            {"before", PageAnchor::Before},
            {"at", PageAnchor::AtOrAfter}};
}

QString fullScanIn(const QList<QJsonObject> &nodes, const QString &dbname)
{
    QStringList shape;
    bool sawIndex = false;
    QString problem;
    for (const QJsonObject &n : nodes) {
        const QString type = n.value(QLatin1String("Node Type")).toString();
        const QString rel = n.value(QLatin1String("Relation Name")).toString();
        shape << type + (rel.isEmpty() ? QString() : QLatin1Char(' ') + rel);
        if (type.startsWith(QLatin1String("Index")) || type.startsWith(QLatin1String("Bitmap")))
            sawIndex = true;
        // A partition of a few rows is cheaper to read whole; anything bigger is a full scan.
        if (type == QLatin1String("Seq Scan") && problem.isEmpty()
            && TestEnv::psql(QStringLiteral("SELECT count(*) FROM %1").arg(rel), dbname)
                       .toLongLong()
                   > 1000)
            problem = QStringLiteral("Seq Scan on ") + rel;
        if (type == QLatin1String("Sort") && problem.isEmpty()
            && n.value(QLatin1String("Plan Rows")).toDouble() > 1000)
            problem = QStringLiteral("full Sort");
    }
    if (problem.isEmpty() && !sawIndex)
        problem = QStringLiteral("no index used");
    return problem.isEmpty() ? QString()
                             : problem + QStringLiteral(" in ") + shape.join(QStringLiteral(" > "));
}

} // namespace melodee::test
