#include "demodata.h"

#include "db/dberror.h"
#include "db/pgconnection.h"
#include "db/transaction.h"
#include "deferredindexes.h"
#include "demodatarows.h"
#include "namenormalizer.h"
#include "partitions/partitionsql.h"
#include "util/logging.h"

#include <QDate>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTimeZone>

#include <libpq-fe.h>

#include <charconv>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace melodee {

using namespace demodata;

namespace {

constexpr size_t kFlushBytes = 512 * 1024;
constexpr int kSongsPerAlbumTarget = 12;

Month endMonthOf(const DemoDataOptions &o)
{
    if (!o.endMonth.isEmpty())
        return Month::parse(o.endMonth);
    return Month::fromDate(QDateTime::currentDateTimeUtc().date());
}

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

struct DemoDataLoader::Sink
{
    virtual ~Sink() = default;
    virtual void begin(const QString &table) = 0;
    virtual void write(const std::string &data, qint64 rows) = 0;
    virtual void end() = 0;
};

DemoDataLoader::DemoDataLoader(const SessionConfig &session, const DemoDataOptions &options)
    : m_session(session)
    , m_options(options)
{
    m_options.validate();
}

void DemoDataLoader::generate(Sink &sink,
                              qint64 artistBase,
                              qint64 albumBase,
                              qint64 songBase) const
{
    const quint64 seed = m_options.seed;
    const qint64 artists = m_options.effectiveArtists();
    const qint64 albums = artists * m_options.albumsPerArtist;
    const qint64 songs = m_options.songs;
    const Month last = endMonthOf(m_options);
    const Month first = last.addMonths(-(m_options.months - 1));
    const qint64 windowStart
        = QDateTime(first.firstDay(), QTime(0, 0), QTimeZone::utc()).toSecsSinceEpoch();
    const qint64 windowEnd
        = QDateTime(last.addMonths(1).firstDay(), QTime(0, 0), QTimeZone::utc()).toSecsSinceEpoch();
    // Albums land anywhere in the window but leave room for their tracks (one second apart).
    const qint64 albumSpan = std::max<qint64>(1, windowEnd - windowStart - 86400);
    const auto albumCreated = [&](qint64 a) {
        Random r(seed, AlbumStream, quint64(a));
        r.next();
        return windowStart + qint64(r.below(quint64(albumSpan)));
    };
    const auto firstSong = [&](qint64 a) {
        return albums ? a * songs / albums : 0;
    };

    std::string buf;
    buf.reserve(kFlushBytes + 4096);
    qint64 pending = 0;
    const auto flush = [&](bool force) {
        if (buf.size() >= kFlushBytes || (force && !buf.empty())) {
            sink.write(buf, pending);
            buf.clear();
            pending = 0;
        }
    };

    sink.begin(QStringLiteral("artists"));
    std::vector<std::string> artistNames;
    artistNames.resize(size_t(artists));
    for (qint64 i = 0; i < artists; ++i) {
        Random r(seed, ArtistStream, quint64(i));
        const Name n = makeName(artistName(r));
        artistNames[size_t(i)] = n.text;
        std::string sortName = n.text;
        if (sortName.rfind("The ", 0) == 0)
            sortName = sortName.substr(4) + ", The";
        const qint64 created = windowStart - 86400 * qint64(1 + r.below(365));
        Row(buf)
            .num(artistBase + i)
            .uuid(Random(seed, ArtistStream + 16, quint64(artistBase + i)))
            .text(n.text)
            .text(n.normalized)
            .text(sortName)
            .time(created)
            .time(created)
            .end();
        ++pending;
        flush(false);
    }
    flush(true);
    sink.end();

    sink.begin(QStringLiteral("albums"));
    for (qint64 a = 0; a < albums; ++a) {
        Random r(seed, AlbumStream, quint64(a));
        const qint64 created = albumCreated(a); // consumes the first draw, as albumCreated does
        const Name n = makeName(albumName(r));
        qint64 duration = 0;
        const qint64 s0 = firstSong(a);
        const qint64 s1 = firstSong(a + 1);
        for (qint64 s = s0; s < s1; ++s)
            duration += songDurationMs(seed, s);
        Row(buf)
            .num(albumBase + a)
            .uuid(Random(seed, AlbumStream + 16, quint64(albumBase + a)))
            .text(n.text)
            .text(n.normalized)
            .text(n.text)
            .num(artistBase + a / m_options.albumsPerArtist)
            .num(1960 + qint64(r.below(66)))
            .num(s1 - s0)
            .num(duration)
            .time(created)
            .time(created)
            .end();
        ++pending;
        flush(false);
    }
    flush(true);
    sink.end();

    sink.begin(QStringLiteral("songs"));
    qint64 album = 0;
    std::string albumPath;
    qint64 albumTime = 0;
    const auto enterAlbum = [&](qint64 a) {
        Random r(seed, AlbumStream, quint64(a));
        albumTime = albumCreated(a);
        const std::string name = albumName(r);
        albumPath
            = "/music/" + artistNames[size_t(a / m_options.albumsPerArtist)] + '/' + name + '/';
    };
    if (albums > 0)
        enterAlbum(0);
    for (qint64 s = 0; s < songs; ++s) {
        while (album + 1 < albums && s >= firstSong(album + 1))
            enterAlbum(++album);
        const qint64 track = s - firstSong(album) + 1;
        Random r(seed, SongStream, quint64(s));
        const Name n = makeName(songName(r));
        const qint64 duration = songDurationMs(seed, s);
        const int bitRate = pickBitRate(r);
        char trackText[8];
        std::snprintf(trackText, sizeof trackText, "%02d", int(track % 100));
        const qint64 created = albumTime + track;
        Row row(buf);
        row.num(songBase + s)
            .uuid(Random(seed, SongStream + 16, quint64(songBase + s)))
            .text(n.text)
            .text(n.normalized)
            .text(n.text)
            .num(albums ? albumBase + album : 0)
            .num(artistBase + album / m_options.albumsPerArtist)
            .num(duration)
            .num(track)
            .num(1)
            .text(albumPath + trackText + " - " + n.text + ".flac")
            .num(duration * bitRate / 8)
            .num(bitRate)
            .num(qint64(r.below(1000)));
        if (r.below(2))
            row.null();
        else
            row.num(qint64(r.below(6)));
        row.time(created).time(created).end();
        ++pending;
        flush(false);
    }
    flush(true);
    sink.end();
}

namespace {

// Streams rows into COPY ... FROM STDIN on the connection.
struct CopySink
{
    PgConnection &conn;
    const SessionConfig &session;
    std::stop_token stop;
    std::function<void(qint64)> progress;
    QString table;

