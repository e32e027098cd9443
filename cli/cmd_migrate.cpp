#include "clicontext.h"
#include "commands.h"
#include "db/dberror.h"
#include "db/pgconnection.h"
#include "guardoptions.h"
#include "migrate/catalogfacts.h"
#include "migrate/lint.h"
#include "migrate/migrationengine.h"
#include "migrate/migrationworkflow.h"
#include "partitions/partitionmaintenance.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QSaveFile>

namespace melodee {

namespace {

QDateTime parseNow(const QString &text, bool *ok)
{
    *ok = true;
    if (text.isEmpty())
        return QDateTime::currentDateTimeUtc();
    QDateTime dt = QDateTime::fromString(text, Qt::ISODate);
    if (!dt.isValid() || dt.timeSpec() == Qt::LocalTime) {
        *ok = false;
        return {};
    }
    return dt.toUTC();
}

QJsonObject findingJson(const QString &path, const LintFinding &finding)
{
    QJsonObject o{{QStringLiteral("file"), path},
                  {QStringLiteral("line"), finding.line},
                  {QStringLiteral("statement"), finding.statement},
                  {QStringLiteral("rule"), finding.rule},
                  {QStringLiteral("severity"), finding.severity},
                  {QStringLiteral("message"), finding.message},
                  {QStringLiteral("fix"), finding.fix},
                  {QStringLiteral("destructive"), finding.destructive}};
    if (!finding.live.isEmpty())
        o.insert(QStringLiteral("live"), finding.live);
    return o;
}

// The session lint reads the catalog on: the maintenance session set-up, with deadlines short
// enough for a lint (catalog reads only; a table held under ACCESS EXCLUSIVE is not waited for).
std::unique_ptr<PgConnection> openLintSession(AppConfig config)
{
    // 0 switches a timeout off in PostgreSQL: never here.
    Duration &statement = config.migrate.statementTimeout;
    Duration &lock = config.migrate.lockTimeout;
    statement = statement <= 0s || statement > 30s ? Duration(30s) : statement;
    lock = lock <= 0s || lock > 2s ? Duration(2s) : lock;
    return PartitionMaintenance::openSession(config);
}

int runLint(CliContext &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Lints SQL files with PostgreSQL's own parser (libpg_query).\n"
                       "With --dsn, --profile or --config it also reads that database's catalog "
                       "(table sizes, default partitions, sessions using the tables now) and "
                       "grades findings by table size.\n"
                       "Exit code: 0 no errors (warnings allowed), 1 errors found, 3 usage."));
    parser.addOption({QStringLiteral("rules"), QStringLiteral("List the rules and exit.")});
    parser.addOption(
        {QStringLiteral("in-transaction"),
         QStringLiteral("The file runs inside one transaction (as a migration does).")});
    parser.addPositionalArgument(
        QStringLiteral("FILE"), QStringLiteral("SQL files"), QStringLiteral("FILE..."));
    int code = ExitOk;
    if (!ctx.parse(parser, args, QStringLiteral("migrate lint"), &code))
        return code;
    if (parser.isSet(QStringLiteral("rules"))) {
        for (const LintRule &r : lintRules()) {
            ctx.out() << r.id << " (" << r.severity << (r.live ? ", needs a database" : "")
                      << "): " << r.summary << '\n';
        }
        ctx.out().flush();
        return ExitOk;
    }
    if (parser.positionalArguments().isEmpty())
        return ctx.fail(QStringLiteral("migrate lint needs at least one FILE"), ExitUsage);
    QList<QPair<QString, QString>> files;
    for (const QString &path : parser.positionalArguments()) {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            return ctx.fail(QStringLiteral("cannot read %1: %2").arg(path, f.errorString()),
                            ExitUsage);
        files.append({path, QString::fromUtf8(f.readAll())});
    }
    const bool live = parser.isSet(QStringLiteral("dsn")) || parser.isSet(QStringLiteral("profile"))
                      || parser.isSet(QStringLiteral("config"));
    std::unique_ptr<PgConnection> conn;
    if (live)
        conn = openLintSession(ctx.config());
    QJsonArray all;
    int errors = 0;
    int warnings = 0;
    int infos = 0;
    for (const auto &[path, text] : std::as_const(files)) {
        Linter::Options o;
        o.inTransaction = parser.isSet(QStringLiteral("in-transaction"));
        Linter linter(o);
        CatalogFacts facts;
        if (conn) {
            const SqlParseResult parsed = parseSql(text);
            facts = CatalogFacts::fetch(*conn, CatalogFacts::relationsOf(parsed.statements));
            linter.setCatalog(&facts);
        }
        for (const LintFinding &finding : linter.lintScript(text)) {
            (finding.severity == QLatin1String("error")     ? errors
             : finding.severity == QLatin1String("warning") ? warnings
                                                            : infos)++;
            if (ctx.json())
                all.append(findingJson(path, finding));
            else
                ctx.out() << finding.toString(path) << '\n';
        }
    }
    if (ctx.json()) {
        ctx.printJson(QJsonObject{{QStringLiteral("findings"), all},
                                  {QStringLiteral("errors"), errors},
                                  {QStringLiteral("warnings"), warnings},
                                  {QStringLiteral("infos"), infos},
                                  {QStringLiteral("live"), conn != nullptr}});
    } else {
        ctx.out() << errors << " errors, " << warnings << " warnings";
        if (infos > 0)
            ctx.out() << ", " << infos << " infos";
        ctx.out() << '\n';
        ctx.out().flush();
    }
    return errors > 0 ? ExitFailure : ExitOk;
}

