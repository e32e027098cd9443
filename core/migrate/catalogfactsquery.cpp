// Reading the catalog facts of a migration's tables from the connected database, in one round trip.

#include "catalogfacts.h"

#include "db/pgconnection.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace melodee {

namespace {

// One round trip for every relation: the partition tree through pg_inherits (which, unlike
// pg_partition_tree(), locks nothing), sizes, reltuples, the default partition from
// pg_partitioned_table (with the size of the default's heap alone, which is what a new range
// scans), and other backends' locks on the tree. An autovacuum worker is left out: a conflicting
// lock request cancels it (after deadlock_timeout), unless it runs to prevent wraparound. A
// relation another session holds or awaits ACCESS EXCLUSIVE on is measured from pg_class.relpages:
// pg_total_relation_size() would queue behind that lock.
constexpr char kFactsSql[] = R"(
, here AS (
    SELECT oid FROM pg_database WHERE datname = current_database()
), exclusive AS (
    SELECT DISTINCT l.relation FROM pg_locks l
    WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock'
      AND l.pid <> pg_backend_pid() AND l.database = (SELECT oid FROM here)
)
SELECT i.q, c.relkind,
    (SELECT sum(CASE WHEN x.relid IN (SELECT relation FROM exclusive)
                     THEN pc.relpages::bigint * current_setting('block_size')::bigint
                     ELSE pg_total_relation_size(x.relid) END)
       FROM tree x JOIN pg_class pc ON pc.oid = x.relid WHERE x.q = i.q),
    EXISTS (SELECT 1 FROM tree x WHERE x.q = i.q AND x.relid IN (SELECT relation FROM exclusive)),
    (SELECT CASE WHEN bool_or(pc.reltuples < 0) THEN -1 ELSE coalesce(sum(pc.reltuples), 0) END
       FROM tree x JOIN pg_class pc ON pc.oid = x.relid
      WHERE x.q = i.q AND pc.relkind IN ('r', 'm')),
    (SELECT count(*) - 1 FROM tree x WHERE x.q = i.q),
    d.relname, d.reltuples,
    CASE WHEN d.oid IS NULL THEN NULL
         WHEN d.oid IN (SELECT relation FROM exclusive)
         THEN d.relpages::bigint * current_setting('block_size')::bigint
         ELSE pg_total_relation_size(d.oid) END,
    EXISTS (SELECT 1 FROM pg_constraint k
             WHERE k.conrelid = d.oid AND k.contype = 'c' AND k.convalidated),
    (SELECT coalesce(json_agg(s), '[]') FROM (
        SELECT DISTINCT l.pid, l.mode, l.granted, lc.relname AS relation,
               coalesce(a.usename::text, '') AS usr, coalesce(a.application_name, '') AS app,
               coalesce(a.state, '') AS state,
               coalesce(extract(epoch FROM now() - a.xact_start), -1)::float8 AS xact
          FROM pg_locks l JOIN pg_class lc ON lc.oid = l.relation
          LEFT JOIN pg_stat_activity a ON a.pid = l.pid
         WHERE l.locktype = 'relation' AND l.pid <> pg_backend_pid()
           AND l.database = (SELECT oid FROM here)
           AND NOT coalesce(a.backend_type = 'autovacuum worker'
                            AND a.query NOT LIKE '%(to prevent wraparound)', false)
           AND l.relation IN (SELECT x.relid FROM tree x WHERE x.q = i.q)
         ORDER BY 1 LIMIT 200) s),
    CASE WHEN d.oid IS NULL OR d.relkind <> 'r' OR d.oid IN (SELECT relation FROM exclusive)
         THEN NULL ELSE pg_relation_size(d.oid) END
FROM input i
JOIN pg_class c ON c.oid = i.oid
LEFT JOIN pg_partitioned_table pt ON pt.partrelid = c.oid
LEFT JOIN pg_class d ON d.oid = pt.partdefid
)";

constexpr char kRelationTreeSql[] = R"(
WITH RECURSIVE input AS (
    SELECT e.q, to_regclass(e.q) AS oid FROM json_array_elements_text($1::json) AS e(q)
), tree AS (
    SELECT i.q, i.oid::oid AS relid FROM input i WHERE i.oid IS NOT NULL
    UNION ALL
    SELECT t.q, h.inhrelid FROM tree t JOIN pg_inherits h ON h.inhparent = t.relid
)
)";

} // namespace

QByteArray withRelationTree(const char *sql)
{
    return QByteArray(kRelationTreeSql) + sql;
}

CatalogFacts CatalogFacts::fetch(PgConnection &conn, const QList<RelationRef> &relations)
{
    CatalogFacts out;
    if (relations.isEmpty())
        return out;
    QJsonArray names;
    for (const RelationRef &r : relations)
        names.append(r.regclassText());
    const PgResult res
        = conn.exec(withRelationTree(kFactsSql),
                    {QJsonDocument(names).toJson(QJsonDocument::Compact)},
                    {QStringLiteral("read the catalog facts of the migration's tables"),
                     QStringLiteral("pg_class")});
    for (int i = 0; i < res.rows(); ++i) {
        RelationFacts f;
        const QString key = res.text(i, 0);
        for (const RelationRef &r : relations) {
            if (r.regclassText() == key)
                f.relation = r;
        }
        f.relkind = res.text(i, 1);
        f.bytes = res.isNull(i, 2) ? -1 : res.toInt64(i, 2);
        f.bytesFromPages = res.toBool(i, 3);
        f.rows = res.isNull(i, 4) ? -1.0 : res.toDouble(i, 4);
        f.partitions = int(res.toInt64(i, 5));
        if (!res.isNull(i, 6)) {
            f.defaultPartition = res.text(i, 6);
            f.defaultRows = res.toDouble(i, 7);
            f.defaultBytes = res.isNull(i, 8) ? -1 : res.toInt64(i, 8);
            f.defaultHasCheck = res.toBool(i, 9);
            f.defaultHeapBytes = res.isNull(i, 11) ? -1 : res.toInt64(i, 11);
        }
        const QJsonArray sessions = QJsonDocument::fromJson(res.bytes(i, 10)).array();
        for (const QJsonValue &v : sessions) {
            const QJsonObject o = v.toObject();
            SessionLock l;
            l.pid = o.value(QLatin1String("pid")).toInt();
            l.mode = lockModeFromName(o.value(QLatin1String("mode")).toString());
            l.granted = o.value(QLatin1String("granted")).toBool();
            l.relation = o.value(QLatin1String("relation")).toString();
            l.user = o.value(QLatin1String("usr")).toString();
            l.application = o.value(QLatin1String("app")).toString();
            l.state = o.value(QLatin1String("state")).toString();
            l.xactSeconds = o.value(QLatin1String("xact")).toDouble(-1);
            f.sessions << l;
        }
        out.m_facts.insert(key, f);
    }
    return out;
}

} // namespace melodee
