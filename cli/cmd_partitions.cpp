#include "clicontext.h"
#include "commands.h"
#include "db/dberror.h"
#include "inspect/schemainspector.h"
#include "partitions/partitionmover.h"
#include "partitionscommands.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace melodee {

namespace partitionscli {

QString iso(const QDateTime &dt)
{
    return dt.isValid() ? dt.toUTC().toString(Qt::ISODate) : QString();
}

void addNowOption(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("now"),
                      QStringLiteral("Reference time (ISO 8601)."),
                      QStringLiteral("ISO")});
}

bool premakeOption(CliContext &ctx, const QCommandLineParser &parser, int *months, int *code)
{
    if (!parser.isSet(QStringLiteral("premake")))
        return true;
    bool ok = false;
    const int value = parser.value(QStringLiteral("premake")).toInt(&ok);
    if (ok && value >= 1 && value <= 120) {
        *months = value;
        return true;
    }
    *code = ctx.fail(QStringLiteral("--premake \"%1\": use a number of months from 1 to 120")
                         .arg(parser.value(QStringLiteral("premake"))),
                     ExitUsage);
    return false;
}

std::optional<QDateTime> nowOption(CliContext &ctx, const QCommandLineParser &parser, int *code)
{
    if (!parser.isSet(QStringLiteral("now")))
        return QDateTime::currentDateTimeUtc();
    const QDateTime now = QDateTime::fromString(parser.value(QStringLiteral("now")), Qt::ISODate);
    if (!now.isValid()) {
        *code = ctx.fail(
            QStringLiteral("--now \"%1\" is not ISO 8601").arg(parser.value(QStringLiteral("now"))),
            ExitUsage);
        return std::nullopt;
    }
    return now.toUTC();
}

void printProgress(CliContext &ctx, const MaintenanceProgress &p)
{
    if (ctx.json()) {
        QJsonObject o{{QStringLiteral("table"), p.table}, {QStringLiteral("message"), p.message}};
        if (p.rowsTotal >= 0) {
            o.insert(QStringLiteral("rows_done"), p.rowsDone);
            o.insert(QStringLiteral("rows_total"), p.rowsTotal);
        }
        ctx.err() << QJsonDocument(QJsonObject{{QStringLiteral("progress"), o}})
                         .toJson(QJsonDocument::Compact)
                  << '\n';
    } else {
        ctx.err() << p.message << '\n';
    }
    ctx.err().flush();
}

} // namespace partitionscli

