#include "songrepository.h"

#include "db/dberror.h"
#include "db/pgconnection.h"
#include "namenormalizer.h"
#include "util/logging.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtEndian>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace melodee {

namespace {

constexpr int kMaxLimit = 10000;
constexpr unsigned int kInt8ArrayOid = 1016;

QString quoteIdent(const QString &name)
{
    QString q = name;
    q.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + q + QLatin1Char('"');
}

// The columns of Song, in the order songFromRow() reads them.
const char *const kSongColumns
    = "s.id, s.api_key::text, s.name, s.name_normalized, s.sort_name, s.album_id, s.artist_id, "
      "s.duration, s.track_number, s.disc_number, s.file_path, s.file_size, s.bit_rate, "
      "s.play_count, s.rating, (extract(epoch from s.created_at) * 1000000)::int8, "
      "(extract(epoch from s.updated_at) * 1000000)::int8";

std::optional<qint64> optInt(const PgResult &r, int row, int col)
{
    if (r.isNull(row, col))
        return std::nullopt;
    return r.toInt64(row, col);
}

std::optional<int> optInt32(const PgResult &r, int row, int col)
{
    if (r.isNull(row, col))
        return std::nullopt;
    return int(r.toInt64(row, col));
}

Song songFromRow(const PgResult &r, int row)
{
    Song s;
    s.id = r.toInt64(row, 0);
    s.apiKey = r.text(row, 1);
    s.name = r.text(row, 2);
    s.nameNormalized = r.text(row, 3);
    s.sortName = r.text(row, 4);
    s.albumId = optInt(r, row, 5);
    s.artistId = optInt(r, row, 6);
    s.durationMs = optInt(r, row, 7);
    s.trackNumber = optInt32(r, row, 8);
    s.discNumber = optInt32(r, row, 9);
    s.filePath = r.text(row, 10);
    s.fileSize = optInt(r, row, 11);
    s.bitRate = optInt32(r, row, 12);
    s.playCount = r.isNull(row, 13) ? 0 : r.toInt64(row, 13);
    s.rating = optInt32(r, row, 14);
    s.createdAtUs = r.toInt64(row, 15);
    s.updatedAtUs = optInt(r, row, 16);
    return s;
}

PgParams toParams(const QList<QByteArray> &values)
{
    PgParams p;
    p.reserve(values.size());
    for (const QByteArray &v : values)
        p.append(v);
    return p;
}

QByteArray placeholder(QList<QByteArray> *params, const QByteArray &value)
{
    params->append(value);
    return '$' + QByteArray::number(params->size());
}

void checkLimit(int limit)
{
    if (limit < 1 || limit > kMaxLimit)
        throw std::invalid_argument(
            QStringLiteral("invalid page limit %1: must be between 1 and %2")
                .arg(limit)
                .arg(kMaxLimit)
                .toStdString());
}

const char *sortColumn(SongSort sort)
{
    switch (sort) {
    case SongSort::Id:
        return "id";
    case SongSort::Name:
        return "name_normalized";
    case SongSort::Artist:
        return "artist_id";
    case SongSort::Created:
        return "created_at";
    }
    return "id";
}

// The histogram's bounds, as text (names) or as int8 (id, artist_id, created_at in microseconds).
QStringList histogram(PgConnection &conn, const SongRepository &repo, SongSort sort)
{
    QList<QByteArray> params;
    const QByteArray sql = repo.histogramSql(sort, &params);
    PgResult r = conn.execCached(
        sql, toParams(params), {QStringLiteral("songs.histogram"), repo.songsTable()});
    QStringList out;
    out.reserve(r.rows());
    for (int i = 0; i < r.rows(); ++i)
        out.append(r.text(i, 0));
    return out;
}

} // namespace

SongRepository::SongRepository(const SessionConfig &session)
    : m_session(session)
    , m_songs(session.tableName(QStringLiteral("song")))
    , m_albums(session.tableName(QStringLiteral("album")))
    , m_artists(session.tableName(QStringLiteral("artist")))
{}

