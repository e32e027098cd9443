#include "commands.h"

namespace melodee {

const QList<CliCommand> &cliCommands()
{
    static const QList<CliCommand> commands = {
        {QStringLiteral("health"),
         QStringLiteral("Connect, run the health check and print the status."),
         runHealthCommand},
        {QStringLiteral("bench"),
         QStringLiteral("Load-test the connection pool: bench pool [--workers N] [--max-open N] "
                        "[--pipeline]."),
         runBenchCommand},
        {QStringLiteral("migrate"),
         QStringLiteral(
             "Plan, review, lint and apply schema migrations (lint, status, repair, check)."),
         runMigrateCommand},
        {QStringLiteral("partitions"),
         QStringLiteral("Monthly partitions, or convert a plain table to them: "
                        "partitions list|maintain|retention|check|convert."),
         runPartitionsCommand},
        {QStringLiteral("refresh-views"),
         QStringLiteral("Refresh the count materialized views concurrently."),
         runRefreshViewsCommand},
        {QStringLiteral("inspect"),
         QStringLiteral("Recognise the schema (ours at version N, melodee-next, unknown) and "
                        "list its tables."),
         runInspectCommand},
        {QStringLiteral("songs"),
         QStringLiteral(
             "Browse songs by keyset page (--after/--before/--last/--at) or count them."),
         runSongsCommand},
        {QStringLiteral("demo-data"),
         QStringLiteral("Load a generated demo library through COPY: demo-data --songs N."),
         runDemoDataCommand},
    };
    return commands;
}

} // namespace melodee
