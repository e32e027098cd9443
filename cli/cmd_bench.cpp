#include "clicontext.h"
#include "commands.h"
#include "db/dberror.h"
#include "pool/connectionpool.h"
#include "pool/poolbenchmark.h"

#include <QFile>
#include <QJsonObject>

namespace melodee {

namespace {

// Resident set size of this process in KiB (Linux /proc), 0 elsewhere.
qint64 rssKb()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return 0;
}

bool parsePositive(const QString &text, const QString &option, int max, int *out, QString *error)
{
    bool ok = false;
    const int v = text.toInt(&ok);
    if (!ok || v < 1 || v > max) {
        *error = QStringLiteral("--%1 expects a whole number from 1 to %2, got \"%3\"")
                     .arg(option)
                     .arg(max)
                     .arg(text);
        return false;
    }
    *out = v;
    return true;
}

} // namespace

int runBenchCommand(CliContext &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("bench pool: N threads loop { acquire; run the query; release } against the "
                       "configured server for the given time, then print ops/s, p50/p99 latency "
                       "and the pool's final statistics. The query runs with the read retry "
                       "policy unless --write is given."));
    parser.addPositionalArgument(QStringLiteral("target"), QStringLiteral("What to bench: pool"));
    const QCommandLineOption workersOpt(QStringLiteral("workers"),
                                        QStringLiteral("Concurrent threads (default 16)."),
                                        QStringLiteral("n"),
                                        QStringLiteral("16"));
    const QCommandLineOption maxOpenOpt(QStringLiteral("max-open"),
                                        QStringLiteral("Pool max_open_conns (default 8)."),
                                        QStringLiteral("n"),
                                        QStringLiteral("8"));
    const QCommandLineOption secondsOpt(QStringLiteral("seconds"),
                                        QStringLiteral("Duration (default 10)."),
                                        QStringLiteral("s"),
                                        QStringLiteral("10"));
    const QCommandLineOption queryOpt(QStringLiteral("query"),
                                      QStringLiteral("Statement each iteration runs "
                                                     "(default SELECT 1)."),
                                      QStringLiteral("sql"),
                                      QStringLiteral("SELECT 1"));
    const QCommandLineOption writeOpt(
        QStringLiteral("write"),
        QStringLiteral("The query writes: never run it again once it may have executed (the "
                       "write retry policy). By default it is a read, run again on a fresh "
                       "connection when its connection broke."));
    const QCommandLineOption pipelineOpt(
        QStringLiteral("pipeline"),
        QStringLiteral("Send each statement down a statement pipeline over the pool's connections "
                       "instead of leasing a connection for it: callers queue statements on a "
                       "busy connection in libpq's pipeline mode. Reads only."));
    parser.addOptions({workersOpt, maxOpenOpt, secondsOpt, queryOpt, writeOpt, pipelineOpt});
    int code = ExitOk;
    if (!ctx.parse(parser, args, QStringLiteral("bench"), &code))
        return code;
    const QStringList positional = parser.positionalArguments();
    if (positional != QStringList{QStringLiteral("pool")})
        return ctx.fail(QStringLiteral("bench expects the target \"pool\", got \"%1\"")
                            .arg(positional.join(QLatin1Char(' '))),
                        ExitUsage);
    int workers = 0;
    int maxOpen = 0;
    QString error;
    if (!parsePositive(parser.value(workersOpt), QStringLiteral("workers"), 4096, &workers, &error)
        || !parsePositive(
            parser.value(maxOpenOpt), QStringLiteral("max-open"), 10000, &maxOpen, &error))
        return ctx.fail(error, ExitUsage);
    bool ok = false;
    const double seconds = parser.value(secondsOpt).toDouble(&ok);
    if (!ok || seconds <= 0 || seconds > 86400)
        return ctx.fail(
            QStringLiteral("--seconds expects a duration in seconds above 0, got \"%1\"")
                .arg(parser.value(secondsOpt)),
            ExitUsage);
    const QByteArray query = parser.value(queryOpt).toUtf8();
    if (query.trimmed().isEmpty())
        return ctx.fail(QStringLiteral("--query must not be empty"), ExitUsage);

    const bool write = parser.isSet(writeOpt);
    const bool pipelined = parser.isSet(pipelineOpt);
    if (write && pipelined)
        return ctx.fail(QStringLiteral("--pipeline runs reads only and cannot be combined with "
                                       "--write: a statement whose connection broke runs again"),
                        ExitUsage);
    const RetryPolicy policy = write ? RetryPolicy::write() : RetryPolicy::read();

    AppConfig config = ctx.config();
    config.database.maxOpenConns = maxOpen;
    config.database.maxIdleConns = maxOpen;
    const qint64 rssBefore = rssKb();
    ConnectionPool pool(config.database, config.session);
    try {
        pool.prewarm(maxOpen);
        // Fails fast on a bad statement before the threads start.
        pool.withConnection([&](PgConnection &c) { return c.execCached(query, {}); }, policy);
    } catch (const DbError &e) {
        return ctx.fail(e.toString(), ExitFailure);
    }
    const qint64 rssWarm = rssKb();

    const PoolBenchmarkResult run
        = runPoolBenchmark(pool,
                           workers,
                           seconds,
                           query,
                           {},
                           policy,
                           pipelined ? PoolBenchmarkPath::Pipeline : PoolBenchmarkPath::Lease);
    const QString path = pipelined ? QStringLiteral("pipeline") : QStringLiteral("lease");
    const qint64 ops = run.ops;
    const qint64 errors = run.errors;
    const double took = run.seconds;
    const QString &firstError = run.firstError;
    const PoolStats final = pool.stats();
    const double opsPerSec = run.opsPerSec;
    const double p50 = run.p50Us;
    const double p99 = run.p99Us;
    const qint64 rssEnd = rssKb();

    if (ctx.json()) {
        QJsonObject o{{QStringLiteral("workers"), workers},
                      {QStringLiteral("max_open"), maxOpen},
                      {QStringLiteral("seconds"), took},
                      {QStringLiteral("query"), QString::fromUtf8(query)},
                      {QStringLiteral("path"), path},
                      {QStringLiteral("retry_policy"),
                       write ? QStringLiteral("write") : QStringLiteral("read")},
                      {QStringLiteral("ops"), double(ops)},
                      {QStringLiteral("errors"), double(errors)},
                      {QStringLiteral("ops_per_sec"), opsPerSec},
                      {QStringLiteral("p50_us"), p50},
                      {QStringLiteral("p99_us"), p99},
                      {QStringLiteral("rss_start_kb"), double(rssBefore)},
                      {QStringLiteral("rss_warm_kb"), double(rssWarm)},
                      {QStringLiteral("rss_end_kb"), double(rssEnd)},
                      {QStringLiteral("pool"), final.toJson()}};
        if (!firstError.isEmpty())
            o.insert(QStringLiteral("first_error"), firstError);
        ctx.printJson(o);
    } else {
        ctx.out() << "workers: " << workers << ", max_open: " << maxOpen
                  << ", seconds: " << QString::number(took, 'f', 2)
                  << ", retry policy: " << (write ? "write" : "read") << ", path: " << path << '\n'
                  << "ops: " << ops << " (" << errors << " errors)\n"
                  << "ops/s: " << QString::number(opsPerSec, 'f', 0) << '\n'
                  << "latency p50: " << QString::number(p50, 'f', 1)
                  << " us, p99: " << QString::number(p99, 'f', 1) << " us\n"
                  << "rss: start " << rssBefore << " KiB, " << maxOpen << " connections open "
                  << rssWarm << " KiB, end " << rssEnd << " KiB\n"
                  << "pool: open " << final.openConnections << ", idle " << final.idle
                  << ", wait_count " << final.waitCount << ", wait_duration "
                  << QString::number(double(final.waitDuration.count()) / 1e6, 'f', 1) << " ms"
                  << ", acquire p50/p95/p99 " << QString::number(final.acquireP50Us, 'f', 1) << '/'
                  << QString::number(final.acquireP95Us, 'f', 1) << '/'
                  << QString::number(final.acquireP99Us, 'f', 1) << " us\n";
        if (!firstError.isEmpty())
            ctx.out() << "first error: " << firstError << '\n';
        ctx.out().flush();
    }
    return errors == 0 ? ExitOk : ExitFailure;
}

} // namespace melodee