QString SongRepository::filterSql(const SongFilter &filter, QList<QByteArray> *params) const
{
    QStringList parts;
    if (filter.artistId)
        parts << QStringLiteral("s.artist_id = %1::int8")
                     .arg(QString::fromLatin1(
                         placeholder(params, QByteArray::number(*filter.artistId))));
    if (filter.albumId)
        parts << QStringLiteral("s.album_id = %1::int8")
                     .arg(QString::fromLatin1(
                         placeholder(params, QByteArray::number(*filter.albumId))));
    if (filter.createdFromUs)
        parts << QStringLiteral("s.created_at >= %1::timestamptz")
                     .arg(QString::fromLatin1(
                         placeholder(params, formatUtcMicros(*filter.createdFromUs).toUtf8())));
    if (filter.createdToUs)
        parts << QStringLiteral("s.created_at < %1::timestamptz")
                     .arg(QString::fromLatin1(
                         placeholder(params, formatUtcMicros(*filter.createdToUs).toUtf8())));
    const QString term = normalizeName(filter.search);
    if (!term.isEmpty()) {
        // name_normalized is already lower-case, so LIKE (not ILIKE) and the trigram index serve.
        const QByteArray pattern = ('%' + escapeLike(term) + '%').toUtf8();
        parts << QStringLiteral("s.name_normalized LIKE %1 ESCAPE '\\'")
                     .arg(QString::fromLatin1(placeholder(params, pattern)));
    }
    return parts.join(QStringLiteral(" AND "));
}

QByteArray SongRepository::histogramSql(SongSort sort, QList<QByteArray> *params) const
{
    const QByteArray value = sort == SongSort::Created
                                 ? "(extract(epoch from b::timestamptz) * 1000000)::int8::text"
                                 : "b";
    const QByteArray table = placeholder(params, m_songs.toUtf8());
    const QByteArray column = placeholder(params, QByteArray(sortColumn(sort)));
    return "SELECT " + value
           + " FROM pg_stats st, unnest(st.histogram_bounds::text::text[]) WITH ORDINALITY "
             "AS u(b, n) WHERE st.schemaname = current_schema() AND st.tablename = "
           + table + " AND st.attname = " + column + " AND st.inherited ORDER BY u.n";
}

bool SongRepository::pageUsesGenericPlan(const PgConnection &conn, const PageRequest &request)
{
    return conn.usePreparedStatements() && normalizeName(request.filter.search).isEmpty();
}