namespace {

using partitionscli::iso;

int runList(CliContext &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Lists the partitions of albums and songs: bounds (UTC), estimated rows (exact with "
        "--exact), size, gaps, months covered ahead, rows in the default partition.\n"
        "Exit code: 0 ok, 1 failure, 3 usage."));
    parser.addOption(
        {QStringLiteral("exact"), QStringLiteral("Count rows exactly (scans every partition).")});
    parser.addOption({QStringLiteral("now"),
                      QStringLiteral("Reference time (ISO 8601)."),
                      QStringLiteral("ISO")});
    int code = ExitOk;
    if (!ctx.parse(parser, args, QStringLiteral("partitions list"), &code))
        return code;
    QDateTime now = QDateTime::currentDateTimeUtc();
    if (parser.isSet(QStringLiteral("now"))) {
        now = QDateTime::fromString(parser.value(QStringLiteral("now")), Qt::ISODate);
        if (!now.isValid())
            return ctx.fail(QStringLiteral("--now \"%1\" is not ISO 8601")
                                .arg(parser.value(QStringLiteral("now"))),
                            ExitUsage);
    }
    const AppConfig config = ctx.config();
    const bool exact = parser.isSet(QStringLiteral("exact"));
    const auto tables = PartitionMaintenance(config).list(now, exact);
    // A missing table usually means "not migrated yet", unless the database holds melodee-next's
    // schema, which melodee neither migrates nor partitions: say so instead of advising migrate.
    bool melodeeNext = false;
    for (const PartitionedTableInfo &t : tables) {
        if (!t.exists) {
            melodeeNext = SchemaInspector(config).detect().kind == SchemaKind::MelodeeNext;
            break;
        }
    }
    const QString notManaged = QStringLiteral(
        "this database holds melodee-next's schema, whose tables are not partitioned; "
        "`melodee inspect --details` describes them");
    if (ctx.json()) {
        QJsonArray arr;
        for (const PartitionedTableInfo &t : tables) {
            QJsonArray parts;
            for (const PartitionInfo &p : t.partitions) {
                QJsonObject o{{QStringLiteral("name"), p.name},
                              {QStringLiteral("default"), p.isDefault},
                              {QStringLiteral("bounds"), p.bounds},
                              {QStringLiteral("estimated_rows"), p.estimatedRows},
                              {QStringLiteral("total_bytes"), p.totalBytes}};
                if (!p.isDefault) {
                    o.insert(QStringLiteral("from"), iso(p.from));
                    o.insert(QStringLiteral("to"), iso(p.to));
                }
                if (exact)
                    o.insert(QStringLiteral("rows"), p.exactRows);
                parts.append(o);
            }
            QJsonArray gaps;
            for (const auto &g : t.gaps)
                gaps.append(QJsonObject{{QStringLiteral("from"), iso(g.first)},
                                        {QStringLiteral("to"), iso(g.second)}});
            arr.append(QJsonObject{{QStringLiteral("table"), t.table},
                                   {QStringLiteral("exists"), t.exists},
                                   {QStringLiteral("partitions"), parts},
                                   {QStringLiteral("gaps"), gaps},
                                   {QStringLiteral("months_ahead"), t.monthsAhead},
                                   {QStringLiteral("next_month_covered"), t.nextMonthCovered},
                                   {QStringLiteral("has_default"), t.hasDefault},
                                   {QStringLiteral("default_rows"), t.defaultRows}});
        }
        QJsonObject doc{{QStringLiteral("tables"), arr}};
        if (melodeeNext)
            doc.insert(QStringLiteral("notes"), QJsonArray{notManaged});
        ctx.printJson(doc);
        return ExitOk;
    }
    for (const PartitionedTableInfo &t : tables) {
        if (!t.exists) {
            ctx.out() << t.table << ": not a partitioned table ("
                      << (melodeeNext ? notManaged : QStringLiteral("run melodee migrate"))
                      << ")\n";
            continue;
        }
        ctx.out() << t.table << ": " << t.partitions.size() << " partitions, " << t.monthsAhead
                  << " months ahead covered, default "
                  << (t.hasDefault ? QStringLiteral("present") : QStringLiteral("MISSING"))
                  << " with " << t.defaultRows << " rows\n";
        for (const PartitionInfo &p : t.partitions) {
            const qint64 rows = exact ? p.exactRows : p.estimatedRows;
            // One multi-arg call: a partition name holding "%2" must not take the next value.
            ctx.out() << QStringLiteral("  %1  %2  %3 rows%4  %5 bytes\n")
                             .arg(p.name.leftJustified(28),
                                  p.isDefault
                                      ? QStringLiteral("DEFAULT").leftJustified(43)
                                      : QStringLiteral("%1 .. %2").arg(iso(p.from), iso(p.to)),
                                  rows < 0 ? QStringLiteral("?") : QString::number(rows),
                                  exact ? QString() : QStringLiteral(" (est.)"),
                                  QString::number(p.totalBytes));
        }
        for (const auto &g : t.gaps)
            ctx.out() << "  GAP " << iso(g.first) << " .. " << iso(g.second) << '\n';
    }
    ctx.out().flush();
    return ExitOk;
}

QJsonObject previewJson(const MaintenancePreview &preview)
{
    QJsonArray tables;
    for (const MaintenancePlan &p : preview.plans) {
        QJsonArray create;
        for (const Month &m : p.create)
            create.append(m.toString());
        tables.append(QJsonObject{
            {QStringLiteral("table"), p.table},
            {QStringLiteral("create"), create},
            {QStringLiteral("rows_to_move"), p.rowsToMove},
            {QStringLiteral("rows_staying"), p.strandedRows},
            {QStringLiteral("statements"), QJsonArray::fromStringList(p.statements())}});
    }
    return QJsonObject{{QStringLiteral("now"), iso(preview.now)},
                       {QStringLiteral("first_month"), preview.window.first.toString()},
                       {QStringLiteral("months"), preview.window.months()},
                       {QStringLiteral("tables"), tables},
                       {QStringLiteral("notes"), QJsonArray::fromStringList(preview.notes)}};
}

