// What a session pays for its first song page when the songs table has many partitions, against
// the same page on a warm session, per sort. Prints JSON.
//
// A new backend knows nothing of the partitions: planning the first statement that touches the
// partitioned table opens every partition and its indexes (relation cache loads), which costs far
// more than running a keyset page. Three cases, each on new connections:
//   fresh          the first page on a new connection, as the browser runs it;
//   warm           the same page again on a connection that has already run it;
//   connect_warmed a new connection on which SongBrowser::warmUp() ran first (what the pool does
//                  when it opens a connection), then the first page.
// Times: client wall time of the browser call over loopback, and the server's Planning +
// Execution Time of the same statement and plan cache mode under EXPLAIN (ANALYZE, TIMING OFF,
// BUFFERS) on a connection of the same age; for connect_warmed, of the very statement the warm-up
// prepared, on the plan it cached.
// Usage: bench_firstpage "<libpq conninfo>" [iterations]
#include "db/pgconnection.h"
#include "library/songbrowser.h"
#include "servertimer.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cstdio>

using namespace melodee;

namespace {

constexpr double kTargetServerMs = 5.0;

std::unique_ptr<PgConnection> connect(const DatabaseConfig &db)
{
    auto conn = PgConnection::open(db);
    conn->setUsePreparedStatements(true);
    return conn;
}

double timed(const std::function<void()> &fn)
{
    QElapsedTimer t;
    t.start();
    fn();
    return t.nsecsElapsed() / 1e6;
}

QJsonObject serverJson(const Stats &total, const Stats &planning)
{
    QJsonObject o = total.json();
    o.insert(QStringLiteral("planning_p50_ms"), planning.pct(0.5));
    o.insert(QStringLiteral("planning_max_ms"), planning.pct(1.0));
    return o;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_firstpage <conninfo> [iterations]\n");
        return 3;
    }
    const int iterations = argc > 2 ? std::max(1, atoi(argv[2])) : 10;
    DatabaseConfig db;
    db.dsn = QString::fromUtf8(argv[1]);
    SessionConfig session;
    const SongBrowser browser(session);

    qint64 partitions = 0;
    {
        auto conn = connect(db);
        partitions = conn->exec("SELECT count(*) FROM pg_inherits WHERE inhparent = "
                                "to_regclass('melodee_songs')")
                         .toInt64(0, 0);
    }

    bool freshMeets = true;
    bool warmedMeets = true;
    QJsonObject sorts;
    for (SongSort sort : {SongSort::Id, SongSort::Name, SongSort::Artist, SongSort::Created}) {
        PageRequest req;
        req.sort = sort;
        req.anchor = PageAnchor::First;
        req.limit = SongBrowser::kDefaultPageRows;
        Stats freshClient, warmClient, warmedClient, warmUpClient;
        Stats freshServer, freshPlanning, warmServer, warmPlanning, warmedServer, warmedPlanning;
        for (int i = 0; i < iterations; ++i) {
            {
                auto conn = connect(db);
                freshClient.values << timed([&] { browser.page(*conn, req); });
                warmClient.values << timed([&] { browser.page(*conn, req); });
            }
            {
                auto conn = connect(db);
                ServerTimer server(*conn);
                ServerSample s = server.page(browser, req);
                freshServer.values << s.ms;
                freshPlanning.values << s.planningMs;
                browser.page(*conn, req);
                s = server.page(browser, req);
                warmServer.values << s.ms;
                warmPlanning.values << s.planningMs;
            }
            {
                auto conn = connect(db);
                warmUpClient.values << timed([&] { browser.warmUp(*conn); });
                warmedClient.values << timed([&] { browser.page(*conn, req); });
            }
            {
                auto conn = connect(db);
                browser.warmUp(*conn);
                ServerTimer server(*conn);
                const ServerSample s = server.pageOnBrowserStatement(browser, req);
                warmedServer.values << s.ms;
                warmedPlanning.values << s.planningMs;
            }
        }
        freshMeets = freshMeets && freshServer.pct(0.99) < kTargetServerMs;
        warmedMeets = warmedMeets && warmedServer.pct(0.99) < kTargetServerMs;
        QJsonObject fresh = freshClient.json();
        fresh.insert(QStringLiteral("server"), serverJson(freshServer, freshPlanning));
        QJsonObject warm = warmClient.json();
        warm.insert(QStringLiteral("server"), serverJson(warmServer, warmPlanning));
        QJsonObject warmed = warmedClient.json();
        warmed.insert(QStringLiteral("server"), serverJson(warmedServer, warmedPlanning));
        warmed.insert(QStringLiteral("warm_up"), warmUpClient.json());
        sorts.insert(songSortName(sort),
                     QJsonObject{{QStringLiteral("fresh"), fresh},
                                 {QStringLiteral("warm"), warm},
                                 {QStringLiteral("connect_warmed"), warmed}});
    }

    const QJsonObject out{
        {QStringLiteral("benchmark"), QStringLiteral("first_page")},
        {QStringLiteral("partitions"), double(partitions)},
        {QStringLiteral("iterations"), iterations},
        {QStringLiteral("timing"),
         QStringLiteral("p50_ms/p99_ms: client wall time of the browser call over loopback; "
                        "server: Planning + Execution Time of the same statement and plan cache "
                        "mode under EXPLAIN (ANALYZE, TIMING OFF, BUFFERS) on a connection of the "
                        "same age (connect_warmed: the statement the warm-up prepared, on its "
                        "cached plan); connect_warmed.warm_up: what SongBrowser::warmUp() cost "
                        "the new connection beforehand")},
        {QStringLiteral("target"),
         QStringLiteral("a new session's first page under 5 ms of server time")},
        {QStringLiteral("fresh_meets_target"), freshMeets},
        {QStringLiteral("connect_warmed_meets_target"), warmedMeets},
        {QStringLiteral("sorts"), sorts}};
    std::fputs(QJsonDocument(out).toJson(QJsonDocument::Indented).constData(), stdout);
    return 0;
}