QByteArray SongRepository::pageSql(const PageRequest &req, QList<QByteArray> *params) const
{
    checkLimit(req.limit);
    QStringList where;
    const QString filter = filterSql(req.filter, params);
    if (!filter.isEmpty())
        where << filter;
    // A NULL artist has no place in "artist, then name" order; keeping them out keeps every page
    // a range of the (artist_id, name_normalized, id) index.
    if (req.sort == SongSort::Artist)
        where << QStringLiteral("s.artist_id IS NOT NULL");

    // The index is scanned backwards when reading against the requested order (Last, Before) of
    // an ascending sort, or with it in a descending one.
    const bool backwards = req.anchor == PageAnchor::Last || req.anchor == PageAnchor::Before;
    const bool descending = backwards != req.descending;
    if (req.anchor == PageAnchor::After || req.anchor == PageAnchor::Before
        || req.anchor == PageAnchor::AtOrAfter) {
        // "After" in a descending order is "smaller key".
        const QString op = req.anchor == PageAnchor::Before
                               ? (req.descending ? QStringLiteral(">") : QStringLiteral("<"))
                           : req.anchor == PageAnchor::After
                               ? (req.descending ? QStringLiteral("<") : QStringLiteral(">"))
                               : (req.descending ? QStringLiteral("<=") : QStringLiteral(">="));
        const SongKey &k = req.key;
        const auto ph = [params](const QByteArray &v) {
            return QString::fromLatin1(placeholder(params, v));
        };
        switch (req.sort) {
        case SongSort::Id:
            where << QStringLiteral("s.id %1 %2::int8").arg(op, ph(QByteArray::number(k.id)));
            break;
        case SongSort::Name: {
            const QString n = ph(k.nameNormalized.toUtf8());
            where << QStringLiteral("(s.name_normalized, s.id) %1 (%2, %3::int8)")
                         .arg(op, n, ph(QByteArray::number(k.id)));
            break;
        }
        case SongSort::Artist: {
            const QString a = ph(QByteArray::number(k.artistId));
            const QString n = ph(k.nameNormalized.toUtf8());
            where << QStringLiteral(
                         "(s.artist_id, s.name_normalized, s.id) %1 (%2::int8, %3, %4::int8)")
                         .arg(op, a, n, ph(QByteArray::number(k.id)));
            break;
        }
        case SongSort::Created: {
            const QString t = ph(formatUtcMicros(k.createdAtUs).toUtf8());
            where << QStringLiteral("(s.created_at, s.id) %1 (%2::timestamptz, %3::int8)")
                         .arg(op, t, ph(QByteArray::number(k.id)));
            // The row comparison alone does not prune partitions; this plain bound does.
            where << QStringLiteral("s.created_at %1 %2::timestamptz")
                         .arg(descending ? QStringLiteral("<=") : QStringLiteral(">="), t);
            break;
        }
        }
    }

    const QString dir = descending ? QStringLiteral(" DESC") : QString();
    QStringList order;
    switch (req.sort) {
    case SongSort::Id:
        order << QStringLiteral("s.id") + dir;
        break;
    case SongSort::Name:
        order << QStringLiteral("s.name_normalized") + dir << QStringLiteral("s.id") + dir;
        break;
    case SongSort::Artist:
        order << QStringLiteral("s.artist_id") + dir << QStringLiteral("s.name_normalized") + dir
              << QStringLiteral("s.id") + dir;
        break;
    case SongSort::Created:
        order << QStringLiteral("s.created_at") + dir << QStringLiteral("s.id") + dir;
        break;
    }
    QString sql = QStringLiteral("SELECT %1 FROM %2 s")
                      .arg(QLatin1String(kSongColumns), quoteIdent(m_songs));
    if (!where.isEmpty())
        sql += QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND "));
    // One extra row tells whether another page follows in the direction of travel.
    sql += QStringLiteral(" ORDER BY %1 LIMIT %2")
               .arg(order.join(QStringLiteral(", ")))
               .arg(req.limit + 1);
    return sql.toUtf8();
}

SongPage SongRepository::page(PgConnection &conn, const PageRequest &req) const
{
    QList<QByteArray> params;
    const QByteArray sql = pageSql(req, &params);
    // Planning a statement over dozens of partitions costs far more than running a keyset page,
    // and with changing keys PostgreSQL keeps choosing fresh custom plans. Keyset shapes are
    // index range scans whatever the key (and created_at is still pruned at executor start), so
    // run them on the cached generic plan.
    // A generic plan for a search would guess the pattern's selectivity and may walk the whole
    // name index for a rare term, so searches are always planned for their pattern.
    const bool generic = conn.usePreparedStatements();
    if (generic)
        conn.exec(pageUsesGenericPlan(conn, req)
                      ? QByteArray("SET plan_cache_mode = force_generic_plan")
                      : QByteArray("SET plan_cache_mode = force_custom_plan"),
                  {QStringLiteral("songs.page"), m_songs});
    PgResult r;
    try {
        r = conn.execCached(sql, toParams(params), {QStringLiteral("songs.page"), m_songs});
    } catch (...) {
        if (generic && !conn.isBroken()) {
            try {
                conn.exec("RESET plan_cache_mode");
            } catch (const DbError &) {
            }
        }
        throw;
    }
    if (generic)
        conn.exec("RESET plan_cache_mode", {QStringLiteral("songs.page"), m_songs});
    SongPage page;
    const int rows = r.rows();
    const bool more = rows > req.limit;
    const int take = std::min(rows, req.limit);
    page.songs.reserve(take);
    for (int i = 0; i < take; ++i)
        page.songs.append(songFromRow(r, i));
    const bool backwards = req.anchor == PageAnchor::Last || req.anchor == PageAnchor::Before;
    if (backwards)
        std::reverse(page.songs.begin(), page.songs.end());

    const auto cursorOf = [&req](const SongKey &key) {
        return SongCursor{req.sort, key}.encode();
    };
    const QString first
        = page.songs.isEmpty() ? QString() : cursorOf(SongKey::of(page.songs.first()));
    const QString last
        = page.songs.isEmpty() ? QString() : cursorOf(SongKey::of(page.songs.last()));
    switch (req.anchor) {
    case PageAnchor::First:
        page.nextCursor = more ? last : QString();
        break;
    case PageAnchor::Last:
        page.prevCursor = more ? first : QString();
        break;
    case PageAnchor::After:
        page.nextCursor = more ? last : QString();
        page.prevCursor = page.songs.isEmpty() ? cursorOf(req.key) : first;
        break;
    case PageAnchor::AtOrAfter:
        // A jump lands anywhere; rows before it may exist, so offer the way back.
        page.nextCursor = more ? last : QString();
        page.prevCursor = first;
        break;
    case PageAnchor::Before:
        page.prevCursor = more ? first : QString();
        page.nextCursor = page.songs.isEmpty() ? cursorOf(req.key) : last;
        break;
    }
    return page;
}

