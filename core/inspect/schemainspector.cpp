#include "schemainspector.h"

#include "db/pgconnection.h"
#include "db/sqlident.h"
#include "partitions/partitionmaintenance.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace melodee {

namespace {

// The tables and the tracks columns that make melodee-next's GORM layout: what its models
// declare, which no other schema is likely to combine.
const QStringList &nextTableNames()
{
    static const QStringList tables{
        QStringLiteral("albums"), QStringLiteral("artists"), QStringLiteral("tracks")};
    return tables;
}
const QStringList &nextTrackColumnNames()
{
    static const QStringList columns{QStringLiteral("album_id"),
                                     QStringLiteral("artist_id"),
                                     QStringLiteral("crc_hash"),
                                     QStringLiteral("created_at"),
                                     QStringLiteral("id"),
                                     QStringLiteral("name"),
                                     QStringLiteral("name_normalized"),
                                     QStringLiteral("relative_path")};
    return columns;
}

QStringList listOf(const QString &commaSeparated)
{
    return commaSeparated.isEmpty() ? QStringList()
                                    : commaSeparated.split(QLatin1Char(','), Qt::SkipEmptyParts);
}

QStringList missingFrom(const QStringList &wanted, const QStringList &present)
{
    QStringList out;
    for (const QString &w : wanted)
        if (!present.contains(w))
            out << w;
    return out;
}

QJsonArray jsonArray(const PgResult &r, int row, int col)
{
    return QJsonDocument::fromJson(r.bytes(row, col)).array();
}

QList<ForeignKeyInfo> foreignKeys(const QJsonArray &array)
{
    QList<ForeignKeyInfo> out;
    for (const QJsonValue &v : array) {
        const QJsonObject o = v.toObject();
        out.append({o.value(QLatin1String("name")).toString(),
                    o.value(QLatin1String("table")).toString(),
                    o.value(QLatin1String("references")).toString(),
                    o.value(QLatin1String("definition")).toString()});
    }
    return out;
}

QJsonArray toJson(const QList<ForeignKeyInfo> &keys)
{
    QJsonArray out;
    for (const ForeignKeyInfo &k : keys)
        out.append(QJsonObject{{QStringLiteral("name"), k.name},
                               {QStringLiteral("table"), k.table},
                               {QStringLiteral("references"), k.references},
                               {QStringLiteral("definition"), k.definition}});
    return out;
}

// One row per table that is not itself a partition, in every schema but the system ones.
// Sizes and row estimates are summed over the partition tree (a plain table is its own tree);
// indexes and foreign keys come back as JSON built by the server.
const char *const kTablesSql = R"SQL(
SELECT n.nspname, c.relname, c.relkind = 'p',
  (SELECT coalesce(sum(pg_total_relation_size(m)), 0)::int8 FROM unnest(tree.members) m),
  (SELECT CASE WHEN bool_or(l.reltuples >= 0) THEN sum(greatest(l.reltuples, 0))::int8 END
     FROM unnest(tree.leaves) m JOIN pg_class l ON l.oid = m),
  CASE p.partstrat WHEN 'r' THEN 'range' WHEN 'l' THEN 'list' WHEN 'h' THEN 'hash' END,
  CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,
  (SELECT count(*) FROM pg_inherits i WHERE i.inhparent = c.oid)::int4,
  coalesce(p.partdefid <> 0, false),
  (SELECT coalesce(json_agg(json_build_object(
            'name', ic.relname, 'method', am.amname, 'unique', x.indisunique,
            'primary', x.indisprimary, 'valid', x.indisvalid,
            'bytes', CASE WHEN ic.relkind = 'I'
                       THEN (SELECT coalesce(sum(pg_relation_size(t.relid)), 0)
                               FROM pg_partition_tree(ic.oid) t)
                       ELSE pg_relation_size(ic.oid) END,
            'definition', pg_get_indexdef(ic.oid)) ORDER BY ic.relname), '[]')::text
     FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid
     JOIN pg_am am ON am.oid = ic.relam WHERE x.indrelid = c.oid),
  (SELECT coalesce(json_agg(json_build_object(
            'name', k.conname, 'table', k.conrelid::regclass::text,
            'references', k.confrelid::regclass::text,
            'definition', pg_get_constraintdef(k.oid)) ORDER BY k.conname), '[]')::text
     FROM pg_constraint k WHERE k.contype = 'f' AND k.conrelid = c.oid AND k.conparentid = 0),
  (SELECT coalesce(json_agg(json_build_object(
            'name', k.conname, 'table', k.conrelid::regclass::text,
            'references', k.confrelid::regclass::text,
            'definition', pg_get_constraintdef(k.oid)) ORDER BY k.conname), '[]')::text
     FROM pg_constraint k WHERE k.contype = 'f' AND k.confrelid = c.oid AND k.conparentid = 0)
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_partitioned_table p ON p.partrelid = c.oid
-- pg_partition_tree() gives nothing for a plain table: it is its own tree.
CROSS JOIN LATERAL (
  SELECT CASE WHEN c.relkind = 'p' THEN coalesce(array_agg(t.relid), ARRAY[c.oid])
              ELSE ARRAY[c.oid] END AS members,
         CASE WHEN c.relkind = 'p' THEN coalesce(array_agg(t.relid) FILTER (WHERE t.isleaf),
                                                 ARRAY[]::oid[])
              ELSE ARRAY[c.oid] END AS leaves
  FROM pg_partition_tree(c.oid) t) tree
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
ORDER BY n.nspname = current_schema() DESC, n.nspname, c.relname
)SQL";

} // namespace