// One line per statement that locked, rewrote or met another session; everything under --json.
int printRehearsal(CliContext &ctx, const MigrationRehearsal &r)
{
    const int code = r.failure.isEmpty() ? ExitOk : ExitFailure;
    if (ctx.json()) {
        QJsonArray statements;
        for (const StatementTrace &t : r.traces)
            statements.append(t.toJson());
        QJsonObject o{{QStringLiteral("rehearsed"), r.rehearsed},
                      {QStringLiteral("migrations"), int(r.plan.migrations.size())},
                      {QStringLiteral("rolled_back"), true},
                      {QStringLiteral("not_rehearsed"), QJsonArray::fromStringList(r.notRehearsed)},
                      {QStringLiteral("statements"), statements},
                      {QStringLiteral("exit_code"), code}};
        if (!r.failure.isEmpty()) {
            o.insert(QStringLiteral("error"), QStringLiteral("rehearsal failed: ") + r.failure);
            o.insert(QStringLiteral("failed_version"), r.failedVersion);
        }
        ctx.printJson(o);
        return code;
    }
    for (const StatementTrace &t : r.traces) {
        if (t.locks.isEmpty() && !t.rewrote() && t.waitedFor.isEmpty() && t.blocking.isEmpty()
            && t.error.isEmpty())
            continue;
        QStringList parts;
        if (!t.locks.isEmpty())
            parts << QStringLiteral("%1 on %2%3")
                         .arg(t.strongestLock(),
                              t.locks.first().relation,
                              t.locks.size() > 1
                                  ? QStringLiteral(" (+%1 more)").arg(t.locks.size() - 1)
                                  : QString());
        for (const TracedRewrite &w : t.rewrites)
            parts << QStringLiteral("rewrites %1, %2")
                         .arg(w.relation,
                              w.bytes < 0 ? QStringLiteral("new table") : formatTableSize(w.bytes));
        if (!t.waitedFor.isEmpty())
            parts << QStringLiteral("waits for %1 session(s)").arg(t.waitedFor.size());
        if (!t.blocking.isEmpty())
            parts << QStringLiteral("blocks %1 session(s)").arg(t.blocking.size());
        ctx.out() << QStringLiteral("[%1 %2] %3 ms: %4: %5\n")
                         .arg(t.version)
                         .arg(t.index)
                         .arg(t.ms, 0, 'f', 1)
                         .arg(parts.join(QLatin1String("; ")), t.sql.simplified().left(80));
    }
    ctx.out() << "rehearsed " << r.rehearsed << " of " << r.plan.migrations.size()
              << " migrations in one transaction, rolled back\n";
    for (const QString &n : r.notRehearsed)
        ctx.out() << "not rehearsed (non-transactional): " << n << '\n';
    ctx.out().flush();
    if (!r.failure.isEmpty())
        return ctx.fail(QStringLiteral("rehearsal failed: ") + r.failure, ExitFailure);
    return ExitOk;
}

