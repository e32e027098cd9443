#include "partitioncheck.h"

#include "config/appconfig.h"
#include "db/pgconnection.h"
#include "healthchecker.h"
#include "partitions/partitionsql.h"

namespace melodee {

namespace {

// Catalog only, so it takes no lock on the tables: pg_get_expr with relation 0 deparses the
// bounds (constants) without opening the partition. $2/$3: next month's first and last instant.
QByteArray layoutSql()
{
    return QByteArrayLiteral(
        "SELECT pt.partrelid IS NOT NULL, d.oid::regclass::text, "
        "greatest(d.reltuples::int8, pg_stat_get_live_tuples(d.oid)), "
        "coalesce(bool_or(substring(pg_get_expr(c.relpartbound, 0) FROM 'FROM \\(''([^'']+)''\\)')"
        "::timestamptz <= $2::timestamptz AND substring(pg_get_expr(c.relpartbound, 0) FROM "
        "'TO \\(''([^'']+)''\\)')::timestamptz >= $3::timestamptz), false) "
        "FROM pg_class pc LEFT JOIN pg_partitioned_table pt ON pt.partrelid = pc.oid "
        "LEFT JOIN pg_class d ON d.oid = pt.partdefid "
        "LEFT JOIN pg_inherits i ON i.inhparent = pt.partrelid AND i.inhrelid <> pt.partdefid "
        "LEFT JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE pc.relname = $1 AND pg_table_is_visible(pc.oid) "
        "GROUP BY pt.partrelid, d.oid, d.reltuples");
}

QByteArray utcStart(const Month &month)
{
    return (month.firstDay().toString(Qt::ISODate) + QStringLiteral(" 00:00:00+00")).toUtf8();
}

struct Layout
{
    QString table;
    QString defaultPartition; // as regclass prints it: quoted and qualified where needed
    qint64 estimate = 0;
};

} // namespace

std::optional<QString>
checkPartitionHealth(PgConnection &conn, const SessionConfig &session, const QDateTime &now)
{
    const OpContext ctx{QStringLiteral("partition health"), QString()};
    const Month next = Month::fromDate(now.toUTC().date()).addMonths(1);
    QStringList problems;
    QList<Layout> defaults;
    for (const QString &table : partitionedTables(session)) {
        const PgResult r = conn.exec(layoutSql(),
                                     {table.toUtf8(), utcStart(next), utcStart(next.addMonths(1))},
                                     {ctx.operation, table});
        if (r.rows() == 0 || !r.toBool(0, 0))
            continue; // not migrated yet, or not partitioned
        if (!r.toBool(0, 3))
            problems << QStringLiteral("%1 has no partition for %2").arg(table, next.toString());
        if (!r.isNull(0, 1))
            defaults << Layout{table, r.text(0, 1), std::max<qint64>(0, r.toInt64(0, 2))};
    }
    if (!defaults.isEmpty()) {
        // One statement for all default partitions: one lock wait, bounded by lock_timeout.
        QStringList exists;
        for (const Layout &l : std::as_const(defaults))
            exists << QStringLiteral("EXISTS (SELECT 1 FROM %1)").arg(l.defaultPartition);
        const PgResult r = conn.exec(
            (QStringLiteral("SELECT ") + exists.join(QStringLiteral(", "))).toUtf8(), ctx);
        for (int i = 0; i < defaults.size(); ++i) {
            if (!r.toBool(0, i))
                continue;
            const Layout &l = defaults.at(i);
            problems << (l.estimate > 0 ? QStringLiteral("%1 holds rows (about %2)")
                                              .arg(l.defaultPartition)
                                              .arg(l.estimate)
                                        : QStringLiteral("%1 holds rows").arg(l.defaultPartition));
        }
    }
    if (problems.isEmpty())
        return std::nullopt;
    return problems.join(QLatin1String("; "))
           + QStringLiteral(" (run `melodee partitions maintain`)");
}

void addPartitionCheck(HealthChecker &checker, const SessionConfig &session)
{
    checker.addCheck(
        QStringLiteral("partitions"),
        [session](PgConnection &conn) {
            return checkPartitionHealth(conn, session, QDateTime::currentDateTimeUtc());
        },
        partitionedTables(session));
}

} // namespace melodee