    void begin(const QString &t)
    {
        table = session.tableName(t.chopped(1));
        const QByteArray sql = QStringLiteral("COPY %1 (%2) FROM STDIN")
                                   .arg(table, DemoDataLoader::columns(t))
                                   .toUtf8();
        conn.exec(sql, {QStringLiteral("demo-data.copy"), table});
    }
    void write(const std::string &data, qint64 rows)
    {
        if (stop.stop_requested()) {
            // Ends COPY with an error: the server discards it and the transaction aborts.
            PQputCopyEnd(conn.handle(), "cancelled by the user");
            while (PGresult *r = PQgetResult(conn.handle()))
                PQclear(r);
            throw DbError::cancelled(QStringLiteral("demo-data.copy"), table);
        }
        if (PQputCopyData(conn.handle(), data.data(), int(data.size())) != 1)
            throw DbError::fromConnection(QStringLiteral("demo-data.copy"), table, conn.handle());
        if (progress)
            progress(rows);
    }
    void end()
    {
        if (PQputCopyEnd(conn.handle(), nullptr) != 1)
            throw DbError::fromConnection(QStringLiteral("demo-data.copy"), table, conn.handle());
        std::unique_ptr<DbError> error;
        while (PGresult *r = PQgetResult(conn.handle())) {
            if (PQresultStatus(r) != PGRES_COMMAND_OK && !error)
                error = std::make_unique<DbError>(
                    DbError::fromResult(QStringLiteral("demo-data.copy"), table, r, conn.handle()));
            PQclear(r);
        }
        if (error)
            throw *error;
    }
};

// Sends PQcancel for the statement running when a stop is requested, so a load waiting on the
// server (a partition's lock on its parent, the end of a COPY, ANALYZE) stops at once too.
struct CancelStatementOnStop
{
    PgConnection *conn;
    void operator()() const { conn->cancel(); }
};

} // namespace

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
    const Month last = endMonthOf(m_options);
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

    struct Adapter : Sink
    {
        explicit Adapter(CopySink c)
            : copy(std::move(c))
        {}
        CopySink copy;
        void begin(const QString &t) override { copy.begin(t); }
        void write(const std::string &d, qint64 rows) override { copy.write(d, rows); }
        void end() override { copy.end(); }
    };
    Adapter sink(CopySink{conn, m_session, stop, {}, {}});
    qint64 lastReport = 0;
    sink.copy.progress = [&](qint64 rows) {
        state.rowsDone += rows;
        const qint64 now = timer.elapsed();
        if (progress && now - lastReport >= 200) {
            lastReport = now;
            state.seconds = now / 1000.0;
            progress(state);
        }
    };

    // One transaction: a cancelled or failed load leaves nothing behind (the destructor rolls
    // back whatever did not commit).
    try {
        Transaction tx(conn, m_session, ctx);
        DeferredIndexes deferred;
        deferred.setAside(conn, {artists, albums, songs});
        generate(sink, artistBase, albumBase, songBase);
        if (stop.stop_requested())
            throw stopped("copy");
        if (!deferred.indexes().isEmpty()) {
            QElapsedTimer build;
            build.start();
            // Index builds sort in memory; never lower a larger setting the admin chose.
            conn.exec("SELECT set_config('maintenance_work_mem', CASE WHEN pg_size_bytes("
                      "current_setting('maintenance_work_mem')) < 256 * 1024 * 1024 THEN '256MB' "
                      "ELSE current_setting('maintenance_work_mem') END, true)",
                      ctx);
            deferred.rebuild(conn, stop);
            result.indexesDeferred = int(deferred.indexes().size());
            result.indexSeconds = build.elapsed() / 1000.0;
        }
        tx.commit();
    } catch (const DbError &) {
        if (stop.stop_requested()) {
            qCWarning(lcLibrary) << "demo data load cancelled; rolled back" << state.rowsDone
                                 << "rows";
            throw stopped("copy");
        }
        throw;
    }
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
    generate(sink, 1, 1, 1);
}

} // namespace melodee
