#include "partitionmaintenance.h"

#include "db/dberror.h"
#include "db/pgconnection.h"
#include "db/pooler.h"
#include "db/transaction.h"
#include "tableprivileges.h"
#include "util/englishcount.h"
#include "util/logging.h"

#include <QElapsedTimer>
#include <QRandomGenerator>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <optional>

namespace melodee {

namespace {

QString maintainOp()
{
    return QStringLiteral("maintain partitions");
}

QString durationSql(Duration d)
{
    const qint64 ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
    if (ms >= 60000 && ms % 60000 == 0)
        return QStringLiteral("%1min").arg(ms / 60000);
    if (ms >= 1000 && ms % 1000 == 0)
        return QStringLiteral("%1s").arg(ms / 1000);
    return QStringLiteral("%1ms").arg(ms);
}

QDateTime monthStart(const Month &m)
{
    return QDateTime(m.firstDay(), QTime(0, 0), Qt::UTC);
}

bool overlaps(const QList<PartitionInfo> &parts, const Month &m)
{
    const QDateTime from = monthStart(m);
    const QDateTime to = monthStart(m.addMonths(1));
    for (const PartitionInfo &pi : parts) {
        if (!pi.isDefault && pi.from.isValid() && pi.from < to
            && (!pi.to.isValid() || pi.to > from))
            return true;
    }
    return false;
}

QString rows(qint64 n)
{
    return englishCount(n, QStringLiteral("row"), QStringLiteral("rows"));
}

QString partitions(qint64 n)
{
    return englishCount(n, QStringLiteral("partition"), QStringLiteral("partitions"));
}

// The created_at range month partitions can take: years 1 to 9999 in UTC.
const QString &monthRange()
{
    static const QString range = QStringLiteral("created_at >= %1 AND created_at < %2")
                                     .arg(utcBoundLiteral(Month{Month::kFirstYear, 1}),
                                          utcBoundLiteral(Month{Month::kLastYear + 1, 1}));
    return range;
}

} // namespace

QStringList MaintenancePlan::statements() const
{
    QStringList out;
    for (const MaintenanceStep &s : steps)
        out << s.sql;
    return out;
}

int MaintenancePreview::stepCount() const
{
    int n = 0;
    for (const MaintenancePlan &p : plans)
        n += int(p.steps.size());
    return n;
}

QString MaintenancePreview::script() const
{
    QString out;
    for (const QString &note : notes)
        out += QStringLiteral("-- %1\n").arg(note);
    for (const MaintenancePlan &p : plans) {
        out += QStringLiteral("-- %1: create %2, move %3 out of the default partition, in one "
                              "transaction\nBEGIN;\n")
                   .arg(p.table, partitions(p.create.size()), rows(p.rowsToMove));
        for (const MaintenanceStep &s : p.steps)
            out += s.sql + QStringLiteral(";\n");
        out += QStringLiteral("COMMIT;\n");
    }
    return out;
}

QString MaintenanceResult::summary() const
{
    return QStringLiteral("%1: created %2, moved %3 out of the default partition (rows before %4, "
                          "after %5)")
        .arg(table, partitions(created), rows(moved))
        .arg(countBefore)
        .arg(countAfter);
}

QStringList PartitionMaintenance::sessionStatements(const MigrateConfig &config)
{
    return {
        QStringLiteral("SET lock_timeout = '%1'").arg(durationSql(config.lockTimeout)),
        QStringLiteral("SET statement_timeout = '%1'").arg(durationSql(config.statementTimeout)),
        QStringLiteral("SET TimeZone = 'UTC'"),
        QStringLiteral("SET client_connection_check_interval = '2s'")};
}

void PartitionMaintenance::setUpSession(PgConnection &conn, const MigrateConfig &config)
{
    for (const QString &sql : sessionStatements(config))
        conn.exec(sql.toUtf8(), {QStringLiteral("set up the maintenance session"), QString()});
}

std::unique_ptr<PgConnection> PartitionMaintenance::openSession(const AppConfig &config)
{
    // Session settings: never through a transaction pooler.
    auto conn = PgConnection::open(
        directSessionConfig(config.database, QStringLiteral("partition maintenance")));
    conn->setUsePreparedStatements(false);
    setUpSession(*conn, config.migrate);
    return conn;
}

MaintenanceWindow PartitionMaintenance::window(const MaintenanceRequest &request,
                                               const QDateTime &now)
{
    const Month current = Month::fromDate(now.toUTC().date());
    MaintenanceWindow w;
    w.first = request.from && request.from->isValid() && *request.from < current ? *request.from
                                                                                 : current;
    w.end = current.addMonths(qMax(0, request.premakeMonths));
    return w;
}

MaintenanceWindow PartitionMaintenance::checkRequest(const MaintenanceRequest &request,
                                                     const QDateTime &now)
{
    const Month current = Month::fromDate(now.toUTC().date());
    if (request.premakeMonths < 1)
        throw PartitionError(
            QStringLiteral("%1 months to premake: use at least 1").arg(request.premakeMonths));
    if (request.from) {
        const Month from = *request.from;
        if (!from.isValid() || from.year > Month::kLastYear)
            throw PartitionError(
                QStringLiteral("%1 is not a month from 0001-01 to 9999-12").arg(from.toString()));
        if (current < from)
            throw PartitionError(QStringLiteral("%1 is after the current month %2")
                                     .arg(from.toString(), current.toString()));
    }
    const MaintenanceWindow w = window(request, now);
    if (Month{Month::kLastYear + 1, 1} < w.end)
        throw PartitionError(QStringLiteral("the window %1 through %2 reaches past 9999-12, the "
                                            "last month a partition can be made for")
                                 .arg(w.first.toString(), w.end.addMonths(-1).toString()));
    if (w.months() > kMaxWindowMonths && !request.confirmLargeWindow)
        throw PartitionError(QStringLiteral("%1 through %2 is %3 months per table, more than %4 "
                                            "in one transaction")
                                 .arg(w.first.toString(), w.end.addMonths(-1).toString())
                                 .arg(w.months())
                                 .arg(kMaxWindowMonths));
    return w;
}

void PartitionMaintenance::Canceller::operator()() const
{
    conn->cancel();
}

PartitionMaintenance::PartitionMaintenance(const AppConfig &config, std::stop_token stop)
    : PartitionMaintenance(openSession(config), config, stop)
{}

PartitionMaintenance::PartitionMaintenance(std::unique_ptr<PgConnection> owned,
                                           const AppConfig &config,
                                           std::stop_token stop)
    : m_owned(std::move(owned))
    , m_conn(*m_owned)
    , m_config(config)
    , m_stop(stop)
    , m_onStop(stop, Canceller{m_owned.get()})
{}

PartitionMaintenance::PartitionMaintenance(PgConnection &conn,
                                           const AppConfig &config,
                                           std::stop_token stop)
    : m_conn(conn)
    , m_config(config)
    , m_stop(stop)
    , m_onStop(stop, Canceller{&conn})
{}

PartitionMaintenance::~PartitionMaintenance() = default;

void PartitionMaintenance::checkStop(const QString &operation, const QString &table) const
{
    if (m_stop.stop_requested())
        throw DbError::cancelled(operation, table);
}

void PartitionMaintenance::pause(qint64 ms, const QString &table) const
{
    // Wakes at once when a stop is requested.
    std::mutex mutex;
    std::condition_variable_any cv;
    std::unique_lock lock(mutex);
    cv.wait_for(lock, m_stop, std::chrono::milliseconds(ms), [] { return false; });
    checkStop(maintainOp(), table);
}

void PartitionMaintenance::report(int done, int total, const QString &table, const QString &message)
{
    report(MaintenanceProgress{done, total, table, message});
}

void PartitionMaintenance::report(const MaintenanceProgress &progress)
{
    qCInfo(lcPartitions).noquote() << progress.message;
    if (m_progress)
        m_progress(progress);
}

void PartitionMaintenance::withRetries(const QString &table, const std::function<void()> &fn)
{
    const int retries = m_config.migrate.retries;
    for (int attempt = 0;; ++attempt) {
        try {
            fn();
            return;
        } catch (const DbError &e) {
            if (e.isCancelled() || !e.isRetryable() || m_conn.isBroken() || attempt >= retries)
                throw;
            const qint64 ceiling = qMin<qint64>(5000, 200LL << attempt);
            const qint64 sleepMs
                = qint64(QRandomGenerator::global()->bounded(quint64(ceiling) + 1));
            report(0,
                   0,
                   table,
                   QStringLiteral("retry %1/%2 of %3 maintenance in %4 ms after: %5")
                       .arg(attempt + 1)
                       .arg(retries)
                       .arg(table)
                       .arg(sleepMs)
                       .arg(e.toString()));
            pause(sleepMs, table);
        }
    }
}

QList<PartitionedTableInfo> PartitionMaintenance::list(const QDateTime &now, bool exact)
{
    checkStop(QStringLiteral("list partitions"));
    return listPartitions(m_conn, m_config.session, now, exact);
}

MaintenancePreview PartitionMaintenance::preview(const MaintenanceRequest &request)
{
    MaintenancePreview out;
    out.now = request.now.isValid() ? request.now.toUTC() : QDateTime::currentDateTimeUtc();
    out.window = checkRequest(request, out.now);
    for (const PartitionedTableInfo &t : list(out.now, false)) {
        checkStop(maintainOp(), t.table);
        if (!t.exists) {
            out.notes << QStringLiteral("%1 is not a partitioned table yet (run the migrations)")
                             .arg(t.table);
            continue;
        }
        MaintenancePlan plan = planTable(t, out.window, request.scope, out.notes);
        if (!plan.steps.isEmpty())
            out.plans << plan;
    }
    QStringList what;
    for (const MaintenancePlan &p : std::as_const(out.plans))
        what << QStringLiteral("%1: create %2, move %3")
                    .arg(p.table, partitions(p.create.size()), rows(p.rowsToMove));
    qCInfo(lcPartitions).noquote() << QStringLiteral("maintenance preview as of %1: %2")
                                          .arg(out.now.toString(Qt::ISODate),
                                               what.isEmpty() ? QStringLiteral("nothing to do")
                                                              : what.join(QLatin1String("; ")));
    for (const QString &note : std::as_const(out.notes))
        qCInfo(lcPartitions).noquote() << note;
    return out;
}

MaintenancePlan PartitionMaintenance::planTable(const PartitionedTableInfo &t,
                                                const MaintenanceWindow &window,
                                                MaintenanceRequest::Scope scope,
                                                QStringList &notes)
{
    MaintenancePlan plan;
    plan.table = t.table;
    plan.hasDefault = t.hasDefault;
    plan.defaultRows = t.defaultRows;
    const QString def = defaultPartitionName(t.table);
    // The default partition's rows by month; NULL for a created_at no month partition can take
    // (infinity, -infinity, before year 1, after 9999).
    QList<std::pair<Month, qint64>> defaultMonths;
    qint64 outside = 0;
    if (t.hasDefault && t.defaultRows > 0) {
        const PgResult r = m_conn.exec(
            QStringLiteral("SELECT CASE WHEN %1 THEN to_char(created_at AT TIME ZONE 'UTC', "
                           "'YYYY-MM') END, count(*) FROM %2 GROUP BY 1 ORDER BY 1")
                .arg(monthRange(), def)
                .toUtf8(),
            {QStringLiteral("find months in the default partition"), def});
        for (int i = 0; i < r.rows(); ++i) {
            const Month m = Month::parse(r.text(i, 0));
            if (r.isNull(i, 0) || !m.isValid())
                outside += r.toInt64(i, 1);
            else
                defaultMonths.append({m, r.toInt64(i, 1)});
        }
    }
    if (outside > 0) {
        plan.strandedRows += outside;
        notes << QStringLiteral("%1 in %2 have a created_at no month partition can hold "
                                "(infinity, -infinity, before year 1 or after 9999); they stay in "
                                "the default partition")
                     .arg(rows(outside), def);
    }
    if (scope == MaintenanceRequest::Scope::DefaultRowsOnly && defaultMonths.isEmpty())
        return plan;

    QList<Month> wanted;
    if (scope == MaintenanceRequest::Scope::All) {
        for (Month m = window.first; m < window.end; m = m.addMonths(1))
            wanted << m;
    }
    for (const auto &[m, n] : std::as_const(defaultMonths))
        wanted << m;
    std::sort(wanted.begin(), wanted.end());
    wanted.resize(std::unique(wanted.begin(), wanted.end()) - wanted.begin());
    for (const Month &m : std::as_const(wanted)) {
        if (!overlaps(t.partitions, m))
            plan.create << m;
    }
    for (const auto &[m, n] : std::as_const(defaultMonths)) {
        if (std::binary_search(plan.create.cbegin(), plan.create.cend(), m)) {
            plan.moveMonths << m;
            plan.moveCounts << n;
            plan.rowsToMove += n;
        } else {
            // An existing partition covers part of the month: list shows it, a person decides.
            plan.strandedRows += n;
            notes << QStringLiteral("%1 in %2 are from %3, which an existing partition covers "
                                    "only in part; they stay in the default partition")
                         .arg(rows(n), def, m.toString());
        }
    }
    if (plan.create.isEmpty() && t.hasDefault)
        return plan;

    const bool move = t.hasDefault && !plan.moveMonths.isEmpty();
    using K = MaintenanceStep::Kind;
    plan.steps << MaintenanceStep{
        K::Lock,
        QStringLiteral("LOCK TABLE %1 IN ACCESS EXCLUSIVE MODE").arg(t.table),
        QStringLiteral("lock %1").arg(t.table)};
    if (move)
        plan.steps << MaintenanceStep{
            K::Detach,
            QStringLiteral("ALTER TABLE %1 DETACH PARTITION %2").arg(t.table, def),
            QStringLiteral("detach %1").arg(def)};
    // A new partition belongs to whoever runs this and has the default privileges; it gets the
    // table's owner and privileges in the same transaction. Read once, and only when a partition
    // is to be made.
    std::optional<TablePrivileges> privileges;
    auto givePrivileges = [&](const QString &partition) {
        if (!privileges)
            privileges = TablePrivileges::read(
                m_conn, t.table, {QStringLiteral("read privileges"), t.table});
        for (const QString &sql : privileges->statementsFor(partition))
            plan.steps << MaintenanceStep{
                K::Privileges,
                sql,
                QStringLiteral("give %1 the owner and privileges of %2").arg(partition, t.table)};
    };
    for (const Month &m : std::as_const(plan.create)) {
        const QString partition = monthPartitionName(t.table, m);
        plan.steps << MaintenanceStep{K::Create,
                                      createMonthPartitionSql(t.table, m),
                                      QStringLiteral("create %1").arg(partition)};
        givePrivileges(partition);
    }
    if (move) {
        const PgResult r = m_conn.exec(
            "SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute "
            "WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped",
            {PgParam(t.table.toUtf8())},
            {QStringLiteral("read columns"), t.table});
        const QString cols = r.text(0, 0);
        for (const Month &m : std::as_const(plan.moveMonths)) {
            const QString where = QStringLiteral("created_at >= %1 AND created_at < %2")
                                      .arg(utcBoundLiteral(m), utcBoundLiteral(m.addMonths(1)));
            plan.steps << MaintenanceStep{
                K::Copy,
                QStringLiteral("INSERT INTO %1 (%2) SELECT %2 FROM %3 WHERE %4")
                    .arg(t.table, cols, def, where),
                QStringLiteral("copy the rows of %1 from %2 into %3")
                    .arg(m.toString(), def, monthPartitionName(t.table, m))};
            plan.steps << MaintenanceStep{
                K::Delete,
                QStringLiteral("DELETE FROM %1 WHERE %2").arg(def, where),
                QStringLiteral("delete the rows of %1 from %2").arg(m.toString(), def)};
        }
        plan.steps << MaintenanceStep{
            K::Attach,
            QStringLiteral("ALTER TABLE %1 ATTACH PARTITION %2 DEFAULT").arg(t.table, def),
            QStringLiteral("attach %1 again").arg(def)};
    }
    if (!t.hasDefault) {
        plan.steps << MaintenanceStep{K::CreateDefault,
                                      createDefaultPartitionSql(t.table),
                                      QStringLiteral("create %1").arg(def)};
        givePrivileges(def);
    }
    return plan;
}

qint64 PartitionMaintenance::countRows(const QStringList &relations)
{
    qint64 total = 0;
    for (const QString &rel : relations) {
        const PgResult exists = m_conn.exec("SELECT to_regclass($1) IS NOT NULL",
                                            {PgParam(rel.toUtf8())},
                                            {QStringLiteral("count rows"), rel});
        if (!exists.toBool(0, 0))
            continue;
        const PgResult r = m_conn.exec(QStringLiteral("SELECT count(*) FROM %1").arg(rel).toUtf8(),
                                       {QStringLiteral("count rows"), rel});
        total += r.toInt64(0, 0);
    }
    return total;
}

QList<MaintenanceResult> PartitionMaintenance::apply(const MaintenancePreview &preview)
{
    QList<MaintenanceResult> out;
    const int total = preview.stepCount();
    int done = 0;
    for (const MaintenancePlan &plan : preview.plans) {
        out << applyTable(plan, done, total);
        done += int(plan.steps.size());
    }
    return out;
}

MaintenanceResult PartitionMaintenance::applyTable(const MaintenancePlan &plan, int done, int total)
{
    MaintenanceResult out;
    withRetries(plan.table, [&] { out = applyOnce(plan, done, total); });
    return out;
}

MaintenanceResult PartitionMaintenance::applyOnce(const MaintenancePlan &plan, int done, int total)
{
    checkStop(maintainOp(), plan.table);
    const OpContext ctx{maintainOp(), plan.table};
    QStringList touched{defaultPartitionName(plan.table)};
    for (const Month &m : plan.create)
        touched << monthPartitionName(plan.table, m);
    MaintenanceResult res;
    res.table = plan.table;
    qint64 copied = 0;
    qint64 deleted = 0;
    Transaction tx(m_conn, m_config.session, ctx);
    for (int i = 0; i < plan.steps.size(); ++i) {
        const MaintenanceStep &step = plan.steps[i];
        checkStop(maintainOp(), plan.table);
        report(done + i,
               total,
               plan.table,
               QStringLiteral("%1: step %2/%3: %4")
                   .arg(plan.table)
                   .arg(i + 1)
                   .arg(plan.steps.size())
                   .arg(step.description));
        const PgResult r = m_conn.exec(step.sql.toUtf8(), ctx);
        switch (step.kind) {
        case MaintenanceStep::Kind::Lock:
            // Counted under the ACCESS EXCLUSIVE lock, so nothing else changes them.
            res.countBefore = countRows(touched);
            break;
        case MaintenanceStep::Kind::Copy:
            copied += r.affectedRows();
            break;
        case MaintenanceStep::Kind::Delete:
            deleted += r.affectedRows();
            break;
        case MaintenanceStep::Kind::Create:
            ++res.created;
            break;
        default:
            break;
        }
    }
    res.countAfter = countRows(touched);
    if (res.countBefore != res.countAfter || copied != deleted) {
        throw DbError(maintainOp(),
                      plan.table,
                      QStringLiteral("row counts differ (before %1, after %2, moved %3, removed "
                                     "from default %4); rolled back, nothing changed")
                          .arg(res.countBefore)
                          .arg(res.countAfter)
                          .arg(copied)
                          .arg(deleted));
    }
    res.moved = copied;
    tx.commit();
    report(done + int(plan.steps.size()), total, plan.table, res.summary());
    return res;
}

QStringList PartitionMaintenance::previewRefreshViews()
{
    QStringList out;
    for (const QString &v : {m_config.session.tablePrefix + QStringLiteral("library_totals"),
                             m_config.session.tablePrefix + QStringLiteral("artist_counts")}) {
        checkStop(QStringLiteral("refresh views"), v);
        const PgResult r = m_conn.exec("SELECT to_regclass($1) IS NOT NULL",
                                       {PgParam(v.toUtf8())},
                                       {QStringLiteral("refresh views"), v});
        if (!r.toBool(0, 0))
            throw PartitionError(QStringLiteral("materialized view %1 does not exist yet: run "
                                                "the migrations first")
                                     .arg(v),
                                 ErrorKind::Failure);
        out << QStringLiteral("REFRESH MATERIALIZED VIEW CONCURRENTLY %1").arg(v);
    }
    return out;
}

QStringList PartitionMaintenance::refreshViews(const QStringList &statements)
{
    QStringList out;
    for (int i = 0; i < statements.size(); ++i) {
        const QString view = statements[i].section(QLatin1Char(' '), -1);
        checkStop(QStringLiteral("refresh materialized view"), view);
        report(i, int(statements.size()), view, QStringLiteral("refresh %1").arg(view));
        QElapsedTimer t;
        t.start();
        m_conn.exec(statements[i].toUtf8(), {QStringLiteral("refresh materialized view"), view});
        out << QStringLiteral("%1 refreshed in %2 ms").arg(view).arg(t.elapsed());
        report(i + 1, int(statements.size()), view, out.last());
    }
    return out;
}

} // namespace melodee
