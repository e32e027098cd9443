#include "partitionmanager.h"

#include "config/appconfig.h"
#include "db/dberror.h"
#include "db/pgconnection.h"
#include "util/logging.h"

#include <QRandomGenerator>
#include <QRegularExpression>
#include <QThread>

namespace melodee {

namespace {

PgParam p(const QString &s)
{
    return s.toUtf8();
}

// '2026-10-31 20:00:00-04' (any session TimeZone) -> UTC QDateTime.
QDateTime parseBound(const QString &literal)
{
    QString s = literal;
    s.replace(QLatin1Char(' '), QLatin1Char('T'));
    static const QRegularExpression shortOffset(QStringLiteral("([+-]\\d{2})$"));
    s.replace(shortOffset, QStringLiteral("\\1:00"));
    QDateTime dt = QDateTime::fromString(s, Qt::ISODate);
    return dt.isValid() ? dt.toUTC() : QDateTime();
}

QDateTime monthStart(const Month &m)
{
    return QDateTime(m.firstDay(), QTime(0, 0), Qt::UTC);
}

bool covered(const QList<PartitionInfo> &parts, const QDateTime &from, const QDateTime &to)
{
    for (const PartitionInfo &pi : parts) {
        if (!pi.isDefault && pi.from.isValid() && pi.from <= from && pi.to >= to)
            return true;
    }
    return false;
}

bool overlaps(const QList<PartitionInfo> &parts, const QDateTime &from, const QDateTime &to)
{
    for (const PartitionInfo &pi : parts) {
        if (!pi.isDefault && pi.from.isValid() && pi.from < to && pi.to > from)
            return true;
    }
    return false;
}

PartitionedTableInfo
readTable(PgConnection &conn, const QString &table, const QDateTime &now, bool exact)
{
    PartitionedTableInfo t;
    t.table = table;
    const PgResult ex = conn.exec(
        "SELECT EXISTS (SELECT 1 FROM pg_partitioned_table pt JOIN pg_class c ON c.oid = "
        "pt.partrelid WHERE c.relname = $1 AND pg_table_is_visible(c.oid))",
        {p(table)},
        {QStringLiteral("list partitions"), table});
    t.exists = ex.toBool(0, 0);
    if (!t.exists)
        return t;
    const PgResult r = conn.exec(
        "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid), c.reltuples::bigint, "
        "pg_total_relation_size(c.oid) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "JOIN pg_class par ON par.oid = i.inhparent WHERE par.relname = $1 AND "
        "pg_table_is_visible(par.oid) ORDER BY c.relname",
        {p(table)},
        {QStringLiteral("list partitions"), table});
    static const QRegularExpression boundRe(
        QStringLiteral("FROM \\('([^']+)'\\) TO \\('([^']+)'\\)"));
    QList<PartitionInfo> months;
    std::optional<PartitionInfo> def;
    for (int i = 0; i < r.rows(); ++i) {
        PartitionInfo pi;
        pi.name = r.text(i, 0);
        pi.bounds = r.text(i, 1);
        pi.estimatedRows = r.toInt64(i, 2);
        pi.totalBytes = r.toInt64(i, 3);
        pi.isDefault = pi.bounds == QLatin1String("DEFAULT");
        if (!pi.isDefault) {
            const auto m = boundRe.match(pi.bounds);
            if (m.hasMatch()) {
                pi.from = parseBound(m.captured(1));
                pi.to = parseBound(m.captured(2));
            }
        }
        if (exact) {
            const PgResult c
                = conn.exec(QStringLiteral("SELECT count(*) FROM %1").arg(pi.name).toUtf8(),
                            {QStringLiteral("count partition rows"), pi.name});
            pi.exactRows = c.toInt64(0, 0);
        }
        if (pi.isDefault)
            def = pi;
        else
            months << pi;
    }
    std::sort(months.begin(), months.end(), [](const PartitionInfo &a, const PartitionInfo &b) {
        return a.from < b.from;
    });
    for (int i = 1; i < months.size(); ++i) {
        if (months[i - 1].to.isValid() && months[i].from.isValid()
            && months[i - 1].to < months[i].from)
            t.gaps.append({months[i - 1].to, months[i].from});
    }
    const Month current = Month::fromDate(now.toUTC().date());
    t.nextMonthCovered
        = covered(months, monthStart(current.addMonths(1)), monthStart(current.addMonths(2)));
    for (Month m = current.addMonths(1);
         covered(months, monthStart(m), monthStart(m.addMonths(1))) && t.monthsAhead < 1200;
         m = m.addMonths(1)) {
        ++t.monthsAhead;
    }
    t.partitions = months;
    if (def) {
        t.hasDefault = true;
        const PgResult c
            = conn.exec(QStringLiteral("SELECT count(*) FROM %1").arg(def->name).toUtf8(),
                        {QStringLiteral("count default partition rows"), def->name});
        t.defaultRows = c.toInt64(0, 0);
        t.partitions << *def;
    }
    return t;
}

QString columnList(PgConnection &conn, const QString &table)
{
    const PgResult r = conn.exec(
        "SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute WHERE "
        "attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped",
        {p(table)},
        {QStringLiteral("read columns"), table});
    return r.text(0, 0);
}

} // namespace

QList<PartitionedTableInfo>
listPartitions(PgConnection &conn, const SessionConfig &session, const QDateTime &now, bool exact)
{
    QList<PartitionedTableInfo> out;
    for (const QString &table : partitionedTables(session))
        out << readTable(conn, table, now, exact);
    return out;
}

QList<MaintenancePlan> planMaintenance(PgConnection &conn,
                                       const SessionConfig &session,
                                       const QDateTime &now,
                                       int premakeMonths,
                                       std::optional<Month> from)
{
    QList<MaintenancePlan> out;
    const Month current = Month::fromDate(now.toUTC().date());
    for (const PartitionedTableInfo &t : listPartitions(conn, session, now, false)) {
        if (!t.exists)
            continue;
        MaintenancePlan plan;
        plan.table = t.table;
        plan.hasDefault = t.hasDefault;
        plan.defaultRows = t.defaultRows;
        const QString def = defaultPartitionName(t.table);
        if (t.hasDefault && t.defaultRows > 0) {
            const PgResult r = conn.exec(
                QStringLiteral("SELECT DISTINCT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM') "
                               "FROM %1 ORDER BY 1")
                    .arg(def)
                    .toUtf8(),
                {QStringLiteral("find months in default partition"), def});
            for (int i = 0; i < r.rows(); ++i)
                plan.defaultMonths << Month::parse(r.text(i, 0));
        }
        QList<Month> wanted;
        const Month first = from && *from < current ? *from : current;
        for (Month m = first; m < current.addMonths(premakeMonths); m = m.addMonths(1))
            wanted << m;
        for (const Month &m : std::as_const(plan.defaultMonths)) {
            if (!wanted.contains(m))
                wanted << m;
        }
        std::sort(wanted.begin(), wanted.end());
        for (const Month &m : std::as_const(wanted)) {
            // A month that an existing partition only partly covers is left alone; list shows it.
            if (!overlaps(t.partitions, monthStart(m), monthStart(m.addMonths(1))))
                plan.create << m;
        }
        if (plan.create.isEmpty() && t.hasDefault)
            continue;

        const bool move = t.hasDefault && !plan.defaultMonths.isEmpty();
        plan.statements << QStringLiteral("LOCK TABLE %1 IN ACCESS EXCLUSIVE MODE").arg(t.table);
        if (move)
            plan.statements
                << QStringLiteral("ALTER TABLE %1 DETACH PARTITION %2").arg(t.table, def);
        for (const Month &m : std::as_const(plan.create))
            plan.statements << createMonthPartitionSql(t.table, m);
        if (move) {
            const QString cols = columnList(conn, t.table);
            for (const Month &m : std::as_const(plan.defaultMonths)) {
                const QString where = QStringLiteral("created_at >= %1 AND created_at < %2")
                                          .arg(utcBoundLiteral(m), utcBoundLiteral(m.addMonths(1)));
                plan.statements << QStringLiteral("INSERT INTO %1 (%2) SELECT %2 FROM %3 WHERE %4")
                                       .arg(t.table, cols, def, where);
                plan.statements << QStringLiteral("DELETE FROM %1 WHERE %2").arg(def, where);
            }
            plan.statements
                << QStringLiteral("ALTER TABLE %1 ATTACH PARTITION %2 DEFAULT").arg(t.table, def);
        }
        if (!t.hasDefault)
            plan.statements << createDefaultPartitionSql(t.table);
        out << plan;
    }
    return out;
}

static qint64 countRelations(PgConnection &conn, const QStringList &relations)
{
    qint64 total = 0;
    for (const QString &rel : relations) {
        const PgResult exists = conn.exec("SELECT to_regclass($1) IS NOT NULL", {p(rel)});
        if (!exists.toBool(0, 0))
            continue;
        const PgResult r = conn.exec(QStringLiteral("SELECT count(*) FROM %1").arg(rel).toUtf8(),
                                     {QStringLiteral("count rows"), rel});
        total += r.toInt64(0, 0);
    }
    return total;
}

QList<MaintenanceResult> runMaintenance(PgConnection &conn,
                                        const QList<MaintenancePlan> &plans,
                                        int retries,
                                        const std::function<void(const QString &)> &log)
{
    QList<MaintenanceResult> out;
    for (const MaintenancePlan &plan : plans) {
        QStringList touched{defaultPartitionName(plan.table)};
        for (const Month &m : plan.create)
            touched << monthPartitionName(plan.table, m);
        for (int attempt = 0;; ++attempt) {
            MaintenanceResult res;
            res.table = plan.table;
            try {
                conn.exec("BEGIN");
                bool locked = false;
                qint64 inserted = 0;
                qint64 deleted = 0;
                for (const QString &sql : plan.statements) {
                    const PgResult r = conn.exec(
                        sql.toUtf8(), {QStringLiteral("maintain partitions"), plan.table});
                    if (!locked) {
                        // Counted under the ACCESS EXCLUSIVE lock, so nothing else changes them.
                        locked = true;
                        res.countBefore = countRelations(conn, touched);
                    }
                    if (sql.startsWith(QLatin1String("INSERT")))
                        inserted += r.affectedRows();
                    else if (sql.startsWith(QLatin1String("DELETE")))
                        deleted += r.affectedRows();
                    else if (sql.startsWith(QLatin1String("CREATE TABLE"))
                             && !sql.endsWith(QLatin1String("DEFAULT")))
                        ++res.created;
                }
                res.countAfter = countRelations(conn, touched);
                if (res.countBefore != res.countAfter || inserted != deleted) {
                    conn.exec("ROLLBACK");
                    throw DbError(
                        QStringLiteral("maintain partitions"),
                        plan.table,
                        QStringLiteral("row counts differ (before %1, after %2, moved %3, "
                                       "removed from default %4); rolled back, nothing "
                                       "changed")
                            .arg(res.countBefore)
                            .arg(res.countAfter)
                            .arg(inserted)
                            .arg(deleted));
                }
                res.moved = inserted;
                conn.exec("COMMIT");
                out << res;
                break;
            } catch (const DbError &e) {
                if (!conn.isBroken()) {
                    try {
                        conn.exec("ROLLBACK");
                    } catch (const DbError &) {
                    }
                }
                if (!e.isRetryable() || conn.isBroken() || attempt >= retries)
                    throw;
                const qint64 ceiling = qMin<qint64>(5000, 200LL << attempt);
                const qint64 sleepMs
                    = qint64(QRandomGenerator::global()->bounded(quint64(ceiling) + 1));
                const QString msg
                    = QStringLiteral("retry %1/%2 of %3 maintenance in %4 ms after: %5")
                          .arg(attempt + 1)
                          .arg(retries)
                          .arg(plan.table)
                          .arg(sleepMs)
                          .arg(e.toString());
                qCInfo(lcPartitions).noquote() << msg;
                if (log)
                    log(msg);
                QThread::msleep(quint64(sleepMs));
            }
        }
    }
    return out;
}

std::optional<QString>
partitionHealthProblem(PgConnection &conn, const SessionConfig &session, const QDateTime &now)
{
    QStringList problems;
    const Month next = Month::fromDate(now.toUTC().date()).addMonths(1);
    for (const PartitionedTableInfo &t : listPartitions(conn, session, now, false)) {
        if (!t.exists)
            continue;
        if (!t.nextMonthCovered)
            problems << QStringLiteral("%1 has no partition for %2").arg(t.table, next.toString());
        if (t.defaultRows > 0) {
            problems << QStringLiteral("%1 holds %2 rows")
                            .arg(defaultPartitionName(t.table))
                            .arg(t.defaultRows);
        }
    }
    if (problems.isEmpty())
        return std::nullopt;
    return problems.join(QLatin1String("; "))
           + QStringLiteral(" (run `melodee partitions maintain`)");
}

} // namespace melodee
