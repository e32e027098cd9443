#pragma once

#include "config/appconfig.h"

#include <QString>

#include <functional>
#include <memory>
#include <stop_token>

class QIODevice;

namespace melodee {

class PgConnection;

struct DemoDataOptions
{
    qint64 songs = 1000000;
    int artists = 0; // 0: enough for about 12 songs per album
    int albumsPerArtist = 5;
    int months = 24;
    quint64 seed = 1;
    // The last month of the created_at window, "YYYY-MM"; empty = the current UTC month. The rows
    // are a pure function of (seed, counts, months, end month), so fixing it reproduces a load.
    QString endMonth;
    // Sessions that load the songs at once into an empty library (see DemoDataLoader). 1 loads
    // everything in the one transaction's session.
    int jobs = 2;

    // Throws std::invalid_argument naming the bad value.
    void validate() const;
    int effectiveArtists() const;
};

struct DemoDataProgress
{
    qint64 rowsDone = 0;
    qint64 rowsTotal = 0;
    double seconds = 0;
};

struct DemoDataResult
{
    qint64 artists = 0;
    qint64 albums = 0;
    qint64 songs = 0;
    qint64 partitionsCreated = 0;
    double copySeconds = 0; // the COPY transaction, index builds and commit included
    // Secondary indexes dropped before the COPY and built after it in the same transaction, or
    // built on the staged months (only when the tables were empty), and the time those builds
    // took, summed over the sessions that ran them.
    int indexesDeferred = 0;
    double indexSeconds = 0;
    int jobs = 1; // sessions that loaded the songs
    double analyzeSeconds = 0;
    double rowsPerSecond = 0; // all rows / copySeconds
    // The tables were ANALYZEd; false when a stop came after the commit, before the statistics.
    bool analyzed = false;
};

// Generates a realistic library (artists, albums, songs with names, durations and created_at
// spread over the window) and streams it through libpq COPY in one transaction: a cancelled or
// failed load rolls back completely, so no half-loaded state is ever visible. Into empty tables
// the secondary indexes are dropped first and built once after the COPY, in that same
// transaction (DeferredIndexes). Into an empty library with `jobs` above 1 and a way to open
// connections (setConnectionOpener), the songs are loaded month by month from that many sessions
// at once into staging tables, indexed there, and swapped in as the month partitions by the same
// transaction (StagedSongLoad), so the load stays all or nothing.
class DemoDataLoader
{
public:
    using ProgressFn = std::function<void(const DemoDataProgress &)>;
    using OpenConnection = std::function<std::unique_ptr<PgConnection>()>;

    DemoDataLoader(const SessionConfig &session, const DemoDataOptions &options);

    // Creates the monthly partitions the window needs (committed first, empty partitions are
    // harmless), reserves ids from the tables' sequences, COPYs in one Transaction, commits and
    // ANALYZEs. A stop request on `stop` (a cancelled task) before the commit rolls the load back
    // and throws DbError::cancelled(); it is checked between chunks of rows, and the statement
    // running at that moment is cancelled on the server. After the commit it only skips the
    // ANALYZE (result.analyzed). Progress is reported on the calling thread.
    DemoDataResult
    load(PgConnection &conn, std::stop_token stop = {}, const ProgressFn &progress = {});

    // Writes the same rows as COPY text files artists.copy, albums.copy, songs.copy (ids from 1)
    // for the psql \copy reference in the benchmark. Throws std::runtime_error on I/O failure.
    void writeFiles(const QString &directory) const;

    static QString columns(const QString &table); // the COPY column list for "artists" etc.

    // How the songs' sessions connect (to the same server and database as load()'s connection).
    // Called on their threads. Without it the load runs in one session.
    void setConnectionOpener(OpenConnection open) { m_open = std::move(open); }

private:
    SessionConfig m_session;
    DemoDataOptions m_options;
    OpenConnection m_open;
};

} // namespace melodee
