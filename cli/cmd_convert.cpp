#include "clicontext.h"
#include "commands.h"
#include "db/dberror.h"
#include "db/pgconnection.h"
#include "partitions/partitionmaintenance.h"
#include "partitions/tableconversion.h"
#include "partitionscommands.h"

namespace melodee {

int runPartitionsConvert(CliContext &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Plans the online conversion of a plain table into monthly range partitions of COLUMN: "
        "a partitioned copy whose keys include COLUMN, month partitions covering the data and "
        "the premake window plus a default, a trigger keeping the copy in sync while rows are "
        "copied in batches, a per-month count and checksum check, and a swap of names in one "
        "short transaction that keeps the old table for rollback. Foreign keys on and to the "
        "table are listed with what happens to them and why.\n"
        "--dry-run prints the plan and changes nothing. Otherwise the plan is applied under "
        "--reviewer NAME (recorded with its hash); in production it also needs --yes. An "
        "interrupted conversion resumes where it stopped when the command is run again.\n"
        "Exit code: 0 ok, 1 failure, 3 usage, 4 plan hash mismatch or verification failed, "
        "5 production guard, 6 lock wait or retries exhausted."));
    parser.addPositionalArgument(QStringLiteral("TABLE"),
                                 QStringLiteral("The table, in the current schema."));
    parser.addOption({QStringLiteral("by"),
                      QStringLiteral("The partition column (timestamptz, timestamp or date)."),
                      QStringLiteral("COLUMN")});
    parser.addOption({QStringLiteral("monthly"),
                      QStringLiteral("Range partitions of one calendar month (UTC) each.")});
    parser.addOption({QStringLiteral("premake"),
                      QStringLiteral("Months to cover from the current one on (default "
                                     "migrate.premake_months = 6)."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("batch"),
                      QStringLiteral("Rows per copy batch (default 5000)."),
                      QStringLiteral("N")});
    parser.addOption(
        {QStringLiteral("dry-run"), QStringLiteral("Print the plan; change nothing.")});
    parser.addOption({QStringLiteral("reviewer"),
                      QStringLiteral("Who reviewed the plan (recorded with its hash)."),
                      QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("plan-hash"),
                      QStringLiteral("Apply only if the plan has this hash (from --dry-run)."),
                      QStringLiteral("HASH")});
    parser.addOption({QStringLiteral("yes"),
                      QStringLiteral("Confirm a conversion in production (migrate.environment).")});
    parser.addOption({QStringLiteral("throttle"),
                      QStringLiteral("Pause after each copy batch, in milliseconds (default 0)."),
                      QStringLiteral("MS")});
    partitionscli::addNowOption(parser);
    int code = ExitOk;
    if (!ctx.parse(parser, args, QStringLiteral("partitions convert"), &code))
        return code;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        return ctx.fail(QStringLiteral("give exactly one TABLE (got %1)").arg(positional.size()),
                        ExitUsage);
    if (!parser.isSet(QStringLiteral("by")))
        return ctx.fail(QStringLiteral("--by COLUMN is required: the column to partition by"),
                        ExitUsage);
    if (!parser.isSet(QStringLiteral("monthly")))
        return ctx.fail(QStringLiteral("--monthly is required: monthly range partitions are the "
                                       "only layout convert makes"),
                        ExitUsage);
    const bool dryRun = parser.isSet(QStringLiteral("dry-run"));
    ConversionOptions options;
    options.reviewer = parser.value(QStringLiteral("reviewer")).trimmed();
    if (!dryRun && options.reviewer.isEmpty())
        return ctx.fail(QStringLiteral("applying a conversion needs --reviewer NAME (recorded with "
                                       "the plan's hash); --dry-run prints the plan"),
                        ExitUsage);
    if (parser.isSet(QStringLiteral("throttle"))) {
        bool ok = false;
        const int ms = parser.value(QStringLiteral("throttle")).toInt(&ok);
        if (!ok || ms < 0 || ms > 60000)
            return ctx.fail(QStringLiteral("--throttle \"%1\": use milliseconds from 0 to 60000")
                                .arg(parser.value(QStringLiteral("throttle"))),
                            ExitUsage);
        options.throttle = std::chrono::milliseconds(ms);
    }
    const QString expectedHash = parser.value(QStringLiteral("plan-hash"));
    const AppConfig config = ctx.config();
    if (!dryRun && config.migrate.environment == Environment::Production
        && !parser.isSet(QStringLiteral("yes")))
        return ctx.fail(QStringLiteral("production guard: a conversion drops the foreign keys that "
                                       "point at the table and widens its unique keys; review the "
                                       "plan (--dry-run) and add --yes"),
                        ExitGuard);
    ConversionRequest request;
    request.table = positional.first();
    request.column = parser.value(QStringLiteral("by"));
    request.premakeMonths = config.migrate.premakeMonths;
    if (!partitionscli::premakeOption(ctx, parser, &request.premakeMonths, &code))
        return code;
    if (parser.isSet(QStringLiteral("batch"))) {
        bool ok = false;
        request.batchRows = parser.value(QStringLiteral("batch")).toInt(&ok);
        if (!ok || request.batchRows < 1 || request.batchRows > 1000000)
            return ctx.fail(QStringLiteral("--batch \"%1\": use a number of rows from 1 to 1000000")
                                .arg(parser.value(QStringLiteral("batch"))),
                            ExitUsage);
    }
    const std::optional<QDateTime> now = partitionscli::nowOption(ctx, parser, &code);
    if (!now)
        return code;
    request.now = *now;
    try {
        auto conn = PartitionMaintenance::openSession(config);
        TableConversion conversion(config);
        // Progress goes to stderr as it happens; the result is the output.
        conversion.setProgress([&ctx](const ConversionProgress &p) {
            ctx.err() << p.message << '\n';
            ctx.err().flush();
        });
        const ConversionReview review = conversion.review(*conn, request);
        const ConversionPlan &plan = review.plan;
        const std::optional<ConversionState> &state = review.state;
        if (dryRun) {
            if (ctx.json()) {
                QJsonObject o = plan.toJson();
                o.insert(QStringLiteral("dry_run"), true);
                if (state)
                    o.insert(QStringLiteral("in_progress"),
                             QJsonObject{{QStringLiteral("copied_through"), state->copiedThrough},
                                         {QStringLiteral("copy_end"), state->copyEnd},
                                         {QStringLiteral("rows_copied"), state->rowsCopied},
                                         {QStringLiteral("reviewer"), state->reviewer}});
                ctx.printJson(o);
                return ExitOk;
            }
            ctx.out() << "-- melodee partitions convert (dry run): nothing was changed\n";
            if (state)
                ctx.out() << "-- in progress: copied " << state->rowsCopied << " rows, "
                          << plan.idColumn << " through " << state->copiedThrough << " of "
                          << state->copyEnd << ", reviewed by " << state->reviewer
                          << "; run without --dry-run to resume\n";
            ctx.out() << plan.script();
            ctx.out().flush();
            return ExitOk;
        }
        const ConversionResult result
            = conversion.applyReviewed(*conn, review, expectedHash, options);
        if (ctx.json()) {
            ctx.printJson(QJsonObject{{QStringLiteral("table"), result.table},
                                      {QStringLiteral("hash"), result.hash},
                                      {QStringLiteral("reviewer"), options.reviewer},
                                      {QStringLiteral("resumed"), result.resumed},
                                      {QStringLiteral("rows_copied"), result.rowsCopied},
                                      {QStringLiteral("batches"), result.batches},
                                      {QStringLiteral("months_verified"), result.months},
                                      {QStringLiteral("rows_verified"), result.rowsVerified},
                                      {QStringLiteral("swap_attempts"), result.swapAttempts},
                                      {QStringLiteral("old_table"), plan.oldTable}});
            return ExitOk;
        }
        ctx.out() << result.table << " converted (plan " << result.hash << ", reviewed by "
                  << options.reviewer << "): " << result.rowsVerified << " rows in "
                  << result.months << " months verified; the old table is " << plan.oldTable
                  << '\n';
        ctx.out().flush();
        return ExitOk;
    } catch (const PartitionError &e) {
        return ctx.fail(e.message(), exitCodeFor(e.kind()));
    } catch (const DbError &e) {
        return ctx.fail(e.toString(), e.isRetryable() ? ExitLockWait : exitCodeFor(e.kind()));
    }
}

} // namespace melodee