std::optional<SongKey> SongRepository::keyAtFraction(PgConnection &conn,
                                                     SongSort sort,
                                                     const SongFilter &filter,
                                                     double fraction) const
{
    if (!(fraction >= 0.0 && fraction <= 1.0))
        throw std::invalid_argument(
            QStringLiteral("invalid position %1: must be a fraction between 0 and 1")
                .arg(fraction)
                .toStdString());
    SongKey key;
    const auto setNumeric = [&key, sort](qint64 v) {
        if (sort == SongSort::Id)
            key.id = v;
        else if (sort == SongSort::Artist)
            key.artistId = v;
        else
            key.createdAtUs = v;
    };
    const QStringList bounds = filter.isEmpty() ? histogram(conn, *this, sort) : QStringList();
    if (bounds.size() >= 2) {
        const double pos = fraction * double(bounds.size() - 1);
        const int i = std::min(int(pos), int(bounds.size()) - 2);
        if (sort == SongSort::Name) {
            key.nameNormalized = bounds.at(int(std::lround(pos)));
            return key;
        }
        const double lo = bounds.at(i).toDouble();
        const double hi = bounds.at(i + 1).toDouble();
        setNumeric(qint64(std::floor(lo + (hi - lo) * (pos - i))));
        return key;
    }
    if (sort == SongSort::Name)
        return std::nullopt;
    // No statistics (or a filter they don't describe): interpolate between the filtered
    // minimum and maximum, each one index probe.
    QList<QByteArray> params;
    QString where = filterSql(filter, &params);
    if (sort == SongSort::Artist)
        where = where.isEmpty() ? QStringLiteral("s.artist_id IS NOT NULL")
                                : where + QStringLiteral(" AND s.artist_id IS NOT NULL");
    const QString col = sort == SongSort::Created
                            ? QStringLiteral("(extract(epoch from s.created_at) * 1000000)::int8")
                            : QStringLiteral("s.") + QLatin1String(sortColumn(sort));
    const QString order = QStringLiteral("s.") + QLatin1String(sortColumn(sort));
    const QString w = where.isEmpty() ? QString() : QStringLiteral(" WHERE ") + where;
    const QString sql = QStringLiteral("SELECT (SELECT %1 FROM %2 s%3 ORDER BY %4 LIMIT 1), "
                                       "(SELECT %1 FROM %2 s%3 ORDER BY %4 DESC LIMIT 1)")
                            .arg(col, quoteIdent(m_songs), w, order);
    PgResult r
        = conn.exec(sql.toUtf8(), toParams(params), {QStringLiteral("songs.range"), m_songs});
    if (r.rows() != 1 || r.isNull(0, 0))
        return std::nullopt;
    const double lo = double(r.toInt64(0, 0));
    const double hi = double(r.toInt64(0, 1));
    setNumeric(qint64(std::floor(lo + (hi - lo) * fraction)));
    return key;
}

PageRequest SongRepository::fractionRequest(PgConnection &conn,
                                            SongSort sort,
                                            const SongFilter &filter,
                                            double fraction,
                                            int limit,
                                            bool descending) const
{
    checkLimit(limit);
    PageRequest req;
    req.sort = sort;
    req.filter = filter;
    req.limit = limit;
    req.descending = descending;
    // A fraction of the descending order is the complementary fraction of the ascending one.
    const auto key = keyAtFraction(conn,
                                   sort,
                                   filter,
                                   descending && fraction >= 0.0 && fraction <= 1.0 ? 1.0 - fraction
                                                                                    : fraction);
    if (fraction >= 1.0 || (!key && fraction >= 0.5)) {
        req.anchor = PageAnchor::Last;
    } else if (fraction <= 0.0 || !key) {
        req.anchor = PageAnchor::First;
    } else {
        req.anchor = PageAnchor::AtOrAfter;
        req.key = *key;
    }
    return req;
}

