#include "cliapp.h"

#include "clicontext.h"
#include "commands.h"
#include "config/configloader.h"
#include "db/dberror.h"

#include <melodee/version.h>

#include <QCoreApplication>

#include <cstdio>

namespace melodee {

namespace {

QString usage()
{
    QString text
        = QStringLiteral("Usage: melodee [global options] <command> [options]\n\n"
                         "Administers the PostgreSQL database of a Melodee music server.\n\n"
                         "Commands:\n");
    for (const CliCommand &c : cliCommands())
        text += QStringLiteral("  %1%2\n").arg(c.name.leftJustified(16), c.summary);
    text += QStringLiteral(
        "\nGlobal options (accepted by every command):\n"
        "  --config FILE          Melodee's YAML config (database:, gorm:, redis:, migrate:)\n"
        "  --dsn CONNINFO_OR_URI  libpq conninfo or postgres:// URI\n"
        "  --profile NAME         a saved connection profile (password from the OS keychain)\n"
        "  --set KEY=VALUE        override one setting, e.g. database.max_open_conns=20\n"
        "  --password-file FILE   read the database password from FILE (- = standard input)\n"
        "  --json                 machine-readable output\n"
        "  --log-level LEVEL      silent, error, warn or info\n"
        "  --log-json             write log lines as JSON objects\n"
        "  -h, --help             help (also: melodee <command> --help)\n"
        "  -v, --version          print the version\n\n"
        "Settings are read from: defaults < --config < --profile < MELODEE_* environment < "
        "--dsn/--set/--password-file.\nlibpq's PG* variables, ~/.pgpass and pg_service.conf "
        "apply to whatever is left unset.\n--profile and --dsn cannot be combined. A password "
        "in --dsn or --set is visible in ps:\nprefer --password-file, "
        "MELODEE_DATABASE_PASSWORD_FILE or a profile.\n\n"
        "Exit codes: 0 ok, 1 failure (health: degraded), 2 unhealthy, 3 usage or configuration,\n"
        "4 drift or plan mismatch, 5 blocked by the production guard, 6 lock wait or retries "
        "exhausted.\n");
    return text;
}

} // namespace

int runCli(const QStringList &arguments)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    CliContext ctx(out, err);

    // The command is the first word that is not an option or an option's value.
    static const QStringList valued = {QStringLiteral("--config"),
                                       QStringLiteral("--dsn"),
                                       QStringLiteral("--profile"),
                                       QStringLiteral("--set"),
                                       QStringLiteral("--password-file"),
                                       QStringLiteral("--log-level")};
    int commandIndex = -1;
    for (int i = 1; i < arguments.size(); ++i) {
        const QString &a = arguments.at(i);
        if (valued.contains(a)) {
            ++i;
            continue;
        }
        if (!a.startsWith(QLatin1Char('-'))) {
            commandIndex = i;
            break;
        }
    }
    QStringList rest = arguments.mid(1);
    if (commandIndex < 0) {
        if (rest.contains(QStringLiteral("--version")) || rest.contains(QStringLiteral("-v"))) {
            out << "melodee " << MELODEE_VERSION << '\n';
            return ExitOk;
        }
        if (rest.contains(QStringLiteral("--help")) || rest.contains(QStringLiteral("-h"))) {
            out << usage();
            return ExitOk;
        }
        err << usage();
        return rest.isEmpty() ? ExitUsage : ctx.fail(QStringLiteral("no command given"), ExitUsage);
    }
    const QString name = arguments.at(commandIndex);
    rest.removeAt(commandIndex - 1);
    // Every outcome below, errors included, ends with JSON on stdout under --json.
    ctx.setJson(rest.contains(QStringLiteral("--json")));
    for (const CliCommand &command : cliCommands()) {
        if (command.name != name)
            continue;
        try {
            return ctx.finish(command.run(ctx, rest));
        } catch (const ConfigError &e) {
            return ctx.finish(ctx.fail(e.message(), ExitUsage));
        } catch (const DbError &e) {
            return ctx.finish(ctx.fail(e.toString(), ExitFailure));
        } catch (const Error &e) {
            return ctx.finish(ctx.fail(e.message(), exitCodeFor(e.kind())));
        } catch (const std::exception &e) {
            return ctx.finish(ctx.fail(QString::fromUtf8(e.what()), ExitFailure));
        }
    }
    return ctx.finish(ctx.fail(
        QStringLiteral("unknown command \"%1\" (see melodee --help)").arg(name), ExitUsage));
}

} // namespace melodee
