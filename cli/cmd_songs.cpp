#include "clicontext.h"
#include "commands.h"
#include "inspect/schemainspector.h"
#include "pool/connectionpool.h"
#include "pool/replicarouter.h"
#include "songs/songservice.h"

#include <QJsonArray>
#include <QJsonObject>

#include <stdexcept>

namespace melodee {

namespace {

std::optional<qint64>
idOption(const QCommandLineParser &parser, const QCommandLineOption &o, const char *name)
{
    if (!parser.isSet(o))
        return std::nullopt;
    bool ok = false;
    const qint64 v = parser.value(o).toLongLong(&ok);
    if (!ok || v < 1)
        throw std::invalid_argument(QStringLiteral("invalid --%1 \"%2\": expected a positive id")
                                        .arg(QLatin1String(name), parser.value(o))
                                        .toStdString());
    return v;
}

// The songs of the configured database through the same service as the Songs view, on a pool of
// one connection (a command runs one request at a time). With database.replicas, the replicas
// are looked at once first (each look bounded), so that the command's reads may go to one. On a
// melodee-next database the service reads its tracks table.
SongService songService(const AppConfig &config)
{
    DatabaseConfig database = config.database;
    database.maxOpenConns = 1;
    database.maxIdleConns = 1;
    auto pool = std::make_shared<ConnectionPool>(database, config.session);
    const SchemaInspector inspector(config);
    const SchemaLayout layout = schemaLayoutFor(
        pool->run([&inspector](PgConnection &c) { return inspector.detect(c).kind; }).result());
    auto router = std::make_shared<ReplicaRouter>(pool);
    if (router->hasReplicas())
        router->probeNow();
    return SongService(router, config.session, {}, layout);
}

// A name in the text table: control characters (a newline would break the row) shown escaped.
QString printable(const QString &text)
{
    QString out;
    out.reserve(text.size());
    for (const QChar c : text) {
        if (c == QLatin1Char('\n'))
            out += QStringLiteral("\\n");
        else if (c == QLatin1Char('\t'))
            out += QStringLiteral("\\t");
        else if (c == QLatin1Char('\r'))
            out += QStringLiteral("\\r");
        else if (c.category() == QChar::Other_Control)
            out += QStringLiteral("\\x%1").arg(c.unicode(), 2, 16, QLatin1Char('0'));
        else
            out += c;
    }
    return out;
}

QString duration(const std::optional<qint64> &ms)
{
    if (!ms)
        return QStringLiteral("-");
    const qint64 s = *ms / 1000;
    return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

int runCount(CliContext &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Prints the number of songs: an instant estimate (reltuples / planner) unless --exact."));
    const QCommandLineOption exactOpt(QStringLiteral("exact"), QStringLiteral("Run count(*)."));
    const QCommandLineOption searchOpt(QStringLiteral("search"),
                                       QStringLiteral("Only names containing TEXT."),
                                       QStringLiteral("TEXT"));
    const QCommandLineOption artistOpt(
        QStringLiteral("artist"), QStringLiteral("Only this artist id."), QStringLiteral("ID"));
    const QCommandLineOption albumOpt(
        QStringLiteral("album"), QStringLiteral("Only this album id."), QStringLiteral("ID"));
    parser.addOptions({exactOpt, searchOpt, artistOpt, albumOpt});
    int code = ExitOk;
    if (!ctx.parse(parser, args, QStringLiteral("songs count"), &code))
        return code;
    SongFilter filter;
    try {
        filter.artistId = idOption(parser, artistOpt, "artist");
        filter.albumId = idOption(parser, albumOpt, "album");
    } catch (const std::invalid_argument &e) {
        return ctx.fail(QString::fromUtf8(e.what()), ExitUsage);
    }
    filter.search = parser.value(searchOpt);
    const AppConfig config = ctx.config();
    const SongCount c = songService(config).count(filter, parser.isSet(exactOpt)).result();
    // JSON is built from values and printed as it is: names and cursors are data, not log text.
    if (ctx.json()) {
        ctx.printJson(
            {{QStringLiteral("count"), double(c.value)}, {QStringLiteral("exact"), c.exact}});
    } else {
        ctx.out() << (c.exact ? "" : "~") << c.value << (c.exact ? " (exact)" : " (estimate)")
                  << '\n';
        ctx.out().flush();
    }
    return ExitOk;
}

} // namespace

int runSongsCommand(CliContext &ctx, const QStringList &args)
{
    if (!args.isEmpty() && args.first() == QLatin1String("count"))
        return runCount(ctx, args.mid(1));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Prints one page of songs and the cursors of the neighbouring pages. Pages are read by key "
        "(keyset), so every page costs the same at any depth.\n"
        "Subcommand: songs count [--exact]."));
    const QCommandLineOption afterOpt(QStringLiteral("after"),
                                      QStringLiteral("The page after this cursor."),
                                      QStringLiteral("CURSOR"));
    const QCommandLineOption beforeOpt(QStringLiteral("before"),
                                       QStringLiteral("The page before this cursor."),
                                       QStringLiteral("CURSOR"));
    const QCommandLineOption lastOpt(QStringLiteral("last"), QStringLiteral("The last page."));
    const QCommandLineOption atOpt(
        QStringLiteral("at"),
        QStringLiteral("Jump to a position, a fraction 0..1 of the sort."),
        QStringLiteral("FRACTION"));
    const QCommandLineOption monthOpt(
        QStringLiteral("month"),
        QStringLiteral("Jump to the first song created in YYYY-MM (created order)."),
        QStringLiteral("YYYY-MM"));
    const QCommandLineOption idOpt(QStringLiteral("id"),
                                   QStringLiteral("Jump to the page starting with this song."),
                                   QStringLiteral("ID"));
    const QCommandLineOption sortOpt(QStringLiteral("sort"),
                                     QStringLiteral("id, name, artist or created (default id)."),
                                     QStringLiteral("SORT"),
                                     QStringLiteral("id"));
    const QCommandLineOption descOpt(
        QStringLiteral("desc"),
        QStringLiteral("Descending order (the same index read backwards). Cursors name a "
                       "position, not a direction: pass --desc again with --after/--before."));
    const QCommandLineOption limitOpt(QStringLiteral("limit"),
                                      QStringLiteral("Rows per page (default 50)."),
                                      QStringLiteral("N"),
                                      QStringLiteral("50"));
    const QCommandLineOption searchOpt(
        QStringLiteral("search"),
        QStringLiteral("Only names containing TEXT (accent- and case-insensitive)."),
        QStringLiteral("TEXT"));
    const QCommandLineOption artistOpt(
        QStringLiteral("artist"), QStringLiteral("Only this artist id."), QStringLiteral("ID"));
    const QCommandLineOption albumOpt(
        QStringLiteral("album"), QStringLiteral("Only this album id."), QStringLiteral("ID"));
    parser.addOptions({afterOpt,
                       beforeOpt,
                       lastOpt,
                       atOpt,
                       monthOpt,
                       idOpt,
                       sortOpt,
                       descOpt,
                       limitOpt,
                       searchOpt,
                       artistOpt,
                       albumOpt});
    int code = ExitOk;
    if (!ctx.parse(parser, args, QStringLiteral("songs"), &code))
        return code;

