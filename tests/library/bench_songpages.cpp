// Page latency benchmark for the song repository: keyset pages (first, middle, last, random
// position) per sort against the seed's OFFSET method on the same table in the same run, search
// for a common and a rare term, and the count estimate against count(*). Prints JSON.
// Usage: bench_songpages "<libpq conninfo>" [iterations]
#include "db/pgconnection.h"
#include "library/songrepository.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <random>

using namespace melodee;

namespace {

QJsonObject measure(int iterations, const std::function<void(int)> &fn)
{
    QList<double> ms;
    fn(0); // warm the plan cache and the pages
    for (int i = 0; i < iterations; ++i) {
        QElapsedTimer t;
        t.start();
        fn(i);
        ms << t.nsecsElapsed() / 1e6;
    }
    std::sort(ms.begin(), ms.end());
    const auto pct = [&ms](double p) {
        return ms.at(std::min<qsizetype>(ms.size() - 1, qsizetype(p * (ms.size() - 1) + 0.5)));
    };
    return {{QStringLiteral("p50_ms"), pct(0.5)},
            {QStringLiteral("p99_ms"), pct(0.99)},
            {QStringLiteral("max_ms"), ms.last()},
            {QStringLiteral("n"), iterations}};
}

const char *orderBy(SongSort s)
{
    switch (s) {
    case SongSort::Id:
        return "id";
    case SongSort::Name:
        return "name_normalized, id";
    case SongSort::Artist:
        return "artist_id, name_normalized, id";
    case SongSort::Created:
        return "created_at, id";
    }
    return "id";
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_songpages <conninfo> [iterations]\n");
        return 3;
    }
    const int iterations = argc > 2 ? std::max(3, atoi(argv[2])) : 50;
    DatabaseConfig db;
    db.dsn = QString::fromUtf8(argv[1]);
    auto conn = PgConnection::open(db);
    SessionConfig session;
    SongRepository repo(session);
    const qint64 exact = repo.count(*conn, {}, true).value;
    std::mt19937_64 rng(42);

    QJsonObject sorts;
    for (SongSort sort : {SongSort::Id, SongSort::Name, SongSort::Artist, SongSort::Created}) {
        QJsonObject keyset;
        PageRequest req;
        req.sort = sort;
        req.limit = 50;
        req.anchor = PageAnchor::First;
        keyset.insert(QStringLiteral("first"),
                      measure(iterations, [&](int) { repo.page(*conn, req); }));
        req.anchor = PageAnchor::Last;
        keyset.insert(QStringLiteral("last"),
                      measure(iterations, [&](int) { repo.page(*conn, req); }));
        const SongPage middle = repo.pageAtFraction(*conn, sort, {}, 0.5, 50);
        req.anchor = PageAnchor::After;
        req.key = SongCursor::decode(middle.prevCursor).key;
        keyset.insert(QStringLiteral("middle_next"),
                      measure(iterations, [&](int) { repo.page(*conn, req); }));
        QList<SongKey> keys;
        for (int i = 0; i <= iterations; ++i)
            keys << *repo.keyAtFraction(
                *conn, sort, {}, std::uniform_real_distribution<>(0.01, 0.99)(rng));
        req.anchor = PageAnchor::AtOrAfter;
        keyset.insert(QStringLiteral("random"), measure(iterations, [&](int i) {
                          req.key = keys.at(i);
                          repo.page(*conn, req);
                      }));
        keyset.insert(
            QStringLiteral("jump_fraction"), measure(iterations, [&](int) {
                repo.pageAtFraction(
                    *conn, sort, {}, std::uniform_real_distribution<>(0.01, 0.99)(rng), 50);
            }));

        // The seed's method: ORDER BY ... OFFSET k LIMIT 50, same order, same table.
        QJsonObject offset;
        const auto offsetQuery = [&](qint64 k) {
            conn->exec(QStringLiteral("SELECT * FROM melodee_songs ORDER BY %1 OFFSET %2 LIMIT 50")
                           .arg(QLatin1String(orderBy(sort)))
                           .arg(k)
                           .toUtf8());
        };
        const int offsetIterations = std::max(3, iterations / 5);
        offset.insert(QStringLiteral("first"),
                      measure(offsetIterations, [&](int) { offsetQuery(0); }));
        offset.insert(QStringLiteral("middle"),
                      measure(offsetIterations, [&](int) { offsetQuery(exact / 2); }));
        offset.insert(QStringLiteral("last"), measure(offsetIterations, [&](int) {
                          offsetQuery(std::max<qint64>(0, exact - 50));
                      }));
        offset.insert(QStringLiteral("random"), measure(offsetIterations, [&](int) {
                          offsetQuery(std::uniform_int_distribution<qint64>(
                              0, std::max<qint64>(0, exact - 50))(rng));
                      }));
        sorts.insert(
            songSortName(sort),
            QJsonObject{{QStringLiteral("keyset"), keyset}, {QStringLiteral("offset"), offset}});
    }

    QJsonObject search;
    for (const auto &[label, term] : {std::pair{"common", QStringLiteral("night")},
                                      std::pair{"phrase", QStringLiteral("satellite of the")},
                                      std::pair{"rare", QStringLiteral("xylophone")},
                                      std::pair{"accented", QStringLiteral("CAFÉ")}}) {
        PageRequest req;
        req.sort = SongSort::Name;
        req.filter.search = term;
        QJsonObject o = measure(iterations, [&](int) { repo.page(*conn, req); });
        o.insert(QStringLiteral("term"), term);
        o.insert(QStringLiteral("matches_estimate"),
                 double(repo.count(*conn, req.filter, false).value));
        search.insert(QLatin1String(label), o);
    }

    QJsonObject counts;
    qint64 estimate = 0;
    counts.insert(QStringLiteral("estimate"),
                  measure(iterations, [&](int) { estimate = repo.count(*conn, {}, false).value; }));
    counts.insert(QStringLiteral("exact"),
                  measure(std::max(3, iterations / 10), [&](int) { repo.count(*conn, {}, true); }));
    counts.insert(QStringLiteral("estimate_value"), double(estimate));
    counts.insert(QStringLiteral("exact_value"), double(exact));

    const QJsonObject out{
        {QStringLiteral("benchmark"), QStringLiteral("song_pages")},
        {QStringLiteral("rows"), double(exact)},
        {QStringLiteral("iterations"), iterations},
        {QStringLiteral("timing"),
         QStringLiteral("client wall time per call over loopback (server time + one round trip)")},
        {QStringLiteral("sorts"), sorts},
        {QStringLiteral("search"), search},
        {QStringLiteral("count"), counts}};
    std::fputs(QJsonDocument(out).toJson(QJsonDocument::Indented).constData(), stdout);
    return 0;
}
