#include "clicontext.h"
#include "commands.h"
#include "db/dberror.h"
#include "migrate/migrationengine.h"

namespace melodee {

int runRefreshViewsCommand(CliContext &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Refreshes the count views (library totals, per-artist counts) with REFRESH MATERIALIZED "
        "VIEW CONCURRENTLY, so readers are never blocked.\nExit code: 0 done, 1 failure, 3 "
        "usage."));
    parser.addOption({QStringLiteral("blocking"),
                      QStringLiteral("Refresh without CONCURRENTLY (faster, blocks readers).")});
    int code = ExitOk;
    if (!ctx.parse(parser, args, QStringLiteral("refresh-views"), &code))
        return code;
    try {
        MigrationEngine engine(ctx.config());
        engine.connect();
        for (const QString &line : engine.refreshViews(!parser.isSet(QStringLiteral("blocking"))))
            ctx.out() << line << '\n';
        ctx.out().flush();
        return ExitOk;
    } catch (const MigrateError &e) {
        return ctx.fail(e.message(), exitCodeFor(e.kind()));
    } catch (const DbError &e) {
        return ctx.fail(e.toString(), ExitFailure);
    }
}

} // namespace melodee