QString schemaKindName(SchemaKind kind)
{
    switch (kind) {
    case SchemaKind::Melodee:
        return QStringLiteral("melodee");
    case SchemaKind::MelodeeNext:
        return QStringLiteral("melodee-next");
    case SchemaKind::Unknown:
        break;
    }
    return QStringLiteral("unknown");
}

SchemaLayout schemaLayoutFor(SchemaKind kind)
{
    return kind == SchemaKind::MelodeeNext ? SchemaLayout::MelodeeNext : SchemaLayout::Melodee;
}

QStringList SchemaReport::notAvailable() const
{
    if (kind != SchemaKind::MelodeeNext)
        return {};
    return {QStringLiteral("renaming or deleting songs: tracks are browsed read-only"),
            QStringLiteral("the song cache: track rows are always read from the database"),
            QStringLiteral("partition maintenance: its tables are not partitioned"),
            QStringLiteral("migrations and refresh-views: melodee-next's GORM AutoMigrate "
                           "manages this schema"),
            QStringLiteral("fast pages sorted by name, artist or created: only the id order has "
                           "a btree index on tracks, so the other orders sort the table for "
                           "each page")};
}

QJsonObject SchemaReport::toJson() const
{
    QJsonArray tablesJson;
    for (const TableInfo &t : tables) {
        QJsonArray indexesJson;
        for (const IndexInfo &i : t.indexes)
            indexesJson.append(QJsonObject{{QStringLiteral("name"), i.name},
                                           {QStringLiteral("method"), i.method},
                                           {QStringLiteral("unique"), i.unique},
                                           {QStringLiteral("primary"), i.primary},
                                           {QStringLiteral("valid"), i.valid},
                                           {QStringLiteral("bytes"), i.bytes},
                                           {QStringLiteral("definition"), i.definition}});
        QJsonObject o{{QStringLiteral("schema"), t.schema},
                      {QStringLiteral("name"), t.name},
                      {QStringLiteral("total_bytes"), t.totalBytes},
                      {QStringLiteral("estimated_rows"),
                       t.estimatedRows ? QJsonValue(*t.estimatedRows) : QJsonValue()},
                      {QStringLiteral("partitioned"), t.partitioned},
                      {QStringLiteral("indexes"), indexesJson},
                      {QStringLiteral("foreign_keys"), melodee::toJson(t.foreignKeys)},
                      {QStringLiteral("referenced_by"), melodee::toJson(t.referencedBy)}};
        if (t.partitioned) {
            o.insert(QStringLiteral("strategy"), t.strategy);
            o.insert(QStringLiteral("partition_key"), t.partitionKey);
            o.insert(QStringLiteral("partitions"), t.partitionCount);
            o.insert(QStringLiteral("has_default_partition"), t.hasDefaultPartition);
        }
        tablesJson.append(o);
    }
    return {{QStringLiteral("kind"), schemaKindName(kind)},
            {QStringLiteral("version"), version ? QJsonValue(*version) : QJsonValue()},
            {QStringLiteral("unfinished_migrations"), unfinishedMigrations},
            {QStringLiteral("evidence"), evidence},
            {QStringLiteral("database"), database},
            {QStringLiteral("schema"), schema},
            {QStringLiteral("server_version"), serverVersion},
            {QStringLiteral("not_available"), QJsonArray::fromStringList(notAvailable())},
            {QStringLiteral("tables"), tablesJson}};
}

SchemaInspector::SchemaInspector(const AppConfig &config)
    : m_config(config)
{}

QString SchemaInspector::historyTable() const
{
    // The name MigrationEngine::historyTable() creates.
    return m_config.session.tablePrefix + QStringLiteral("schema_migrations");
}

void SchemaInspector::setUpSession(PgConnection &conn) const
{
    MigrateConfig deadlines = m_config.migrate;
    deadlines.statementTimeout = std::min(deadlines.statementTimeout, kStatementTimeout);
    PartitionMaintenance::setUpSession(conn, deadlines);
}

