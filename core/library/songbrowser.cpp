#include "songbrowser.h"

#include "db/dberror.h"
#include "db/pgarray.h"
#include "db/pgconnection.h"
#include "namenormalizer.h"
#include "songrepository.h"
#include "songsql.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <stdexcept>

namespace melodee {

using namespace songsql;

namespace {

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

} // namespace

// The histograms read so far, one per sort, shared by copies of the browser and so by every
// pool thread of a SongService.
struct SongBrowser::Histograms
{
    struct Read
    {
        QStringList bounds;
        std::chrono::steady_clock::time_point at;
    };
    std::mutex mutex;
    std::chrono::milliseconds lifetime = kDefaultHistogramLifetime;
    std::map<SongSort, Read> bySort;
};

SongBrowser::SongBrowser(const SessionConfig &session, SchemaLayout layout)
    : m_session(session)
    , m_layout(layout)
    , m_songs(songTables(session, layout).songs)
    , m_columns(songTables(session, layout).columns)
    , m_histograms(std::make_shared<Histograms>())
{}

void SongBrowser::setHistogramLifetime(std::chrono::milliseconds lifetime)
{
    const std::lock_guard lock(m_histograms->mutex);
    m_histograms->lifetime = lifetime;
}

// The histogram's bounds, as text (names) or as int8 (id, artist_id, created_at in microseconds).
// Empty when the column has no statistics; that is not kept, so an ANALYZE is seen at once.
QStringList SongBrowser::histogram(PgConnection &conn, SongSort sort) const
{
    const auto now = std::chrono::steady_clock::now();
    {
        const std::lock_guard lock(m_histograms->mutex);
        const auto it = m_histograms->bySort.find(sort);
        if (it != m_histograms->bySort.end() && now - it->second.at < m_histograms->lifetime)
            return it->second.bounds;
    }
    QList<QByteArray> params;
    const QByteArray sql = histogramSql(sort, &params);
    // The catalog lookup's plan is the same for every table and column: plan it once.
    PgResult r = conn.execCached(
        sql, toParams(params), {QStringLiteral("songs.histogram"), m_songs}, PlanChoice::Generic);
    QStringList bounds;
    bounds.reserve(r.rows());
    for (int i = 0; i < r.rows(); ++i)
        bounds.append(r.text(i, 0));
    if (!bounds.isEmpty()) {
        const std::lock_guard lock(m_histograms->mutex);
        m_histograms->bySort[sort] = {bounds, now};
    }
    return bounds;
}

QByteArray SongBrowser::histogramSql(SongSort sort, QList<QByteArray> *params) const
{
    const QByteArray value = sort == SongSort::Created
                                 ? "(extract(epoch from b::timestamptz) * 1000000)::int8::text"
                                 : "b";
    const QByteArray table = placeholder(params, m_songs.toUtf8());
    const QByteArray column = placeholder(params, QByteArray(sortColumn(sort)));
    return "SELECT " + value
           + " FROM pg_stats st, unnest(st.histogram_bounds::text::text[]) WITH ORDINALITY "
             "AS u(b, n) WHERE st.schemaname = current_schema() AND st.tablename = "
           + table + " AND st.attname = "
           + column
           // A partitioned table's statistics are the inherited ones, a plain table's are not.
           + " AND st.inherited = EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhparent = "
             "to_regclass(quote_ident(current_schema()) || '.' || quote_ident("
           + table + "))) ORDER BY u.n";
}

bool SongBrowser::pageUsesGenericPlan(const PgConnection &conn, const PageRequest &request)
{
    return conn.usePreparedStatements() && normalizeName(request.filter.search).isEmpty();
}

QByteArray SongBrowser::pageSql(const PageRequest &req, QList<QByteArray> *params) const
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
    QString sql
        = QStringLiteral("SELECT %1 FROM %2 s").arg(QLatin1String(m_columns), quoteIdent(m_songs));
    if (!where.isEmpty())
        sql += QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND "));
    // One extra row tells whether another page follows in the direction of travel.
    sql += QStringLiteral(" ORDER BY %1 LIMIT %2")
               .arg(order.join(QStringLiteral(", ")))
               .arg(req.limit + 1);
    return sql.toUtf8();
}

SongPage SongBrowser::warmUp(PgConnection &conn, int rows) const
{
    if (!conn.usePreparedStatements())
        return {};
    SongPage byId;
    // melodee-next's tracks have a btree index for the id order only: a first page in another
    // order sorts the whole table, whose cost is running it, not planning it.
    const QList<SongSort> sorts
        = m_layout == SchemaLayout::MelodeeNext
              ? QList<SongSort>{SongSort::Id}
              : QList<SongSort>{SongSort::Id, SongSort::Name, SongSort::Artist, SongSort::Created};
    for (SongSort sort : sorts) {
        PageRequest req;
        req.sort = sort;
        req.anchor = PageAnchor::First;
        req.limit = rows;
        SongPage first = page(conn, req);
        if (sort == SongSort::Id)
            byId = std::move(first);
    }
    if (byId.songs.isEmpty())
        return byId;
    histogram(conn, SongSort::Id); // a jump's first step, when the kept histogram has expired
    PageRequest req;
    req.limit = rows;
    req.key = SongKey::of(byId.songs.constFirst());
    for (PageAnchor anchor : {PageAnchor::AtOrAfter, PageAnchor::After, PageAnchor::Before}) {
        req.anchor = anchor;
        page(conn, req);
    }
    return byId;
}

SongPage SongBrowser::page(PgConnection &conn, const PageRequest &req) const
{
    QList<QByteArray> params;
    const QByteArray sql = pageSql(req, &params);
    // Planning a statement over dozens of partitions costs far more than running a keyset page,
    // and with changing keys PostgreSQL keeps choosing fresh custom plans. Keyset shapes are
    // index range scans whatever the key (and created_at is still pruned at executor start), so
    // run them on the cached generic plan.
    // A generic plan for a search would guess the pattern's selectivity and may walk the whole
    // name index for a rare term, so searches are always planned for their pattern.
    const PgResult r = conn.execCached(sql,
                                       toParams(params),
                                       {QStringLiteral("songs.page"), m_songs},
                                       pageUsesGenericPlan(conn, req) ? PlanChoice::Generic
                                                                      : PlanChoice::Custom);
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

std::optional<SongKey> SongBrowser::keyAtFraction(PgConnection &conn,
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
    const QStringList bounds = filter.isEmpty() ? histogram(conn, sort) : QStringList();
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

PageRequest SongBrowser::fractionRequest(PgConnection &conn,
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

SongPage SongBrowser::pageAtFraction(PgConnection &conn,
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

SongPage SongBrowser::pageAtMonth(
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

SongPage SongBrowser::pageAtSong(
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
    const Song song = *SongRepository(strict, m_layout).songById(conn, id);
    req.key = SongKey::of(song);
    return page(conn, req);
}

std::optional<double>
SongBrowser::estimateFraction(PgConnection &conn, SongSort sort, const SongKey &key) const
{
    const QStringList bounds = histogram(conn, sort);
    if (bounds.size() >= 2) {
        const int n = int(bounds.size());
        double v = 0;
        if (sort == SongSort::Name) {
            // Compare on the server so the database's collation decides, as it does for ORDER BY.
            PgResult r = conn.execCached(
                "SELECT count(*) FILTER (WHERE b < $1::text) FROM unnest($2::text[]) b",
                {key.nameNormalized.toUtf8(), textArrayLiteral(bounds)},
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

} // namespace melodee