QJsonObject movePreviewJson(const MovePreview &preview)
{
    QJsonObject o = previewJson(preview.direct);
    QJsonArray tables = o.value(QStringLiteral("tables")).toArray();
    for (const MoveTablePlan &t : preview.tables) {
        QJsonArray months;
        for (const MoveMonth &m : t.months)
            months.append(QJsonObject{{QStringLiteral("month"), m.month.toString()},
                                      {QStringLiteral("partition"), m.partition},
                                      {QStringLiteral("rows_to_move"), m.defaultRows},
                                      {QStringLiteral("resumed"), m.staged},
                                      {QStringLiteral("rows_already_moved"), m.stagedRows}});
        tables.append(
            QJsonObject{{QStringLiteral("table"), t.table},
                        {QStringLiteral("batched"), true},
                        {QStringLiteral("months"), months},
                        {QStringLiteral("rows_to_move"), t.rowsToMove},
                        {QStringLiteral("statements"), QJsonArray::fromStringList(t.statements)}});
    }
    o.insert(QStringLiteral("tables"), tables);
    o.insert(QStringLiteral("notes"), QJsonArray::fromStringList(preview.notes));
    o.insert(QStringLiteral("batch_rows"), preview.batchRows);
    o.insert(QStringLiteral("pause_ms"), preview.pauseMs);
    return o;
}

int runBatchedMaintain(CliContext &ctx,
                       const QCommandLineParser &parser,
                       const AppConfig &config,
                       const MaintenanceRequest &maintenanceRequest)
{
    MoveRequest request;
    request.maintenance = maintenanceRequest;
    if (parser.isSet(QStringLiteral("batch-rows"))) {
        bool ok = false;
        request.batchRows = parser.value(QStringLiteral("batch-rows")).toLongLong(&ok);
        if (!ok || request.batchRows < 1 || request.batchRows > 10000000)
            return ctx.fail(QStringLiteral("--batch-rows \"%1\": use a number of rows from 1 to "
                                           "10000000")
                                .arg(parser.value(QStringLiteral("batch-rows"))),
                            ExitUsage);
    }
    if (parser.isSet(QStringLiteral("pause-ms"))) {
        bool ok = false;
        request.pauseMs = parser.value(QStringLiteral("pause-ms")).toInt(&ok);
        if (!ok || request.pauseMs < 0 || request.pauseMs > 600000)
            return ctx.fail(QStringLiteral("--pause-ms \"%1\": use milliseconds from 0 to 600000")
                                .arg(parser.value(QStringLiteral("pause-ms"))),
                            ExitUsage);
    }
    PartitionMaintenance maintenance(config);
    maintenance.setProgress(
        [&ctx](const MaintenanceProgress &p) { partitionscli::printProgress(ctx, p); });
    PartitionMover mover(maintenance);
    const MovePreview preview = mover.preview(request);
    const bool dryRun = parser.isSet(QStringLiteral("dry-run"));
    if (ctx.json() && (dryRun || preview.isEmpty())) {
        QJsonObject o = movePreviewJson(preview);
        o.insert(QStringLiteral("dry_run"), dryRun);
        ctx.printJson(o);
        return ExitOk;
    }
    if (preview.isEmpty() || dryRun) {
        ctx.out() << (dryRun ? QStringLiteral("-- melodee partitions maintain --batch-rows %1 "
                                              "(dry run), as of %2\n")
                                   .arg(preview.batchRows)
                                   .arg(iso(preview.direct.now))
                             : QString())
                  << (preview.isEmpty() ? QStringLiteral("-- nothing to do\n") : QString())
                  << preview.script();
        ctx.out().flush();
        return ExitOk;
    }
    try {
        const QList<MoveResult> results = mover.apply(preview);
        if (ctx.json()) {
            QJsonArray arr;
            for (const MoveResult &r : results)
                arr.append(QJsonObject{{QStringLiteral("table"), r.table},
                                       {QStringLiteral("attached"), r.attached},
                                       {QStringLiteral("moved"), r.moved},
                                       {QStringLiteral("batches"), r.batches},
                                       {QStringLiteral("default_scans"), r.defaultScans}});
            QJsonObject o = movePreviewJson(preview);
            o.insert(QStringLiteral("dry_run"), false);
            o.insert(QStringLiteral("results"), arr);
            ctx.printJson(o);
            return ExitOk;
        }
        for (const QString &note : preview.notes)
            ctx.out() << note << '\n';
        for (const MoveResult &r : results)
            ctx.out() << r.summary() << '\n';
    } catch (const DbError &e) {
        return ctx.fail(e.toString(), e.isRetryable() ? ExitLockWait : exitCodeFor(e.kind()));
    }
    ctx.out().flush();
    return ExitOk;
}

