#include "partitionmover.h"

#include "db/dberror.h"
#include "db/pgconnection.h"
#include "db/transaction.h"
#include "util/englishcount.h"

#include <QRegularExpression>

#include <algorithm>

namespace melodee {

namespace {

QString moveOp()
{
    return QStringLiteral("move rows out of the default partition");
}

QString rows(qint64 n)
{
    return englishCount(n, QStringLiteral("row"), QStringLiteral("rows"));
}

// "2026_11" -> 2026-11; invalid for anything else ("2026_11\n" too: \z, not $).
Month monthFromSuffix(const QString &suffix)
{
    static const QRegularExpression re(QStringLiteral("\\A([0-9]{4})_([0-9]{2})\\z"));
    const auto m = re.match(suffix);
    if (!m.hasMatch())
        return {};
    const Month out{m.captured(1).toInt(), m.captured(2).toInt()};
    return out.isValid() ? out : Month{};
}

QString createStageSql(const QString &table, const MoveMonth &m)
{
    return QStringLiteral("CREATE TABLE %1 (LIKE %2 INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
                          "INCLUDING INDEXES INCLUDING STORAGE INCLUDING COMMENTS)")
        .arg(m.partition, table);
}

QString stageCheckSql(const MoveMonth &m)
{
    return QStringLiteral("ALTER TABLE %1 ADD CONSTRAINT %2 CHECK (%3)")
        .arg(m.partition, PartitionMover::stageName(), PartitionMover::rangeSql(m.month));
}

QString helperAddSql(const MoveTablePlan &t, const MoveMonth &m)
{
    return QStringLiteral("ALTER TABLE %1 ADD CONSTRAINT %2 CHECK (NOT (%3)) NOT VALID")
        .arg(t.defaultPartition,
             PartitionMover::helperName(m.month),
             PartitionMover::rangeSql(m.month));
}

QString validateSql(const MoveTablePlan &t, const MoveMonth &m)
{
    return QStringLiteral("ALTER TABLE %1 VALIDATE CONSTRAINT %2")
        .arg(t.defaultPartition, PartitionMover::helperName(m.month));
}

// ATTACH, the two helper constraints dropped, then the table's owner and privileges given to the
// new partition (a staging table of an earlier run included), all in one transaction.
QStringList attachSql(const MoveTablePlan &t, const MoveMonth &m)
{
    return QStringList{attachMonthPartitionSql(t.table, m.partition, m.month),
                       QStringLiteral("ALTER TABLE %1 DROP CONSTRAINT %2")
                           .arg(t.defaultPartition, PartitionMover::helperName(m.month)),
                       QStringLiteral("ALTER TABLE %1 DROP CONSTRAINT %2")
                           .arg(m.partition, PartitionMover::stageName())}
           + t.privileges.statementsFor(m.partition);
}

QByteArray lockSql(const QString &relation)
{
    return QStringLiteral("LOCK TABLE ONLY %1 IN ACCESS EXCLUSIVE MODE").arg(relation).toUtf8();
}

} // namespace

QString PartitionMover::helperName(const Month &m)
{
    return QStringLiteral("melodee_excl_%1_%2")
        .arg(m.year, 4, 10, QLatin1Char('0'))
        .arg(m.month, 2, 10, QLatin1Char('0'));
}

QString PartitionMover::rangeSql(const Month &m)
{
    return QStringLiteral("created_at IS NOT NULL AND created_at >= %1 AND created_at < %2")
        .arg(utcBoundLiteral(m), utcBoundLiteral(m.addMonths(1)));
}

QString PartitionMover::batchSql(const MoveTablePlan &plan, const MoveMonth &m, qint64 batchRows)
{
    return QStringLiteral("WITH moved AS (DELETE FROM %1 WHERE ctid = ANY (ARRAY(SELECT ctid FROM "
                          "%1 WHERE %2 LIMIT %3)) RETURNING %4) INSERT INTO %5 (%4) SELECT %4 "
                          "FROM moved")
        .arg(plan.defaultPartition,
             rangeSql(m.month),
             QString::number(batchRows),
             plan.columns,
             m.partition);
}

QString MoveResult::summary() const
{
    QString s = QStringLiteral("%1: attached %2, moved %3 out of the default partition in %4")
                    .arg(table,
                         englishCount(
                             attached, QStringLiteral("partition"), QStringLiteral("partitions")),
                         rows(moved),
                         englishCount(batches, QStringLiteral("batch"), QStringLiteral("batches")));
    if (defaultScans == 0)
        s += QStringLiteral("; ATTACH did not scan the default partition");
    else if (defaultScans > 0)
        s += QStringLiteral("; ATTACH scanned the default partition %1 time(s)").arg(defaultScans);
    return s;
}

QString MovePreview::script() const
{
    QString out;
    for (const QString &note : notes)
        out += QStringLiteral("-- %1\n").arg(note);
    if (!direct.isEmpty())
        out += direct.script();
    for (const MoveTablePlan &t : tables) {
        out += QStringLiteral("-- %1: %2 new partition(s) next to a non-empty default partition; "
                              "%3 move in batches of %4, pausing %5 ms. Each statement is its "
                              "own transaction unless in BEGIN ... COMMIT; a batch repeats until "
                              "it moves no row. A rerun after an interruption resumes.\n")
                   .arg(t.table,
                        QString::number(t.months.size()),
                        rows(t.rowsToMove),
                        QString::number(batchRows),
                        QString::number(pauseMs));
        for (const QString &sql : t.statements)
            out += sql.startsWith(QLatin1String("--")) || sql == QLatin1String("BEGIN")
                           || sql == QLatin1String("COMMIT")
                       ? sql + QStringLiteral("\n")
                       : sql + QStringLiteral(";\n");
    }
    return out;
}

PartitionMover::PartitionMover(PartitionMaintenance &maintenance)
    : m_maintenance(maintenance)
    , m_conn(maintenance.connection())
{}

bool PartitionMover::exists(const QString &sql, const QString &a, const QString &b)
{
    PgParams params{PgParam(a.toUtf8())};
    if (!b.isNull())
        params.append(PgParam(b.toUtf8()));
    return m_conn.exec(sql.toUtf8(), params, {moveOp(), a}).toBool(0, 0);
}

MovePreview PartitionMover::preview(const MoveRequest &request)
{
    if (request.batchRows < 1)
        throw PartitionError(
            QStringLiteral("%1 rows per batch: use at least 1").arg(request.batchRows));
    if (request.pauseMs < 0)
        throw PartitionError(
            QStringLiteral("a pause of %1 ms: use 0 or more").arg(request.pauseMs));
    MovePreview out;
    out.batchRows = request.batchRows;
    out.pauseMs = request.pauseMs;
    const MaintenancePreview base = m_maintenance.preview(request.maintenance);
    out.notes = base.notes;
    out.direct.now = base.now;
    out.direct.window = base.window;
    for (const QString &table : partitionedTables(m_maintenance.config().session)) {
        MaintenancePlan plan;
        plan.table = table;
        for (const MaintenancePlan &p : base.plans) {
            if (p.table == table)
                plan = p;
        }
        const MoveTablePlan online = planTable(plan, request.batchRows, out.notes);
        if (!online.months.isEmpty())
            out.tables << online;
        else if (!plan.steps.isEmpty())
            out.direct.plans << plan;
    }
    return out;
}

MoveTablePlan
PartitionMover::planTable(const MaintenancePlan &plan, qint64 batchRows, QStringList &notes)
{
    MoveTablePlan out;
    out.table = plan.table;
    out.defaultPartition = defaultPartitionName(plan.table);
    if (!exists(
            QStringLiteral("SELECT to_regclass($1) IS NOT NULL AND to_regclass($2) IS NOT NULL"),
            plan.table,
            out.defaultPartition))
        return out;
    m_maintenance.checkStop(moveOp(), plan.table);
    // Standalone tables named like a month partition of this table: staging tables of an
    // interrupted run carry the melodee_stage constraint; any other is left alone.
    const OpContext ctx{moveOp(), plan.table};
    const PgResult r = m_conn.exec(
        "SELECT c.relname, EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conrelid = c.oid AND "
        "k.conname = $2), c.oid::regclass::text FROM pg_class c WHERE c.relkind = 'r' AND NOT "
        "c.relispartition AND c.relnamespace = (SELECT relnamespace FROM pg_class WHERE oid = "
        "to_regclass($1)) AND left(c.relname, length($1) + 1) = $1 || '_'",
        {PgParam(plan.table.toUtf8()), PgParam(stageName().toUtf8())},
        ctx);
    QList<Month> staged;
    QList<Month> blocked;
    QHash<int, QString> stageRelations;
    for (int i = 0; i < r.rows(); ++i) {
        const Month m = monthFromSuffix(r.text(i, 0).mid(plan.table.size() + 1));
        if (!m.isValid())
            continue;
        if (r.toBool(i, 1)) {
            staged << m;
            stageRelations.insert(m.index(), r.text(i, 2));
        } else {
            blocked << m;
        }
    }
    const PgResult h = m_conn.exec("SELECT conname, convalidated FROM pg_constraint WHERE conrelid "
                                   "= to_regclass($1) AND left(conname, 13) = 'melodee_excl_'",
                                   {PgParam(out.defaultPartition.toUtf8())},
                                   ctx);
    QHash<int, bool> helpers;
    for (int i = 0; i < h.rows(); ++i) {
        const Month m = monthFromSuffix(h.text(i, 0).mid(13));
        if (m.isValid())
            helpers.insert(m.index(), h.toBool(i, 1));
    }
    if (plan.defaultRows == 0 && staged.isEmpty())
        return out; // nothing next to a non-empty default: the one-transaction plan is short
    QList<Month> months = plan.create;
    months << staged;
    std::sort(months.begin(), months.end());
    months.resize(std::unique(months.begin(), months.end()) - months.begin());
    for (const Month &month : std::as_const(months)) {
        MoveMonth m;
        m.month = month;
        m.partition = monthPartitionName(plan.table, month);
        if (blocked.contains(month)) {
            notes << QStringLiteral("%1 exists and is not a partition of %2 (a detached "
                                    "partition?); %3 is left alone")
                         .arg(m.partition, plan.table, month.toString());
            continue;
        }
        const qsizetype i = plan.moveMonths.indexOf(month);
        m.defaultRows = i >= 0 ? plan.moveCounts.value(i) : 0;
        m.staged = staged.contains(month);
        if (m.staged)
            m.stagedRows = m_conn
                               .exec(QStringLiteral("SELECT count(*) FROM %1")
                                         .arg(stageRelations.value(month.index()))
                                         .toUtf8(),
                                     ctx)
                               .toInt64(0, 0);
        m.helper = helpers.contains(month.index());
        m.helperValid = helpers.value(month.index());
        out.rowsToMove += m.defaultRows;
        out.months << m;
    }
    if (out.months.isEmpty())
        return out;
    out.privileges = TablePrivileges::read(m_conn, plan.table, ctx);
    out.columns = m_conn
                      .exec("SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM "
                            "pg_attribute WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT "
                            "attisdropped AND attgenerated = ''",
                            {PgParam(plan.table.toUtf8())},
                            ctx)
                      .text(0, 0);
    QStringList &s = out.statements;
    for (const MoveMonth &m : std::as_const(out.months)) {
        if (m.staged) {
            s << QStringLiteral("-- %1: staging table %2 from an earlier run holds %3; resumed")
                     .arg(m.month.toString(), m.partition, rows(m.stagedRows));
            continue;
        }
        s << QStringLiteral("-- %1: the new partition, standalone, with a CHECK of its range")
                 .arg(m.month.toString())
          << QStringLiteral("BEGIN") << createStageSql(plan.table, m) << stageCheckSql(m)
          << QStringLiteral("COMMIT");
    }
    for (const MoveMonth &m : std::as_const(out.months)) {
        if (m.defaultRows == 0)
            continue;
        s << QStringLiteral("-- %1: %2 move, one batch per transaction")
                 .arg(m.month.toString(), rows(m.defaultRows))
          << batchSql(out, m, batchRows);
    }
    for (const MoveMonth &m : std::as_const(out.months)) {
        s << QStringLiteral("-- %1: the default partition excludes the month (NOT VALID: no "
                            "scan), rows that arrived meanwhile move, VALIDATE scans under SHARE "
                            "UPDATE EXCLUSIVE (reads and writes go on), ATTACH scans nothing")
                 .arg(m.month.toString());
        if (!m.helper)
            s << QStringLiteral("BEGIN") << QString::fromUtf8(lockSql(out.defaultPartition))
              << helperAddSql(out, m) << QStringLiteral("COMMIT");
        s << batchSql(out, m, batchRows);
        if (!m.helperValid)
            s << validateSql(out, m);
        s << QStringLiteral("BEGIN") << QString::fromUtf8(lockSql(m.partition)) << attachSql(out, m)
          << QStringLiteral("COMMIT");
    }
    return out;
}

QList<MoveResult> PartitionMover::apply(const MovePreview &preview)
{
    QList<MoveResult> out;
    if (!preview.direct.isEmpty()) {
        for (const MaintenanceResult &r : m_maintenance.apply(preview.direct))
            out << MoveResult{r.table, r.created, r.moved, 0, -1};
    }
    for (const MoveTablePlan &t : preview.tables)
        out << applyTable(t, preview.batchRows, preview.pauseMs);
    return out;
}

qint64 PartitionMover::moveBatches(const MoveTablePlan &plan,
                                   const MoveMonth &m,
                                   qint64 batchRows,
                                   int pauseMs,
                                   MoveResult &res,
                                   qint64 total)
{
    const QByteArray sql = batchSql(plan, m, batchRows).toUtf8();
    const OpContext ctx{moveOp(), m.partition};
    qint64 moved = 0;
    for (;;) {
        m_maintenance.checkStop(moveOp(), plan.table);
        qint64 n = 0;
        // One statement, one transaction: the rows are in the default or in the new table.
        m_maintenance.withRetries(plan.table, [&] { n = m_conn.exec(sql, ctx).affectedRows(); });
        if (n == 0)
            return moved;
        moved += n;
        res.moved += n;
        ++res.batches;
        MaintenanceProgress p;
        p.table = plan.table;
        p.rowsDone = res.moved;
        p.rowsTotal = qMax(total, res.moved);
        p.message = QStringLiteral("%1: moved %2 of %3 into %4 (batch %5)")
                        .arg(plan.table,
                             QString::number(p.rowsDone),
                             rows(p.rowsTotal),
                             m.partition,
                             QString::number(res.batches));
        m_maintenance.report(p);
        if (pauseMs > 0)
            m_maintenance.pause(pauseMs, plan.table);
    }
}

MoveResult PartitionMover::applyTable(const MoveTablePlan &plan, qint64 batchRows, int pauseMs)
{
    MoveResult res;
    res.table = plan.table;
    const SessionConfig &session = m_maintenance.config().session;
    const qint64 total = plan.rowsToMove;
    auto step = [&](const QString &message) {
        MaintenanceProgress p;
        p.table = plan.table;
        p.message = message;
        p.rowsDone = res.moved;
        p.rowsTotal = qMax(total, res.moved);
        m_maintenance.report(p);
    };
    for (const MoveMonth &m : plan.months) {
        m_maintenance.checkStop(moveOp(), plan.table);
        m_maintenance.withRetries(plan.table, [&] {
            if (exists(QStringLiteral("SELECT to_regclass($1) IS NOT NULL"), m.partition))
                return;
            Transaction tx(m_conn, session, {moveOp(), m.partition});
            m_conn.exec(createStageSql(plan.table, m).toUtf8(), {moveOp(), m.partition});
            m_conn.exec(stageCheckSql(m).toUtf8(), {moveOp(), m.partition});
            tx.commit();
            step(QStringLiteral("%1: created %2, standalone until ATTACH")
                     .arg(plan.table, m.partition));
        });
    }
    for (const MoveMonth &m : plan.months)
        moveBatches(plan, m, batchRows, pauseMs, res, total);
    const QString hasHelper = QStringLiteral(
        "SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass($1) AND conname "
        "= $2)");
    const QString helperValid = QStringLiteral(
        "SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = to_regclass($1) AND conname "
        "= $2 AND convalidated)");
    for (const MoveMonth &m : plan.months) {
        const QString helper = helperName(m.month);
        const OpContext ctx{moveOp(), plan.defaultPartition};
        m_maintenance.checkStop(moveOp(), plan.table);
        m_maintenance.withRetries(plan.table, [&] {
            // The lock ADD CONSTRAINT takes anyway, first: the same statement of a killed run
            // that still waits holds it until it commits, so the check sees its outcome.
            Transaction tx(m_conn, session, ctx);
            m_conn.exec(lockSql(plan.defaultPartition), ctx);
            if (!exists(hasHelper, plan.defaultPartition, helper))
                m_conn.exec(helperAddSql(plan, m).toUtf8(), ctx);
            tx.commit();
        });
        step(QStringLiteral("%1: %2 excludes %3 (constraint %4)")
                 .arg(plan.table, plan.defaultPartition, m.month.toString(), helper));
        moveBatches(plan, m, batchRows, pauseMs, res, total);
        m_maintenance.checkStop(moveOp(), plan.table);
        step(QStringLiteral("%1: validating %2 on %3 (reads and writes go on)")
                 .arg(plan.table, helper, plan.defaultPartition));
        m_maintenance.withRetries(plan.table, [&] {
            if (!exists(helperValid, plan.defaultPartition, helper))
                m_conn.exec(validateSql(plan, m).toUtf8(), ctx);
        });
        m_maintenance.checkStop(moveOp(), plan.table);
        qint64 scans = -1;
        m_maintenance.withRetries(plan.table, [&] {
            // Pending statistics flushed first, so the transaction's own counters show
            // whether ATTACH scanned the default partition.
            bool measured = true;
            try {
                m_conn.exec("SELECT pg_stat_force_next_flush()", ctx);
            } catch (const DbError &e) {
                if (e.isCancelled())
                    throw;
                measured = false;
            }
            Transaction tx(m_conn, session, ctx);
            // As above: an ATTACH of a killed run may have committed since the preview.
            m_conn.exec(lockSql(m.partition), ctx);
            if (exists(QStringLiteral("SELECT relispartition FROM pg_class WHERE oid = "
                                      "to_regclass($1)"),
                       m.partition)) {
                tx.commit();
                scans = -1;
                return;
            }
            const QStringList sql = attachSql(plan, m);
            m_conn.exec(sql[0].toUtf8(), ctx);
            if (measured)
                scans = m_conn
                            .exec("SELECT coalesce((SELECT seq_scan FROM "
                                  "pg_stat_xact_user_tables WHERE relid = to_regclass($1)), 0)",
                                  {PgParam(plan.defaultPartition.toUtf8())},
                                  ctx)
                            .toInt64(0, 0);
            for (qsizetype i = 1; i < sql.size(); ++i)
                m_conn.exec(sql[i].toUtf8(), ctx);
            tx.commit();
        });
        ++res.attached;
        if (scans >= 0)
            res.defaultScans = qMax<qint64>(res.defaultScans, 0) + scans;
        step(QStringLiteral("%1: attached %2%3")
                 .arg(plan.table,
                      m.partition,
                      scans == 0 ? QStringLiteral(" without scanning the default partition")
                                 : QString()));
    }
    step(res.summary());
    return res;
}

} // namespace melodee
