#include "demodata.h"

#include "db/dberror.h"
#include "db/pgconnection.h"
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

namespace {

constexpr size_t kFlushBytes = 512 * 1024;
constexpr int kSongsPerAlbumTarget = 12;

struct Cancelled
{};

// Word lists for names; a few carry diacritics so normalisation and accent-insensitive search
// have something to do.
const char *const kFirst[]
    = {"Ada",   "Björn",  "Chloé", "Dmitri", "Elena",  "Félix",  "Grace", "Hugo",  "Inès",
       "José",  "Kai",    "Lena",  "Måns",   "Nina",   "Ólafur", "Priya", "Quinn", "Renée",
       "Sven",  "Tomás",  "Uma",   "Viktor", "Wren",   "Xenia",  "Yusuf", "Zoë",   "Amara",
       "Bruno", "Celine", "Diego", "Emil",   "Fatima", "Gustav", "Hana",  "Ivan"};
const char *const kLast[]
    = {"Andersson",  "Brown",  "Castillo", "Dubois", "Eriksen", "Fischer",  "García",  "Hansen",
       "Ibáñez",     "Jensen", "Kowalski", "López",  "Müller",  "Nakamura", "O'Brien", "Petrov",
       "Quintero",   "Rossi",  "Schäfer",  "Tanaka", "Ulloa",   "Varga",    "Weber",   "Young",
       "Zimmermann", "Novák",  "Silva",    "Costa",  "Kim",     "Singh"};
const char *const kAdjective[]
    = {"Electric", "Silent", "Golden",  "Broken",  "Midnight", "Crimson",  "Velvet",  "Neon",
       "Hollow",   "Wild",   "Frozen",  "Burning", "Distant",  "Lonely",   "Radiant", "Fading",
       "Endless",  "Savage", "Gentle",  "Hidden",  "Sacred",   "Restless", "Liquid",  "Northern",
       "Southern", "Blue",   "Scarlet", "Paper",   "Iron",     "Crystal",  "Lucky",   "Sleepless",
       "Café",     "Über",   "Naïve",   "Sunny",   "Shadow",   "Cosmic",   "Quiet",   "Fearless"};
const char *const kNoun[]
    = {"Heart",  "River",    "Dream",   "Fire",    "Night",     "Ocean",   "Road",    "Star",
       "Shadow", "Light",    "Rain",    "Storm",   "Garden",    "City",    "Mirror",  "Signal",
       "Echo",   "Horizon",  "Machine", "Summer",  "Winter",    "Ghost",   "Kingdom", "Letter",
       "Memory", "Diamond",  "Thunder", "Highway", "Satellite", "Harbor",  "Desert",  "Forest",
       "Island", "Engine",   "Anthem",  "Wolf",    "Canyon",    "Lantern", "Orbit",   "Fiesta",
       "Crème",  "Señorita", "Façade",  "Smile",   "Wave",      "Tide",    "Flame",   "Moon"};
const char *const kVerb[] = {"Running",
                             "Falling",
                             "Dancing",
                             "Waiting",
                             "Calling",
                             "Chasing",
                             "Burning",
                             "Holding",
                             "Turning",
                             "Breaking",
                             "Singing",
                             "Drifting",
                             "Flying",
                             "Fading",
                             "Rising",
                             "Shining",
                             "Dreaming",
                             "Leaving"};
const char *const kGlue[] = {"of", "in", "and", "on", "for", "from", "under", "without"};
const char *const kSuffix[] = {"(Remix)",
                               "(Live)",
                               "(Acoustic)",
                               "(Radio Edit)",
                               "Pt. II",
                               "(Demo)",
                               "(Remastered)",
                               "(Extended Mix)"};
const int kBitRates[] = {128, 192, 256, 320, 320, 320, 1411};

template<size_t N>
constexpr size_t count(const char *const (&)[N])
{
    return N;
}

// splitmix64's finaliser: a cheap, well-mixed hash, so every value is a pure function of
// (seed, stream, index) and the rows don't depend on generation order.
quint64 mix(quint64 x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

class Random
{
public:
    Random(quint64 seed, quint64 stream, quint64 index)
        : m_state(mix(seed ^ mix(stream * 0x100000001b3ULL ^ mix(index))))
    {}
    quint64 next() { return m_state = mix(m_state); }
    quint64 below(quint64 n) { return n ? next() % n : 0; }
    template<size_t N>
    const char *pick(const char *const (&list)[N])
    {
        return list[below(N)];
    }

private:
    quint64 m_state;
};

enum Stream : quint64 { ArtistStream = 1, AlbumStream = 2, SongStream = 3, DurationStream = 4 };

struct Name
{
    std::string text;
    std::string normalized;
};

Name makeName(const std::string &text)
{
    return {text, normalizeName(QString::fromStdString(text)).toStdString()};
}

std::string artistName(Random &r)
{
    switch (r.below(5)) {
    case 0:
        return std::string("The ") + r.pick(kAdjective) + ' ' + r.pick(kNoun) + 's';
    case 1:
    case 2:
        return std::string(r.pick(kFirst)) + ' ' + r.pick(kLast);
    case 3:
        return std::string(r.pick(kAdjective)) + ' ' + r.pick(kNoun);
    default:
        return std::string(r.pick(kNoun)) + ' ' + r.pick(kGlue) + ' ' + r.pick(kNoun);
    }
}

std::string albumName(Random &r)
{
    switch (r.below(4)) {
    case 0:
        return std::string(r.pick(kAdjective)) + ' ' + r.pick(kNoun);
    case 1:
        return std::string(r.pick(kNoun)) + ' ' + r.pick(kGlue) + " the " + r.pick(kNoun);
    case 2:
        return std::string(r.pick(kVerb)) + ' ' + r.pick(kNoun) + 's';
    default:
        return std::string(r.pick(kAdjective)) + ' ' + r.pick(kAdjective) + ' ' + r.pick(kNoun);
    }
}

std::string songName(Random &r)
{
    std::string s;
    switch (r.below(6)) {
    case 0:
        s = r.pick(kNoun);
        break;
    case 1:
        s = std::string(r.pick(kAdjective)) + ' ' + r.pick(kNoun);
        break;
    case 2:
        s = std::string(r.pick(kVerb)) + ' ' + r.pick(kGlue) + " the " + r.pick(kNoun);
        break;
    case 3:
        s = std::string(r.pick(kNoun)) + ' ' + r.pick(kGlue) + ' ' + r.pick(kAdjective) + ' '
            + r.pick(kNoun) + 's';
        break;
    case 4:
        s = std::string(r.pick(kVerb)) + ' ' + r.pick(kAdjective);
        break;
    default:
        s = std::string(r.pick(kAdjective)) + ' ' + r.pick(kNoun) + ' ' + r.pick(kVerb);
        break;
    }
    if (r.below(10) == 0)
        s += std::string(" ") + r.pick(kSuffix);
    return s;
}

// Row writer for COPY's text format.
class Row
{
public:
    explicit Row(std::string &out)
        : m_out(out)
    {}
    Row &num(qint64 v)
    {
        sep();
        char buf[24];
        const auto res = std::to_chars(buf, buf + sizeof buf, v);
        m_out.append(buf, res.ptr);
        return *this;
    }
    Row &null()
    {
        sep();
        m_out.append("\\N");
        return *this;
    }
    Row &text(const std::string &s)
    {
        sep();
        for (char c : s) {
            switch (c) {
            case '\\':
                m_out.append("\\\\");
                break;
            case '\t':
                m_out.append("\\t");
                break;
            case '\n':
                m_out.append("\\n");
                break;
            case '\r':
                m_out.append("\\r");
                break;
            default:
                m_out.push_back(c);
            }
        }
        return *this;
    }
    // Derived from the row's id, so a second load with the same seed gets new keys.
    Row &uuid(Random r)
    {
        sep();
        static const char hex[] = "0123456789abcdef";
        quint64 a = r.next();
        quint64 b = r.next();
        a = (a & ~0xf000ULL) | 0x4000ULL;                           // version 4
        b = (b & ~(0xc000000000000000ULL)) | 0x8000000000000000ULL; // variant 10
        char buf[36];
        int p = 0;
        for (int i = 0; i < 16; ++i) {
            if (i == 4 || i == 6 || i == 8 || i == 10)
                buf[p++] = '-';
            const unsigned byte
                = unsigned(((i < 8 ? a >> (56 - 8 * i) : b >> (56 - 8 * (i - 8)))) & 0xff);
            buf[p++] = hex[byte >> 4];
            buf[p++] = hex[byte & 0xf];
        }
        m_out.append(buf, 36);
        return *this;
    }
    // Seconds since the epoch as "YYYY-MM-DD HH:MM:SS+00" (explicit UTC). Formatted by hand: two
    // of these per row made snprintf and QDate the loader's top client-side cost in perf.
    Row &time(qint64 secs)
    {
        sep();
        const qint64 days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
        const qint64 rem = secs - days * 86400;
        // Civil date from days since 1970-01-01 (proleptic Gregorian, 400-year eras).
        const qint64 z = days + 719468;
        const qint64 era = (z >= 0 ? z : z - 146096) / 146097;
        const qint64 doe = z - era * 146097;
        const qint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        const qint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        const qint64 mp = (5 * doy + 2) / 153;
        const int day = int(doy - (153 * mp + 2) / 5 + 1);
        const int month = int(mp < 10 ? mp + 3 : mp - 9);
        const int year = int(yoe + era * 400 + (month <= 2 ? 1 : 0));
        char buf[22];
        const auto put = [&buf](int at, int value, int width) {
            for (int i = width - 1; i >= 0; --i) {
                buf[at + i] = char('0' + value % 10);
                value /= 10;
            }
        };
        put(0, year, 4);
        buf[4] = '-';
        put(5, month, 2);
        buf[7] = '-';
        put(8, day, 2);
        buf[10] = ' ';
        put(11, int(rem / 3600), 2);
        buf[13] = ':';
        put(14, int(rem / 60 % 60), 2);
        buf[16] = ':';
        put(17, int(rem % 60), 2);
        buf[19] = '+';
        buf[20] = '0';
        buf[21] = '0';
        m_out.append(buf, sizeof buf);
        return *this;
    }
    void end() { m_out.push_back('\n'); }

private:
    void sep()
    {
        if (m_first)
            m_first = false;
        else
            m_out.push_back('\t');
    }
    std::string &m_out;
    bool m_first = true;
};

qint64 songDurationMs(quint64 seed, qint64 song)
{
    Random r(seed, DurationStream, quint64(song));
    return 90000 + qint64(r.below(330000));
}

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
        const int bitRate = kBitRates[r.below(std::size(kBitRates))];
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
    const std::atomic<bool> *cancel;
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
        if (cancel && cancel->load(std::memory_order_relaxed)) {
            // Ends COPY with an error: the server discards it and the transaction aborts.
            PQputCopyEnd(conn.handle(), "cancelled by the user");
            while (PGresult *r = PQgetResult(conn.handle()))
                PQclear(r);
            throw Cancelled{};
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

} // namespace

DemoDataResult DemoDataLoader::load(PgConnection &conn,
                                    const ProgressFn &progress,
                                    const std::atomic<bool> *cancel)
{
    DemoDataResult result;
    const QString songs = m_session.tableName(QStringLiteral("song"));
    const QString albums = m_session.tableName(QStringLiteral("album"));
    const QString artists = m_session.tableName(QStringLiteral("artist"));
    const OpContext ctx{QStringLiteral("demo-data"), songs};
    for (const QString &t : {artists, albums, songs}) {
        PgResult r = conn.exec("SELECT to_regclass($1)", {t.toUtf8()}, ctx);
        if (r.isNull(0, 0))
            throw DbError(
                QStringLiteral("demo-data"),
                t,
                QStringLiteral("table %1 does not exist; run `melodee migrate` first").arg(t));
    }

    // Partitions first, in their own short transaction: CREATE ... PARTITION OF locks the parent,
    // which must not stay locked for the whole load.
    const Month last = endMonthOf(m_options);
    for (const QString &parent : {albums, songs}) {
        for (const Month &m :
             monthWindow(last.addMonths(-(m_options.months - 1)), m_options.months)) {
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
    Adapter sink(CopySink{conn, m_session, cancel, {}, {}});
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

    conn.exec("BEGIN", ctx);
    try {
        generate(sink, artistBase, albumBase, songBase);
        conn.exec("COMMIT", ctx);
    } catch (const Cancelled &) {
        conn.exec("ROLLBACK", ctx);
        result.cancelled = true;
        result.copySeconds = timer.elapsed() / 1000.0;
        qCWarning(lcLibrary) << "demo data load cancelled; rolled back" << state.rowsDone << "rows";
        return result;
    } catch (...) {
        if (!conn.isBroken() && PQtransactionStatus(conn.handle()) != PQTRANS_IDLE) {
            try {
                conn.exec("ROLLBACK", ctx);
            } catch (const DbError &) {
            }
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

    // Statistics for the estimate (reltuples) and the scrollbar (histograms on the parent).
    QElapsedTimer analyze;
    analyze.start();
    conn.exec(QStringLiteral("ANALYZE %1, %2, %3").arg(artists, albums, songs).toUtf8(),
              {QStringLiteral("demo-data.analyze"), songs});
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
