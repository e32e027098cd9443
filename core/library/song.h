#pragma once

#include <QJsonObject>
#include <QString>

#include <optional>

namespace melodee {

// One row of melodee_songs. Times are microseconds since the Unix epoch (UTC) so a value read
// back from PostgreSQL compares exactly with the stored one (QDateTime keeps only milliseconds).
struct Song
{
    qint64 id = 0;
    QString apiKey;
    QString name;
    QString nameNormalized;
    QString sortName;
    std::optional<qint64> albumId;
    std::optional<qint64> artistId;
    std::optional<qint64> durationMs;
    std::optional<int> trackNumber;
    std::optional<int> discNumber;
    QString filePath;
    std::optional<qint64> fileSize;
    std::optional<int> bitRate;
    qint64 playCount = 0;
    std::optional<int> rating;
    qint64 createdAtUs = 0;
    std::optional<qint64> updatedAtUs;

    QJsonObject toJson() const;
    // Strict: a missing id/name/created_at, a wrong type or a value outside its column's range
    // (a name over 255 characters, a rating over 5, a number that is not an exact integer within
    // 2^53 or an int column's range) gives std::nullopt, so a corrupt cache entry is ignored
    // rather than half-trusted.
    static std::optional<Song> fromJson(const QJsonObject &object);

    bool operator==(const Song &other) const = default;
};

// A song joined with its artist and album names.
struct SongWithDetails
{
    qint64 id = 0;
    QString name;
    std::optional<qint64> durationMs;
    QString artistName;
    QString albumName;
};

// "2026-03-01T12:00:00.123456Z" for epoch microseconds; the form PostgreSQL accepts as timestamptz.
QString formatUtcMicros(qint64 us);
// Parses the same form (and "YYYY-MM-DD", "YYYY-MM"); std::nullopt when it is not a time.
std::optional<qint64> parseUtcMicros(const QString &text);

} // namespace melodee
