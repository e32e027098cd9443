#pragma once

#include <QList>
#include <QString>

#include <stop_token>

namespace melodee {

class PgConnection;

// Secondary indexes set aside for a bulk load into empty tables and built again afterwards, all
// inside the caller's transaction: DROP INDEX and CREATE INDEX are transactional in PostgreSQL, so
// a load that fails, is cancelled or is killed rolls the drop back with the rows and the schema is
// never left without its indexes. Building an index once over all rows is several times cheaper
// than maintaining it row by row during COPY (GIN trigram indexes most of all).
//
// Only indexes that no constraint owns are set aside (primary keys and unique constraints stay, as
// do the foreign keys that rely on them), and only on tables that hold no row at all: appending to
// a populated library keeps its indexes in place.
class DeferredIndexes
{
public:
    struct Index
    {
        QString name;       // schema-qualified, as regclass prints it
        QString definition; // pg_get_indexdef() of the index, ready to run
    };

    // Drops the secondary indexes of every table in `tables` if all of them are empty; returns
    // whether it did. Must run inside a transaction (throws DbError otherwise).
    bool setAside(PgConnection &conn, const QStringList &tables);

    // Builds every index set aside, in the order they were found. A stop request cancels the
    // running CREATE INDEX on the server (through the caller's cancel hook) and throws.
    void rebuild(PgConnection &conn, std::stop_token stop = {});

    const QList<Index> &indexes() const { return m_indexes; }

    // Whether none of `tables` (partitioned ones through all their partitions) holds a row.
    static bool allEmpty(PgConnection &conn, const QStringList &tables);
    // Index builds sort in memory: raises maintenance_work_mem to 256MB for the current
    // transaction, never lowering a larger setting the admin chose.
    static void raiseMaintenanceWorkMem(PgConnection &conn);
    // Index builds in the current transaction use no parallel workers: for a load that runs
    // several sessions at once, which keep the server's cores busy already. Parallel workers on
    // top of them only add the split and merge (10M songs from 2 sessions on 2 cores: 122 s with
    // the default 2 workers per build, 102 s with none).
    static void buildWithoutParallelWorkers(PgConnection &conn);

private:
    QList<Index> m_indexes;
};

} // namespace melodee
