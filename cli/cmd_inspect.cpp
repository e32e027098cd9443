#include "clicontext.h"
#include "commands.h"
#include "inspect/schemainspector.h"

#include <QLocale>

namespace melodee {

namespace {

// A name in the text output: control characters (a newline would break the line) shown escaped.
QString printableName(const QString &text)
{
    QString out;
    out.reserve(text.size());
    for (const QChar c : text) {
        if (c.category() == QChar::Other_Control)
            out += QStringLiteral("\\x%1").arg(c.unicode(), 2, 16, QLatin1Char('0'));
        else
            out += c;
    }
    return out;
}

QString bytes(qint64 n)
{
    return QLocale::c().formattedDataSize(n, 1, QLocale::DataSizeTraditionalFormat);
}

QString partitioning(const TableInfo &t)
{
    if (!t.partitioned)
        return QStringLiteral("no");
    return QStringLiteral("%1, %2 partitions%3")
        .arg(printableName(t.partitionKey))
        .arg(t.partitionCount)
        .arg(t.hasDefaultPartition ? QStringLiteral(" + default") : QString());
}

} // namespace

int runInspectCommand(CliContext &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Recognises which schema the database holds (Melodee's at version N, melodee-next's GORM "
        "layout, or unknown) and lists every table: size, estimated rows, indexes, foreign keys "
        "and partitioning. Reads the catalog only.\nExit code: 0 ok, 1 failure, 3 usage."));
    const QCommandLineOption detailsOpt(
        QStringLiteral("details"), QStringLiteral("List each table's indexes and foreign keys."));
    parser.addOption(detailsOpt);
    int code = ExitOk;
    if (!ctx.parse(parser, args, QStringLiteral("inspect"), &code))
        return code;
    const SchemaReport report = SchemaInspector(ctx.config()).inspect();
    if (ctx.json()) {
        ctx.printJson(report.toJson());
        return ExitOk;
    }
    QTextStream &out = ctx.out();
    out << "schema: " << schemaKindName(report.kind);
    if (report.version)
        out << " at version " << *report.version;
    out << " (" << printableName(report.evidence) << ")\n";
    if (report.unfinishedMigrations > 0)
        out << "  " << report.unfinishedMigrations
            << " migrations are running or failed: see melodee migrate status\n";
    out << "database " << printableName(report.database) << ", schema "
        << printableName(report.schema) << ", PostgreSQL " << report.serverVersion << '\n';
    const QStringList missing = report.notAvailable();
    if (!missing.isEmpty()) {
        out << "not available on this schema:\n";
        for (const QString &m : missing)
            out << "  - " << m << '\n';
    }
    out << '\n'
        << QStringLiteral("%1 %2 %3 %4 %5  %6\n")
               .arg(QStringLiteral("TABLE").leftJustified(32),
                    QStringLiteral("EST. ROWS").rightJustified(12),
                    QStringLiteral("SIZE").rightJustified(10),
                    QStringLiteral("INDEXES").rightJustified(7),
                    QStringLiteral("FKS").rightJustified(4),
                    QStringLiteral("PARTITIONED"));
    for (const TableInfo &t : report.tables) {
        const QString name
            = t.schema == report.schema ? t.name : t.schema + QLatin1Char('.') + t.name;
        // One multi-arg call: a table name holding "%2" must not take the next value.
        out << QStringLiteral("%1 %2 %3 %4 %5  %6\n")
                   .arg(printableName(name).leftJustified(32),
                        (t.estimatedRows ? QString::number(*t.estimatedRows) : QStringLiteral("?"))
                            .rightJustified(12),
                        bytes(t.totalBytes).rightJustified(10),
                        QString::number(t.indexes.size()).rightJustified(7),
                        QString::number(t.foreignKeys.size()).rightJustified(4),
                        partitioning(t));
        if (!parser.isSet(detailsOpt))
            continue;
        for (const IndexInfo &i : t.indexes)
            out << "    index " << printableName(i.name) << " (" << i.method
                << (i.valid ? QString() : QStringLiteral(", INVALID")) << ", " << bytes(i.bytes)
                << "): " << printableName(i.definition) << '\n';
        for (const ForeignKeyInfo &k : t.foreignKeys)
            out << "    foreign key " << printableName(k.name) << ": "
                << printableName(k.definition) << '\n';
        for (const ForeignKeyInfo &k : t.referencedBy)
            out << "    referenced by " << printableName(k.table) << '.' << printableName(k.name)
                << '\n';
    }
    out << "\nEstimated rows are the planner's (reltuples); ? means never analysed.\n";
    out.flush();
    return ExitOk;
}

} // namespace melodee
