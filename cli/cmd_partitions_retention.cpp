#include "clicontext.h"
#include "db/dberror.h"
#include "guardoptions.h"
#include "migrate/partitionguard.h"
#include "partitions/partitionretention.h"
#include "partitionscommands.h"

#include <QJsonArray>
#include <QJsonObject>

namespace melodee {

namespace {

QJsonObject retentionJson(const RetentionPreview &preview, const PartitionGuard &guard)
{
    QJsonArray items;
    for (const RetentionItem &i : preview.items) {
        items.append(QJsonObject{
            {QStringLiteral("table"), i.table},
            {QStringLiteral("partition"), i.partition},
            {QStringLiteral("from"), partitionscli::iso(i.from)},
            {QStringLiteral("to"), partitionscli::iso(i.to)},
            {QStringLiteral("estimated_rows"), i.estimatedRows},
            {QStringLiteral("state"),
             i.state == RetentionItem::State::Attached        ? QStringLiteral("attached")
             : i.state == RetentionItem::State::DetachPending ? QStringLiteral("detach_pending")
                                                              : QStringLiteral("detached")},
            {QStringLiteral("statements"), QJsonArray::fromStringList(i.statements)}});
    }
    return QJsonObject{{QStringLiteral("now"), partitionscli::iso(preview.now)},
                       {QStringLiteral("keep_months"), preview.keepMonths},
                       {QStringLiteral("horizon"), preview.horizon.toString()},
                       {QStringLiteral("detach_only"), preview.detachOnly},
                       {QStringLiteral("partitions"), items},
                       {QStringLiteral("notes"), QJsonArray::fromStringList(preview.notes)},
                       {QStringLiteral("guard"), guard.summary()}};
}

} // namespace

int runPartitionsRetention(CliContext &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Detaches, then drops, the month partitions that end on or before the first day of the "
        "month --keep months before the current one. Never the default partition, never a "
        "table's last month partition. Each statement is its own transaction; a rerun after an "
        "interruption finishes the work. Dropping and detaching obey the production guard.\n"
        "Exit code: 0 done, 1 failure, 3 usage, 5 refused by the production guard, 6 lock "
        "timeout retries exhausted."));
    parser.addOption({QStringLiteral("keep"),
                      QStringLiteral("Months to keep before the current one (1 to %1).")
                          .arg(RetentionRequest::kMaxKeepMonths),
                      QStringLiteral("MONTHS")});
    parser.addOption({QStringLiteral("detach-only"),
                      QStringLiteral("Detach the old partitions and keep them as tables.")});
    parser.addOption(
        {QStringLiteral("dry-run"), QStringLiteral("Print the statements; change nothing.")});
    partitionscli::addNowOption(parser);
    addGuardOptions(parser);
    int code = ExitOk;
    if (!ctx.parse(parser, args, QStringLiteral("partitions retention"), &code))
        return code;
    const QString keepText = parser.value(QStringLiteral("keep"));
    bool ok = false;
    RetentionRequest request;
    request.keepMonths = keepText.toInt(&ok);
    if (!parser.isSet(QStringLiteral("keep")) || !ok || request.keepMonths < 1
        || request.keepMonths > RetentionRequest::kMaxKeepMonths)
        return ctx.fail(QStringLiteral("--keep \"%1\": give the months to keep, 1 to %2")
                            .arg(keepText)
                            .arg(RetentionRequest::kMaxKeepMonths),
                        ExitUsage);
    request.detachOnly = parser.isSet(QStringLiteral("detach-only"));
    const auto now = partitionscli::nowOption(ctx, parser, &code);
    if (!now)
        return code;
    request.now = *now;
    AppConfig config = ctx.config();
    if (!applyEnvironment(ctx, parser, config, &code))
        return code;

    PartitionMaintenance maintenance(config);
    maintenance.setProgress(
        [&ctx](const MaintenanceProgress &p) { partitionscli::printProgress(ctx, p); });
    PartitionRetention retention(maintenance);
    const RetentionPreview preview = retention.preview(request);
    const PartitionGuard guard
        = PartitionGuard::evaluate(maintenance.connection(), config, preview.statements());
    const bool dryRun = parser.isSet(QStringLiteral("dry-run"));
    if (dryRun || preview.isEmpty()) {
        if (ctx.json()) {
            QJsonObject o = retentionJson(preview, guard);
            o.insert(QStringLiteral("dry_run"), dryRun);
            ctx.printJson(o);
        } else {
            ctx.out() << "-- melodee partitions retention" << (dryRun ? " (dry run)" : "")
                      << ", as of " << partitionscli::iso(preview.now) << '\n'
                      << "-- " << guard.summary() << '\n'
                      << preview.script() << (preview.isEmpty() ? "-- nothing to do\n" : "");
            ctx.out().flush();
        }
        return ExitOk;
    }
    const QString refusal = guard.refusal(parser.isSet(QStringLiteral("allow-destructive")),
                                          parser.isSet(QStringLiteral("force-environment")));
    if (!refusal.isEmpty())
        return ctx.fail(refusal, ExitGuard);
    try {
        const RetentionResult result = retention.apply(preview);
        if (ctx.json()) {
            QJsonObject o = retentionJson(preview, guard);
            o.insert(QStringLiteral("dry_run"), false);
            o.insert(QStringLiteral("detached"), result.detached);
            o.insert(QStringLiteral("dropped"), result.dropped);
            ctx.printJson(o);
            return ExitOk;
        }
        for (const QString &note : preview.notes)
            ctx.out() << note << '\n';
        ctx.out() << "detached " << result.detached << ", dropped " << result.dropped
                  << " partition(s)\n";
    } catch (const DbError &e) {
        return ctx.fail(e.toString(), e.isRetryable() ? ExitLockWait : exitCodeFor(e.kind()));
    }
    ctx.out().flush();
    return ExitOk;
}

} // namespace melodee
