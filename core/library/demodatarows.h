#pragma once

#include <QtGlobal>

#include <charconv>
#include <string>

// The pieces of the demo library's rows: a counter-based random generator, names from word lists,
// and the writer of COPY's text format. Every value is a pure function of (seed, stream, index),
// so the rows do not depend on the order they are generated in.
namespace melodee::demodata {

// splitmix64's finaliser: a cheap, well-mixed hash, so every value is a pure function of
// (seed, stream, index) and the rows don't depend on generation order.
inline quint64 mix(quint64 x)
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

Name makeName(const std::string &text);
std::string artistName(Random &r);
std::string albumName(Random &r);
std::string songName(Random &r);
int pickBitRate(Random &r);
qint64 songDurationMs(quint64 seed, qint64 song);

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

} // namespace melodee::demodata
