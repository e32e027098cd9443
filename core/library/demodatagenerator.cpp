#include "demodatagenerator.h"

#include "demodata.h"
#include "demodatarows.h"

#include <QDateTime>
#include <QTimeZone>

#include <algorithm>
#include <cstdio>

namespace melodee::demodata {

namespace {

constexpr size_t kFlushBytes = 512 * 1024;

qint64 utcSeconds(const Month &m)
{
    return QDateTime(m.firstDay(), QTime(0, 0), QTimeZone::utc()).toSecsSinceEpoch();
}

// Buffers rows and hands them to the sink in chunks of about kFlushBytes.
class Chunker
{
public:
    explicit Chunker(Sink &sink)
        : m_sink(sink)
    {
        m_buf.reserve(kFlushBytes + 4096);
    }
    std::string &buffer() { return m_buf; }
    void rowDone()
    {
        ++m_pending;
        if (m_buf.size() >= kFlushBytes)
            flush();
    }
    void flush()
    {
        if (!m_buf.empty()) {
            m_sink.write(m_buf, m_pending);
            m_buf.clear();
            m_pending = 0;
        }
    }

private:
    Sink &m_sink;
    std::string m_buf;
    qint64 m_pending = 0;
};

} // namespace

Month lastMonthOf(const DemoDataOptions &o)
{
    return o.endMonth.isEmpty() ? Month::fromDate(QDateTime::currentDateTimeUtc().date())
                                : Month::parse(o.endMonth);
}

struct Generator::Album
{
    qint64 index = 0;
    qint64 created = 0;
    qint64 firstSong = 0;
    qint64 endSong = 0;
    std::string path; // "/music/<artist>/<album>/"
};

Generator::Generator(const DemoDataOptions &o, qint64 artistBase, qint64 albumBase, qint64 songBase)
    : m_seed(o.seed)
    , m_albumsPerArtist(o.albumsPerArtist)
    , m_artists(o.effectiveArtists())
    , m_albums(m_artists * o.albumsPerArtist)
    , m_songs(o.songs)
    , m_artistBase(artistBase)
    , m_albumBase(albumBase)
    , m_songBase(songBase)
{
    m_first = lastMonthOf(o).addMonths(-(o.months - 1));
    for (int i = 0; i <= o.months; ++i)
        m_monthStarts.push_back(utcSeconds(m_first.addMonths(i)));
    m_windowStart = m_monthStarts.front();
    // Albums land anywhere in the window but leave room for their tracks (one second apart).
    m_albumSpan = std::max<qint64>(1, m_monthStarts.back() - m_windowStart - 86400);

    m_artistNames.resize(size_t(m_artists));
    for (qint64 i = 0; i < m_artists; ++i) {
        Random r(m_seed, ArtistStream, quint64(i));
        m_artistNames[size_t(i)] = makeName(artistName(r)).text;
    }

    // Which months each album's songs fall in: created_at is the album's time plus the track
    // number in seconds, so an album's songs span its first and last track's months.
    m_byMonth.resize(size_t(o.months));
    for (qint64 a = 0; a < m_albums; ++a) {
        const qint64 s0 = firstSong(a);
        const qint64 s1 = firstSong(a + 1);
        if (s1 == s0)
            continue;
        const qint64 created = albumCreated(a);
        if (created + (s1 - s0) >= m_monthStarts.back()) {
            m_fitsWindow = false;
            continue;
        }
        const int m0 = monthOf(created + 1);
        const int m1 = monthOf(created + (s1 - s0));
        for (int m = m0; m <= m1; ++m)
            m_byMonth[size_t(m)].push_back(a);
    }
}

qint64 Generator::albumCreated(qint64 a) const
{
    Random r(m_seed, AlbumStream, quint64(a));
    r.next();
    return m_windowStart + qint64(r.below(quint64(m_albumSpan)));
}

qint64 Generator::firstSong(qint64 a) const
{
    return m_albums ? a * m_songs / m_albums : 0;
}

int Generator::monthOf(qint64 secs) const
{
    const auto it = std::upper_bound(m_monthStarts.begin(), m_monthStarts.end(), secs);
    return int(it - m_monthStarts.begin()) - 1;
}

Generator::Album Generator::album(qint64 a) const
{
    Random r(m_seed, AlbumStream, quint64(a));
    Album out;
    out.index = a;
    out.created = albumCreated(a);
    out.firstSong = firstSong(a);
    out.endSong = firstSong(a + 1);
    out.path = "/music/" + m_artistNames[size_t(a / m_albumsPerArtist)] + '/' + albumName(r) + '/';
    return out;
}

void Generator::artists(Sink &sink) const
{
    sink.begin(QStringLiteral("artists"));
    Chunker out(sink);
    for (qint64 i = 0; i < m_artists; ++i) {
        Random r(m_seed, ArtistStream, quint64(i));
        const Name n = makeName(artistName(r));
        std::string sortName = n.text;
        if (sortName.rfind("The ", 0) == 0)
            sortName = sortName.substr(4) + ", The";
        const qint64 created = m_windowStart - 86400 * qint64(1 + r.below(365));
        Row(out.buffer())
            .num(m_artistBase + i)
            .uuid(Random(m_seed, ArtistStream + 16, quint64(m_artistBase + i)))
            .text(n.text)
            .text(n.normalized)
            .text(sortName)
            .time(created)
            .time(created)
            .end();
        out.rowDone();
    }
    out.flush();
    sink.end();
}

void Generator::albums(Sink &sink) const
{
    sink.begin(QStringLiteral("albums"));
    Chunker out(sink);
    for (qint64 a = 0; a < m_albums; ++a) {
        Random r(m_seed, AlbumStream, quint64(a));
        const qint64 created = albumCreated(a); // its own generator: r is still at its start
        const Name n = makeName(albumName(r));
        qint64 duration = 0;
        const qint64 s0 = firstSong(a);
        const qint64 s1 = firstSong(a + 1);
        for (qint64 s = s0; s < s1; ++s)
            duration += songDurationMs(m_seed, s);
        Row(out.buffer())
            .num(m_albumBase + a)
            .uuid(Random(m_seed, AlbumStream + 16, quint64(m_albumBase + a)))
            .text(n.text)
            .text(n.normalized)
            .text(n.text)
            .num(m_artistBase + a / m_albumsPerArtist)
            .num(1960 + qint64(r.below(66)))
            .num(s1 - s0)
            .num(duration)
            .time(created)
            .time(created)
            .end();
        out.rowDone();
    }
    out.flush();
    sink.end();
}

void Generator::writeSong(std::string &buf, const Album &album, qint64 s) const
{
    const qint64 track = s - album.firstSong + 1;
    Random r(m_seed, SongStream, quint64(s));
    const Name n = makeName(songName(r));
    const qint64 duration = songDurationMs(m_seed, s);
    const int bitRate = pickBitRate(r);
    char trackText[8];
    std::snprintf(trackText, sizeof trackText, "%02d", int(track % 100));
    const qint64 created = album.created + track;
    Row row(buf);
    row.num(m_songBase + s)
        .uuid(Random(m_seed, SongStream + 16, quint64(m_songBase + s)))
        .text(n.text)
        .text(n.normalized)
        .text(n.text)
        .num(m_albumBase + album.index)
        .num(m_artistBase + album.index / m_albumsPerArtist)
        .num(duration)
        .num(track)
        .num(1)
        .text(album.path + trackText + " - " + n.text + ".flac")
        .num(duration * bitRate / 8)
        .num(bitRate)
        .num(qint64(r.below(1000)));
    if (r.below(2))
        row.null();
    else
        row.num(qint64(r.below(6)));
    row.time(created).time(created).end();
}

void Generator::songs(Sink &sink) const
{
    sink.begin(QStringLiteral("songs"));
    Chunker out(sink);
    for (qint64 a = 0; a < m_albums; ++a) {
        const Album al = album(a);
        for (qint64 s = al.firstSong; s < al.endSong; ++s) {
            writeSong(out.buffer(), al, s);
            out.rowDone();
        }
    }
    out.flush();
    sink.end();
}

void Generator::songsOfMonth(Sink &sink, int index) const
{
    sink.begin(QStringLiteral("songs"));
    Chunker out(sink);
    const qint64 from = m_monthStarts.at(size_t(index));
    const qint64 to = m_monthStarts.at(size_t(index) + 1);
    for (const qint64 a : m_byMonth.at(size_t(index))) {
        const Album al = album(a);
        for (qint64 s = al.firstSong; s < al.endSong; ++s) {
            const qint64 created = al.created + (s - al.firstSong + 1);
            if (created < from || created >= to)
                continue;
            writeSong(out.buffer(), al, s);
            out.rowDone();
        }
    }
    out.flush();
    sink.end();
}

} // namespace melodee::demodata
