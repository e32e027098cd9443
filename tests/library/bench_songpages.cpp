// Page latency benchmark for the keyset browser (SongBrowser): keyset pages (first, middle, last,
// random position, fraction jump) per sort against the OFFSET method on the same table in the same
// run, search for a common and a rare term, and the count estimate against count(*). Prints JSON.
//
// Every keyset shape is timed twice: on the client (wall time of the browser call over
// loopback, round trips included) and on the server, by running the very statement the browser
// built (pageSql()/histogramSql() with the same parameters and plan cache mode) as a prepared
// statement under EXPLAIN (ANALYZE, TIMING OFF, BUFFERS): Planning Time + Execution Time. The
// target is a server-side p99 under 5 ms.
// Usage: bench_songpages "<libpq conninfo>" [iterations] [offset-iterations]
#include "db/pgconnection.h"
#include "library/songbrowser.h"
#include "library/songrepository.h"
#include "servertimer.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <random>

using namespace melodee;

namespace {

constexpr double kTargetServerP99Ms = 5.0;

// Client wall time of fn(i), and, when given, the server time server(i) reports for the same
// statements (run separately, right after). One untimed warm-up call each unless warm is false.
QJsonObject measure(int iterations,
                    const std::function<void(int)> &fn,
                    const std::function<ServerSample(int)> &server = {},
                    bool warm = true)
{
    Stats client;
    Stats srv;
    Stats hit;
    Stats read;
    if (warm) {
        fn(0);
        if (server)
            server(0);
    }
    for (int i = 0; i < iterations; ++i) {
        QElapsedTimer t;
        t.start();
        fn(i);
        client.values << t.nsecsElapsed() / 1e6;
        if (server) {
            const ServerSample s = server(i);
            srv.values << s.ms;
            hit.values << s.sharedHit;
            read.values << s.sharedRead;
        }
    }
    QJsonObject o = client.json();
    o.insert(QStringLiteral("n"), iterations);
    if (server) {
        QJsonObject s = srv.json();
        s.insert(QStringLiteral("shared_hit_blocks_p50"), hit.pct(0.5));
        s.insert(QStringLiteral("shared_read_blocks_p50"), read.pct(0.5));
        s.insert(QStringLiteral("shared_read_blocks_max"), read.pct(1.0));
        o.insert(QStringLiteral("server"), s);
        o.insert(QStringLiteral("meets_target"), srv.pct(0.99) < kTargetServerP99Ms);
    }
    return o;
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

QString loadAverage()
{
    QFile f(QStringLiteral("/proc/loadavg"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromLatin1(f.readLine().trimmed());
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr,
                     "usage: bench_songpages <conninfo> [iterations] [offset-iterations]\n");
        return 3;
    }
    const int iterations = argc > 2 ? std::max(3, atoi(argv[2])) : 50;
    // OFFSET pages take up to a minute each at 10M (name order, middle); a few are enough to
    // show that, and they run without a warm-up call. 0 leaves them out (a quick keyset check).
    const int offsetIterations
        = argc > 3 ? std::max(0, atoi(argv[3])) : std::clamp(iterations / 5, 1, 10);
    const QString loadBefore = loadAverage();
    DatabaseConfig db;
    db.dsn = QString::fromUtf8(argv[1]);
    auto conn = PgConnection::open(db);
    SessionConfig session;
    SongBrowser repo(session);
    const SongRepository rows(session);
    ServerTimer server(*conn);
    const qint64 exact = rows.count(*conn, {}, true).value;
    std::mt19937_64 rng(42);
    bool allMeet = true;
    const auto keep = [&allMeet](const QJsonObject &o) {
        allMeet = allMeet && o.value(QLatin1String("meets_target")).toBool();
        return o;
    };

    QJsonObject sorts;
    for (SongSort sort : {SongSort::Id, SongSort::Name, SongSort::Artist, SongSort::Created}) {
        QJsonObject keyset;
        PageRequest req;
        req.sort = sort;
        req.limit = 50;
        // Random positions and jumps give the server measurement keys of its own: repeating the
        // client's key would find its pages already in shared buffers and hide cold reads.
        const int serverOffset = iterations + 1;
        const auto timePage = [&](const QString &shape, const std::function<void(int)> &setup) {
            keyset.insert(shape,
                          keep(measure(
                              iterations,
                              [&](int i) {
                                  setup(i);
                                  repo.page(*conn, req);
                              },
                              [&](int i) {
                                  setup(serverOffset + i);
                                  return server.page(repo, req);
                              })));
        };
        timePage(QStringLiteral("first"), [&](int) { req.anchor = PageAnchor::First; });
        timePage(QStringLiteral("last"), [&](int) { req.anchor = PageAnchor::Last; });
        const SongPage middle = repo.pageAtFraction(*conn, sort, {}, 0.5, 50);
        const SongKey middleKey = SongCursor::decode(middle.prevCursor).key;
        timePage(QStringLiteral("middle_next"), [&](int) {
            req.anchor = PageAnchor::After;
            req.key = middleKey;
        });
        QList<SongKey> keys;
        for (int i = 0; i < 2 * serverOffset; ++i)
            keys << *repo.keyAtFraction(
                *conn, sort, {}, std::uniform_real_distribution<>(0.01, 0.99)(rng));
        timePage(QStringLiteral("random"), [&](int i) {
            req.anchor = PageAnchor::AtOrAfter;
            req.key = keys.at(i);
        });

        // A jump is two statements: the histogram lookup and the page at its key (plus the last
        // page when the key leaves less than a page); the server time is their sum.
        QList<double> fractions;
        for (int i = 0; i < 2 * serverOffset; ++i)
            fractions << std::uniform_real_distribution<>(0.01, 0.99)(rng);
        keyset.insert(QStringLiteral("jump_fraction"),
                      keep(measure(
                          iterations,
                          [&](int i) { repo.pageAtFraction(*conn, sort, {}, fractions.at(i), 50); },
                          [&](int i) {
                              QList<QByteArray> params;
                              const QByteArray sql = repo.histogramSql(sort, &params);
                              ServerSample s = server.explain(sql, params, PlanMode::Auto);
                              PageRequest jump = repo.fractionRequest(
                                  *conn, sort, {}, fractions.at(serverOffset + i), 50);
                              const ServerSample p = server.page(repo, jump);
                              s += p;
                              if (jump.anchor == PageAnchor::AtOrAfter && p.rows < jump.limit) {
                                  jump.anchor = PageAnchor::Last;
                                  s += server.page(repo, jump);
                              }
                              return s;
                          })));

        // The OFFSET method: ORDER BY ... OFFSET k LIMIT 50, same order, same table. Client time
        // only: it is all server time here (seconds of scanning for one 50-row result).
        QJsonObject offset;
        const auto measureOffset = [&](const std::function<void(int)> &fn) {
            return measure(offsetIterations, fn, {}, false);
        };
        const auto offsetQuery = [&](qint64 k) {
            conn->exec(QStringLiteral("SELECT * FROM melodee_songs ORDER BY %1 OFFSET %2 LIMIT 50")
                           .arg(QLatin1String(orderBy(sort)))
                           .arg(k)
                           .toUtf8());
        };
        if (offsetIterations > 0) {
            offset.insert(QStringLiteral("first"), measureOffset([&](int) { offsetQuery(0); }));
            offset.insert(QStringLiteral("middle"),
                          measureOffset([&](int) { offsetQuery(exact / 2); }));
            offset.insert(QStringLiteral("last"), measureOffset([&](int) {
                              offsetQuery(std::max<qint64>(0, exact - 50));
                          }));
            offset.insert(QStringLiteral("random"), measureOffset([&](int) {
                              offsetQuery(std::uniform_int_distribution<qint64>(
                                  0, std::max<qint64>(0, exact - 50))(rng));
                          }));
        }
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
        // Searches report meets_target too but are not keyset pages, so all_keyset_meet_target
        // leaves them out.
        QJsonObject o = measure(
            iterations,
            [&](int) { repo.page(*conn, req); },
            [&](int) { return server.page(repo, req); });
        o.insert(QStringLiteral("term"), term);
        o.insert(QStringLiteral("matches_estimate"),
                 double(rows.count(*conn, req.filter, false).value));
        search.insert(QLatin1String(label), o);
    }

    QJsonObject counts;
    qint64 estimate = 0;
    counts.insert(QStringLiteral("estimate"),
                  measure(iterations, [&](int) { estimate = rows.count(*conn, {}, false).value; }));
    counts.insert(QStringLiteral("exact"),
                  measure(std::max(3, iterations / 10), [&](int) { rows.count(*conn, {}, true); }));
    counts.insert(QStringLiteral("estimate_value"), double(estimate));
    counts.insert(QStringLiteral("exact_value"), double(exact));
    counts.insert(QStringLiteral("estimate_error_pct"),
                  exact > 0 ? 100.0 * double(estimate - exact) / double(exact) : 0.0);

    const QJsonObject out{
        {QStringLiteral("benchmark"), QStringLiteral("song_pages")},
        {QStringLiteral("rows"), double(exact)},
        {QStringLiteral("iterations"), iterations},
        {QStringLiteral("offset_iterations"), offsetIterations},
        {QStringLiteral("loadavg_before"), loadBefore},
        {QStringLiteral("loadavg_after"), loadAverage()},
        {QStringLiteral("timing"),
         QStringLiteral("p50_ms/p99_ms: client wall time per browser call over loopback "
                        "(round trips included); server: Planning + Execution Time of the same "
                        "statement(s) and plan cache mode under EXPLAIN (ANALYZE, TIMING OFF, "
                        "BUFFERS)")},
        {QStringLiteral("target"), QStringLiteral("every keyset shape server p99 < 5 ms")},
        {QStringLiteral("all_keyset_meet_target"), allMeet},
        {QStringLiteral("sorts"), sorts},
        {QStringLiteral("search"), search},
        {QStringLiteral("count"), counts}};
    std::fputs(QJsonDocument(out).toJson(QJsonDocument::Indented).constData(), stdout);
    return 0;
}
