// libFuzzer target for the SQL text layer: the highlighter's tokenizer (scanSqlDetailed over
// pg_query_scan, with its own protobuf decoding and UTF-8 -> UTF-16 offsets) and the statement
// splitter (parseSql over pg_query_parse) that migrations, plans and the linter build on.
// The input is the SQL as UTF-8. Tokens must lie inside the text, in order, with byte and
// QString spans of the same text; statements must be pieces of the script that parse alone to
// the same statement, and written one after another with ";\n" (as plans and hashes do) they
// must split into the same statements again.
#include "fuzzcheck.h"

#include <migrate/sqlparse.h>
#include <sqlscan/sqltokens.h>

using namespace melodee;
using namespace melodee::fuzz;

namespace {

SqlScanResult tokens(const QString &sql, bool parses)
{
    const SqlScanResult scan = scanSqlDetailed(sql);
    const QByteArray utf8 = sql.toUtf8();
    if (parses)
        check(scan.error.isEmpty(), "the tokenizer fails on SQL the parser accepts", scan.error);
    if (scan.error.isEmpty())
        check(scan.errorPosition == -1, "an error position without an error");
    else
        check(scan.errorPosition >= 0 && scan.errorPosition <= sql.size(),
              "the error position is outside the text",
              QString::number(scan.errorPosition));
    int previousEnd = 0;
    for (const SqlToken &t : scan.tokens) {
        const QString where = QStringLiteral("%1 [%2,%3) bytes [%4,%5)")
                                  .arg(QLatin1String(sqlTokenKindName(t.kind)))
                                  .arg(t.start)
                                  .arg(t.end)
                                  .arg(t.byteStart)
                                  .arg(t.byteEnd);
        check(t.start >= previousEnd && t.start <= t.end && t.end <= sql.size(),
              "a token outside the text or out of order",
              where);
        check(t.byteStart <= t.byteEnd && t.byteEnd <= utf8.size(),
              "a token's bytes are outside",
              where);
        check(sql.mid(t.start, t.length()).toUtf8()
                  == utf8.mid(t.byteStart, t.byteEnd - t.byteStart),
              "a token's QString span and byte span differ",
              where);
        check(t.length() > 0 || t.kind == SqlToken::Other, "an empty token", where);
        if (t.kind == SqlToken::Keyword)
            check(!sql.mid(t.start, t.length()).contains(QLatin1Char(' ')),
                  "a keyword token with a space",
                  where);
        check(!t.reservedKeyword || t.kind == SqlToken::Keyword, "a reserved non-keyword", where);
        previousEnd = t.end;
    }
    check(scanSql(sql) == scan.tokens, "scanSql and scanSqlDetailed disagree");
    return scan;
}

QString list(const QList<SqlStatement> &statements)
{
    QStringList out;
    for (const SqlStatement &s : statements)
        out << QStringLiteral("[%1 line %2] %3").arg(s.kind).arg(s.line).arg(s.text.left(200));
    return out.join(QLatin1Char('\n'));
}

void statements(const QString &sql, const SqlParseResult &parsed, const SqlScanResult &scan)
{
    if (!parsed.error.isEmpty()) {
        check(parsed.statements.isEmpty(), "statements with a parse error");
        check(parsed.errorLine >= 1 && parsed.errorLine <= sql.count(QLatin1Char('\n')) + 1,
              "the error line is outside the script",
              QString::number(parsed.errorLine));
        // The same lexing error: the parser's line is the line of the scanner's position.
        if (parsed.error == scan.error) {
            const int line = int(sql.left(scan.errorPosition).count(QLatin1Char('\n'))) + 1;
            check(parsed.errorLine == line,
                  "parser and tokenizer place an error differently",
                  QStringLiteral("line %1 vs %2: %3")
                      .arg(parsed.errorLine)
                      .arg(line)
                      .arg(scan.error));
        }
        return;
    }
    int previousLine = 1;
    QStringList texts;
    for (const SqlStatement &s : parsed.statements) {
        check(!s.text.isEmpty() && s.text == s.text.trimmed(),
              "an empty or untrimmed statement",
              list(parsed.statements));
        check(sql.contains(s.text),
              "a statement that is not a piece of the script",
              list(parsed.statements));
        check(!s.kind.isEmpty(), "a statement without a kind", list(parsed.statements));
        check(s.line >= previousLine, "statement lines go backwards", list(parsed.statements));
        previousLine = s.line;
        const SqlParseResult alone = parseSql(s.text);
        check(alone.error.isEmpty() && alone.statements.size() == 1
                  && alone.statements[0].text == s.text && alone.statements[0].kind == s.kind,
              "a statement does not parse alone as itself",
              s.text.left(400) + QStringLiteral("\n=> ") + alone.error + list(alone.statements));
        texts << s.text;
    }
    // How plans are written and hashed: each statement followed by ";\n".
    QString joined;
    for (const QString &t : std::as_const(texts))
        joined += t + QStringLiteral(";\n");
    const SqlParseResult again = parseSql(joined);
    QStringList textsAgain;
    for (const SqlStatement &s : again.statements)
        textsAgain << s.text;
    check(again.error.isEmpty() && textsAgain == texts,
          "statements written with \";\\n\" split differently",
          joined.left(600) + QStringLiteral("\n=> ") + again.error + list(again.statements));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString sql = utf8(data, size);
    const SqlParseResult parsed = parseSql(sql);
    const SqlScanResult scan = tokens(sql, parsed.error.isEmpty());
    statements(sql, parsed, scan);
    return 0;
}
