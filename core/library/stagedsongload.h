#pragma once

#include "config/appconfig.h"

#include <QList>
#include <QString>

#include <atomic>
#include <condition_variable>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <thread>
#include <vector>

namespace melodee {

class PgConnection;

namespace demodata {
class Generator;
}

// Loads the songs of a demo library into an empty, monthly partitioned songs table from several
// sessions at once, without giving up the all-or-nothing load:
// - each session takes whole months: in its own transaction it creates a staging table for the
//   month, shaped like the songs table (LIKE ... INCLUDING DEFAULTS, CONSTRAINTS, STORAGE) plus a
//   CHECK of the month's range, in a staging schema of its own; COPYs the month's rows with
//   FREEZE; builds every index and key of the songs table on it; and commits;
// - the caller's transaction then, under an ACCESS EXCLUSIVE lock on the songs table and after
//   checking it is still empty, drops each empty month partition, moves the staging table into
//   the songs table's schema under that partition's name, ATTACHes it and gives it the dropped
//   partition's storage parameters. The CHECK spares ATTACH its validation scan and the staged
//   indexes are attached instead of built;
// - a failure, a stop request or a rollback of the caller's transaction leaves the songs table
//   as it was; cleanUp() then drops the staging schema with whatever it holds.
// The staging schema is named after the songs table ("<songs>_demo_load") and guarded by a
// session advisory lock, so two loads into one table cannot share it; a load killed outright
// leaves the schema behind, and the next staged load drops it first.
class StagedSongLoad
{
public:
    using OpenConnection = std::function<std::unique_ptr<PgConnection>()>;

    StagedSongLoad(const SessionConfig &session,
                   const QString &songsTable,
                   const demodata::Generator &generator,
                   OpenConnection open,
                   int jobs);
    ~StagedSongLoad(); // stops and joins the sessions still running
    StagedSongLoad(const StagedSongLoad &) = delete;
    StagedSongLoad &operator=(const StagedSongLoad &) = delete;

    // Outside a transaction on `conn`, which later runs swapIn(): takes the advisory lock, makes
    // a fresh staging schema and reads the songs table's indexes. Throws DbError when another
    // load holds the lock. Returns false, leaving nothing behind, when an index definition has a
    // form it does not know; the caller then loads the songs itself.
    bool prepare(PgConnection &conn);

    // Starts the sessions and returns. `rowsDone` is called from their threads with each chunk's
    // row count. A stop request on `stop` cancels the statement each one runs.
    void start(std::stop_token stop, std::function<void(qint64)> rowsDone);

    // Waits until every session is done, calling `tick` on the calling thread about every 200 ms.
    // Throws the first session's error (DbError::cancelled() after a stop request).
    void wait(const std::function<void()> &tick);

    // In the caller's open transaction on the prepared connection, after wait(): swaps the
    // staged months in. Throws DbError, with the songs table unchanged, when a row was added to
    // the songs table meanwhile.
    void swapIn(PgConnection &conn);

    // After the caller's transaction ended, committed or not: stops the sessions, drops the
    // staging schema and releases the lock. Never throws.
    void cleanUp(PgConnection &conn) noexcept;

    // The secondary indexes (no constraint owns them) each staged month got.
    int secondaryIndexes() const;
    // Seconds the sessions spent building indexes and keys, summed over the sessions.
    double indexSeconds() const { return m_indexMs.load() / 1000.0; }

private:
    struct IndexDef
    {
        bool constraint = false; // "ALTER TABLE t ADD <sql>" instead of "CREATE INDEX ON t <sql>"
        bool unique = false;
        QString sql;
    };
    struct RequestStop
    {
        std::stop_source *source;
        void operator()() const { source->request_stop(); }
    };

    void run(std::stop_token stop);
    void loadMonth(PgConnection &conn, int month, std::stop_token stop);
    QString stagedName(int month) const;    // in the staging schema
    QString finalName(int month) const;     // in the songs table's schema
    QString partitionName(int month) const; // as the load created it

    SessionConfig m_session;
    QString m_songs;
    const demodata::Generator &m_generator;
    OpenConnection m_open;
    int m_jobs;

    QString m_songsSchema; // quoted
    QString m_songsRelation;
    QString m_stageSchema; // unquoted
    QList<IndexDef> m_indexes;
    bool m_locked = false;

    std::stop_source m_stop;
    std::optional<std::stop_callback<RequestStop>> m_forwardStop;
    std::function<void(qint64)> m_rowsDone;
    std::atomic<int> m_nextMonth{0};
    std::atomic<qint64> m_indexMs{0};
    std::mutex m_mutex;
    std::condition_variable m_done;
    int m_running = 0;
    std::exception_ptr m_error;
    std::vector<std::jthread> m_threads;
};

} // namespace melodee