SongPage SongRepository::pageAtFraction(PgConnection &conn,
                                        SongSort sort,
                                        const SongFilter &filter,
                                        double fraction,
                                        int limit,
                                        bool descending) const
{
    PageRequest req = fractionRequest(conn, sort, filter, fraction, limit, descending);
    SongPage p = page(conn, req);
    // Near the end the key can leave less than a page; show the last full page instead.
    if (req.anchor == PageAnchor::AtOrAfter && p.songs.size() < limit) {
        req.anchor = PageAnchor::Last;
        p = page(conn, req);
    }
    return p;
}

SongPage SongRepository::pageAtMonth(
    PgConnection &conn, int year, int month, const SongFilter &filter, int limit) const
{
    if (year < 1 || year > 9999 || month < 1 || month > 12)
        throw std::invalid_argument(QStringLiteral("invalid month %1-%2: expected YYYY-MM")
                                        .arg(year)
                                        .arg(month)
                                        .toStdString());
    PageRequest req;
    req.sort = SongSort::Created;
    req.filter = filter;
    req.limit = limit;
    req.anchor = PageAnchor::AtOrAfter;
    req.key.createdAtUs = *parseUtcMicros(QStringLiteral("%1-%2")
                                              .arg(year, 4, 10, QLatin1Char('0'))
                                              .arg(month, 2, 10, QLatin1Char('0')));
    return page(conn, req);
}

SongPage SongRepository::pageAtSong(
    PgConnection &conn, SongSort sort, qint64 id, const SongFilter &filter, int limit) const
{
    PageRequest req;
    req.sort = sort;
    req.filter = filter;
    req.limit = limit;
    req.anchor = PageAnchor::AtOrAfter;
    if (sort == SongSort::Id) {
        req.key.id = id;
        return page(conn, req);
    }
    SessionConfig strict = m_session;
    strict.ignoreNotFoundError = false;
    const Song song = *SongRepository(strict).songById(conn, id);
    req.key = SongKey::of(song);
    return page(conn, req);
}

std::optional<double>
SongRepository::estimateFraction(PgConnection &conn, SongSort sort, const SongKey &key) const
{
    const QStringList bounds = histogram(conn, *this, sort);
    if (bounds.size() >= 2) {
        const int n = int(bounds.size());
        double v = 0;
        if (sort == SongSort::Name) {
            // Compare on the server so the database's collation decides, as it does for ORDER BY.
            QByteArrayList quoted;
            for (const QString &b : bounds) {
                QString e = b;
                e.replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
                    .replace(QLatin1Char('"'), QStringLiteral("\\\""));
                quoted << ('"' + e.toUtf8() + '"');
            }
            PgResult r = conn.execCached(
                "SELECT count(*) FILTER (WHERE b < $1::text) FROM unnest($2::text[]) b",
                {key.nameNormalized.toUtf8(), '{' + quoted.join(',') + '}'},
                {QStringLiteral("songs.fraction"), m_songs});
            const qint64 below = r.toInt64(0, 0);
            return std::clamp(double(std::max<qint64>(below - 1, 0)) / double(n - 1), 0.0, 1.0);
        }
        v = double(sort == SongSort::Id       ? key.id
                   : sort == SongSort::Artist ? key.artistId
                                              : key.createdAtUs);
        QList<double> b;
        for (const QString &s : bounds)
            b << s.toDouble();
        if (v <= b.first())
            return 0.0;
        if (v >= b.last())
            return 1.0;
        const auto it = std::upper_bound(b.begin(), b.end(), v);
        const int i = int(it - b.begin()) - 1;
        const double within = b.at(i + 1) > b.at(i) ? (v - b.at(i)) / (b.at(i + 1) - b.at(i)) : 0;
        return (i + within) / double(n - 1);
    }
    if (sort == SongSort::Name)
        return std::nullopt;
    const auto lo = keyAtFraction(conn, sort, {}, 0.0);
    const auto hi = keyAtFraction(conn, sort, {}, 1.0);
    if (!lo || !hi)
        return std::nullopt;
    const auto value = [sort](const SongKey &k) {
        return double(sort == SongSort::Id       ? k.id
                      : sort == SongSort::Artist ? k.artistId
                                                 : k.createdAtUs);
    };
    const double span = value(*hi) - value(*lo);
    if (span <= 0)
        return 0.0;
    return std::clamp((value(key) - value(*lo)) / span, 0.0, 1.0);
}

