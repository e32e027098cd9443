#pragma once

// The server's own time for the statements the song browser builds, for the page benchmarks
// (bench_songpages, bench_firstpage): each statement runs prepared, in the plan cache mode the
// browser uses, under EXPLAIN (ANALYZE, TIMING OFF, BUFFERS): Planning Time + Execution Time.

#include "db/pgconnection.h"
#include "library/songbrowser.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>

#include <algorithm>

namespace melodee {

// The server's own time for one statement and the buffers it touched.
struct ServerSample
{
    double ms = 0;
    double planningMs = 0;
    double sharedHit = 0;
    double sharedRead = 0;
    double rows = 0; // rows the top node returned

    ServerSample &operator+=(const ServerSample &o)
    {
        ms += o.ms;
        planningMs += o.planningMs;
        sharedHit += o.sharedHit;
        sharedRead += o.sharedRead;
        return *this;
    }
};

// Milliseconds of one measurement over its iterations: p50, p99 and max in the benchmarks' JSON.
struct Stats
{
    QList<double> values;

    double pct(double p) const
    {
        QList<double> v = values;
        std::sort(v.begin(), v.end());
        return v.at(std::min<qsizetype>(v.size() - 1, qsizetype(p * (v.size() - 1) + 0.5)));
    }
    QJsonObject json() const
    {
        return {{QStringLiteral("p50_ms"), pct(0.5)},
                {QStringLiteral("p99_ms"), pct(0.99)},
                {QStringLiteral("max_ms"), pct(1.0)}};
    }
};

enum class PlanMode { Auto, Generic, Custom };

// Runs a statement as the browser does (prepared, same plan cache mode) under EXPLAIN ANALYZE.
class ServerTimer
{
public:
    explicit ServerTimer(PgConnection &conn)
        : m_conn(conn)
    {}

    ServerSample explain(const QByteArray &sql, const QList<QByteArray> &params, PlanMode mode);
    ServerSample
    explainPrepared(const QByteArray &name, const QList<QByteArray> &params, PlanMode mode);
    ServerSample page(const SongBrowser &repo, const PageRequest &req);
    // The page on the statement the browser itself prepared on this connection (found by its
    // text in pg_prepared_statements), so on the plan it cached; a DbError when there is none.
    ServerSample pageOnBrowserStatement(const SongBrowser &repo, const PageRequest &req);

private:
    PgConnection &m_conn;
    QHash<QByteArray, QByteArray> m_names;
};

} // namespace melodee