    PageRequest req;
    enum class Jump { None, Fraction, Month, Id } jump = Jump::None;
    double fraction = 0;
    int year = 0;
    int month = 0;
    qint64 jumpId = 0;
    try {
        int positions = 0;
        for (const auto *o : {&afterOpt, &beforeOpt, &lastOpt, &atOpt, &monthOpt, &idOpt})
            positions += parser.isSet(*o) ? 1 : 0;
        if (positions > 1)
            throw std::invalid_argument(
                "use only one of --after, --before, --last, --at, --month, --id");
        const auto sort = parseSongSort(parser.value(sortOpt));
        if (!sort)
            throw std::invalid_argument(
                QStringLiteral("invalid --sort \"%1\": expected id, name, artist or created")
                    .arg(parser.value(sortOpt))
                    .toStdString());
        req.sort = *sort;
        req.descending = parser.isSet(descOpt);
        if (req.descending && (parser.isSet(monthOpt) || parser.isSet(idOpt)))
            throw std::invalid_argument(
                "--desc works with --after, --before, --last and --at, not with --month or --id");
        bool ok = false;
        req.limit = parser.value(limitOpt).toInt(&ok);
        if (!ok || req.limit < 1 || req.limit > 10000)
            throw std::invalid_argument(QStringLiteral("invalid --limit \"%1\": expected 1..10000")
                                            .arg(parser.value(limitOpt))
                                            .toStdString());
        req.filter.artistId = idOption(parser, artistOpt, "artist");
        req.filter.albumId = idOption(parser, albumOpt, "album");
        req.filter.search = parser.value(searchOpt);
        if (parser.isSet(afterOpt) || parser.isSet(beforeOpt)) {
            const bool after = parser.isSet(afterOpt);
            const SongCursor c = SongCursor::decode(parser.value(after ? afterOpt : beforeOpt));
            if (parser.isSet(sortOpt) && c.sort != req.sort)
                throw std::invalid_argument(QStringLiteral("the cursor is for --sort %1, not %2")
                                                .arg(songSortName(c.sort), songSortName(req.sort))
                                                .toStdString());
            req.sort = c.sort;
            req.key = c.key;
            req.anchor = after ? PageAnchor::After : PageAnchor::Before;
        } else if (parser.isSet(lastOpt)) {
            req.anchor = PageAnchor::Last;
        } else if (parser.isSet(atOpt)) {
            fraction = parser.value(atOpt).toDouble(&ok);
            if (!ok || !(fraction >= 0 && fraction <= 1))
                throw std::invalid_argument(
                    QStringLiteral("invalid --at \"%1\": expected a fraction 0..1")
                        .arg(parser.value(atOpt))
                        .toStdString());
            jump = Jump::Fraction;
        } else if (parser.isSet(monthOpt)) {
            const QStringList parts = parser.value(monthOpt).split(QLatin1Char('-'));
            year = parts.value(0).toInt();
            month = parts.size() == 2 ? parts.value(1).toInt() : 0;
            if (parts.size() != 2 || year < 1 || month < 1 || month > 12)
                throw std::invalid_argument(
                    QStringLiteral("invalid --month \"%1\": expected YYYY-MM")
                        .arg(parser.value(monthOpt))
                        .toStdString());
            jump = Jump::Month;
            req.sort = SongSort::Created;
        } else if (parser.isSet(idOpt)) {
            jumpId = *idOption(parser, idOpt, "id");
            jump = Jump::Id;
        }
    } catch (const std::invalid_argument &e) {
        return ctx.fail(QString::fromUtf8(e.what()), ExitUsage);
    }

