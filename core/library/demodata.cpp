#include "demodata.h"

#include "db/dberror.h"
#include "db/pgconnection.h"
#include "db/transaction.h"
#include "deferredindexes.h"
#include "demodatacopy.h"
#include "demodatagenerator.h"
#include "partitions/partitionsql.h"
#include "stagedsongload.h"
#include "util/logging.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>

#include <libpq-fe.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace melodee {

using namespace demodata;

namespace {

constexpr int kSongsPerAlbumTarget = 12;

} // namespace

void DemoDataOptions::validate() const
{
    const auto bad = [](const QString &what) {
        throw std::invalid_argument(what.toStdString());
    };
    if (songs < 0 || songs > 1000000000)
        bad(QStringLiteral("invalid --songs %1: must be between 0 and 1000000000").arg(songs));
    if (artists < 0 || artists > 10000000)
        bad(QStringLiteral("invalid --artists %1: must be between 1 and 10000000").arg(artists));
    if (albumsPerArtist < 1 || albumsPerArtist > 1000)
        bad(QStringLiteral("invalid --albums-per-artist %1: must be between 1 and 1000")
                .arg(albumsPerArtist));
    if (months < 1 || months > 600)
        bad(QStringLiteral("invalid --months %1: must be between 1 and 600").arg(months));
    if (!endMonth.isEmpty() && !Month::parse(endMonth).isValid())
        bad(QStringLiteral("invalid --end-month \"%1\": expected YYYY-MM").arg(endMonth));
    if (jobs < 1 || jobs > 64)
        bad(QStringLiteral("invalid --jobs %1: must be between 1 and 64").arg(jobs));
}

int DemoDataOptions::effectiveArtists() const
{
    if (artists > 0)
        return artists;
    const qint64 perArtist = qint64(albumsPerArtist) * kSongsPerAlbumTarget;
    return int(std::max<qint64>(1, (songs + perArtist - 1) / perArtist));
}

QString DemoDataLoader::columns(const QString &table)
{
    if (table == QLatin1String("artists"))
        return QStringLiteral(
            "id, api_key, name, name_normalized, sort_name, created_at, updated_at");
    if (table == QLatin1String("albums"))
        return QStringLiteral(
            "id, api_key, name, name_normalized, sort_name, artist_id, release_year, "
            "song_count, duration, created_at, updated_at");
    return QStringLiteral("id, api_key, name, name_normalized, sort_name, album_id, artist_id, "
                          "duration, track_number, disc_number, file_path, file_size, bit_rate, "
                          "play_count, rating, created_at, updated_at");
}

DemoDataLoader::DemoDataLoader(const SessionConfig &session, const DemoDataOptions &options)
    : m_session(session)
    , m_options(options)
{
    m_options.validate();
}

