#include "stagedsongload.h"

#include "db/dberror.h"
#include "db/pgconnection.h"
#include "db/transaction.h"
#include "deferredindexes.h"
#include "demodatacopy.h"
#include "demodatagenerator.h"
#include "partitions/partitionmover.h"
#include "partitions/partitionsql.h"
#include "songsql.h"
#include "util/logging.h"

#include <QElapsedTimer>

#include <algorithm>
#include <chrono>
#include <utility>

namespace melodee {

namespace {

QString operation()
{
    return QStringLiteral("demo-data.stage");
}

using songsql::quoteIdent;

} // namespace

StagedSongLoad::StagedSongLoad(const SessionConfig &session,
                               const QString &songsTable,
                               const demodata::Generator &generator,
                               OpenConnection open,
                               int jobs)
    : m_session(session)
    , m_songs(songsTable)
    , m_generator(generator)
    , m_open(std::move(open))
    , m_jobs(std::max(1, jobs))
{}

StagedSongLoad::~StagedSongLoad()
{
    m_stop.request_stop();
    m_threads.clear(); // joins
}

bool StagedSongLoad::prepare(PgConnection &conn)
{
    const OpContext ctx{operation(), m_songs};
    PgResult names
        = conn.exec("SELECT quote_ident(n.nspname), c.relname, left(c.relname, 53) || '_demo_load' "
                    "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE c.oid = $1::regclass",
                    {m_songs.toUtf8()},
                    ctx);
    m_songsSchema = names.text(0, 0);
    m_songsRelation = names.text(0, 1);
    m_stageSchema = names.text(0, 2);

    // The songs table's indexes in creation order, which is the order a new partition gets them
    // in, so the staged indexes get the names PostgreSQL would have given the partition's. An
    // index a constraint owns is added as that constraint (ATTACH pairs the partition's
    // constraint with the parent's); any other is rebuilt from its definition, minus the
    // "CREATE INDEX name ON ONLY table " that pg_get_indexdef() starts with.
    PgResult defs = conn.exec(
        "SELECT c.oid IS NOT NULL, i.indisunique, "
        "       CASE WHEN c.oid IS NOT NULL THEN pg_get_constraintdef(c.oid) "
        "            ELSE substr(d.def, length(d.prefix) + 1) END, "
        "       c.oid IS NOT NULL OR left(d.def, length(d.prefix)) = d.prefix "
        "FROM pg_index i "
        "JOIN pg_class ic ON ic.oid = i.indexrelid "
        "JOIN pg_class t ON t.oid = i.indrelid "
        "JOIN pg_namespace n ON n.oid = t.relnamespace "
        "LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid "
        "CROSS JOIN LATERAL (SELECT pg_get_indexdef(i.indexrelid) AS def, "
        "    format('CREATE %sINDEX %I ON ONLY %I.%I ', "
        "           CASE WHEN i.indisunique THEN 'UNIQUE ' ELSE '' END, "
        "           ic.relname, n.nspname, t.relname) AS prefix) d "
        "WHERE i.indrelid = $1::regclass "
        "ORDER BY i.indexrelid",
        {m_songs.toUtf8()},
        ctx);
    m_indexes.clear();
    for (int row = 0; row < defs.rows(); ++row) {
        if (!defs.toBool(row, 3)) {
            qCWarning(lcLibrary) << "demo data: songs are loaded in one session; index"
                                 << defs.text(row, 2) << "has an unexpected definition";
            return false;
        }
        m_indexes.append({defs.toBool(row, 0), defs.toBool(row, 1), defs.text(row, 2)});
    }

    PgResult locked
        = conn.exec("SELECT pg_try_advisory_lock(hashtext($1))", {m_stageSchema.toUtf8()}, ctx);
    if (!locked.toBool(0, 0))
        throw DbError(operation(),
                      m_songs,
                      QStringLiteral("another demo-data load into %1 is running (it holds the "
                                     "staging schema %2)")
                          .arg(m_songs, m_stageSchema));
    m_locked = true;
    // What a load killed outright left behind.
    conn.exec(
        QStringLiteral("DROP SCHEMA IF EXISTS %1 CASCADE").arg(quoteIdent(m_stageSchema)).toUtf8(),
        ctx);
    conn.exec(QStringLiteral("CREATE SCHEMA %1").arg(quoteIdent(m_stageSchema)).toUtf8(), ctx);
    return true;
}

QString StagedSongLoad::partitionName(int month) const
{
    return monthPartitionName(m_songs, m_generator.month(month));
}

QString StagedSongLoad::stagedName(int month) const
{
    return quoteIdent(m_stageSchema) + QLatin1Char('.')
           + quoteIdent(monthPartitionName(m_songsRelation, m_generator.month(month)));
}

QString StagedSongLoad::finalName(int month) const
{
    return m_songsSchema + QLatin1Char('.')
           + quoteIdent(monthPartitionName(m_songsRelation, m_generator.month(month)));
}

int StagedSongLoad::secondaryIndexes() const
{
    return int(std::count_if(
        m_indexes.cbegin(), m_indexes.cend(), [](const IndexDef &d) { return !d.constraint; }));
}

void StagedSongLoad::start(std::stop_token stop, std::function<void(qint64)> rowsDone)
{
    m_rowsDone = std::move(rowsDone);
    m_forwardStop.emplace(stop, RequestStop{&m_stop});
    const int sessions = std::min(m_jobs, std::max(1, m_generator.monthCount()));
    {
        std::lock_guard lock(m_mutex);
        m_running = sessions;
    }
    for (int i = 0; i < sessions; ++i)
        m_threads.emplace_back([this] { run(m_stop.get_token()); });
}

void StagedSongLoad::run(std::stop_token stop)
{
    try {
        std::unique_ptr<PgConnection> conn = m_open();
        const std::stop_callback cancel(stop, demodata::CancelStatementOnStop{conn.get()});
        for (int month = m_nextMonth++; month < m_generator.monthCount(); month = m_nextMonth++) {
            if (stop.stop_requested())
                throw DbError::cancelled(operation(), m_songs);
            loadMonth(*conn, month, stop);
        }
    } catch (...) {
        std::lock_guard lock(m_mutex);
        if (!m_error)
            m_error = std::current_exception();
        m_stop.request_stop(); // the others stop too: the load cannot complete
    }
    std::lock_guard lock(m_mutex);
    --m_running;
    m_done.notify_all();
}

void StagedSongLoad::loadMonth(PgConnection &conn, int month, std::stop_token stop)
{
    const QString staged = stagedName(month);
    const OpContext ctx{operation(), staged};
    Transaction tx(conn, m_session, ctx);
    conn.exec(QStringLiteral("CREATE TABLE %1 (LIKE %2 INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
                             "INCLUDING STORAGE INCLUDING COMMENTS)")
                  .arg(staged, m_songs)
                  .toUtf8(),
              ctx);
    conn.exec(QStringLiteral("ALTER TABLE %1 ADD CONSTRAINT %2 CHECK (%3)")
                  .arg(staged,
                       PartitionMover::stageName(),
                       PartitionMover::rangeSql(m_generator.month(month)))
                  .toUtf8(),
              ctx);
    demodata::CopySink sink(conn, staged, true, stop);
    sink.setProgress(m_rowsDone);
    m_generator.songsOfMonth(sink, month);

    QElapsedTimer build;
    build.start();
    DeferredIndexes::raiseMaintenanceWorkMem(conn);
    DeferredIndexes::buildWithoutParallelWorkers(conn);
    for (const IndexDef &index : std::as_const(m_indexes)) {
        if (stop.stop_requested())
            throw DbError::cancelled(operation(), staged);
        const QString sql = index.constraint
                                ? QStringLiteral("ALTER TABLE %1 ADD %2").arg(staged, index.sql)
                                : QStringLiteral("CREATE %1INDEX ON %2 %3")
                                      .arg(index.unique ? QStringLiteral("UNIQUE ") : QString(),
                                           staged,
                                           index.sql);
        conn.exec(sql.toUtf8(), ctx);
    }
    m_indexMs += build.elapsed();
    tx.commit();
}

void StagedSongLoad::wait(const std::function<void()> &tick)
{
    std::unique_lock lock(m_mutex);
    while (m_running > 0) {
        if (m_done.wait_for(lock, std::chrono::milliseconds(200)) == std::cv_status::timeout
            && tick) {
            lock.unlock();
            tick();
            lock.lock();
        }
    }
    lock.unlock();
    m_threads.clear();
    if (m_error)
        std::rethrow_exception(m_error);
}

void StagedSongLoad::swapIn(PgConnection &conn)
{
    const OpContext ctx{operation(), m_songs};
    // No session may add a song while the partitions change hands; and the partitions replaced
    // must be empty, which the whole table being empty proves.
    conn.exec(QStringLiteral("LOCK TABLE %1 IN ACCESS EXCLUSIVE MODE").arg(m_songs).toUtf8(), ctx);
    PgResult rows
        = conn.exec(QStringLiteral("SELECT EXISTS (SELECT 1 FROM %1)").arg(m_songs).toUtf8(), ctx);
    if (rows.toBool(0, 0))
        throw DbError(operation(),
                      m_songs,
                      QStringLiteral("rows were added to %1 while the demo data loaded; the load "
                                     "was rolled back, nothing was changed")
                          .arg(m_songs));
    for (int month = 0; month < m_generator.monthCount(); ++month) {
        const QString partition = finalName(month);
        // Storage parameters set on the empty partition (autovacuum settings, fillfactor) carry
        // over to the one replacing it.
        PgResult options = conn.exec(
            "SELECT array_to_string(reloptions, ', ') FROM pg_class WHERE oid = to_regclass($1)",
            {partitionName(month).toUtf8()},
            ctx);
        const QString reloptions = options.rows() ? options.text(0, 0) : QString();
        conn.exec(QStringLiteral("DROP TABLE IF EXISTS %1").arg(partitionName(month)).toUtf8(),
                  ctx);
        conn.exec(QStringLiteral("ALTER TABLE %1 SET SCHEMA %2")
                      .arg(stagedName(month), m_songsSchema)
                      .toUtf8(),
                  ctx);
        conn.exec(attachMonthPartitionSql(m_songs, partition, m_generator.month(month)).toUtf8(),
                  ctx);
        conn.exec(QStringLiteral("ALTER TABLE %1 DROP CONSTRAINT %2")
                      .arg(partition, PartitionMover::stageName())
                      .toUtf8(),
                  ctx);
        if (!reloptions.isEmpty())
            conn.exec(QStringLiteral("ALTER TABLE %1 SET (%2)").arg(partition, reloptions).toUtf8(),
                      ctx);
    }
}

void StagedSongLoad::cleanUp(PgConnection &conn) noexcept
{
    m_stop.request_stop();
    m_threads.clear();
    if (!m_locked)
        return;
    try {
        const OpContext ctx{operation(), m_songs};
        conn.exec(QStringLiteral("DROP SCHEMA IF EXISTS %1 CASCADE")
                      .arg(quoteIdent(m_stageSchema))
                      .toUtf8(),
                  ctx);
        conn.exec("SELECT pg_advisory_unlock(hashtext($1))", {m_stageSchema.toUtf8()}, ctx);
        m_locked = false;
    } catch (const std::exception &e) {
        qCWarning(lcLibrary) << "demo data: could not drop the staging schema" << m_stageSchema
                             << e.what();
    }
}

} // namespace melodee