void addEngineOptions(QCommandLineParser &parser)
{
    parser.addOption(
        {QStringLiteral("dir"),
         QStringLiteral("Also apply admin migrations V<version>__<name>.sql from DIR."),
         QStringLiteral("DIR")});
}

MigrationProgress cliProgress(CliContext &ctx, bool statements)
{
    MigrationProgress progress;
    progress.log = [&ctx](const QString &m) {
        ctx.err() << m << '\n';
        ctx.err().flush();
    };
    if (statements) {
        progress.statement = [&ctx](int version, int index, int count, const QString &sql) {
            ctx.out() << QStringLiteral("[%1 %2/%3] %4\n")
                             .arg(version)
                             .arg(index)
                             .arg(count)
                             .arg(sql.section(QLatin1Char('\n'), 0, 0).left(100));
            ctx.out().flush();
        };
    }
    return progress;
}

int runStatus(CliContext &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Lists every migration as applied, pending, drifted, failed, running or missing.\n"
        "Exit code: 0 no drift or failure, 4 drift, 1 failed/running, 3 usage."));
    addEngineOptions(parser);
    int code = ExitOk;
    if (!ctx.parse(parser, args, QStringLiteral("migrate status"), &code))
        return code;
    MigrationRequest request;
    request.migrationDir = parser.value(QStringLiteral("dir"));
    MigrationWorkflow workflow(ctx.config(), request);
    const QList<MigrationState> states = workflow.status();
    bool drift = false;
    bool failed = false;
    QJsonArray arr;
    for (const MigrationState &s : states) {
        drift |= s.status == MigrationStatus::Drifted;
        failed |= s.status == MigrationStatus::Failed || s.status == MigrationStatus::Running;
        QJsonObject o{{QStringLiteral("version"), s.version},
                      {QStringLiteral("name"), s.name},
                      {QStringLiteral("phase"), s.phase},
                      {QStringLiteral("state"), migrationStatusName(s.status)},
                      {QStringLiteral("checksum"), s.currentChecksum}};
        if (s.history) {
            o.insert(QStringLiteral("applied_at"),
                     s.history->appliedAt.toString(Qt::ISODateWithMs));
            o.insert(QStringLiteral("applied_by"), s.history->appliedBy);
            o.insert(QStringLiteral("reviewer"), s.history->reviewer);
            o.insert(QStringLiteral("plan_hash"), s.history->planHash);
            o.insert(QStringLiteral("execution_ms"), s.history->executionMs);
            o.insert(QStringLiteral("applied_checksum"), s.history->checksum);
            o.insert(QStringLiteral("environment"),
                     s.history->environment ? environmentName(*s.history->environment)
                                            : QJsonValue());
        }
        arr.append(o);
    }
    if (ctx.json()) {
        ctx.printJson(QJsonObject{{QStringLiteral("target"), workflow.target()},
                                  {QStringLiteral("migrations"), arr}});
    } else {
        ctx.out() << "target: " << workflow.target() << '\n';
        for (const MigrationState &s : states) {
            ctx.out() << QStringLiteral("%1  %2  %3")
                             .arg(s.version, 5)
                             .arg(migrationStatusName(s.status), -8)
                             .arg(s.name);
            if (s.history && s.status == MigrationStatus::Applied) {
                ctx.out() << QStringLiteral("  (%1 by %2%3, %4 ms%5)")
                                 .arg(s.history->appliedAt.toString(Qt::ISODate),
                                      s.history->appliedBy,
                                      s.history->reviewer.isEmpty()
                                          ? QString()
                                          : QStringLiteral(", reviewed by ") + s.history->reviewer)
                                 .arg(s.history->executionMs)
                                 .arg(s.history->environment
                                          ? QStringLiteral(", ")
                                                + environmentName(*s.history->environment)
                                          : QString());
            }
            ctx.out() << '\n';
        }
        ctx.out().flush();
    }
    return drift ? ExitDrift : failed ? ExitFailure : ExitOk;
}

