#include "sqlparse.h"

#include "sqlscan/sqltokens.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <pg_query.h>

namespace melodee {

namespace {

int lineAtByte(const QByteArray &utf8, int offset)
{
    return int(utf8.left(offset).count('\n')) + 1;
}

// The line of the character at a 0-based position counted in characters (code points).
int lineAtCharacter(const QString &text, int characters)
{
    int line = 1;
    for (qsizetype i = 0; i < text.size() && characters > 0; ++i, --characters) {
        if (text.at(i).isHighSurrogate() && i + 1 < text.size() && text.at(i + 1).isLowSurrogate())
            ++i;
        else if (text.at(i) == QLatin1Char('\n'))
            ++line;
    }
    return line;
}

// libpg_query's statement span runs from the end of the previous statement to the semicolon, so
// it includes the comments around the statement. Without them the statement can be written back
// followed by ";" (a trailing "-- comment" would swallow it). Sets *leadingBytes to the UTF-8
// length of what was cut in front.
QString withoutComments(const QByteArray &bytes, int *leadingBytes)
{
    const QString text = QString::fromUtf8(bytes);
    const SqlScanResult scan = scanSqlDetailed(text);
    qsizetype first = -1;
    qsizetype last = -1;
    for (qsizetype i = 0; i < scan.tokens.size(); ++i) {
        if (scan.tokens[i].kind == SqlToken::Comment)
            continue;
        if (first < 0)
            first = i;
        last = i;
    }
    *leadingBytes = 0;
    if (!scan.error.isEmpty() || first < 0)
        return text.trimmed();
    const SqlToken &begin = scan.tokens[first];
    // Token starts are exact; the end is where the trailing comments start, if there are any.
    const int end = last + 1 < scan.tokens.size() ? scan.tokens[last + 1].start : int(text.size());
    *leadingBytes = begin.byteStart;
    return text.mid(begin.start, end - begin.start).trimmed();
}

} // namespace

SqlParseResult parseSql(const QString &script)
{
    SqlParseResult result;
    // PostgreSQL cannot receive a NUL character, and libpg_query would stop reading at it.
    if (const qsizetype nul = script.indexOf(QChar(0)); nul >= 0) {
        result.error = QStringLiteral("the script contains a NUL character");
        result.errorLine = int(script.left(nul).count(QLatin1Char('\n'))) + 1;
        return result;
    }
    const QByteArray utf8 = script.toUtf8();
    PgQueryParseResult parsed = pg_query_parse(utf8.constData());
    if (parsed.error) {
        result.error = QString::fromUtf8(parsed.error->message);
        // cursorpos is 1-based, in characters.
        result.errorLine = lineAtCharacter(script, parsed.error->cursorpos - 1);
        pg_query_free_parse_result(parsed);
        return result;
    }
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(parsed.parse_tree));
    pg_query_free_parse_result(parsed);

    for (const QJsonArray items = doc.object().value(QLatin1String("stmts")).toArray();
         const QJsonValue &v : items) {
        const QJsonObject raw = v.toObject();
        const int location = raw.value(QLatin1String("stmt_location")).toInt(0);
        int length = raw.value(QLatin1String("stmt_len")).toInt(0);
        if (length == 0) // the last statement runs to the end of the script
            length = int(utf8.size()) - location;
        // The line we report is that of the statement's first token.
        int skip = 0;
        SqlStatement s;
        s.text = withoutComments(utf8.mid(location, length), &skip);
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

QString RelationRef::display() const
{
    return schema.isEmpty() ? name : schema + QLatin1Char('.') + name;
}

QString RelationRef::regclassText() const
{
    auto quoted = [](QString part) {
        return QLatin1Char('"') + part.replace(QLatin1Char('"'), QLatin1String("\"\""))
               + QLatin1Char('"');
    };
    return schema.isEmpty() ? quoted(name) : quoted(schema) + QLatin1Char('.') + quoted(name);
}

namespace {

void collectRelations(const QJsonValue &v, QList<RelationRef> &out)
{
    if (v.isArray()) {
        for (const QJsonArray items = v.toArray(); const QJsonValue &e : items)
            collectRelations(e, out);
        return;
    }
    if (!v.isObject())
        return;
    const QJsonObject o = v.toObject();
    if (o.contains(QLatin1String("relname"))) {
        const RelationRef r{o.value(QLatin1String("schemaname")).toString(),
                            o.value(QLatin1String("relname")).toString()};
        if (!r.name.isEmpty() && !out.contains(r))
            out << r;
    }
    for (auto it = o.begin(); it != o.end(); ++it)
        collectRelations(it.value(), out);
}

} // namespace

QList<RelationRef> statementRelations(const QJsonValue &node)
{
    QList<RelationRef> out;
    collectRelations(node, out);
    return out;
}

} // namespace melodee