DemoDataResult
DemoDataLoader::load(PgConnection &conn, std::stop_token stop, const ProgressFn &progress)
{
    DemoDataResult result;
    const QString songs = m_session.tableName(QStringLiteral("song"));
    const QString albums = m_session.tableName(QStringLiteral("album"));
    const QString artists = m_session.tableName(QStringLiteral("artist"));
    const OpContext ctx{QStringLiteral("demo-data"), songs};
    // What stopped early reports the facts: a stop request is a cancellation, whatever error the
    // statement it interrupted came back with.
    const auto stopped = [&songs](const char *step) {
        return DbError::cancelled(QStringLiteral("demo-data.%1").arg(QLatin1String(step)), songs);
    };
    const std::stop_callback cancelStatement(stop, CancelStatementOnStop{&conn});
    for (const QString &t : {artists, albums, songs}) {
        PgResult r = conn.exec("SELECT to_regclass($1)", {t.toUtf8()}, ctx);
        if (r.isNull(0, 0))
            throw DbError(
                QStringLiteral("demo-data"),
                t,
                QStringLiteral("table %1 does not exist; run `melodee migrate` first").arg(t));
    }

    // Partitions first, each committed on its own: CREATE ... PARTITION OF locks the parent,
    // which must not stay locked for the whole load. Empty partitions left by a cancel are
    // harmless.
    const Month last = lastMonthOf(m_options);
    try {
        for (const QString &parent : {albums, songs}) {
            for (const Month &m :
                 monthWindow(last.addMonths(-(m_options.months - 1)), m_options.months)) {
                if (stop.stop_requested())
                    throw stopped("partition");
                PgResult exists = conn.exec("SELECT to_regclass($1) IS NOT NULL",
                                            {monthPartitionName(parent, m).toUtf8()},
                                            ctx);
                if (exists.toBool(0, 0))
                    continue;
                conn.exec(createMonthPartitionSql(parent, m).toUtf8(),
                          {QStringLiteral("demo-data.partition"), parent});
                ++result.partitionsCreated;
            }
        }
    } catch (const DbError &) {
        if (stop.stop_requested())
            throw stopped("partition");
        throw;
    }

    const qint64 nArtists = m_options.effectiveArtists();
    const qint64 nAlbums = nArtists * m_options.albumsPerArtist;
    const qint64 nSongs = m_options.songs;
    DemoDataProgress state;
    state.rowsTotal = nArtists + nAlbums + nSongs;
    QElapsedTimer timer;
    timer.start();

    // Ids come from the tables' own sequences, reserved in one step each, so the load appends to
    // an existing library without colliding and later inserts continue after it. max(id) guards
    // against rows inserted with explicit ids that never advanced the sequence.
    const auto reserve = [&](const QString &table, qint64 n) -> qint64 {
        const OpContext op{QStringLiteral("demo-data.reserve"), table};
        PgResult r
            = conn.exec(QStringLiteral("SELECT greatest(nextval(pg_get_serial_sequence($1, 'id')), "
                                       "coalesce((SELECT max(id) FROM %1), 0) + 1)")
                            .arg(table)
                            .toUtf8(),
                        {table.toUtf8()},
                        op);
        const qint64 base = r.toInt64(0, 0);
        conn.exec("SELECT setval(pg_get_serial_sequence($1, 'id'), $2::int8)",
                  {table.toUtf8(), QByteArray::number(base + std::max<qint64>(n, 1) - 1)},
                  op);
        return base;
    };
    const qint64 artistBase = reserve(artists, nArtists);
    const qint64 albumBase = reserve(albums, nAlbums);
    const qint64 songBase = reserve(songs, nSongs);
    const Generator generator(m_options, artistBase, albumBase, songBase);

    // Rows are counted from every session; progress is reported on this thread only.
    std::atomic<qint64> rowsDone{0};
    qint64 lastReport = 0;
    const auto report = [&] {
        const qint64 now = timer.elapsed();
        if (progress && now - lastReport >= 200) {
            lastReport = now;
            state.rowsDone = rowsDone.load();
            state.seconds = now / 1000.0;
            progress(state);
        }
    };
    CopySink sink(conn, m_session, stop);
    sink.setProgress([&](qint64 rows) {
        rowsDone += rows;
        report();
    });

    // The songs go through staging tables from several sessions only into an empty library: the
    // month partitions they replace must be empty. Decided outside any transaction: the staging
    // schema must be committed for the other sessions to use it.
    std::unique_ptr<StagedSongLoad> staged;
    if (m_options.jobs > 1 && m_open && nSongs > 0 && generator.songsFitTheWindow()
        && PQtransactionStatus(conn.handle()) == PQTRANS_IDLE
        && DeferredIndexes::allEmpty(conn, {artists, albums, songs})) {
        staged
            = std::make_unique<StagedSongLoad>(m_session, songs, generator, m_open, m_options.jobs);
        if (!staged->prepare(conn)) {
            staged->cleanUp(conn);
            staged.reset();
        }
    }

    // One transaction: a cancelled or failed load leaves nothing behind (the destructor rolls
    // back whatever did not commit, and the staged months are dropped with their schema).
    try {
        Transaction tx(conn, m_session, ctx);
        DeferredIndexes deferred;
        if (staged) {
            staged->start(stop, [&rowsDone](qint64 rows) { rowsDone += rows; });
            deferred.setAside(conn, {artists, albums});
        } else {
            deferred.setAside(conn, {artists, albums, songs});
        }
        generator.artists(sink);
        generator.albums(sink);
        if (!staged)
            generator.songs(sink);
        if (stop.stop_requested())
            throw stopped("copy");
        if (!deferred.indexes().isEmpty()) {
            QElapsedTimer build;
            build.start();
            DeferredIndexes::raiseMaintenanceWorkMem(conn);
            if (staged)
                DeferredIndexes::buildWithoutParallelWorkers(conn);
            deferred.rebuild(conn, stop);
            result.indexesDeferred = int(deferred.indexes().size());
            result.indexSeconds = build.elapsed() / 1000.0;
        }
        if (staged) {
            staged->wait(report);
            staged->swapIn(conn);
            result.indexesDeferred += staged->secondaryIndexes();
            result.indexSeconds += staged->indexSeconds();
            result.jobs = std::min(m_options.jobs, m_options.months);
        }
        tx.commit();
    } catch (...) {
        if (staged)
            staged->cleanUp(conn);
        if (stop.stop_requested()) {
            qCWarning(lcLibrary) << "demo data load cancelled; rolled back" << rowsDone.load()
                                 << "rows";
            throw stopped("copy");
        }
        throw;
    }
    if (staged)
        staged->cleanUp(conn);
    result.copySeconds = timer.elapsed() / 1000.0;
    result.artists = nArtists;
    result.albums = nAlbums;
    result.songs = nSongs;
    result.rowsPerSecond = result.copySeconds > 0 ? state.rowsTotal / result.copySeconds : 0;
    state.rowsDone = state.rowsTotal;
    state.seconds = result.copySeconds;
    if (progress)
        progress(state);

    // Statistics for the estimate (reltuples) and the scrollbar (histograms on the parent). The
    // rows are committed by now: a stop here skips or interrupts only the statistics.
    QElapsedTimer analyze;
    analyze.start();
    try {
        if (!stop.stop_requested()) {
            conn.exec(QStringLiteral("ANALYZE %1, %2, %3").arg(artists, albums, songs).toUtf8(),
                      {QStringLiteral("demo-data.analyze"), songs});
            result.analyzed = true;
        }
    } catch (const DbError &) {
        if (!stop.stop_requested())
            throw;
    }
    result.analyzeSeconds = analyze.elapsed() / 1000.0;
    return result;
}

void DemoDataLoader::writeFiles(const QString &directory) const
{
    struct FileSink : Sink
    {
        QString dir;
        QFile file;
        void begin(const QString &t) override
        {
            file.setFileName(QDir(dir).filePath(t + QStringLiteral(".copy")));
            if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
                throw std::runtime_error(QStringLiteral("cannot write %1: %2")
                                             .arg(file.fileName(), file.errorString())
                                             .toStdString());
        }
        void write(const std::string &d, qint64) override
        {
            if (file.write(d.data(), qint64(d.size())) != qint64(d.size()))
                throw std::runtime_error(QStringLiteral("cannot write %1: %2")
                                             .arg(file.fileName(), file.errorString())
                                             .toStdString());
        }
        void end() override { file.close(); }
    };
    QDir().mkpath(directory);
    FileSink sink;
    sink.dir = directory;
    const Generator generator(m_options, 1, 1, 1);
    generator.artists(sink);
    generator.albums(sink);
    generator.songs(sink);
}

} // namespace melodee
