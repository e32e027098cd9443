#include "partitionmanager.h"

#include "config/appconfig.h"
#include "db/dberror.h"
#include "db/pgconnection.h"

#include <QRegularExpression>

namespace melodee {

namespace {

PgParam p(const QString &s)
{
    return s.toUtf8();
}

// '2026-10-31 20:00:00-04' (any session TimeZone) -> UTC QDateTime. Not Qt::ISODate: the upper
// bound of a 9999-12 partition is in year 10000. Invalid for MINVALUE, BC dates and the like.
QDateTime parseBound(const QString &literal)
{
    static const QRegularExpression re(
        QStringLiteral("^(\\d{4,6})-(\\d{2})-(\\d{2}) "
                       "(\\d{2}):(\\d{2}):(\\d{2})(?:\\.\\d+)?([+-])(\\d{2})(?::(\\d{2}))?"
                       "(?::\\d{2})?$"));
    const auto m = re.match(literal);
    if (!m.hasMatch())
        return {};
    const QDate date(m.captured(1).toInt(), m.captured(2).toInt(), m.captured(3).toInt());
    const QTime time(m.captured(4).toInt(), m.captured(5).toInt(), m.captured(6).toInt());
    const int sign = m.captured(7) == QLatin1String("-") ? -1 : 1;
    const int offset = sign * (m.captured(8).toInt() * 3600 + m.captured(9).toInt() * 60);
    const QDateTime dt(date, time, Qt::OffsetFromUTC, offset);
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
    const PgResult r
        = conn.exec("SELECT c.relname, pg_get_expr(c.relpartbound, c.oid), c.reltuples::bigint, "
                    "pg_total_relation_size(c.oid), c.oid::regclass::text FROM pg_inherits i "
                    "JOIN pg_class c ON c.oid = i.inhrelid "
                    "JOIN pg_class par ON par.oid = i.inhparent WHERE par.relname = $1 AND "
                    "pg_table_is_visible(par.oid) ORDER BY c.relname",
                    {p(table)},
                    {QStringLiteral("list partitions"), table});
    static const QRegularExpression boundRe(
        QStringLiteral("FROM \\('([^']+)'\\) TO \\('([^']+)'\\)"));
    QList<PartitionInfo> months;
    std::optional<PartitionInfo> def;
    QString defRelation;
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
        // regclass text is quoted as needed, whatever the catalog's name holds.
        const QString relation = r.text(i, 4);
        if (exact) {
            const PgResult c
                = conn.exec(QStringLiteral("SELECT count(*) FROM %1").arg(relation).toUtf8(),
                            {QStringLiteral("count partition rows"), pi.name});
            pi.exactRows = c.toInt64(0, 0);
        }
        if (pi.isDefault) {
            def = pi;
            defRelation = relation;
        } else {
            months << pi;
        }
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
            = conn.exec(QStringLiteral("SELECT count(*) FROM %1").arg(defRelation).toUtf8(),
                        {QStringLiteral("count default partition rows"), def->name});
        t.defaultRows = c.toInt64(0, 0);
        t.partitions << *def;
    }
    return t;
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