int runMaintain(CliContext &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Creates missing monthly partitions (from --from or this month through the "
                       "premake window) and moves rows out of the default partition, counting "
                       "rows before and after. Rows whose created_at no month partition can hold "
                       "(infinity, -infinity, before year 1, after 9999) are reported and stay in "
                       "the default partition.\n"
                       "Exit code: 0 done, 1 failure, 3 usage, 6 lock timeout retries exhausted."));
    parser.addOption({QStringLiteral("premake"),
                      QStringLiteral("Months to keep, starting with the current one (default "
                                     "migrate.premake_months = 6)."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("from"),
                      QStringLiteral("Also create months back to YYYY-MM (imports). More than "
                                     "%1 months per table need --yes.")
                          .arg(PartitionMaintenance::kMaxWindowMonths),
                      QStringLiteral("YYYY-MM")});
    parser.addOption({QStringLiteral("yes"),
                      QStringLiteral("Confirm a --from that asks for more than %1 months.")
                          .arg(PartitionMaintenance::kMaxWindowMonths)});
    parser.addOption(
        {QStringLiteral("dry-run"), QStringLiteral("Print the statements; change nothing.")});
    parser.addOption({QStringLiteral("batch-rows"),
                      QStringLiteral("Move the default partition's rows in batches of N rows, "
                                     "each its own transaction, and attach new partitions "
                                     "without scanning the default under lock; resumable."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("pause-ms"),
                      QStringLiteral("With --batch-rows: pause M ms between batches (default 0)."),
                      QStringLiteral("M")});
    partitionscli::addNowOption(parser);
    int code = ExitOk;
    if (!ctx.parse(parser, args, QStringLiteral("partitions maintain"), &code))
        return code;
    const AppConfig config = ctx.config();
    MaintenanceRequest request;
    request.premakeMonths = config.migrate.premakeMonths;
    request.confirmLargeWindow = parser.isSet(QStringLiteral("yes"));
    if (!partitionscli::premakeOption(ctx, parser, &request.premakeMonths, &code))
        return code;
    const QString fromText = parser.value(QStringLiteral("from"));
    if (parser.isSet(QStringLiteral("from"))) {
        const Month m = Month::parse(fromText);
        if (!m.isValid())
            return ctx.fail(
                QStringLiteral("--from \"%1\": use YYYY-MM from 0001-01 on, e.g. 2024-01")
                    .arg(fromText),
                ExitUsage);
        request.from = m;
    }
    request.now = QDateTime::currentDateTimeUtc();
    if (parser.isSet(QStringLiteral("now"))) {
        request.now = QDateTime::fromString(parser.value(QStringLiteral("now")), Qt::ISODate);
        if (!request.now.isValid())
            return ctx.fail(QStringLiteral("--now \"%1\" is not ISO 8601")
                                .arg(parser.value(QStringLiteral("now"))),
                            ExitUsage);
    }
    // Refused before connecting: the size of the window is known from the arguments alone.
    const Month current = Month::fromDate(request.now.toUTC().date());
    const MaintenanceWindow window = PartitionMaintenance::window(request, request.now);
    if (request.from && current < *request.from)
        return ctx.fail(QStringLiteral("--from \"%1\" is after the current month %2: --from "
                                       "reaches back, --premake ahead")
                            .arg(fromText, current.toString()),
                        ExitUsage);
    if (request.from && window.months() > PartitionMaintenance::kMaxWindowMonths
        && !request.confirmLargeWindow)
        return ctx.fail(QStringLiteral("--from \"%1\" asks for %2 months per table (%3 through "
                                       "%4), more than %5 in one transaction; check the month, "
                                       "or add --yes to create them all")
                            .arg(fromText)
                            .arg(window.months())
                            .arg(window.first.toString(), window.end.addMonths(-1).toString())
                            .arg(PartitionMaintenance::kMaxWindowMonths),
                        ExitUsage);
    try {
        PartitionMaintenance::checkRequest(request, request.now);
    } catch (const PartitionError &e) {
        return ctx.fail(e.message(), exitCodeFor(e.kind()));
    }
    if (parser.isSet(QStringLiteral("batch-rows")) || parser.isSet(QStringLiteral("pause-ms")))
        return runBatchedMaintain(ctx, parser, config, request);

    PartitionMaintenance maintenance(config);
    // Retries go to stderr as they happen; each step is on melodee.partitions at info.
    maintenance.setProgress([&ctx](const MaintenanceProgress &p) {
        if (p.message.startsWith(QLatin1String("retry "))) {
            ctx.err() << p.message << '\n';
            ctx.err().flush();
        }
    });
    const MaintenancePreview preview = maintenance.preview(request);
    const bool dryRun = parser.isSet(QStringLiteral("dry-run"));
    if (ctx.json() && (dryRun || preview.isEmpty())) {
        QJsonObject o = previewJson(preview);
        o.insert(QStringLiteral("dry_run"), dryRun);
        ctx.printJson(o);
        return ExitOk;
    }
    if (preview.isEmpty() || !dryRun) {
        for (const QString &note : preview.notes)
            ctx.out() << note << '\n';
    }
    if (preview.isEmpty()) {
        ctx.out() << "nothing to do: partitions cover the " << window.months() << " months from "
                  << window.first.toString() << " and no row in a default partition can move\n";
        ctx.out().flush();
        return ExitOk;
    }
    if (dryRun) {
        ctx.out() << "-- melodee partitions maintain (dry run), as of " << iso(preview.now) << '\n'
                  << preview.script();
        ctx.out().flush();
        return ExitOk;
    }
    try {
        const auto results = maintenance.apply(preview);
        if (ctx.json()) {
            QJsonArray arr;
            for (const MaintenanceResult &r : results)
                arr.append(QJsonObject{{QStringLiteral("table"), r.table},
                                       {QStringLiteral("created"), r.created},
                                       {QStringLiteral("moved"), r.moved},
                                       {QStringLiteral("rows_before"), r.countBefore},
                                       {QStringLiteral("rows_after"), r.countAfter}});
            QJsonObject o = previewJson(preview);
            o.insert(QStringLiteral("dry_run"), false);
            o.insert(QStringLiteral("results"), arr);
            ctx.printJson(o);
            return ExitOk;
        }
        for (const MaintenanceResult &r : results)
            ctx.out() << r.summary() << '\n';
    } catch (const DbError &e) {
        return ctx.fail(e.toString(), e.isRetryable() ? ExitLockWait : exitCodeFor(e.kind()));
    }
    ctx.out().flush();
    return ExitOk;
}

} // namespace

