#include "migration.h"

#include "config/appconfig.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <map>

namespace melodee {

namespace {

bool parseBool(const QString &source, const QString &key, const QString &value)
{
    const QString v = value.trimmed().toLower();
    if (v == QLatin1String("true") || v == QLatin1String("yes"))
        return true;
    if (v == QLatin1String("false") || v == QLatin1String("no"))
        return false;
    throw MigrateError(QStringLiteral("%1: header \"%2: %3\" is not a boolean (use true or false)")
                           .arg(source, key, value),
                       ErrorKind::Usage);
}

} // namespace

QString phaseName(int phase)
{
    switch (phase) {
    case 1:
        return QStringLiteral("extensions");
    case 2:
        return QStringLiteral("enum types");
    case 3:
        return QStringLiteral("static tables");
    case 4:
        return QStringLiteral("partitioned parents");
    case 5:
        return QStringLiteral("partitions");
    case 6:
        return QStringLiteral("indexes");
    case 7:
        return QStringLiteral("materialized views and views");
    default:
        return QStringLiteral("phase %1").arg(phase);
    }
}

QString expandPlaceholders(const QString &sql, const SessionConfig &session)
{
    static const QRegularExpression re(QStringLiteral("\\{\\{([a-z_]+)\\}\\}"));
    static const std::map<QString, QString> tables = {
        {QStringLiteral("libraries"), QStringLiteral("library")},
        {QStringLiteral("artists"), QStringLiteral("artist")},
        {QStringLiteral("albums"), QStringLiteral("album")},
        {QStringLiteral("songs"), QStringLiteral("song")},
    };
    QString out;
    qsizetype last = 0;
    auto it = re.globalMatch(sql);
    while (it.hasNext()) {
        const auto m = it.next();
        out += QStringView(sql).mid(last, m.capturedStart() - last);
        const QString key = m.captured(1);
        if (key == QLatin1String("prefix"))
            out += session.tablePrefix;
        else if (auto t = tables.find(key); t != tables.end())
            out += session.tableName(t->second);
        else
            out += m.captured(0); // unknown: left as written so PostgreSQL names it in its error
        last = m.capturedEnd();
    }
    out += QStringView(sql).mid(last);
    return out;
}

QString Migration::description() const
{
    QString out;
    bool inside = false;
    for (const QStringView line : QStringView(text).split(QLatin1Char('\n'))) {
        const QStringView t = line.trimmed();
        if (!inside) {
            if (t.startsWith(QLatin1String("-- Description:"), Qt::CaseInsensitive)) {
                inside = true;
                out = t.mid(15).trimmed().toString();
            }
        } else if (t.startsWith(QLatin1String("--")) && !t.mid(2).trimmed().isEmpty()
                   && !t.contains(QLatin1String("melodee:down"))) {
            out += QLatin1Char(' ') + t.mid(2).trimmed().toString();
        } else {
            break;
        }
        const qsizetype end = out.indexOf(QLatin1String(". "));
        if (end >= 0)
            return out.left(end + 1);
    }
    return out;
}

QString Migration::expandedSql(const SessionConfig &session) const
{
    return expandPlaceholders(upText, session);
}

QString Migration::expandedDownSql(const SessionConfig &session) const
{
    return expandPlaceholders(downText, session);
}

Migration parseMigration(const QString &source, const QString &fileName, const QString &rawText)
{
    static const QRegularExpression nameRe(QStringLiteral("^V(\\d+)__([A-Za-z0-9_]+)\\.sql$"));
    const auto nm = nameRe.match(fileName);
    if (!nm.hasMatch()) {
        throw MigrateError(QStringLiteral("%1: file name must be V<version>__<name>.sql (for "
                                          "example V100__add_mood.sql)")
                               .arg(source),
                           ErrorKind::Usage);
    }
    Migration m;
    m.source = source;
    m.version = nm.captured(1).toInt();
    m.name = nm.captured(2);
    m.phase = 3; // an admin's patch migration usually alters tables
    QString text = rawText;
    text.replace(QLatin1String("\r\n"), QLatin1String("\n"));
    m.text = text;
    // The checksum covers both directions; the down part starts at a "-- melodee:down" line.
    static const QRegularExpression downRe(QStringLiteral("^--\\s*melodee:down\\s*$"),
                                           QRegularExpression::MultilineOption);
    const auto down = downRe.match(text);
    m.upText = down.hasMatch() ? text.left(down.capturedStart()) : text;
    m.downText = down.hasMatch() ? text.mid(down.capturedEnd()) : QString();
    m.checksum = QCryptographicHash::hash(text.toUtf8(), QCryptographicHash::Sha256).toHex();

    // Header: the leading "-- key: value" comment lines.
    static const QRegularExpression kv(QStringLiteral("^--\\s*([A-Za-z-]+)\\s*:\\s*(.*)$"));
    for (const QString &line : text.split(QLatin1Char('\n'))) {
        const QString l = line.trimmed();
        if (l.isEmpty())
            continue;
        if (!l.startsWith(QLatin1String("--")))
            break;
        const auto h = kv.match(l);
        if (!h.hasMatch())
            continue;
        const QString key = h.captured(1).toLower();
        const QString value = h.captured(2).trimmed();
        if (key == QLatin1String("version")) {
            bool ok = false;
            const int v = value.toInt(&ok);
            if (!ok || v != m.version) {
                throw MigrateError(
                    QStringLiteral("%1: header version \"%2\" does not match the file "
                                   "name's version %3")
                        .arg(source, value)
                        .arg(m.version),
                    ErrorKind::Usage);
            }
        } else if (key == QLatin1String("name")) {
            m.name = value;
        } else if (key == QLatin1String("phase")) {
            bool ok = false;
            m.phase = value.toInt(&ok);
            if (!ok || m.phase < 1 || m.phase > 7) {
                throw MigrateError(
                    QStringLiteral("%1: header \"phase: %2\" must be 1..7").arg(source, value),
                    ErrorKind::Usage);
            }
        } else if (key == QLatin1String("transactional")) {
            m.transactional = parseBool(source, key, value);
        } else if (key == QLatin1String("reversible")) {
            m.reversible = parseBool(source, key, value);
        } else if (key == QLatin1String("generated")) {
            m.generated = value;
        } else if (key == QLatin1String("lint-ignore")) {
            for (const QString &r : value.split(QLatin1Char(','), Qt::SkipEmptyParts))
                m.lintIgnore << r.trimmed();
        }
    }
    if (m.version <= 0)
        throw MigrateError(QStringLiteral("%1: version must be positive").arg(source),
                           ErrorKind::Usage);
    return m;
}

namespace {

// Built-in migrations whose comments were reworded after release, by version.
const std::map<int, QList<QByteArray>> &formerBuiltinChecksums()
{
    static const std::map<int, QList<QByteArray>> checksums = {
        {3, {"60b5b1683b6c96509040703a8c2cf9a1bd5e0bf7ff22233dd62e492468f24062"}},
    };
    return checksums;
}

} // namespace

QList<Migration> builtinMigrations()
{
    QList<Migration> out;
    const QDir dir(QStringLiteral(":/melodee/migrations"));
    for (const QString &file : dir.entryList({QStringLiteral("*.sql")}, QDir::Files, QDir::Name)) {
        QFile f(dir.filePath(file));
        if (!f.open(QIODevice::ReadOnly))
            throw MigrateError(QStringLiteral("cannot read built-in migration %1").arg(file));
        Migration m = parseMigration(dir.filePath(file), file, QString::fromUtf8(f.readAll()));
        if (const auto it = formerBuiltinChecksums().find(m.version);
            it != formerBuiltinChecksums().end())
            m.formerChecksums = it->second;
        out << m;
    }
    return out;
}

QList<Migration> loadMigrationDir(const QString &path)
{
    const QDir dir(path);
    if (!dir.exists())
        throw MigrateError(QStringLiteral("--dir %1: no such directory").arg(path),
                           ErrorKind::Usage);
    QList<Migration> out;
    for (const QFileInfo &fi :
         dir.entryInfoList({QStringLiteral("*.sql")}, QDir::Files, QDir::Name)) {
        QFile f(fi.absoluteFilePath());
        if (!f.open(QIODevice::ReadOnly))
            throw MigrateError(
                QStringLiteral("cannot read %1: %2").arg(fi.filePath(), f.errorString()),
                ErrorKind::Usage);
        Migration m = parseMigration(fi.filePath(), fi.fileName(), QString::fromUtf8(f.readAll()));
        if (!m.generated.isEmpty()) {
            throw MigrateError(
                QStringLiteral("%1: \"generated\" is reserved for built-in migrations")
                    .arg(fi.filePath()),
                ErrorKind::Usage);
        }
        out << m;
    }
    return out;
}

QList<Migration> allMigrations(const QString &extraDir)
{
    QList<Migration> out = builtinMigrations();
    if (!extraDir.isEmpty())
        out += loadMigrationDir(extraDir);
    std::stable_sort(out.begin(), out.end(), [](const Migration &a, const Migration &b) {
        return a.version < b.version;
    });
    for (int i = 1; i < out.size(); ++i) {
        if (out[i].version == out[i - 1].version) {
            throw MigrateError(QStringLiteral("version %1 is used by both %2 and %3")
                                   .arg(out[i].version)
                                   .arg(out[i - 1].source, out[i].source),
                               ErrorKind::Usage);
        }
    }
    return out;
}

} // namespace melodee
