#include "servertimer.h"

#include "db/dberror.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace melodee {

ServerSample
ServerTimer::explain(const QByteArray &sql, const QList<QByteArray> &params, PlanMode mode)
{
    QByteArray name = m_names.value(sql);
    if (name.isEmpty()) {
        name = "bench_stmt_" + QByteArray::number(m_names.size());
        m_conn.exec("PREPARE " + name + " AS " + sql);
        m_names.insert(sql, name);
    }
    return explainPrepared(name, params, mode);
}

ServerSample
ServerTimer::explainPrepared(const QByteArray &name, const QList<QByteArray> &params, PlanMode mode)
{
    QByteArrayList literals;
    for (const QByteArray &p : params) {
        QByteArray q = p;
        q.replace('\'', "''"); // standard_conforming_strings: only quotes need doubling
        literals << '\'' + q + '\'';
    }
    if (mode != PlanMode::Auto)
        m_conn.exec(mode == PlanMode::Generic ? "SET plan_cache_mode = force_generic_plan"
                                              : "SET plan_cache_mode = force_custom_plan");
    PgResult r
        = m_conn.exec("EXPLAIN (ANALYZE, TIMING OFF, BUFFERS, FORMAT JSON) EXECUTE " + name
                      + (literals.isEmpty() ? QByteArray() : '(' + literals.join(", ") + ')'));
    if (mode != PlanMode::Auto)
        m_conn.exec("RESET plan_cache_mode");
    const QJsonObject top = QJsonDocument::fromJson(r.bytes(0, 0)).array().at(0).toObject();
    const QJsonObject plan = top.value(QLatin1String("Plan")).toObject();
    const QJsonObject planning = top.value(QLatin1String("Planning")).toObject();
    ServerSample s;
    s.planningMs = top.value(QLatin1String("Planning Time")).toDouble();
    s.ms = s.planningMs + top.value(QLatin1String("Execution Time")).toDouble();
    s.sharedHit = plan.value(QLatin1String("Shared Hit Blocks")).toDouble()
                  + planning.value(QLatin1String("Shared Hit Blocks")).toDouble();
    s.sharedRead = plan.value(QLatin1String("Shared Read Blocks")).toDouble()
                   + planning.value(QLatin1String("Shared Read Blocks")).toDouble();
    s.rows = plan.value(QLatin1String("Actual Rows")).toDouble();
    return s;
}

ServerSample ServerTimer::page(const SongBrowser &repo, const PageRequest &req)
{
    QList<QByteArray> params;
    const QByteArray sql = repo.pageSql(req, &params);
    return explain(sql,
                   params,
                   SongBrowser::pageUsesGenericPlan(m_conn, req) ? PlanMode::Generic
                                                                 : PlanMode::Custom);
}

ServerSample ServerTimer::pageOnBrowserStatement(const SongBrowser &repo, const PageRequest &req)
{
    QList<QByteArray> params;
    const QByteArray sql = repo.pageSql(req, &params);
    // Names are PgConnection's own (melodee_sN): plain identifiers.
    const PgResult r = m_conn.exec("SELECT name FROM pg_prepared_statements WHERE statement = $1",
                                   PgParams{sql});
    if (r.rows() != 1)
        throw DbError(QStringLiteral("bench"),
                      QString(),
                      QStringLiteral("the browser has not prepared this page's statement"));
    return explainPrepared(r.bytes(0, 0), params, PlanMode::Generic);
}

} // namespace melodee