SongCount SongRepository::count(PgConnection &conn, const SongFilter &filter, bool exact) const
{
    QList<QByteArray> params;
    const QString where = filterSql(filter, &params);
    const QString from = quoteIdent(m_songs) + QStringLiteral(" s")
                         + (where.isEmpty() ? QString() : QStringLiteral(" WHERE ") + where);
    if (exact) {
        PgResult r = conn.exec(QStringLiteral("SELECT count(*) FROM %1").arg(from).toUtf8(),
                               toParams(params),
                               {QStringLiteral("songs.count"), m_songs});
        return {r.toInt64(0, 0), true};
    }
    if (where.isEmpty()) {
        // reltuples is what VACUUM/ANALYZE last saw; -1 means a partition was never analysed.
        // relpages is only set by those too, so a never-analysed partition that has since been
        // loaded still says 0 pages: its real size (one stat call) tells an empty new partition
        // from a loaded one, whose rows are estimated at the analysed partitions' rows per page
        // (as the planner scales reltuples). The planner's own guess for a never-analysed table
        // comes from column widths and was off by 15x in tests.
        PgResult r = conn.execCached(
            "SELECT coalesce(sum(c.reltuples) FILTER (WHERE c.reltuples >= 0), 0)::float8, "
            "coalesce(sum(c.reltuples) FILTER (WHERE c.reltuples > 0 AND c.relpages > 0) "
            "  / nullif(sum(c.relpages) FILTER (WHERE c.reltuples > 0 AND c.relpages > 0), 0), "
            "  0)::float8, "
            "coalesce(sum(CASE WHEN c.reltuples < 0 THEN pg_relation_size(c.oid) END) "
            "  / current_setting('block_size')::int8, 0)::float8 "
            "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = $1::regclass",
            {quoteIdent(m_songs).toUtf8()},
            {QStringLiteral("songs.estimate"), m_songs});
        const double known = r.toDouble(0, 0);
        const double rowsPerPage = r.toDouble(0, 1);
        const double unknownPages = r.toDouble(0, 2);
        if (unknownPages == 0)
            return {qint64(std::llround(known)), false};
        if (rowsPerPage > 0)
            return {qint64(std::llround(known + rowsPerPage * unknownPages)), false};
    }
    // Filtered, or nothing analysed yet: the planner's own row estimate.
    PgResult r
        = conn.exec(QStringLiteral("EXPLAIN (FORMAT JSON) SELECT 1 FROM %1").arg(from).toUtf8(),
                    toParams(params),
                    {QStringLiteral("songs.estimate"), m_songs});
    const QJsonDocument doc = QJsonDocument::fromJson(r.bytes(0, 0));
    const double rows = doc.array()
                            .at(0)
                            .toObject()
                            .value(QLatin1String("Plan"))
                            .toObject()
                            .value(QLatin1String("Plan Rows"))
                            .toDouble();
    return {qint64(rows), false};
}

QStringList SongRepository::conditionColumns()
{
    return {QStringLiteral("id"),
            QStringLiteral("api_key"),
            QStringLiteral("name"),
            QStringLiteral("name_normalized"),
            QStringLiteral("sort_name"),
            QStringLiteral("album_id"),
            QStringLiteral("artist_id"),
            QStringLiteral("duration"),
            QStringLiteral("track_number"),
            QStringLiteral("disc_number"),
            QStringLiteral("file_path"),
            QStringLiteral("file_size"),
            QStringLiteral("bit_rate"),
            QStringLiteral("play_count"),
            QStringLiteral("rating")};
}

