#include "lockholders.h"

#include "db/pgarray.h"
#include "db/pgconnection.h"
#include "util/redactor.h"

#include <cmath>

namespace melodee {

namespace {

// The tables themselves or any of their partitions, in the current database; our own backend
// left out. Granted locks first, so a pid that holds one table and waits for another is named
// as a holder.
QByteArray holdersSql()
{
    return QByteArrayLiteral(
        "SELECT l.pid, l.granted, a.application_name, a.backend_type, "
        "extract(epoch FROM clock_timestamp() - coalesce(a.xact_start, a.backend_start))::float8, "
        "coalesce(par.relname, c.relname), "
        "CASE WHEN NOT l.granted THEN array_to_string(pg_blocking_pids(l.pid), ', ') END "
        "FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
        "LEFT JOIN pg_inherits i ON i.inhrelid = c.oid "
        "LEFT JOIN pg_class par ON par.oid = i.inhparent AND par.relname = ANY($1::text[]) "
        "AND pg_table_is_visible(par.oid) "
        "LEFT JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock' "
        "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
        "AND l.pid IS DISTINCT FROM pg_backend_pid() "
        "AND (par.oid IS NOT NULL OR (c.relname = ANY($1::text[]) AND pg_table_is_visible(c.oid))) "
        "ORDER BY l.granted DESC, l.pid NULLS LAST");
}

constexpr int kMaxNamed = 3;

// An application name is whatever a client sent: one line, short, no control characters.
QString printable(const QString &text)
{
    QString out;
    for (const QChar c : text) {
        if (out.size() >= 40) {
            out += QChar(0x2026);
            break;
        }
        out += c.isPrint() ? c : QChar(0xfffd);
    }
    return out;
}

} // namespace

QString roughDuration(double seconds)
{
    const qint64 s = qint64(std::floor(std::max(0.0, seconds)));
    if (s < 120)
        return QStringLiteral("%1 s").arg(s);
    if (s < 2 * 3600)
        return QStringLiteral("%1 min").arg(s / 60);
    if (s < 2 * 86400)
        return QStringLiteral("%1 h").arg(s / 3600);
    return QStringLiteral("%1 d").arg(s / 86400);
}

QStringList describeLockHolders(PgConnection &conn, const QStringList &tables)
{
    if (tables.isEmpty())
        return {};
    const PgResult r = conn.exec(holdersSql(),
                                 {textArrayLiteral(tables)},
                                 {QStringLiteral("find lock holders"), QStringLiteral("pg_locks")});
    QStringList out;
    QList<qint64> seen;
    int more = 0;
    for (int i = 0; i < r.rows(); ++i) {
        const bool prepared = r.isNull(i, 0);
        const qint64 pid = prepared ? -1 : r.toInt64(i, 0);
        if (!prepared && seen.contains(pid))
            continue;
        seen << pid;
        if (out.size() >= kMaxNamed) {
            ++more;
            continue;
        }
        const bool granted = r.toBool(i, 1);
        const QString table = r.text(i, 5);
        QString who;
        if (prepared) {
            who = QStringLiteral("a prepared transaction (pg_prepared_xacts)");
        } else {
            QString name = printable(r.text(i, 2));
            if (name.isEmpty())
                name = r.text(i, 3).isEmpty() ? QStringLiteral("?") : r.text(i, 3);
            who = QStringLiteral("pid %1 (%2").arg(pid).arg(name);
            if (!r.isNull(i, 4))
                who += QStringLiteral(", ") + roughDuration(r.text(i, 4).toDouble());
            who += QLatin1Char(')');
        }
        QString line = granted
                           ? QStringLiteral("%1 holds a lock on %2").arg(who, table)
                           : QStringLiteral("%1 waits for an exclusive lock on %2").arg(who, table);
        if (!granted && !r.text(i, 6).isEmpty())
            line += QStringLiteral(" behind pid %1").arg(r.text(i, 6));
        out << Redactor::redact(line);
    }
    if (more > 0)
        out << QStringLiteral("%1 more").arg(more);
    return out;
}

} // namespace melodee
