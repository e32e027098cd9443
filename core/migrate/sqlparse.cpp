#include "sqlparse.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <pg_query.h>

namespace melodee {

namespace {

int lineAtByte(const QByteArray &utf8, int offset)
{
    return int(utf8.left(offset).count('\n')) + 1;
}

} // namespace

SqlParseResult parseSql(const QString &script)
{
    SqlParseResult result;
    const QByteArray utf8 = script.toUtf8();
    PgQueryParseResult parsed = pg_query_parse(utf8.constData());
    if (parsed.error) {
        result.error = QString::fromUtf8(parsed.error->message);
        // cursorpos is 1-based, in bytes.
        result.errorLine = lineAtByte(utf8, qMax(0, parsed.error->cursorpos - 1));
        pg_query_free_parse_result(parsed);
        return result;
    }
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(parsed.parse_tree));
    pg_query_free_parse_result(parsed);

    for (const QJsonValue &v : doc.object().value(QLatin1String("stmts")).toArray()) {
        const QJsonObject raw = v.toObject();
        const int location = raw.value(QLatin1String("stmt_location")).toInt(0);
        int length = raw.value(QLatin1String("stmt_len")).toInt(0);
        if (length == 0) // the last statement runs to the end of the script
            length = int(utf8.size()) - location;
        QByteArray bytes = utf8.mid(location, length);
        // libpg_query's location includes leading whitespace and comments; the line we report is
        // that of the first real character.
        int skip = 0;
        while (skip < bytes.size()) {
            if (QChar::isSpace(uchar(bytes.at(skip)))) {
                ++skip;
            } else if (bytes.mid(skip, 2) == "--") {
                const int nl = bytes.indexOf('\n', skip);
                skip = nl < 0 ? int(bytes.size()) : nl + 1;
            } else if (bytes.mid(skip, 2) == "/*") {
                const int end = bytes.indexOf("*/", skip + 2);
                skip = end < 0 ? int(bytes.size()) : end + 2;
            } else {
                break;
            }
        }
        SqlStatement s;
        s.text = QString::fromUtf8(bytes.mid(skip)).trimmed();
        s.line = lineAtByte(utf8, location + skip);
        const QJsonObject stmt = raw.value(QLatin1String("stmt")).toObject();
        if (!stmt.isEmpty()) {
            s.kind = stmt.constBegin().key();
            s.node = stmt.constBegin().value().toObject();
        }
        if (!s.text.isEmpty())
            result.statements.append(s);
    }
    return result;
}

} // namespace melodee