SchemaReport SchemaInspector::detect(PgConnection &conn) const
{
    setUpSession(conn);
    const OpContext ctx{QStringLiteral("inspect the schema"), QString()};
    const QString history = quoteIdent(historyTable());
    const PgResult r = conn.exec(
        "SELECT current_database(), coalesce(current_schema(), ''), "
        "current_setting('server_version'), to_regclass($1) IS NOT NULL, "
        "(SELECT coalesce(string_agg(c.relname, ',' ORDER BY c.relname), '') FROM pg_class c "
        "  JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() "
        "  AND c.relkind IN ('r', 'p') AND NOT c.relispartition "
        "  AND c.relname = ANY(string_to_array($2, ','))), "
        "(SELECT coalesce(string_agg(a.attname, ',' ORDER BY a.attname), '') FROM pg_attribute a "
        "  WHERE a.attrelid = to_regclass(quote_ident(current_schema()) || '.tracks') "
        "  AND a.attnum > 0 AND NOT a.attisdropped "
        "  AND a.attname = ANY(string_to_array($3, ',')))",
        {history.toUtf8(),
         nextTableNames().join(QLatin1Char(',')).toUtf8(),
         nextTrackColumnNames().join(QLatin1Char(',')).toUtf8()},
        ctx);
    SchemaReport report;
    report.database = r.text(0, 0);
    report.schema = r.text(0, 1);
    report.serverVersion = r.text(0, 2);
    const bool hasHistory = r.toBool(0, 3);
    const QStringList nextTables = listOf(r.text(0, 4));
    const QStringList trackColumns = listOf(r.text(0, 5));

    if (hasHistory) {
        const PgResult v = conn.exec(
            QStringLiteral("SELECT coalesce(max(version) FILTER (WHERE status = 'applied'), 0), "
                           "count(*) FILTER (WHERE status <> 'applied') FROM %1")
                .arg(history)
                .toUtf8(),
            {QStringLiteral("read the migration history"), historyTable()});
        report.kind = SchemaKind::Melodee;
        report.version = int(v.toInt64(0, 0));
        report.unfinishedMigrations = int(v.toInt64(0, 1));
        report.evidence = QStringLiteral("migration history table %1").arg(historyTable());
        return report;
    }
    const QStringList missingTables = missingFrom(nextTableNames(), nextTables);
    const QStringList missingColumns = missingFrom(nextTrackColumnNames(), trackColumns);
    if (missingTables.isEmpty() && missingColumns.isEmpty()) {
        report.kind = SchemaKind::MelodeeNext;
        report.evidence = QStringLiteral("tables %1 and the tracks columns %2 of melodee-next's "
                                         "GORM models")
                              .arg(nextTableNames().join(QStringLiteral(", ")),
                                   nextTrackColumnNames().join(QStringLiteral(", ")));
        return report;
    }
    report.kind = SchemaKind::Unknown;
    if (missingTables.size() < nextTableNames().size())
        report.evidence = missingTables.isEmpty()
                              ? QStringLiteral("tracks lacks melodee-next's columns %1")
                                    .arg(missingColumns.join(QStringLiteral(", ")))
                              : QStringLiteral("only some of melodee-next's tables: %1 missing")
                                    .arg(missingTables.join(QStringLiteral(", ")));
    else
        report.evidence = QStringLiteral("no migration history table %1 and no melodee-next "
                                         "tables")
                              .arg(historyTable());
    return report;
}

SchemaReport SchemaInspector::inspect(PgConnection &conn) const
{
    SchemaReport report = detect(conn);
    const PgResult r = conn.exec(kTablesSql, {QStringLiteral("describe the tables"), QString()});
    report.tables.reserve(r.rows());
    for (int row = 0; row < r.rows(); ++row) {
        TableInfo t;
        t.schema = r.text(row, 0);
        t.name = r.text(row, 1);
        t.partitioned = r.toBool(row, 2);
        t.totalBytes = r.toInt64(row, 3);
        if (!r.isNull(row, 4))
            t.estimatedRows = r.toInt64(row, 4);
        t.strategy = r.text(row, 5);
        t.partitionKey = r.text(row, 6);
        t.partitionCount = int(r.toInt64(row, 7));
        t.hasDefaultPartition = r.toBool(row, 8);
        const QJsonArray partitions = jsonArray(r, row, 9);
        for (const QJsonValue &v : partitions) {
            const QJsonObject o = v.toObject();
            IndexInfo i;
            i.name = o.value(QLatin1String("name")).toString();
            i.method = o.value(QLatin1String("method")).toString();
            i.unique = o.value(QLatin1String("unique")).toBool();
            i.primary = o.value(QLatin1String("primary")).toBool();
            i.valid = o.value(QLatin1String("valid")).toBool();
            i.bytes = qint64(o.value(QLatin1String("bytes")).toDouble());
            i.definition = o.value(QLatin1String("definition")).toString();
            t.indexes.append(i);
        }
        t.foreignKeys = foreignKeys(jsonArray(r, row, 10));
        t.referencedBy = foreignKeys(jsonArray(r, row, 11));
        report.tables.append(t);
    }
    return report;
}

SchemaReport SchemaInspector::inspect() const
{
    auto conn = PgConnection::open(m_config.database);
    return inspect(*conn);
}

SchemaReport SchemaInspector::detect() const
{
    auto conn = PgConnection::open(m_config.database);
    return detect(*conn);
}

} // namespace melodee
