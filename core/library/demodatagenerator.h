#pragma once

#include "partitions/partitionsql.h"

#include <QString>
#include <QtGlobal>

#include <string>
#include <vector>

namespace melodee {

struct DemoDataOptions;

namespace demodata {

// The last month of the load's window: the options' end month, or the current UTC month.
Month lastMonthOf(const DemoDataOptions &options);

// Where generated rows go: COPY on a connection, or a file.
struct Sink
{
    virtual ~Sink() = default;
    // `table` is "artists", "albums" or "songs".
    virtual void begin(const QString &table) = 0;
    virtual void write(const std::string &data, qint64 rows) = 0;
    virtual void end() = 0;
};

// The demo library's rows, in COPY text format. Every row is a pure function of the options and
// the id bases, so any subset of them (one month's songs) can be written on its own, on any
// thread, and comes out exactly as in a full run. The object is read-only after construction.
class Generator
{
public:
    // Months are counted from the first month of the window (0 .. months-1).
    Generator(const DemoDataOptions &options, qint64 artistBase, qint64 albumBase, qint64 songBase);

    int monthCount() const { return int(m_monthStarts.size()) - 1; }
    Month month(int index) const { return m_first.addMonths(index); }

    void artists(Sink &sink) const;
    void albums(Sink &sink) const;
    // Every song, in id order.
    void songs(Sink &sink) const;
    // The songs created in one month of the window, in id order.
    void songsOfMonth(Sink &sink, int index) const;
    // False when an album's tracks run past the end of the window (very long albums: far more
    // songs per album than the window has seconds in its last day); those rows belong to no
    // month of the window.
    bool songsFitTheWindow() const { return m_fitsWindow; }

private:
    struct Album;
    Album album(qint64 a) const;
    qint64 albumCreated(qint64 a) const;
    qint64 firstSong(qint64 a) const;
    int monthOf(qint64 secs) const;
    void writeSong(std::string &buf, const Album &album, qint64 s) const;

    quint64 m_seed;
    int m_albumsPerArtist;
    qint64 m_artists;
    qint64 m_albums;
    qint64 m_songs;
    qint64 m_artistBase;
    qint64 m_albumBase;
    qint64 m_songBase;
    Month m_first;
    qint64 m_windowStart;
    qint64 m_albumSpan;
    std::vector<qint64> m_monthStarts;          // months + 1 boundaries, epoch seconds
    std::vector<std::string> m_artistNames;     // by artist index
    std::vector<std::vector<qint64>> m_byMonth; // albums with a song in each month
    bool m_fitsWindow = true;
};

} // namespace demodata
} // namespace melodee
