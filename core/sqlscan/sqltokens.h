#pragma once

#include <QList>
#include <QString>

namespace melodee {

// One token of PostgreSQL's own lexer (libpg_query's scanner), for syntax highlighting.
struct SqlToken
{
    enum Kind {
        Keyword,    // any keyword the grammar knows (reserved or not)
        Identifier, // plain or "quoted" identifiers
        String,     // '...', E'...', $$...$$, B'...', X'...'
        Number,
        Parameter, // $1
        Comment,   // -- ... and /* ... */
        Operator,  // operators, punctuation and casts
        Other,
    };

    Kind kind = Other;
    int byteStart = 0; // offsets into the UTF-8 text, end exclusive
    int byteEnd = 0;
    int start = 0; // the same span in QString (UTF-16) positions
    int end = 0;
    bool reservedKeyword = false;

    int length() const { return end - start; }
    friend bool operator==(const SqlToken &, const SqlToken &) = default;
};

struct SqlScanResult
{
    QList<SqlToken> tokens;
    QString error; // the scanner's message when the text does not tokenise (e.g. unterminated)
    int errorPosition = -1; // QString position of the error, or -1
};

// Tokenises SQL with pg_query_scan. Whitespace is not a token; a lexing error stops the scan
// and returns the tokens before it with the error.
SqlScanResult scanSqlDetailed(const QString &sql);
QList<SqlToken> scanSql(const QString &sql);

const char *sqlTokenKindName(SqlToken::Kind kind);

} // namespace melodee
