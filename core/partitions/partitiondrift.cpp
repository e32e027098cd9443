#include "partitiondrift.h"

#include "db/pgarray.h"
#include "db/pgconnection.h"
#include "db/sqlident.h"
#include "db/transaction.h"
#include "partitionmaintenance.h"
#include "tableprivileges.h"

#include <algorithm>

namespace melodee {

namespace {

QDateTime utc(const QString &text)
{
    if (text.isEmpty())
        return {};
    QDateTime dt = QDateTime::fromString(text, Qt::ISODate);
    dt.setTimeSpec(Qt::UTC);
    return dt;
}

// A table's privileges as text with the entries sorted ('' for the default privileges), so a
// partition whose grants were made in another order still compares equal to its parent's.
#define MELODEE_SORTED_ACL                                                                         \
    "CASE WHEN c.relacl IS NULL THEN '' ELSE '{' || coalesce((SELECT string_agg(x::text, ',' "     \
    "ORDER BY x::text) FROM unnest(c.relacl) x), '') || '}' END"

// One row per partition. Names travel as JSON arrays, so a name with a newline or a quote stays
// one name.
const char *const kCheckSql = R"(
WITH parent AS (
  SELECT c.oid, )" MELODEE_SORTED_ACL R"( AS acl,
         coalesce(array_to_string(c.reloptions, ', '), '') AS opts,
         pg_get_userbyid(c.relowner) AS owner
  FROM pg_class c WHERE c.oid = to_regclass($1))
SELECT c.relname, pg_get_expr(c.relpartbound, c.oid),
  )" MELODEE_SORTED_ACL R"(, par.acl,
  coalesce(array_to_string(c.reloptions, ', '), ''), par.opts,
  pg_get_userbyid(c.relowner), par.owner,
  (SELECT coalesce(json_agg(pi.indexrelid::regclass::text ORDER BY 1), '[]')::text
     FROM pg_index pi WHERE pi.indrelid = par.oid AND NOT EXISTS (
       SELECT 1 FROM pg_inherits ii JOIN pg_index ci ON ci.indexrelid = ii.inhrelid
       WHERE ii.inhparent = pi.indexrelid AND ci.indrelid = c.oid)),
  (SELECT coalesce(json_agg(ci.indexrelid::regclass::text ORDER BY 1), '[]')::text
     FROM pg_index ci WHERE ci.indrelid = c.oid
     AND NOT EXISTS (SELECT 1 FROM pg_inherits ii WHERE ii.inhrelid = ci.indexrelid)),
  (SELECT coalesce(json_agg(ci.indexrelid::regclass::text ORDER BY 1), '[]')::text
     FROM pg_index ci WHERE ci.indrelid = c.oid AND NOT ci.indisvalid),
  (SELECT coalesce(json_agg(k.conname || ': ' || pg_get_constraintdef(k.oid) ORDER BY 1),
                   '[]')::text
     FROM pg_constraint k WHERE k.conrelid = c.oid AND k.conparentid = 0
     AND k.coninhcount = 0),
  (SELECT coalesce(json_agg(k.conname ORDER BY 1), '[]')::text
     FROM pg_constraint k WHERE k.conrelid = c.oid AND NOT k.convalidated),
  to_char(s.last_vacuum AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS'),
  to_char(s.last_autovacuum AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS'),
  to_char(s.last_analyze AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS'),
  to_char(s.last_autoanalyze AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS'),
  coalesce(s.n_live_tup, 0), coalesce(s.n_dead_tup, 0), c.relpages::bigint,
  c.reltuples::float8, current_setting('block_size')::int
FROM parent par JOIN pg_inherits i ON i.inhparent = par.oid
JOIN pg_class c ON c.oid = i.inhrelid
LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
ORDER BY c.relname)";

} // namespace

bool PartitionCheckItem::drifted() const
{
    return !missingIndexes.isEmpty() || !extraIndexes.isEmpty() || !invalidIndexes.isEmpty()
           || !extraConstraints.isEmpty() || !notValidConstraints.isEmpty() || aclDiffers()
           || reloptionsDiffer() || ownerDiffers();
}

bool PartitionCheckItem::bloated() const
{
    if (deadTuples > 1000 && deadShare > 0.2)
        return true;
    return pages > 128 && medianBytesPerRow > 0 && bytesPerRow > 2 * medianBytesPerRow;
}

QStringList PartitionCheckItem::findings() const
{
    QStringList out;
    for (const QString &i : missingIndexes)
        out << QStringLiteral("missing index of the parent: %1").arg(i);
    for (const QString &i : extraIndexes)
        out << QStringLiteral("index not on the parent: %1").arg(i);
    for (const QString &i : invalidIndexes)
        out << QStringLiteral("invalid index: %1").arg(i);
    for (const QString &c : extraConstraints)
        out << QStringLiteral("constraint not on the parent: %1").arg(c);
    for (const QString &c : notValidConstraints)
        out << QStringLiteral("constraint NOT VALID: %1").arg(c);
    if (aclDiffers())
        out << QStringLiteral("privileges differ: %1 (parent %2)")
                   .arg(acl.isEmpty() ? QStringLiteral("default") : acl,
                        parentAcl.isEmpty() ? QStringLiteral("default") : parentAcl);
    if (reloptionsDiffer())
        out << QStringLiteral("storage options differ: %1 (parent %2)")
                   .arg(reloptions.isEmpty() ? QStringLiteral("none") : reloptions,
                        parentReloptions.isEmpty() ? QStringLiteral("none") : parentReloptions);
    if (ownerDiffers())
        out << QStringLiteral("owner %1 (parent %2)").arg(owner, parentOwner);
    if (bloated())
        out << QStringLiteral("bloat estimate: %1 % dead rows (%2 dead, %3 live), %4 bytes per "
                              "row (median %5)")
                   .arg(deadShare * 100, 0, 'f', 1)
                   .arg(deadTuples)
                   .arg(liveTuples)
                   .arg(bytesPerRow, 0, 'f', 0)
                   .arg(medianBytesPerRow, 0, 'f', 0);
    return out;
}

int PartitionCheckReport::driftedCount() const
{
    return int(std::count_if(
        items.cbegin(), items.cend(), [](const PartitionCheckItem &i) { return i.drifted(); }));
}

int PartitionCheckReport::bloatedCount() const
{
    return int(std::count_if(
        items.cbegin(), items.cend(), [](const PartitionCheckItem &i) { return i.bloated(); }));
}

PartitionCheckReport checkPartitions(PartitionMaintenance &maintenance)
{
    PartitionCheckReport report;
    report.at = QDateTime::currentDateTimeUtc();
    PgConnection &conn = maintenance.connection();
    for (const PartitionedTableInfo &t : maintenance.list(report.at, false)) {
        if (!t.exists)
            continue;
        maintenance.checkStop(QStringLiteral("check partitions"), t.table);
        const PgResult r = conn.exec(
            kCheckSql, {PgParam(t.table.toUtf8())}, {QStringLiteral("check partitions"), t.table});
        QList<PartitionCheckItem> items;
        for (int row = 0; row < r.rows(); ++row) {
            PartitionCheckItem i;
            i.table = t.table;
            i.partition = r.text(row, 0);
            i.isDefault = r.text(row, 1) == QLatin1String("DEFAULT");
            for (const PartitionInfo &p : t.partitions) {
                if (p.name == i.partition) {
                    i.from = p.from;
                    i.to = p.to;
                }
            }
            i.acl = r.text(row, 2);
            i.parentAcl = r.text(row, 3);
            i.reloptions = r.text(row, 4);
            i.parentReloptions = r.text(row, 5);
            i.owner = r.text(row, 6);
            i.parentOwner = r.text(row, 7);
            i.missingIndexes = stringsOfJsonArray(r.text(row, 8));
            i.extraIndexes = stringsOfJsonArray(r.text(row, 9));
            i.invalidIndexes = stringsOfJsonArray(r.text(row, 10));
            i.extraConstraints = stringsOfJsonArray(r.text(row, 11));
            i.notValidConstraints = stringsOfJsonArray(r.text(row, 12));
            i.lastVacuum = utc(r.text(row, 13));
            i.lastAutovacuum = utc(r.text(row, 14));
            i.lastAnalyze = utc(r.text(row, 15));
            i.lastAutoanalyze = utc(r.text(row, 16));
            i.liveTuples = r.toInt64(row, 17);
            i.deadTuples = r.toInt64(row, 18);
            i.pages = r.toInt64(row, 19);
            i.estimatedRows = r.toDouble(row, 20);
            const int blockSize = int(r.toInt64(row, 21));
            const qint64 seen = i.liveTuples + i.deadTuples;
            i.deadShare = seen > 0 ? double(i.deadTuples) / double(seen) : 0;
            i.bytesPerRow = i.estimatedRows > 0 ? double(i.pages) * blockSize / i.estimatedRows : 0;
            items << i;
        }
        QList<double> sizes;
        for (const PartitionCheckItem &i : std::as_const(items)) {
            if (!i.isDefault && i.bytesPerRow > 0)
                sizes << i.bytesPerRow;
        }
        std::sort(sizes.begin(), sizes.end());
        const double median = sizes.isEmpty() ? 0 : sizes[sizes.size() / 2];
        for (PartitionCheckItem &i : items)
            i.medianBytesPerRow = median;
        report.items << items;
    }
    return report;
}

QList<PrivilegeFix> planPrivilegeFixes(PartitionMaintenance &maintenance,
                                       const PartitionCheckReport &report)
{
    const QString op = QStringLiteral("plan privilege fixes");
    PgConnection &conn = maintenance.connection();
    QHash<QString, TablePrivileges> wanted;
    QList<PrivilegeFix> out;
    for (const PartitionCheckItem &i : report.items) {
        if (!i.aclDiffers() && !i.ownerDiffers())
            continue;
        maintenance.checkStop(op, i.table);
        if (!wanted.contains(i.table))
            wanted.insert(i.table, TablePrivileges::read(conn, i.table, {op, i.table}));
        const QString partition = quoteIdent(i.partition);
        const TablePrivileges current = TablePrivileges::read(conn, partition, {op, i.partition});
        const QStringList statements = wanted.value(i.table).statementsToMatch(current, partition);
        if (!statements.isEmpty())
            out << PrivilegeFix{i.table, i.partition, statements};
    }
    return out;
}

void applyPrivilegeFixes(PartitionMaintenance &maintenance, const QList<PrivilegeFix> &fixes)
{
    const QString op = QStringLiteral("fix privileges");
    PgConnection &conn = maintenance.connection();
    for (int n = 0; n < fixes.size(); ++n) {
        const PrivilegeFix &fix = fixes[n];
        maintenance.checkStop(op, fix.table);
        const OpContext ctx{op, fix.partition};
        maintenance.withRetries(fix.table, [&] {
            Transaction tx(conn, maintenance.config().session, ctx);
            for (const QString &sql : fix.statements)
                conn.exec(sql.toUtf8(), ctx);
            tx.commit();
        });
        maintenance.report(n + 1,
                           int(fixes.size()),
                           fix.table,
                           QStringLiteral("%1: %2 has the table's owner and privileges")
                               .arg(fix.table, fix.partition));
    }
}

} // namespace melodee