int runRepair(CliContext &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Accepts drift: records the current checksum of drifted migrations and forgets failed "
        "attempts so they run again. Exit code: 0 done, 6 lock wait, 3 usage."));
    addEngineOptions(parser);
    int code = ExitOk;
    if (!ctx.parse(parser, args, QStringLiteral("migrate repair"), &code))
        return code;
    MigrationRequest request;
    request.migrationDir = parser.value(QStringLiteral("dir"));
    MigrationWorkflow workflow(ctx.config(), request, cliProgress(ctx, false));
    const QStringList done = workflow.repair();
    for (const QString &d : done)
        ctx.out() << d << '\n';
    if (done.isEmpty())
        ctx.out() << "nothing to repair\n";
    ctx.out().flush();
    return ExitOk;
}

int runCheck(CliContext &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "The integrity check that replaces foreign keys: orphaned songs/albums and duplicate ids "
        "across partitions.\nExit code: 0 clean, 1 problems found, 3 usage."));
    int code = ExitOk;
    if (!ctx.parse(parser, args, QStringLiteral("migrate check"), &code))
        return code;
    MigrationEngine engine(ctx.config());
    engine.connect();
    const QList<IntegrityProblem> problems = engine.integrityCheck();
    bool bad = false;
    QJsonArray arr;
    for (const IntegrityProblem &p : problems) {
        bad |= p.count > 0;
        arr.append(QJsonObject{{QStringLiteral("check"), p.check},
                               {QStringLiteral("count"), p.count},
                               {QStringLiteral("samples"), QJsonArray::fromStringList(p.samples)}});
        if (!ctx.json()) {
            ctx.out() << QStringLiteral("%1: %2").arg(p.check).arg(p.count);
            if (!p.samples.isEmpty())
                ctx.out() << " (e.g. " << p.samples.join(QLatin1String(", ")) << ')';
            ctx.out() << '\n';
        }
    }
    if (ctx.json())
        ctx.printJson(QJsonObject{{QStringLiteral("ok"), !bad}, {QStringLiteral("checks"), arr}});
    ctx.out().flush();
    return bad ? ExitFailure : ExitOk;
}

