#include "deferredindexes.h"

#include "db/dberror.h"
#include "db/pgarray.h"
#include "db/pgconnection.h"

#include <libpq-fe.h>

namespace melodee {

bool DeferredIndexes::setAside(PgConnection &conn, const QStringList &tables)
{
    const OpContext ctx{QStringLiteral("demo-data.indexes"), tables.join(QLatin1Char(','))};
    if (PQtransactionStatus(conn.handle()) != PQTRANS_INTRANS)
        throw DbError(ctx.operation,
                      ctx.table,
                      QStringLiteral("indexes can only be set aside inside a "
                                     "transaction"));
    if (!allEmpty(conn, tables))
        return false;
    // Indexes defined on the tables themselves (a partitioned table's index covers its partitions),
    // minus those a constraint owns. pg_get_indexdef writes "ON ONLY" for an index of a partitioned
    // table; without ONLY the CREATE builds it on every partition again, as the migration did.
    PgResult r = conn.exec(
        "SELECT i.indexrelid::regclass::text, "
        "       regexp_replace(pg_get_indexdef(i.indexrelid), ' ON ONLY ', ' ON ') "
        "FROM pg_index i "
        "JOIN unnest($1::text[]) WITH ORDINALITY AS t(name, ord) ON i.indrelid = t.name::regclass "
        "WHERE NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
        "  AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = i.indexrelid) "
        "ORDER BY t.ord, i.indexrelid",
        {textArrayLiteral(tables)},
        ctx);
    QList<Index> found;
    for (int row = 0; row < r.rows(); ++row)
        found.append({r.text(row, 0), r.text(row, 1)});
    for (const Index &index : found)
        conn.exec(QStringLiteral("DROP INDEX %1").arg(index.name).toUtf8(), ctx);
    m_indexes = found;
    return true;
}

bool DeferredIndexes::allEmpty(PgConnection &conn, const QStringList &tables)
{
    const OpContext ctx{QStringLiteral("demo-data.indexes"), tables.join(QLatin1Char(','))};
    for (const QString &table : tables) {
        // EXISTS reads at most one row, through every partition of a partitioned table.
        PgResult r = conn.exec(
            QStringLiteral("SELECT EXISTS (SELECT 1 FROM %1)").arg(table).toUtf8(), ctx);
        if (r.toBool(0, 0))
            return false;
    }
    return true;
}

void DeferredIndexes::raiseMaintenanceWorkMem(PgConnection &conn)
{
    conn.exec("SELECT set_config('maintenance_work_mem', CASE WHEN pg_size_bytes("
              "current_setting('maintenance_work_mem')) < 256 * 1024 * 1024 THEN '256MB' "
              "ELSE current_setting('maintenance_work_mem') END, true)",
              {QStringLiteral("demo-data.indexes"), {}});
}

void DeferredIndexes::buildWithoutParallelWorkers(PgConnection &conn)
{
    conn.exec("SELECT set_config('max_parallel_maintenance_workers', '0', true)",
              {QStringLiteral("demo-data.indexes"), {}});
}

void DeferredIndexes::rebuild(PgConnection &conn, std::stop_token stop)
{
    for (const Index &index : m_indexes) {
        if (stop.stop_requested())
            throw DbError::cancelled(QStringLiteral("demo-data.indexes"), index.name);
        conn.exec(index.definition.toUtf8(), {QStringLiteral("demo-data.indexes"), index.name});
    }
}

} // namespace melodee
