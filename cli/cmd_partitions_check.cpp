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
        "Exit code: 0 nothing drifted, 1 failure or a partition drifted, 3 usage."));
    int code = ExitOk;
    if (!ctx.parse(parser, args, QStringLiteral("partitions check"), &code))
        return code;
    PartitionMaintenance maintenance(ctx.config());
    const PartitionCheckReport report = checkPartitions(maintenance);
    const int drifted = report.driftedCount();
    if (ctx.json()) {
        QJsonArray items;
        for (const PartitionCheckItem &i : report.items)
            items.append(itemJson(i));
        ctx.printJson(QJsonObject{{QStringLiteral("at"), partitionscli::iso(report.at)},
                                  {QStringLiteral("partitions"), items},
                                  {QStringLiteral("drifted"), drifted},
                                  {QStringLiteral("bloated"), report.bloatedCount()}});
        return drifted > 0 ? ExitFailure : ExitOk;
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
