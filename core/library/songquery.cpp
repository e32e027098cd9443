#include "songquery.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>
#include <stdexcept>

namespace melodee {

QString songSortName(SongSort sort)
{
    switch (sort) {
    case SongSort::Id:
        return QStringLiteral("id");
    case SongSort::Name:
        return QStringLiteral("name");
    case SongSort::Artist:
        return QStringLiteral("artist");
    case SongSort::Created:
        return QStringLiteral("created");
    }
    return QString();
}

std::optional<SongSort> parseSongSort(const QString &text)
{
    for (SongSort s : {SongSort::Id, SongSort::Name, SongSort::Artist, SongSort::Created}) {
        if (text == songSortName(s))
            return s;
    }
    return std::nullopt;
}

SongKey SongKey::of(const Song &song)
{
    SongKey k;
    k.id = song.id;
    k.nameNormalized = song.nameNormalized;
    k.artistId = song.artistId.value_or(0);
    k.createdAtUs = song.createdAtUs;
    return k;
}

QString SongCursor::encode() const
{
    QJsonArray a;
    switch (sort) {
    case SongSort::Id:
        break;
    case SongSort::Name:
        a.append(key.nameNormalized);
        break;
    case SongSort::Artist:
        a.append(double(key.artistId));
        a.append(key.nameNormalized);
        break;
    case SongSort::Created:
        // As a string: microseconds since 1970 exceed what a JSON double holds exactly.
        a.append(QString::number(key.createdAtUs));
        break;
    }
    a.append(QString::number(key.id));
    const QByteArray body = QJsonDocument(a).toJson(QJsonDocument::Compact);
    return songSortName(sort) + QLatin1Char(':')
           + QString::fromLatin1(
               body.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

SongCursor SongCursor::decode(const QString &token)
{
    const auto bad = [&token](const char *why) {
        return std::invalid_argument(QStringLiteral("invalid cursor \"%1\": %2")
                                         .arg(token.left(200), QLatin1String(why))
                                         .toStdString());
    };
    const qsizetype colon = token.indexOf(QLatin1Char(':'));
    if (colon <= 0)
        throw bad("expected <sort>:<key>");
    const auto sort = parseSongSort(token.left(colon));
    if (!sort)
        throw bad("unknown sort");
    const auto decoded = QByteArray::fromBase64Encoding(
        token.mid(colon + 1).toLatin1(),
        QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        throw bad("key is not base64url");
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(*decoded, &err);
    if (err.error != QJsonParseError::NoError || !doc.isArray())
        throw bad("key is not a JSON array");
    const QJsonArray a = doc.array();
    const qsizetype expected = *sort == SongSort::Id ? 1 : *sort == SongSort::Artist ? 3 : 2;
    if (a.size() != expected)
        throw bad("wrong number of key parts for the sort");
    const auto toInt = [&bad](const QJsonValue &v) {
        bool ok = false;
        const qint64 n = v.toString().toLongLong(&ok);
        if (!v.isString() || !ok)
            throw bad("a key part is not an integer");
        return n;
    };
    SongCursor c;
    c.sort = *sort;
    c.key.id = toInt(a.last());
    switch (*sort) {
    case SongSort::Id:
        break;
    case SongSort::Name:
        if (!a.at(0).isString())
            throw bad("name part is not a string");
        c.key.nameNormalized = a.at(0).toString();
        break;
    case SongSort::Artist: {
        if (!a.at(0).isDouble() || !a.at(1).isString())
            throw bad("artist key parts have the wrong types");
        // encode() writes the artist id as a JSON number: an integer within +-2^53. Converting
        // anything else (1e300) to qint64 would be undefined.
        const double artist = a.at(0).toDouble();
        if (!(std::abs(artist) <= 9007199254740992.0) || artist != std::trunc(artist))
            throw bad("the artist id is not an integer");
        c.key.artistId = qint64(artist);
        c.key.nameNormalized = a.at(1).toString();
        break;
    }
    case SongSort::Created:
        c.key.createdAtUs = toInt(a.at(0));
        break;
    }
    return c;
}

QString escapeLike(const QString &text)
{
    QString out;
    out.reserve(text.size() + 4);
    for (const QChar c : text) {
        if (c == QLatin1Char('\\') || c == QLatin1Char('%') || c == QLatin1Char('_'))
            out.append(QLatin1Char('\\'));
        out.append(c);
    }
    return out;
}

} // namespace melodee