int runDown(CliContext &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Undoes applied migrations above --to VERSION, newest first, each with its \"-- "
        "melodee:down\" part in one transaction. Irreversible migrations are never undone.\n"
        "Exit code: 0 done, 1 failure or no down part, 3 usage, 4 drift, 5 irreversible or "
        "production guard, 6 lock wait or retries exhausted."));
    addEngineOptions(parser);
    addGuardOptions(parser);
    parser.addOption({QStringLiteral("to"),
                      QStringLiteral("Version to go back to (kept)."),
                      QStringLiteral("VERSION")});
    parser.addOption({QStringLiteral("dry-run"), QStringLiteral("Print the down plan only.")});
    int code = ExitOk;
    if (!ctx.parse(parser, args, QStringLiteral("migrate down"), &code))
        return code;
    bool ok = false;
    const int to = parser.value(QStringLiteral("to")).toInt(&ok);
    if (!ok || to < 0) {
        return ctx.fail(QStringLiteral("--to \"%1\": give the version to go back to (0 or more)")
                            .arg(parser.value(QStringLiteral("to"))),
                        ExitUsage);
    }
    AppConfig config = ctx.config();
    if (!applyEnvironment(ctx, parser, config, &code))
        return code;
    MigrationRequest request;
    request.migrationDir = parser.value(QStringLiteral("dir"));
    request.allowDestructive = parser.isSet(QStringLiteral("allow-destructive"));
    request.forceEnvironment = parser.isSet(QStringLiteral("force-environment"));
    MigrationWorkflow workflow(config, request, cliProgress(ctx, false));
    if (parser.isSet(QStringLiteral("dry-run"))) {
        ctx.out() << workflow.planDown(to).render();
        ctx.out().flush();
        return ExitOk;
    }
    const MigrationApplyReport result = workflow.down(to);
    if (result.plan.isEmpty()) {
        ctx.out() << "nothing to undo above version " << to << '\n';
        ctx.out().flush();
        return ExitOk;
    }
    for (const QString &m : result.messages)
        ctx.out() << m << '\n';
    ctx.out() << "database at version " << result.finalVersion << '\n';
    ctx.out().flush();
    return ExitOk;
}

