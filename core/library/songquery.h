#pragma once

#include "song.h"

#include <QList>
#include <QString>

#include <optional>

namespace melodee {

// The orders the browser offers; each is backed by a btree index so any page is a range scan.
enum class SongSort {
    Id,      // (id)                              PK index (id, created_at)
    Name,    // (name_normalized, id)             songs(name_normalized, id)
    Artist,  // (artist_id, name_normalized, id)  songs(artist_id, name_normalized, id)
    Created, // (created_at, id)                  songs(created_at, id)
};

QString songSortName(SongSort sort);
std::optional<SongSort> parseSongSort(const QString &text);

// The position of a row in one sort order: the values of that sort's index columns.
struct SongKey
{
    qint64 id = 0;
    QString nameNormalized;
    qint64 artistId = 0;
    qint64 createdAtUs = 0;

    static SongKey of(const Song &song);
};

// An opaque, URL-safe token naming a row position in a sort: "<sort>:<base64url(JSON key)>".
// It carries the key, not an offset, so following it is an index range scan at any depth and it
// stays valid while rows are added or removed elsewhere.
struct SongCursor
{
    SongSort sort = SongSort::Id;
    SongKey key;

    QString encode() const;
    // Throws std::invalid_argument naming the bad token.
    static SongCursor decode(const QString &token);
};

struct SongFilter
{
    std::optional<qint64> artistId;
    std::optional<qint64> albumId;
    std::optional<qint64> createdFromUs; // inclusive
    std::optional<qint64> createdToUs;   // exclusive
    QString search;                      // raw user text; normalised and escaped before binding

    bool isEmpty() const
    {
        return !artistId && !albumId && !createdFromUs && !createdToUs
               && search.trimmed().isEmpty();
    }
};

enum class PageAnchor {
    First,     // the first page of the sort
    Last,      // the last page (read backwards, returned in sort order)
    After,     // rows strictly after the cursor
    Before,    // rows strictly before the cursor (returned in sort order)
    AtOrAfter, // rows from the cursor on (a jump target: fraction, month, id)
};

struct PageRequest
{
    SongSort sort = SongSort::Id;
    SongFilter filter;
    int limit = 50;
    PageAnchor anchor = PageAnchor::First;
    SongKey key; // for After/Before/AtOrAfter
    // The sort reversed. Anchors stay relative to the requested order (First is the largest key,
    // After means smaller keys); the same index is scanned backwards.
    bool descending = false;
};

struct SongPage
{
    QList<Song> songs;
    // Cursors for the neighbouring pages; empty when the page is known to be the edge.
    QString nextCursor;
    QString prevCursor;
};

// A row count and whether it is exact; the two never travel apart.
struct SongCount
{
    qint64 value = 0;
    bool exact = false;
};

// One equality condition of the OFFSET method: the column is checked against a whitelist, the
// value is always bound.
struct SongCondition
{
    QString column;
    std::optional<QString> value; // std::nullopt matches NULL
};

// Escapes LIKE's metacharacters (\ % _) so user text matches literally.
QString escapeLike(const QString &text);

} // namespace melodee