SongRepository::OffsetPage SongRepository::songsPaginated(
    PgConnection &conn, qint64 offset, int limit, const QList<SongCondition> &conditions) const
{
    checkLimit(limit);
    if (offset < 0)
        throw std::invalid_argument(
            QStringLiteral("invalid offset %1: must not be negative").arg(offset).toStdString());
    const QStringList allowed = conditionColumns();
    QList<QByteArray> params;
    QStringList parts;
    QVariantMap shown;
    for (const SongCondition &c : conditions) {
        if (!allowed.contains(c.column))
            throw std::invalid_argument(
                QStringLiteral("unknown condition column \"%1\"; allowed: %2")
                    .arg(c.column.left(100), allowed.join(QStringLiteral(", ")))
                    .toStdString());
        if (!c.value) {
            parts << QStringLiteral("s.%1 IS NULL").arg(c.column);
        } else {
            parts << QStringLiteral("s.%1 = %2")
                         .arg(c.column,
                              QString::fromLatin1(placeholder(&params, c.value->toUtf8())));
        }
    }
    const QString where = parts.isEmpty()
                              ? QString()
                              : QStringLiteral(" WHERE ") + parts.join(QStringLiteral(" AND "));
    OffsetPage out;
    const OpContext ctx{QStringLiteral("songs.paginated"), m_songs};
    PgResult total = conn.exec(
        QStringLiteral("SELECT count(*) FROM %1 s%2").arg(quoteIdent(m_songs), where).toUtf8(),
        toParams(params),
        ctx);
    out.total = {total.toInt64(0, 0), true};
    QList<QByteArray> pageParams = params;
    const QString off = QString::fromLatin1(placeholder(&pageParams, QByteArray::number(offset)));
    const QString lim = QString::fromLatin1(placeholder(&pageParams, QByteArray::number(limit)));
    PgResult r = conn.exec(
        QStringLiteral("SELECT %1 FROM %2 s%3 ORDER BY s.id OFFSET %4::int8 LIMIT %5::int8")
            .arg(QLatin1String(kSongColumns), quoteIdent(m_songs), where, off, lim)
            .toUtf8(),
        toParams(pageParams),
        ctx);
    for (int i = 0; i < r.rows(); ++i)
        out.songs.append(songFromRow(r, i));
    return out;
}

QList<SongWithDetails> SongRepository::songsWithAlbumAndArtist(PgConnection &conn,
                                                               const QList<qint64> &ids) const
{
    QList<SongWithDetails> out;
    if (ids.isEmpty())
        return out;
    // int8[] in PostgreSQL's binary array format: header, one dimension, then (length, value)
    // pairs, all big-endian. One parameter however many ids: no SQL text grows with the list.
    QByteArray array;
    array.reserve(20 + ids.size() * 12);
    const auto put32 = [&array](qint32 v) {
        char b[4];
        qToBigEndian(v, b);
        array.append(b, 4);
    };
    put32(1);  // ndim
    put32(0);  // has nulls
    put32(20); // element type int8
    put32(qint32(ids.size()));
    put32(1); // lower bound
    for (qint64 id : ids) {
        put32(8);
        char b[8];
        qToBigEndian(id, b);
        array.append(b, 8);
    }
    const QString sql = QStringLiteral("SELECT s.id, s.name, s.duration, a.name, al.name FROM %1 s "
                                       "LEFT JOIN %2 a ON a.id = s.artist_id "
                                       "LEFT JOIN %3 al ON al.id = s.album_id "
                                       "WHERE s.id = ANY($1) ORDER BY s.id")
                            .arg(quoteIdent(m_songs), quoteIdent(m_artists), quoteIdent(m_albums));
    const unsigned int types[1] = {kInt8ArrayOid};
    const char *values[1] = {array.constData()};
    const int lengths[1] = {int(array.size())};
    const int formats[1] = {1};
    PgResult r = conn.execRaw(sql.toUtf8(),
                              1,
                              types,
                              values,
                              lengths,
                              formats,
                              0,
                              {QStringLiteral("songs.withAlbumAndArtist"), m_songs});
    out.reserve(r.rows());
    for (int i = 0; i < r.rows(); ++i) {
        SongWithDetails d;
        d.id = r.toInt64(i, 0);
        d.name = r.text(i, 1);
        d.durationMs = optInt(r, i, 2);
        d.artistName = r.text(i, 3);
        d.albumName = r.text(i, 4);
        out.append(d);
    }
    return out;
}