int runMigrate(CliContext &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Plans and applies the Melodee schema migrations (plus --dir ones).\n"
        "Subcommands: lint FILE..., status, repair, check, down --to V (see melodee migrate <sub> "
        "--help).\n"
        "Exit codes: 0 done or nothing to do, 1 failure, 3 usage, 4 drift or plan mismatch, "
        "5 blocked by the production guard, 6 lock wait or retries exhausted."));
    addEngineOptions(parser);
    addGuardOptions(parser);
    parser.addOption({QStringLiteral("dry-run"),
                      QStringLiteral("Print the plan; write nothing to the database.")});
    parser.addOption({QStringLiteral("output"),
                      QStringLiteral("Write the plan to FILE."),
                      QStringLiteral("FILE")});
    parser.addOption(
        {QStringLiteral("now"),
         QStringLiteral("Plan as of this UTC time (ISO 8601, e.g. 2026-11-27T00:00:00Z)."),
         QStringLiteral("ISO")});
    parser.addOption({QStringLiteral("offline"),
                      QStringLiteral("With --dry-run: plan against an empty database without "
                                     "connecting.")});
    parser.addOption(
        {QStringLiteral("plan"),
         QStringLiteral("Apply only if the plan now has the hash of this reviewed plan."),
         QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("reviewer"),
                      QStringLiteral("Who reviewed the plan (recorded)."),
                      QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("rehearse"),
                      QStringLiteral("Run the pending transactional migrations in one transaction "
                                     "and roll back.")});
    parser.addOption({QStringLiteral("lock-wait"),
                      QStringLiteral("How long to wait for another migrator (Go duration, default "
                                     "migrate.lock_wait = 60s)."),
                      QStringLiteral("DURATION")});
    int code = ExitOk;
    if (!ctx.parse(parser, args, QStringLiteral("migrate"), &code))
        return code;
    if (!parser.positionalArguments().isEmpty()) {
        return ctx.fail(
            QStringLiteral("unknown migrate subcommand \"%1\" (lint, status, repair, check, down)")
                .arg(parser.positionalArguments().constFirst()),
            ExitUsage);
    }
    AppConfig config = ctx.config();
    if (!applyEnvironment(ctx, parser, config, &code))
        return code;
    if (parser.isSet(QStringLiteral("lock-wait"))) {
        QString error;
        const auto d = parseGoDuration(parser.value(QStringLiteral("lock-wait")), &error);
        if (!d)
            return ctx.fail(QStringLiteral("--lock-wait \"%1\": %2")
                                .arg(parser.value(QStringLiteral("lock-wait")), error),
                            ExitUsage);
        config.migrate.lockWait = *d;
    }
    bool nowOk = false;
    const QDateTime now = parseNow(parser.value(QStringLiteral("now")), &nowOk);
    if (!nowOk) {
        return ctx.fail(QStringLiteral("--now \"%1\" is not an ISO 8601 time with a zone (e.g. "
                                       "2026-11-27T00:00:00Z)")
                            .arg(parser.value(QStringLiteral("now"))),
                        ExitUsage);
    }
    const bool dryRun = parser.isSet(QStringLiteral("dry-run"));
    const bool offline = parser.isSet(QStringLiteral("offline"));
    const bool rehearse = parser.isSet(QStringLiteral("rehearse"));
    if (offline && !dryRun)
        return ctx.fail(QStringLiteral("--offline needs --dry-run"), ExitUsage);
    if (parser.isSet(QStringLiteral("plan")) && (dryRun || rehearse))
        return ctx.fail(
            QStringLiteral("--plan applies a plan; it cannot be combined with --dry-run "
                           "or --rehearse"),
            ExitUsage);

    MigrationRequest request;
    request.migrationDir = parser.value(QStringLiteral("dir"));
    request.now = now;
    request.reviewer = parser.value(QStringLiteral("reviewer"));
    request.allowDestructive = parser.isSet(QStringLiteral("allow-destructive"));
    request.forceEnvironment = parser.isSet(QStringLiteral("force-environment"));
    if (parser.isSet(QStringLiteral("plan"))) {
        const PlanFile pf = readPlanFile(parser.value(QStringLiteral("plan")));
        request.expectedHash = pf.hash;
        request.expectedStatements = pf.statements;
        if (request.reviewer.isEmpty())
            return ctx.fail(QStringLiteral("--plan needs --reviewer NAME (recorded in history)"),
                            ExitUsage);
    }
    MigrationWorkflow workflow(config, request, cliProgress(ctx, !dryRun && !rehearse));

    if (dryRun) {
        const Plan plan = workflow.dryRun({}, offline);
        const QString text = plan.render();
        if (parser.isSet(QStringLiteral("output"))) {
            QSaveFile f(parser.value(QStringLiteral("output")));
            if (!f.open(QIODevice::WriteOnly) || f.write(text.toUtf8()) < 0 || !f.commit()) {
                return ctx.fail(QStringLiteral("--output %1: %2")
                                    .arg(parser.value(QStringLiteral("output")), f.errorString()),
                                ExitFailure);
            }
            ctx.out() << "plan " << plan.hash() << " with " << plan.migrations.size()
                      << " migrations written to " << parser.value(QStringLiteral("output"))
                      << '\n';
        } else {
            ctx.out() << text;
        }
        ctx.out().flush();
        return ExitOk;
    }

    if (rehearse)
        return printRehearsal(ctx, workflow.rehearse());

    const MigrationApplyReport result = workflow.apply();
    if (result.applied == 0)
        ctx.out() << "nothing to do: database at version " << result.finalVersion << '\n';
    else
        ctx.out() << "applied " << result.applied << " migrations; database at version "
                  << result.finalVersion << " (plan " << result.planHash << ")\n";
    for (const QString &m : result.messages)
        ctx.out() << m << '\n';
    ctx.out().flush();
    return ExitOk;
}

} // namespace

int runMigrateCommand(CliContext &ctx, const QStringList &args)
{
    try {
        const QString sub = args.value(0);
        if (sub == QLatin1String("lint"))
            return runLint(ctx, args.mid(1));
        if (sub == QLatin1String("status"))
            return runStatus(ctx, args.mid(1));
        if (sub == QLatin1String("repair"))
            return runRepair(ctx, args.mid(1));
        if (sub == QLatin1String("check"))
            return runCheck(ctx, args.mid(1));
        if (sub == QLatin1String("down"))
            return runDown(ctx, args.mid(1));
        return runMigrate(ctx, args);
    } catch (const MigrateError &e) {
        return ctx.fail(e.message(), exitCodeFor(e.kind()));
    } catch (const DbError &e) {
        return ctx.fail(e.toString(), ExitFailure);
    }
}

} // namespace melodee
