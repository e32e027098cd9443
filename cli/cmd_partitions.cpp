#include "clicontext.h"
#include "commands.h"
#include "db/dberror.h"
#include "inspect/schemainspector.h"
#include "partitions/partitionmaintenance.h"

#include <QJsonArray>
#include <QJsonObject>

namespace melodee {

namespace {

QString iso(const QDateTime &dt)
{
    return dt.isValid() ? dt.toUTC().toString(Qt::ISODate) : QString();
}

} // namespace

bool readNowOption(CliContext &ctx, const QCommandLineParser &parser, QDateTime *now, int *code)
{
    *now = QDateTime::currentDateTimeUtc();
    if (!parser.isSet(QStringLiteral("now")))
        return true;
    *now = QDateTime::fromString(parser.value(QStringLiteral("now")), Qt::ISODate);
    if (now->isValid())
        return true;
    *code = ctx.fail(
        QStringLiteral("--now \"%1\" is not ISO 8601").arg(parser.value(QStringLiteral("now"))),
        ExitUsage);
    return false;
}

bool readPremakeOption(CliContext &ctx, const QCommandLineParser &parser, int *months, int *code)
{
    if (!parser.isSet(QStringLiteral("premake")))
        return true;
    bool ok = false;
    *months = parser.value(QStringLiteral("premake")).toInt(&ok);
    if (ok && *months >= 1 && *months <= 120)
        return true;
    *code = ctx.fail(QStringLiteral("--premake \"%1\": use a number of months from 1 to 120")
                         .arg(parser.value(QStringLiteral("premake"))),
                     ExitUsage);
    return false;
}

namespace {

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
    QDateTime now;
    if (!readNowOption(ctx, parser, &now, &code))
        return code;
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
    parser.addOption({QStringLiteral("now"),
                      QStringLiteral("Reference time (ISO 8601)."),
                      QStringLiteral("ISO")});
    int code = ExitOk;
    if (!ctx.parse(parser, args, QStringLiteral("partitions maintain"), &code))
        return code;
    const AppConfig config = ctx.config();
    MaintenanceRequest request;
    request.premakeMonths = config.migrate.premakeMonths;
    request.confirmLargeWindow = parser.isSet(QStringLiteral("yes"));
    if (!readPremakeOption(ctx, parser, &request.premakeMonths, &code))
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
    if (!readNowOption(ctx, parser, &request.now, &code))
        return code;
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
    try {
        const QString sub = args.value(0);
        if (sub == QLatin1String("list"))
            return runList(ctx, args.mid(1));
        if (sub == QLatin1String("maintain"))
            return runMaintain(ctx, args.mid(1));
        if (sub == QLatin1String("convert"))
            return runPartitionsConvert(ctx, args.mid(1));
        if (sub == QLatin1String("--help") || sub == QLatin1String("-h") || sub.isEmpty()) {
            ctx.out() << "usage: melodee partitions list [--json] [--exact]\n"
                         "       melodee partitions maintain [--premake 6] [--from YYYY-MM "
                         "[--yes]] [--dry-run] [--json]\n"
                         "       melodee partitions convert TABLE --by COLUMN --monthly --dry-run "
                         "[--premake 6] [--batch 5000] [--json]\n";
            ctx.out().flush();
            return sub.isEmpty() ? ExitUsage : ExitOk;
        }
        return ctx.fail(
            QStringLiteral("unknown partitions subcommand \"%1\" (list, maintain, convert)")
                .arg(sub),
            ExitUsage);
    } catch (const DbError &e) {
        return ctx.fail(e.toString(), exitCodeFor(e.kind()));
    } catch (const PartitionError &e) {
        return ctx.fail(e.message(), exitCodeFor(e.kind()));
    }
}

} // namespace melodee