std::optional<Song> SongRepository::songById(PgConnection &conn, qint64 id) const
{
    const QByteArray sql = QStringLiteral("SELECT %1 FROM %2 s WHERE s.id = $1::int8 LIMIT 1")
                               .arg(QLatin1String(kSongColumns), quoteIdent(m_songs))
                               .toUtf8();
    PgResult r
        = conn.execCached(sql, {QByteArray::number(id)}, {QStringLiteral("songs.byId"), m_songs});
    if (r.rows() == 0) {
        if (m_session.ignoreNotFoundError)
            return std::nullopt;
        DbError e(QStringLiteral("songs.byId"), m_songs, QStringLiteral("record not found"));
        e.setSqlState(QLatin1String(DbError::kNotFound));
        e.setParams({{QStringLiteral("id"), id}});
        throw e;
    }
    return songFromRow(r, 0);
}

qint64 SongRepository::write(PgConnection &conn,
                             const QString &operation,
                             const QByteArray &sql,
                             const QList<QByteArray> &params) const
{
    if (m_session.dryRun) {
        RecordedStatement st;
        st.sql = QString::fromUtf8(sql);
        for (const QByteArray &p : params)
            st.params << QString::fromUtf8(p);
        qCInfo(lcLibrary) << "dry run:" << operation << st.sql;
        QMutexLocker lock(&m_recordMutex);
        m_recorded.append(st);
        return 0;
    }
    PgResult r = conn.exec(sql, toParams(params), {operation, m_songs});
    return r.affectedRows();
}

qint64 SongRepository::renameSong(PgConnection &conn, qint64 id, const QString &newName) const
{
    const QString name = newName.trimmed();
    if (name.isEmpty())
        throw std::invalid_argument(QStringLiteral("invalid song name \"%1\": must not be empty")
                                        .arg(newName)
                                        .toStdString());
    if (truncateCodePoints(name, 255) != name)
        throw std::invalid_argument(
            QStringLiteral("invalid song name \"%1...\": longer than 255 characters")
                .arg(name.left(40))
                .toStdString());
    const QString normalized = truncateCodePoints(normalizeName(name), 255);
    const QByteArray sql = QStringLiteral("UPDATE %1 SET name = $2, name_normalized = $3, "
                                          "updated_at = now() WHERE id = $1::int8")
                               .arg(quoteIdent(m_songs))
                               .toUtf8();
    const qint64 n = write(conn,
                           QStringLiteral("songs.rename"),
                           sql,
                           {QByteArray::number(id), name.toUtf8(), normalized.toUtf8()});
    if (n == 0 && !m_session.dryRun && !m_session.ignoreNotFoundError) {
        DbError e(QStringLiteral("songs.rename"), m_songs, QStringLiteral("record not found"));
        e.setSqlState(QLatin1String(DbError::kNotFound));
        e.setParams({{QStringLiteral("id"), id}});
        throw e;
    }
    return n;
}

qint64 SongRepository::deleteSong(PgConnection &conn, qint64 id) const
{
    const QByteArray sql
        = QStringLiteral("DELETE FROM %1 WHERE id = $1::int8").arg(quoteIdent(m_songs)).toUtf8();
    const qint64 n = write(conn, QStringLiteral("songs.delete"), sql, {QByteArray::number(id)});
    if (n == 0 && !m_session.dryRun && !m_session.ignoreNotFoundError) {
        DbError e(QStringLiteral("songs.delete"), m_songs, QStringLiteral("record not found"));
        e.setSqlState(QLatin1String(DbError::kNotFound));
        e.setParams({{QStringLiteral("id"), id}});
        throw e;
    }
    return n;
}

QList<RecordedStatement> SongRepository::recorded() const
{
    QMutexLocker lock(&m_recordMutex);
    return m_recorded;
}

void SongRepository::clearRecorded()
{
    QMutexLocker lock(&m_recordMutex);
    m_recorded.clear();
}

} // namespace melodee
