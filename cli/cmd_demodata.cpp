#include "clicontext.h"
#include "commands.h"
#include "db/pgconnection.h"
#include "library/demodata.h"

#include <QJsonObject>

#include <atomic>
#include <csignal>
#include <stdexcept>

#include <unistd.h>

namespace melodee {

namespace {

std::atomic<bool> g_cancel{false};

extern "C" void onInterrupt(int)
{
    g_cancel.store(true);
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
    parser.addOptions({songsOpt, artistsOpt, albumsOpt, monthsOpt, seedOpt, endOpt, emitOpt});
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

    if (parser.isSet(emitOpt)) {
        loader.writeFiles(parser.value(emitOpt));
        if (ctx.json())
            ctx.printJson({{QStringLiteral("emitted"), parser.value(emitOpt)}});
        else
            ctx.out() << "wrote artists.copy, albums.copy, songs.copy to " << parser.value(emitOpt)
                      << '\n';
        return ExitOk;
    }

    auto conn = PgConnection::open(config.database);
    const bool tty = ::isatty(STDERR_FILENO);
    g_cancel.store(false);
    const auto previous = std::signal(SIGINT, onInterrupt);
    const auto previousTerm = std::signal(SIGTERM, onInterrupt);
    DemoDataResult result;
    try {
        result = loader.load(
            *conn,
            [&](const DemoDataProgress &p) {
                if (!tty || ctx.json())
                    return;
                const double pct = p.rowsTotal ? 100.0 * p.rowsDone / p.rowsTotal : 100.0;
                const int filled = int(pct / 5);
                ctx.err() << '\r' << '[' << QString(filled, QLatin1Char('#'))
                          << QString(20 - filled, QLatin1Char(' ')) << "] "
                          << QString::number(pct, 'f', 1) << "% " << p.rowsDone << '/'
                          << p.rowsTotal << " rows, "
                          << qint64(p.seconds > 0 ? p.rowsDone / p.seconds : 0) << " rows/s   ";
                ctx.err().flush();
            },
            &g_cancel);
    } catch (...) {
        std::signal(SIGINT, previous);
        std::signal(SIGTERM, previousTerm);
        throw;
    }
    std::signal(SIGINT, previous);
    std::signal(SIGTERM, previousTerm);
    if (tty && !ctx.json())
        ctx.err() << '\n';
    if (result.cancelled)
        return ctx.fail(QStringLiteral("cancelled: the load was rolled back, nothing was added"),
                        ExitFailure);
    if (ctx.json()) {
        ctx.printJson({{QStringLiteral("artists"), double(result.artists)},
                       {QStringLiteral("albums"), double(result.albums)},
                       {QStringLiteral("songs"), double(result.songs)},
                       {QStringLiteral("partitions_created"), double(result.partitionsCreated)},
                       {QStringLiteral("copy_seconds"), result.copySeconds},
                       {QStringLiteral("analyze_seconds"), result.analyzeSeconds},
                       {QStringLiteral("rows_per_second"), result.rowsPerSecond}});
    } else {
        ctx.out() << "loaded " << result.artists << " artists, " << result.albums << " albums, "
                  << result.songs << " songs in " << QString::number(result.copySeconds, 'f', 2)
                  << " s (" << qint64(result.rowsPerSecond) << " rows/s); "
                  << result.partitionsCreated << " partitions created; analyze "
                  << QString::number(result.analyzeSeconds, 'f', 2) << " s\n";
        ctx.out().flush();
    }
    return ExitOk;
}

} // namespace melodee