int runPartitionsCommand(CliContext &ctx, const QStringList &args)
{
    // One row per subcommand; each lives in its own file (partitionscommands.h).
    struct Sub
    {
        QString name;
        QString usage;
        int (*run)(CliContext &, const QStringList &);
    };
    static const QList<Sub> subs = {
        {QStringLiteral("list"), QStringLiteral("list [--json] [--exact]"), runList},
        {QStringLiteral("maintain"),
         QStringLiteral("maintain [--premake 6] [--from YYYY-MM [--yes]] [--batch-rows N "
                        "[--pause-ms M]] [--dry-run] [--json]"),
         runMaintain},
        {QStringLiteral("retention"),
         QStringLiteral("retention --keep MONTHS [--detach-only] [--dry-run] [--json] "
                        "[--environment ENV] [--allow-destructive]"),
         runPartitionsRetention},
        {QStringLiteral("check"),
         QStringLiteral("check [--fix-privileges [--dry-run]] [--json]"),
         runPartitionsCheck},
        {QStringLiteral("convert"),
         QStringLiteral("convert TABLE --by COLUMN --monthly [--dry-run] [--reviewer NAME] "
                        "[--plan-hash HASH] [--yes] [--premake 6] [--batch 5000] [--json]"),
         runPartitionsConvert},
    };
    try {
        const QString sub = args.value(0);
        QStringList names;
        for (const Sub &s : subs) {
            if (s.name == sub)
                return s.run(ctx, args.mid(1));
            names << s.name;
        }
        if (sub == QLatin1String("--help") || sub == QLatin1String("-h") || sub.isEmpty()) {
            for (int i = 0; i < subs.size(); ++i)
                ctx.out() << (i == 0 ? "usage: " : "       ") << "melodee partitions "
                          << subs[i].usage << '\n';
            ctx.out().flush();
            return sub.isEmpty() ? ExitUsage : ExitOk;
        }
        return ctx.fail(QStringLiteral("unknown partitions subcommand \"%1\" (%2)")
                            .arg(sub, names.join(QLatin1String(", "))),
                        ExitUsage);
    } catch (const DbError &e) {
        return ctx.fail(e.toString(), exitCodeFor(e.kind()));
    } catch (const PartitionError &e) {
        return ctx.fail(e.message(), exitCodeFor(e.kind()));
    }
}

} // namespace melodee