    const AppConfig config = ctx.config();
    const SongService service = songService(config);
    QFuture<SongPage> request;
    switch (jump) {
    case Jump::None:
        request = service.page(req);
        break;
    case Jump::Fraction:
        request = service.pageAtFraction(req.sort, req.filter, fraction, req.limit, req.descending);
        break;
    case Jump::Month:
        request = service.pageAtMonth(year, month, req.filter, req.limit);
        break;
    case Jump::Id:
        request = service.pageAtSong(req.sort, jumpId, req.filter, req.limit);
        break;
    }
    const SongPage page = request.result();

    if (ctx.json()) {
        QJsonArray songs;
        for (const Song &s : page.songs)
            songs.append(s.toJson());
        ctx.printJson({{QStringLiteral("sort"), songSortName(req.sort)},
                       {QStringLiteral("descending"), req.descending},
                       {QStringLiteral("songs"), songs},
                       {QStringLiteral("next_cursor"),
                        page.nextCursor.isEmpty() ? QJsonValue() : QJsonValue(page.nextCursor)},
                       {QStringLiteral("prev_cursor"),
                        page.prevCursor.isEmpty() ? QJsonValue() : QJsonValue(page.prevCursor)}});
        return ExitOk;
    }
    QTextStream &out = ctx.out();
    out << QStringLiteral("%1  %2  %3  %4  %5  %6\n")
               .arg(QStringLiteral("id"), 10)
               .arg(QStringLiteral("name"), -40)
               .arg(QStringLiteral("artist"), 8)
               .arg(QStringLiteral("album"), 8)
               .arg(QStringLiteral("length"), 6)
               .arg(QStringLiteral("created_at"));
    for (const Song &s : page.songs) {
        out << QStringLiteral("%1  %2  %3  %4  %5  %6\n")
                   .arg(s.id, 10)
                   .arg(printable(s.name).left(40), -40)
                   .arg(s.artistId ? QString::number(*s.artistId) : QStringLiteral("-"), 8)
                   .arg(s.albumId ? QString::number(*s.albumId) : QStringLiteral("-"), 8)
                   .arg(duration(s.durationMs), 6)
                   .arg(formatUtcMicros(s.createdAtUs).left(19));
    }
    out << "prev: " << (page.prevCursor.isEmpty() ? QStringLiteral("-") : page.prevCursor) << '\n'
        << "next: " << (page.nextCursor.isEmpty() ? QStringLiteral("-") : page.nextCursor) << '\n';
    out.flush();
    return ExitOk;
}

} // namespace melodee
