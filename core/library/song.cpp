#include "song.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QTimeZone>

#include <cmath>
#include <limits>

namespace melodee {

namespace {

void putOpt(QJsonObject &o, const char *key, const std::optional<qint64> &v)
{
    o.insert(QLatin1String(key), v ? QJsonValue(double(*v)) : QJsonValue());
}

void putOpt(QJsonObject &o, const char *key, const std::optional<int> &v)
{
    o.insert(QLatin1String(key), v ? QJsonValue(*v) : QJsonValue());
}

// Integers travel as JSON numbers; ids and byte counts stay well below 2^53. Anything else (a
// fraction, 1e300) is a corrupt entry, and converting it to qint64 would be undefined.
bool readInt(const QJsonObject &o, const char *key, qint64 *out)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (!v.isDouble())
        return false;
    const double d = v.toDouble();
    constexpr double kExact = 9007199254740992.0; // 2^53
    if (!(d >= -kExact && d <= kExact) || d != std::trunc(d))
        return false;
    *out = qint64(d);
    return true;
}

template<typename T>
bool readOpt(const QJsonObject &o, const char *key, std::optional<T> *out)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined() || v.isNull()) {
        out->reset();
        return true;
    }
    qint64 n = 0;
    if (!readInt(o, key, &n) || n < std::numeric_limits<T>::min()
        || n > std::numeric_limits<T>::max())
        return false; // a track number of 2^32 + 2 is corrupt, not track 2
    *out = T(n);
    return true;
}

bool readString(const QJsonObject &o, const char *key, QString *out, bool required)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined() || v.isNull())
        return !required;
    if (!v.isString())
        return false;
    *out = v.toString();
    return true;
}

} // namespace

QJsonObject Song::toJson() const
{
    QJsonObject o;
    o.insert(QLatin1String("id"), double(id));
    o.insert(QLatin1String("api_key"), apiKey);
    o.insert(QLatin1String("name"), name);
    o.insert(QLatin1String("name_normalized"), nameNormalized);
    o.insert(QLatin1String("sort_name"), sortName);
    putOpt(o, "album_id", albumId);
    putOpt(o, "artist_id", artistId);
    putOpt(o, "duration", durationMs);
    putOpt(o, "track_number", trackNumber);
    putOpt(o, "disc_number", discNumber);
    o.insert(QLatin1String("file_path"), filePath);
    putOpt(o, "file_size", fileSize);
    putOpt(o, "bit_rate", bitRate);
    o.insert(QLatin1String("play_count"), double(playCount));
    putOpt(o, "rating", rating);
    o.insert(QLatin1String("created_at"), formatUtcMicros(createdAtUs));
    o.insert(QLatin1String("updated_at"),
             updatedAtUs ? QJsonValue(formatUtcMicros(*updatedAtUs)) : QJsonValue());
    return o;
}

std::optional<Song> Song::fromJson(const QJsonObject &o)
{
    Song s;
    QString created;
    QString updated;
    if (!readInt(o, "id", &s.id) || !readString(o, "name", &s.name, true)
        || !readString(o, "api_key", &s.apiKey, false)
        || !readString(o, "name_normalized", &s.nameNormalized, false)
        || !readString(o, "sort_name", &s.sortName, false) || !readOpt(o, "album_id", &s.albumId)
        || !readOpt(o, "artist_id", &s.artistId) || !readOpt(o, "duration", &s.durationMs)
        || !readOpt(o, "track_number", &s.trackNumber) || !readOpt(o, "disc_number", &s.discNumber)
        || !readString(o, "file_path", &s.filePath, false) || !readOpt(o, "file_size", &s.fileSize)
        || !readOpt(o, "bit_rate", &s.bitRate) || !readInt(o, "play_count", &s.playCount)
        || !readOpt(o, "rating", &s.rating) || !readString(o, "created_at", &created, true)
        || !readString(o, "updated_at", &updated, false)) {
        return std::nullopt;
    }
    const auto c = parseUtcMicros(created);
    if (!c)
        return std::nullopt;
    s.createdAtUs = *c;
    if (!updated.isEmpty()) {
        const auto u = parseUtcMicros(updated);
        if (!u)
            return std::nullopt;
        s.updatedAtUs = *u;
    }
    return s;
}

QString formatUtcMicros(qint64 us)
{
    qint64 secs = us / 1000000;
    qint64 frac = us % 1000000;
    if (frac < 0) {
        frac += 1000000;
        --secs;
    }
    const QDateTime dt = QDateTime::fromSecsSinceEpoch(secs, QTimeZone::utc());
    return dt.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss")) + QLatin1Char('.')
           + QStringLiteral("%1").arg(frac, 6, 10, QLatin1Char('0')) + QLatin1Char('Z');
}

std::optional<qint64> parseUtcMicros(const QString &text)
{
    static const QRegularExpression re(QStringLiteral(
        R"(^(\d{4})-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?)?)?(Z|[+-]00(?::?00)?)?$)"));
    const auto m = re.match(text.trimmed());
    if (!m.hasMatch())
        return std::nullopt;
    const int year = m.captured(1).toInt();
    const int month = m.captured(2).toInt();
    const int day = m.captured(3).isEmpty() ? 1 : m.captured(3).toInt();
    const QDate date(year, month, day);
    const QTime time(m.captured(4).toInt(), m.captured(5).toInt(), m.captured(6).toInt());
    if (!date.isValid() || !time.isValid())
        return std::nullopt;
    const QDateTime dt(date, time, QTimeZone::utc());
    qint64 micros = 0;
    if (!m.captured(7).isEmpty())
        micros = m.captured(7).leftJustified(6, QLatin1Char('0')).toLongLong();
    return dt.toSecsSinceEpoch() * 1000000 + micros;
}

} // namespace melodee
