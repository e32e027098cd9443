#include "async/task.h"
#include "clicontext.h"
#include "commands.h"
#include "db/dberror.h"
#include "db/pgconnection.h"
#include "library/demodata.h"

#include <QEventLoop>
#include <QFutureWatcher>
#include <QJsonObject>
#include <QSocketNotifier>
#include <QThreadPool>

#include <csignal>
#include <exception>
#include <functional>
#include <optional>
#include <stdexcept>

#include <unistd.h>

namespace melodee {

namespace {

// Ctrl+C and SIGTERM reach the main thread through a pipe (the only safe thing a handler may do
// is write to it), and cancel the load's future there.
int g_signalPipe[2] = {-1, -1};

extern "C" void onInterrupt(int)
{
    const char byte = 1;
    [[maybe_unused]] const ssize_t n = ::write(g_signalPipe[1], &byte, 1);
}

// Runs `work` on a worker and waits for it, cancelling its future on SIGINT/SIGTERM (the work
// sees that through its stop token). After the first signal the previous handlers are back, so
// a second Ctrl+C ends the process at once (the server then rolls an open transaction back).
void runCancellable(const std::function<void(std::stop_token)> &work)
{
    if (::pipe(g_signalPipe) != 0)
        throw std::runtime_error("cannot create the signal pipe");
    struct sigaction action = {};
    action.sa_handler = onInterrupt;
    sigemptyset(&action.sa_mask);
    struct sigaction previousInt = {};
    struct sigaction previousTerm = {};
    sigaction(SIGINT, &action, &previousInt);
    sigaction(SIGTERM, &action, &previousTerm);
    const auto restore = [&] {
        sigaction(SIGINT, &previousInt, nullptr);
        sigaction(SIGTERM, &previousTerm, nullptr);
    };

    QThreadPool pool;
    QFuture<void> future = startTask(&pool, work);
    QEventLoop loop;
    QFutureWatcher<void> watcher;
    QObject::connect(&watcher, &QFutureWatcherBase::finished, &loop, &QEventLoop::quit);
    QSocketNotifier interrupted(g_signalPipe[0], QSocketNotifier::Read);
    QObject::connect(&interrupted, &QSocketNotifier::activated, &loop, [&] {
        char buffer[16];
        [[maybe_unused]] const ssize_t n = ::read(g_signalPipe[0], buffer, sizeof buffer);
        interrupted.setEnabled(false);
        restore();
        future.cancel();
    });
    watcher.setFuture(future);
    if (!future.isFinished())
        loop.exec();
    pool.waitForDone(); // the work has returned, also when its future was cancelled early
    restore();
    interrupted.setEnabled(false);
    ::close(g_signalPipe[0]);
    ::close(g_signalPipe[1]);
    g_signalPipe[0] = g_signalPipe[1] = -1;
}

bool toInt64(const QString &text, qint64 *out)
{
    bool ok = false;
    *out = text.toLongLong(&ok);
    return ok;
}

} // namespace

int runDemoDataCommand(CliContext &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Loads a generated, realistic demo library (artists, albums, songs) through COPY in one "
        "transaction. Deterministic for a --seed and --end-month. Ctrl+C rolls the load back."));
    const QCommandLineOption songsOpt(QStringLiteral("songs"),
                                      QStringLiteral("Songs to load (default 1000000)."),
                                      QStringLiteral("N"),
                                      QStringLiteral("1000000"));
    const QCommandLineOption artistsOpt(
        QStringLiteral("artists"),
        QStringLiteral("Artists (default: about 12 songs per album)."),
        QStringLiteral("A"),
        QStringLiteral("0"));
    const QCommandLineOption albumsOpt(QStringLiteral("albums-per-artist"),
                                       QStringLiteral("Albums per artist (default 5)."),
                                       QStringLiteral("B"),
                                       QStringLiteral("5"));
    const QCommandLineOption monthsOpt(
        QStringLiteral("months"),
        QStringLiteral("Spread created_at over this many months (default 24)."),
        QStringLiteral("M"),
        QStringLiteral("24"));
    const QCommandLineOption seedOpt(QStringLiteral("seed"),
                                     QStringLiteral("Random seed (default 1)."),
                                     QStringLiteral("S"),
                                     QStringLiteral("1"));
    const QCommandLineOption endOpt(
        QStringLiteral("end-month"),
        QStringLiteral("Last month of the window, YYYY-MM (default: this month, UTC)."),
        QStringLiteral("YYYY-MM"));
    const QCommandLineOption emitOpt(
        QStringLiteral("emit"),
        QStringLiteral(
            "Write the rows as COPY text files into DIR instead of loading (ids from 1)."),
        QStringLiteral("DIR"));
    const QCommandLineOption jobsOpt(
        QStringLiteral("jobs"),
        QStringLiteral("Sessions that load the songs of an empty library at once, month by month "
                       "(default 2; 1 = one session)."),
        QStringLiteral("J"),
        QStringLiteral("2"));
    parser.addOptions(
        {songsOpt, artistsOpt, albumsOpt, monthsOpt, seedOpt, endOpt, emitOpt, jobsOpt});
    int code = ExitOk;
    if (!ctx.parse(parser, args, QStringLiteral("demo-data"), &code))
        return code;

    DemoDataOptions options;
    qint64 v = 0;
    const auto number = [&](const QCommandLineOption &o, const char *name) {
        if (!toInt64(parser.value(o), &v))
            throw std::invalid_argument(QStringLiteral("invalid --%1 \"%2\": not an integer")
                                            .arg(QLatin1String(name), parser.value(o))
                                            .toStdString());
        return v;
    };
    try {
        options.songs = number(songsOpt, "songs");
        options.artists = int(std::clamp<qint64>(number(artistsOpt, "artists"), -1, INT_MAX));
        options.albumsPerArtist
            = int(std::clamp<qint64>(number(albumsOpt, "albums-per-artist"), -1, INT_MAX));
        options.months = int(std::clamp<qint64>(number(monthsOpt, "months"), -1, INT_MAX));
        options.jobs = int(std::clamp<qint64>(number(jobsOpt, "jobs"), -1, INT_MAX));
        bool ok = false;
        options.seed = parser.value(seedOpt).toULongLong(&ok);
        if (!ok)
            throw std::invalid_argument(
                QStringLiteral("invalid --seed \"%1\": not an unsigned integer")
                    .arg(parser.value(seedOpt))
                    .toStdString());
        options.endMonth = parser.value(endOpt);
        options.validate();
    } catch (const std::invalid_argument &e) {
        return ctx.fail(QString::fromUtf8(e.what()), ExitUsage);
    }
    const AppConfig config = ctx.config();
    DemoDataLoader loader(config.session, options);
    loader.setConnectionOpener([&config] { return PgConnection::open(config.database); });

    if (parser.isSet(emitOpt)) {
        loader.writeFiles(parser.value(emitOpt));
        if (ctx.json())
            ctx.printJson({{QStringLiteral("emitted"), parser.value(emitOpt)}});
        else
            ctx.out() << "wrote artists.copy, albums.copy, songs.copy to " << parser.value(emitOpt)
                      << '\n';
        return ExitOk;
    }

    const bool tty = ::isatty(STDERR_FILENO);
    const DemoDataLoader::ProgressFn progress = [&](const DemoDataProgress &p) {
        if (!tty || ctx.json())
            return;
        const double pct = p.rowsTotal ? 100.0 * p.rowsDone / p.rowsTotal : 100.0;
        const int filled = int(pct / 5);
        ctx.err() << '\r' << '[' << QString(filled, QLatin1Char('#'))
                  << QString(20 - filled, QLatin1Char(' ')) << "] " << QString::number(pct, 'f', 1)
                  << "% " << p.rowsDone << '/' << p.rowsTotal << " rows, "
                  << qint64(p.seconds > 0 ? p.rowsDone / p.seconds : 0) << " rows/s   ";
        ctx.err().flush();
    };
    // A cancelled future drops what the work returns or throws, so the work keeps both here: a
    // load stopped after its commit must still be reported as loaded.
    std::optional<DemoDataResult> loaded;
    std::exception_ptr failure;
    runCancellable([&](std::stop_token stop) {
        try {
            auto conn = PgConnection::open(config.database);
            loaded = loader.load(*conn, stop, progress);
        } catch (...) {
            failure = std::current_exception();
        }
    });
    try {
        if (failure)
            std::rethrow_exception(failure);
        if (!loaded) // cancelled before it started
            throw DbError::cancelled(QStringLiteral("demo-data"));
    } catch (const DbError &e) {
        if (tty && !ctx.json())
            ctx.err() << '\n';
        if (e.isCancelled())
            return ctx.fail(
                QStringLiteral("cancelled: the load was rolled back, nothing was added"),
                ExitFailure);
        throw;
    }
    const DemoDataResult &result = *loaded;
    if (tty && !ctx.json())
        ctx.err() << '\n';
    if (!result.analyzed)
        ctx.err() << "warning: cancelled after the commit: the rows are loaded, but the tables "
                     "were not ANALYZEd; run ANALYZE on them for the song count estimate and "
                     "the scrollbar\n";
    if (ctx.json()) {
        ctx.printJson({{QStringLiteral("artists"), double(result.artists)},
                       {QStringLiteral("albums"), double(result.albums)},
                       {QStringLiteral("songs"), double(result.songs)},
                       {QStringLiteral("partitions_created"), double(result.partitionsCreated)},
                       {QStringLiteral("copy_seconds"), result.copySeconds},
                       {QStringLiteral("indexes_deferred"), result.indexesDeferred},
                       {QStringLiteral("index_seconds"), result.indexSeconds},
                       {QStringLiteral("jobs"), result.jobs},
                       {QStringLiteral("analyzed"), result.analyzed},
                       {QStringLiteral("analyze_seconds"), result.analyzeSeconds},
                       {QStringLiteral("rows_per_second"), result.rowsPerSecond}});
    } else {
        ctx.out() << "loaded " << result.artists << " artists, " << result.albums << " albums, "
                  << result.songs << " songs in " << QString::number(result.copySeconds, 'f', 2)
                  << " s (" << qint64(result.rowsPerSecond) << " rows/s); "
                  << result.partitionsCreated << " partitions created; " << result.indexesDeferred
                  << " indexes built after the load in "
                  << QString::number(result.indexSeconds, 'f', 2) << " s; analyze "
                  << QString::number(result.analyzeSeconds, 'f', 2) << " s\n";
        ctx.out().flush();
    }
    return ExitOk;
}

} // namespace melodee
