#include "clicontext.h"
#include "commands.h"
#include "db/dberror.h"
#include "db/pgconnection.h"
#include "partitions/partitionmanager.h"
#include "util/englishcount.h"

#include <QJsonArray>
#include <QJsonObject>

namespace melodee {

namespace {

std::unique_ptr<PgConnection> openSession(const AppConfig &config)
{
    auto conn = PgConnection::open(config.database);
    conn->setUsePreparedStatements(false);
    const auto ms = [](Duration d) {
        return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
    };
    conn->exec(
        QStringLiteral("SET lock_timeout = '%1ms'").arg(ms(config.migrate.lockTimeout)).toUtf8());
    conn->exec(QStringLiteral("SET statement_timeout = '%1ms'")
                   .arg(ms(config.migrate.statementTimeout))
                   .toUtf8());
    return conn;
}

QString iso(const QDateTime &dt)
{
    return dt.isValid() ? dt.toUTC().toString(Qt::ISODate) : QString();
}

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
    auto conn = openSession(config);
    const bool exact = parser.isSet(QStringLiteral("exact"));
    const auto tables = listPartitions(*conn, config.session, now, exact);
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
        ctx.printJson(QJsonObject{{QStringLiteral("tables"), arr}});
        return ExitOk;
    }
    for (const PartitionedTableInfo &t : tables) {
        if (!t.exists) {
            ctx.out() << t.table << ": not a partitioned table (run melodee migrate)\n";
            continue;
        }
        ctx.out() << t.table << ": " << t.partitions.size() << " partitions, " << t.monthsAhead
                  << " months ahead covered, default "
                  << (t.hasDefault ? QStringLiteral("present") : QStringLiteral("MISSING"))
                  << " with " << t.defaultRows << " rows\n";
        for (const PartitionInfo &p : t.partitions) {
            const qint64 rows = exact ? p.exactRows : p.estimatedRows;
            ctx.out() << QStringLiteral("  %1  %2  %3 rows%4  %5 bytes\n")
                             .arg(p.name, -28)
                             .arg(p.isDefault
                                      ? QStringLiteral("DEFAULT").leftJustified(43)
                                      : QStringLiteral("%1 .. %2").arg(iso(p.from), iso(p.to)))
                             .arg(rows < 0 ? QStringLiteral("?") : QString::number(rows))
                             .arg(exact ? QString() : QStringLiteral(" (est.)"))
                             .arg(p.totalBytes);
        }
        for (const auto &g : t.gaps)
            ctx.out() << "  GAP " << iso(g.first) << " .. " << iso(g.second) << '\n';
    }
    ctx.out().flush();
    return ExitOk;
}

int runMaintain(CliContext &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Creates missing monthly partitions (from --from or this month through the premake "
        "window) and moves rows out of the default partition, counting rows before and after.\n"
        "Exit code: 0 done, 1 failure, 3 usage, 6 lock timeout retries exhausted."));
    parser.addOption({QStringLiteral("premake"),
                      QStringLiteral("Months to keep, starting with the current one (default "
                                     "migrate.premake_months = 6)."),
                      QStringLiteral("N")});
    parser.addOption({QStringLiteral("from"),
                      QStringLiteral("Also create months back to YYYY-MM (imports)."),
                      QStringLiteral("YYYY-MM")});
    parser.addOption(
        {QStringLiteral("dry-run"), QStringLiteral("Print the statements; change nothing.")});
    parser.addOption({QStringLiteral("now"),
                      QStringLiteral("Reference time (ISO 8601)."),
                      QStringLiteral("ISO")});
    int code = ExitOk;
    if (!ctx.parse(parser, args, QStringLiteral("partitions maintain"), &code))
        return code;
    const AppConfig config = ctx.config();
    int premake = config.migrate.premakeMonths;
    if (parser.isSet(QStringLiteral("premake"))) {
        bool ok = false;
        premake = parser.value(QStringLiteral("premake")).toInt(&ok);
        if (!ok || premake < 1 || premake > 120)
            return ctx.fail(QStringLiteral("--premake \"%1\": use a number of months from 1 to 120")
                                .arg(parser.value(QStringLiteral("premake"))),
                            ExitUsage);
    }
    std::optional<Month> from;
    if (parser.isSet(QStringLiteral("from"))) {
        const Month m = Month::parse(parser.value(QStringLiteral("from")));
        if (!m.isValid())
            return ctx.fail(QStringLiteral("--from \"%1\": use YYYY-MM, e.g. 2024-01")
                                .arg(parser.value(QStringLiteral("from"))),
                            ExitUsage);
        from = m;
    }
    QDateTime now = QDateTime::currentDateTimeUtc();
    if (parser.isSet(QStringLiteral("now"))) {
        now = QDateTime::fromString(parser.value(QStringLiteral("now")), Qt::ISODate);
        if (!now.isValid())
            return ctx.fail(QStringLiteral("--now \"%1\" is not ISO 8601")
                                .arg(parser.value(QStringLiteral("now"))),
                            ExitUsage);
    }
    auto conn = openSession(config);
    const auto plans = planMaintenance(*conn, config.session, now, premake, from);
    if (plans.isEmpty()) {
        ctx.out() << "nothing to do: partitions cover " << premake
                  << " months and the default partitions are empty\n";
        ctx.out().flush();
        return ExitOk;
    }
    if (parser.isSet(QStringLiteral("dry-run"))) {
        ctx.out() << "-- melodee partitions maintain (dry run), as of " << iso(now) << '\n';
        for (const MaintenancePlan &p : plans) {
            ctx.out() << "-- " << p.table << ": create " << p.create.size() << " partitions, move "
                      << p.defaultRows << " rows out of the default partition\nBEGIN;\n";
            for (const QString &s : p.statements)
                ctx.out() << s << ";\n";
            ctx.out() << "COMMIT;\n";
        }
        ctx.out().flush();
        return ExitOk;
    }
    try {
        const auto results
            = runMaintenance(*conn, plans, config.migrate.retries, [&ctx](const QString &m) {
                  ctx.err() << m << '\n';
                  ctx.err().flush();
              });
        for (const MaintenanceResult &r : results) {
            ctx.out() << r.table << ": created "
                      << englishCount(
                             r.created, QStringLiteral("partition"), QStringLiteral("partitions"))
                      << ", moved "
                      << englishCount(r.moved, QStringLiteral("row"), QStringLiteral("rows"))
                      << " out of the default partition (rows before " << r.countBefore
                      << ", after " << r.countAfter << ")\n";
        }
    } catch (const DbError &e) {
        return ctx.fail(e.toString(), e.isRetryable() ? ExitLockWait : ExitFailure);
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
        if (sub == QLatin1String("--help") || sub == QLatin1String("-h") || sub.isEmpty()) {
            ctx.out() << "usage: melodee partitions list [--json] [--exact]\n"
                         "       melodee partitions maintain [--premake 6] [--from YYYY-MM] "
                         "[--dry-run]\n";
            ctx.out().flush();
            return sub.isEmpty() ? ExitUsage : ExitOk;
        }
        return ctx.fail(
            QStringLiteral("unknown partitions subcommand \"%1\" (list, maintain)").arg(sub),
            ExitUsage);
    } catch (const DbError &e) {
        return ctx.fail(e.toString(), ExitFailure);
    }
}

} // namespace melodee
