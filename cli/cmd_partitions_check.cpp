#include "clicontext.h"
#include "partitions/partitiondrift.h"
#include "partitions/partitionmaintenance.h"
#include "partitionscommands.h"

#include <QJsonArray>
#include <QJsonObject>

namespace melodee {

namespace {

QJsonValue when(const QDateTime &dt)
{
    return dt.isValid() ? QJsonValue(partitionscli::iso(dt)) : QJsonValue(QJsonValue::Null);
}

QJsonObject itemJson(const PartitionCheckItem &i)
{
    QJsonObject o{
        {QStringLiteral("table"), i.table},
        {QStringLiteral("partition"), i.partition},
        {QStringLiteral("default"), i.isDefault},
        {QStringLiteral("drifted"), i.drifted()},
        {QStringLiteral("bloated"), i.bloated()},
        {QStringLiteral("findings"), QJsonArray::fromStringList(i.findings())},
        {QStringLiteral("missing_indexes"), QJsonArray::fromStringList(i.missingIndexes)},
        {QStringLiteral("extra_indexes"), QJsonArray::fromStringList(i.extraIndexes)},
        {QStringLiteral("invalid_indexes"), QJsonArray::fromStringList(i.invalidIndexes)},
        {QStringLiteral("extra_constraints"), QJsonArray::fromStringList(i.extraConstraints)},
        {QStringLiteral("not_valid_constraints"),
         QJsonArray::fromStringList(i.notValidConstraints)},
        {QStringLiteral("acl"), i.acl},
        {QStringLiteral("parent_acl"), i.parentAcl},
        {QStringLiteral("reloptions"), i.reloptions},
        {QStringLiteral("parent_reloptions"), i.parentReloptions},
        {QStringLiteral("owner"), i.owner},
        {QStringLiteral("parent_owner"), i.parentOwner},
        {QStringLiteral("last_vacuum"), when(i.lastVacuum)},
        {QStringLiteral("last_autovacuum"), when(i.lastAutovacuum)},
        {QStringLiteral("last_analyze"), when(i.lastAnalyze)},
        {QStringLiteral("last_autoanalyze"), when(i.lastAutoanalyze)},
        {QStringLiteral("live_tuples"), i.liveTuples},
        {QStringLiteral("dead_tuples"), i.deadTuples},
        {QStringLiteral("pages"), i.pages},
        {QStringLiteral("estimated_rows"), i.estimatedRows},
        {QStringLiteral("dead_share"), i.deadShare},
        {QStringLiteral("bytes_per_row"), i.bytesPerRow},
        {QStringLiteral("median_bytes_per_row"), i.medianBytesPerRow}};
    if (!i.isDefault) {
        o.insert(QStringLiteral("from"), partitionscli::iso(i.from));
        o.insert(QStringLiteral("to"), partitionscli::iso(i.to));
    }
    return o;
}

QString lastOf(const QDateTime &manual, const QDateTime &automatic)
{
    const QDateTime last
        = manual.isValid() && (!automatic.isValid() || automatic < manual) ? manual : automatic;
    return last.isValid() ? partitionscli::iso(last) : QStringLiteral("never");
}

} // namespace

int runPartitionsCheck(CliContext &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Per partition: the indexes, constraints, privileges (relacl), storage options and owner "
        "that differ from the parent, the last vacuum and analyze, and a bloat estimate from "
        "statistics (dead-row share, bytes per row against the median). Reads only.\n"
        "With --fix-privileges, partitions whose owner or privileges differ get their table's "
        "(ALTER TABLE ... OWNER TO, REVOKE, GRANT; one transaction per partition), and the report "
        "is of the state after; with --dry-run as well, the statements are printed and nothing "
        "changes.\n"
        "Exit code: 0 nothing drifted, 1 failure or a partition drifted, 3 usage."));
    parser.addOptions(
        {{QStringLiteral("fix-privileges"),
          QStringLiteral("Give each partition its table's owner and privileges.")},
         {QStringLiteral("dry-run"),
          QStringLiteral("With --fix-privileges: print the statements; change nothing.")}});
    int code = ExitOk;
    if (!ctx.parse(parser, args, QStringLiteral("partitions check"), &code))
        return code;
    const bool fix = parser.isSet(QStringLiteral("fix-privileges"));
    const bool dryRun = parser.isSet(QStringLiteral("dry-run"));
    if (dryRun && !fix)
        return ctx.fail(QStringLiteral("--dry-run goes with --fix-privileges: check alone "
                                       "changes nothing"),
                        ExitUsage);
    PartitionMaintenance maintenance(ctx.config());
    PartitionCheckReport report = checkPartitions(maintenance);
    QList<PrivilegeFix> fixes;
    if (fix) {
        fixes = planPrivilegeFixes(maintenance, report);
        if (!dryRun && !fixes.isEmpty()) {
            applyPrivilegeFixes(maintenance, fixes);
            report = checkPartitions(maintenance);
        }
    }
    const int drifted = report.driftedCount();
    if (ctx.json()) {
        QJsonArray items;
        for (const PartitionCheckItem &i : report.items)
            items.append(itemJson(i));
        QJsonObject o{{QStringLiteral("at"), partitionscli::iso(report.at)},
                      {QStringLiteral("partitions"), items},
                      {QStringLiteral("drifted"), drifted},
                      {QStringLiteral("bloated"), report.bloatedCount()}};
        if (fix) {
            QJsonArray planned;
            for (const PrivilegeFix &f : std::as_const(fixes))
                planned.append(QJsonObject{
                    {QStringLiteral("table"), f.table},
                    {QStringLiteral("partition"), f.partition},
                    {QStringLiteral("statements"), QJsonArray::fromStringList(f.statements)}});
            o.insert(QStringLiteral("privilege_fixes"), planned);
            o.insert(QStringLiteral("dry_run"), dryRun);
        }
        ctx.printJson(o);
        return drifted > 0 ? ExitFailure : ExitOk;
    }
    if (fix) {
        ctx.out() << "-- melodee partitions check --fix-privileges" << (dryRun ? " (dry run)" : "")
                  << '\n';
        for (const PrivilegeFix &f : std::as_const(fixes)) {
            ctx.out() << "BEGIN;\n";
            for (const QString &sql : f.statements)
                ctx.out() << sql << ";\n";
            ctx.out() << "COMMIT;\n";
        }
        if (fixes.isEmpty())
            ctx.out() << "-- every partition has its table's owner and privileges\n";
    }
    for (const PartitionCheckItem &i : report.items) {
        ctx.out() << QStringLiteral("%1  %2  vacuum %3  analyze %4  dead %5 %\n")
                         .arg(i.partition.leftJustified(28),
                              i.drifted() ? QStringLiteral("DRIFT") : QStringLiteral("ok   "),
                              lastOf(i.lastVacuum, i.lastAutovacuum),
                              lastOf(i.lastAnalyze, i.lastAutoanalyze),
                              QString::number(i.deadShare * 100, 'f', 1));
        for (const QString &f : i.findings())
            ctx.out() << "    " << f << '\n';
    }
    ctx.out() << report.items.size() << " partition(s), " << drifted << " drifted, "
              << report.bloatedCount() << " with a bloat estimate over the threshold\n";
    ctx.out().flush();
    return drifted > 0 ? ExitFailure : ExitOk;
}

} // namespace melodee
