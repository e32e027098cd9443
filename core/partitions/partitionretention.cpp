#include "partitionretention.h"

#include "db/dberror.h"
#include "db/pgconnection.h"
#include "db/transaction.h"
#include "partitionmover.h"

#include <QRegularExpression>

namespace melodee {

namespace {

QString retentionOp()
{
    return QStringLiteral("partition retention");
}

QDateTime monthStart(const Month &m)
{
    return QDateTime(m.firstDay(), QTime(0, 0), Qt::UTC);
}

QString detachSql(const QString &table, const QString &partition, bool concurrently)
{
    return QStringLiteral("ALTER TABLE %1 DETACH PARTITION %2%3")
        .arg(table, partition, concurrently ? QStringLiteral(" CONCURRENTLY") : QString());
}

QString finalizeSql(const QString &table, const QString &partition)
{
    return QStringLiteral("ALTER TABLE %1 DETACH PARTITION %2 FINALIZE").arg(table, partition);
}

// IF EXISTS: a DROP of a killed run that was waiting for its lock may still finish first.
QString dropSql(const QString &partition)
{
    return QStringLiteral("DROP TABLE IF EXISTS %1").arg(partition);
}

} // namespace

QStringList RetentionPreview::statements() const
{
    QStringList out;
    for (const RetentionItem &i : items)
        out << i.statements;
    return out;
}

QString RetentionPreview::script() const
{
    QString out = QStringLiteral("-- keep %1 month(s): partitions ending on or before %2 go; each "
                                 "statement is its own transaction; a plain DETACH runs after "
                                 "LOCK TABLE of the parent, only if the partition is still "
                                 "attached\n")
                      .arg(keepMonths)
                      .arg(utcBoundLiteral(horizon));
    for (const QString &note : notes)
        out += QStringLiteral("-- %1\n").arg(note);
    for (const RetentionItem &i : items) {
        out += QStringLiteral("-- %1: %2 .. %3, %4 rows (est.)%5\n")
                   .arg(i.partition,
                        i.from.toString(Qt::ISODate),
                        i.to.toString(Qt::ISODate),
                        i.estimatedRows < 0 ? QStringLiteral("?")
                                            : QString::number(i.estimatedRows),
                        i.state == RetentionItem::State::Detached
                            ? QStringLiteral(", detached by an earlier run")
                        : i.state == RetentionItem::State::DetachPending
                            ? QStringLiteral(", concurrent detach interrupted: finalize")
                            : QString());
        for (const QString &sql : i.statements)
            out += sql + QStringLiteral(";\n");
    }
    return out;
}

PartitionRetention::PartitionRetention(PartitionMaintenance &maintenance)
    : m_maintenance(maintenance)
    , m_conn(maintenance.connection())
{}

Month PartitionRetention::horizon(const QDateTime &now, int keepMonths)
{
    return Month::fromDate(now.toUTC().date()).addMonths(-keepMonths);
}

RetentionPreview PartitionRetention::preview(const RetentionRequest &request)
{
    if (request.keepMonths < 1 || request.keepMonths > RetentionRequest::kMaxKeepMonths)
        throw PartitionError(QStringLiteral("keep %1 months: use 1 to %2")
                                 .arg(request.keepMonths)
                                 .arg(RetentionRequest::kMaxKeepMonths));
    RetentionPreview out;
    out.now = request.now.isValid() ? request.now.toUTC() : QDateTime::currentDateTimeUtc();
    out.keepMonths = request.keepMonths;
    out.detachOnly = request.detachOnly;
    out.horizon = horizon(out.now, request.keepMonths);
    const QDateTime cut = monthStart(out.horizon);
    for (const PartitionedTableInfo &t : m_maintenance.list(out.now, false)) {
        if (!t.exists)
            continue;
        const OpContext ctx{retentionOp(), t.table};
        const PgResult pending = m_conn.exec(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE "
            "i.inhparent = to_regclass($1) AND i.inhdetachpending",
            {PgParam(t.table.toUtf8())},
            ctx);
        QStringList pendingNames;
        for (int r = 0; r < pending.rows(); ++r)
            pendingNames << pending.text(r, 0);
        int months = 0;
        QList<RetentionItem> old;
        for (const PartitionInfo &p : t.partitions) {
            if (p.isDefault)
                continue; // never the default partition
            ++months;
            if (!p.from.isValid() || !p.to.isValid() || p.to > cut)
                continue;
            RetentionItem item;
            item.table = t.table;
            item.partition = p.name;
            item.from = p.from;
            item.to = p.to;
            item.estimatedRows = p.estimatedRows;
            if (pendingNames.contains(p.name)) {
                item.state = RetentionItem::State::DetachPending;
                item.statements << finalizeSql(t.table, p.name);
            } else {
                item.statements << detachSql(t.table, p.name, !t.hasDefault);
            }
            if (!request.detachOnly)
                item.statements << dropSql(p.name);
            old << item;
        }
        if (!old.isEmpty() && old.size() == months) {
            old.removeLast(); // partitions sort by lower bound: keep the newest
            out.notes << QStringLiteral("%1: every month partition is older than the horizon; the "
                                        "newest stays (a table keeps at least one)")
                             .arg(t.table);
        }
        out.items << old;
        if (request.detachOnly)
            continue;
        // Tables an earlier run detached: standalone, named like a month partition, no staging
        // constraint of a move.
        const PgResult r = m_conn.exec(
            "SELECT c.relname, c.reltuples::bigint FROM pg_class c WHERE c.relkind = 'r' AND NOT "
            "c.relispartition AND c.relnamespace = (SELECT relnamespace FROM pg_class WHERE oid "
            "= to_regclass($1)) AND left(c.relname, length($1) + 1) = $1 || '_' AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND k.conname = $2) ORDER "
            "BY 1",
            {PgParam(t.table.toUtf8()), PgParam(PartitionMover::stageName().toUtf8())},
            ctx);
        // \z, not $: a table named "..._2025_01\n" is not the month, and the unquoted DROP
        // would hit the real one.
        static const QRegularExpression suffix(QStringLiteral("\\A([0-9]{4})_([0-9]{2})\\z"));
        for (int i = 0; i < r.rows(); ++i) {
            const auto m = suffix.match(r.text(i, 0).mid(t.table.size() + 1));
            const Month month{m.captured(1).toInt(), m.captured(2).toInt()};
            if (!m.hasMatch() || !month.isValid() || cut < monthStart(month.addMonths(1)))
                continue;
            RetentionItem item;
            item.table = t.table;
            item.partition = r.text(i, 0);
            item.from = monthStart(month);
            item.to = monthStart(month.addMonths(1));
            item.estimatedRows = r.toInt64(i, 1);
            item.state = RetentionItem::State::Detached;
            item.statements << dropSql(item.partition);
            out.items << item;
        }
    }
    return out;
}

RetentionResult PartitionRetention::apply(const RetentionPreview &preview)
{
    RetentionResult res;
    const int total = int(preview.items.size());
    for (int n = 0; n < total; ++n) {
        const RetentionItem &item = preview.items[n];
        const OpContext ctx{retentionOp(), item.partition};
        m_maintenance.checkStop(retentionOp(), item.table);
        if (item.state != RetentionItem::State::Detached) {
            const QByteArray state
                = "SELECT EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass($1) AND "
                  "inhparent = to_regclass($2)), EXISTS (SELECT 1 FROM pg_inherits WHERE "
                  "inhrelid = to_regclass($1) AND inhdetachpending)";
            const PgParams params{PgParam(item.partition.toUtf8()), PgParam(item.table.toUtf8())};
            m_maintenance.withRetries(item.table, [&] {
                const QString &detach = item.statements.first();
                if (item.state == RetentionItem::State::DetachPending
                    || detach.endsWith(QLatin1String(" CONCURRENTLY"))) {
                    // Not in a transaction block. A concurrent detach that failed half-way is
                    // pending: finish it instead.
                    const PgResult r = m_conn.exec(state, params, ctx);
                    if (r.toBool(0, 0))
                        m_conn.exec(
                            (r.toBool(0, 1) ? finalizeSql(item.table, item.partition) : detach)
                                .toUtf8(),
                            ctx);
                    return;
                }
                // The parent's ACCESS EXCLUSIVE lock (ONLY: not its partitions), which DETACH
                // takes anyway, first: a DETACH of a killed run that still waits holds it until
                // it commits, so the check below sees its outcome and the partition is not
                // detached twice.
                Transaction tx(m_conn, m_maintenance.config().session, ctx);
                m_conn.exec(QStringLiteral("LOCK TABLE ONLY %1 IN ACCESS EXCLUSIVE MODE")
                                .arg(item.table)
                                .toUtf8(),
                            ctx);
                const PgResult r = m_conn.exec(state, params, ctx);
                if (r.toBool(0, 0))
                    m_conn.exec((r.toBool(0, 1) ? finalizeSql(item.table, item.partition) : detach)
                                    .toUtf8(),
                                ctx);
                tx.commit();
            });
            ++res.detached;
            res.lines << QStringLiteral("%1: detached %2").arg(item.table, item.partition);
            m_maintenance.report(n, total, item.table, res.lines.last());
        }
        if (preview.detachOnly)
            continue;
        m_maintenance.checkStop(retentionOp(), item.table);
        m_maintenance.withRetries(item.table,
                                  [&] { m_conn.exec(dropSql(item.partition).toUtf8(), ctx); });
        ++res.dropped;
        res.lines << QStringLiteral("%1: dropped %2").arg(item.table, item.partition);
        m_maintenance.report(n + 1, total, item.table, res.lines.last());
    }
    return res;
}

} // namespace melodee
