// libFuzzer target for the song JSON the Redis cache stores and reads back (SongCache::put/get).
// First byte even: the rest is a cached value as Redis returns it, read the way SongCache::get
// reads it (QJsonDocument, then Song::fromJson). A value it accepts must carry exactly the
// numbers it holds, and writing the song again must read back the same song.
// First byte odd: a song built from the bytes is written as SongCache::put writes it; reading it
// back gives the same song, or (only for values PostgreSQL cannot hold or ids beyond 2^53)
// nothing: a cache may miss, never answer with a different song.
#include "fuzzcheck.h"

#include <library/song.h>

#include <fuzzer/FuzzedDataProvider.h>

#include <QJsonObject>

using namespace melodee;
using namespace melodee::fuzz;

namespace {

// 0001-01-01 and 9999-12-31T23:59:59.999999 UTC in microseconds: the years the JSON form writes
// with four digits.
constexpr qint64 kMinMicros = -62135596800000000LL;
constexpr qint64 kMaxMicros = 253402300799999999LL;
constexpr qint64 kExactDouble = qint64(1) << 53;

QString describe(const Song &s)
{
    return QString::fromUtf8(QJsonDocument(s.toJson()).toJson(QJsonDocument::Compact).left(600));
}

std::optional<Song> readBack(const Song &song)
{
    const QByteArray json = QJsonDocument(song.toJson()).toJson(QJsonDocument::Compact);
    const QJsonDocument doc = mustParseJson(json, "a song's cache JSON does not parse");
    check(doc.isObject(), "a song's cache JSON is not an object");
    return Song::fromJson(doc.object());
}

// A number field that was accepted must hold the JSON number exactly (no wrap, no rounding).
template<typename T>
void sameNumber(const QJsonObject &o, const char *key, const std::optional<T> &value)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined() || v.isNull()) {
        check(!value, "an absent field was read as a number", QString::fromLatin1(key));
        return;
    }
    check(value && double(*value) == v.toDouble(),
          "a cached number was read as a different value",
          QStringLiteral("%1: %2 -> %3")
              .arg(QString::fromLatin1(key))
              .arg(v.toDouble(), 0, 'g', 17)
              .arg(value ? QString::number(*value) : QStringLiteral("(none)")));
}

void readCached(const QByteArray &value)
{
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(value, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return;
    const QJsonObject o = doc.object();
    const auto song = Song::fromJson(o);
    if (!song)
        return;
    sameNumber(o, "id", std::optional<qint64>(song->id));
    sameNumber(o, "play_count", std::optional<qint64>(song->playCount));
    sameNumber(o, "album_id", song->albumId);
    sameNumber(o, "artist_id", song->artistId);
    sameNumber(o, "duration", song->durationMs);
    sameNumber(o, "track_number", song->trackNumber);
    sameNumber(o, "disc_number", song->discNumber);
    sameNumber(o, "file_size", song->fileSize);
    sameNumber(o, "bit_rate", song->bitRate);
    sameNumber(o, "rating", song->rating);
    check(song->name == o.value(QLatin1String("name")).toString(), "the name changed");
    const auto again = readBack(*song);
    check(again.has_value(), "an accepted cached song does not read back", describe(*song));
    check(*again == *song, "an accepted cached song changed when written again", describe(*song));
}

template<typename T>
std::optional<T> maybe(FuzzedDataProvider &in)
{
    if (!in.ConsumeBool())
        return std::nullopt;
    return in.ConsumeIntegral<T>();
}

bool exact(qint64 v)
{
    return v >= -kExactDouble && v <= kExactDouble;
}

bool exact(const std::optional<qint64> &v)
{
    return !v || exact(*v);
}

void writeSong(FuzzedDataProvider &in)
{
    Song s;
    // The DB may hold any bigint; realistic ones (below 2^53) must survive, the others may miss.
    const bool small = in.ConsumeBool();
    const auto big = [&in, small]() {
        return small ? in.ConsumeIntegralInRange<qint64>(-kExactDouble, kExactDouble)
                     : in.ConsumeIntegral<qint64>();
    };
    const auto count = [&in, small]() {
        return small ? in.ConsumeIntegralInRange<qint64>(0, kExactDouble)
                     : in.ConsumeIntegral<qint64>();
    };
    s.id = big();
    s.playCount = count();
    s.albumId = in.ConsumeBool() ? std::optional<qint64>(big()) : std::nullopt;
    s.artistId = in.ConsumeBool() ? std::optional<qint64>(big()) : std::nullopt;
    s.durationMs = in.ConsumeBool() ? std::optional<qint64>(count()) : std::nullopt;
    s.fileSize = in.ConsumeBool() ? std::optional<qint64>(count()) : std::nullopt;
    s.trackNumber = maybe<int>(in);
    s.discNumber = maybe<int>(in);
    s.bitRate = maybe<int>(in);
    s.rating = small && in.ConsumeBool() ? std::optional<int>(in.ConsumeIntegralInRange(0, 5))
                                         : maybe<int>(in);
    s.createdAtUs = small ? in.ConsumeIntegralInRange<qint64>(kMinMicros, kMaxMicros)
                          : in.ConsumeIntegral<qint64>();
    if (in.ConsumeBool()) {
        s.updatedAtUs = small ? in.ConsumeIntegralInRange<qint64>(kMinMicros, kMaxMicros)
                              : in.ConsumeIntegral<qint64>();
    }
    // Text comes from PostgreSQL, so it is valid UTF-8: any bytes decoded as UTF-8. Names fit their
    // varchar(255) columns (at most one code point per byte).
    s.apiKey = utf8(in.ConsumeRandomLengthString(64));
    s.name = utf8(in.ConsumeRandomLengthString(255));
    s.nameNormalized = utf8(in.ConsumeRandomLengthString(255));
    s.sortName = utf8(in.ConsumeRandomLengthString(255));
    s.filePath = utf8(in.ConsumeRemainingBytesAsString());

    const auto back = readBack(s);
    // What the columns can hold (Song::fromJson rejects the rest as a corrupt entry).
    const auto codePoints = [](const QString &t) {
        return t.toUcs4().size();
    };
    const auto nonNegative = [](const std::optional<qint64> &v) {
        return !v || *v >= 0;
    };
    const bool fitsColumns = s.playCount >= 0 && nonNegative(s.durationMs)
                             && nonNegative(s.fileSize)
                             && (!s.rating || (*s.rating >= 0 && *s.rating <= 5))
                             && codePoints(s.apiKey) <= 36 && codePoints(s.filePath) <= 4096;
    const bool representable
        = fitsColumns && exact(s.id) && exact(s.playCount) && exact(s.albumId) && exact(s.artistId)
          && exact(s.durationMs) && exact(s.fileSize) && s.createdAtUs >= kMinMicros
          && s.createdAtUs <= kMaxMicros
          && (!s.updatedAtUs || (*s.updatedAtUs >= kMinMicros && *s.updatedAtUs <= kMaxMicros));
    if (representable)
        check(back.has_value(), "a cached song does not read back", describe(s));
    if (back)
        check(*back == s, "a cached song reads back as a different song", describe(s));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (data[0] % 2 == 0) {
        readCached(QByteArray(reinterpret_cast<const char *>(data) + 1, qsizetype(size - 1)));
    } else {
        FuzzedDataProvider in(data + 1, size - 1);
        writeSong(in);
    }
    return 0;
}
