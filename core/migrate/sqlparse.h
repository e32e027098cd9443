#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

namespace melodee {

// One statement of a script, split and parsed by libpg_query (PostgreSQL's own grammar).
struct SqlStatement
{
    QString text;     // the statement as written, without the trailing semicolon
    int line = 1;     // 1-based line of its first character in the script
    QString kind;     // parse node name, e.g. "CreateStmt", "IndexStmt"
    QJsonObject node; // the node's fields
};

struct SqlParseResult
{
    QList<SqlStatement> statements;
    QString error; // non-empty when the script does not parse
    int errorLine = 0;
};

// Splits and parses a script. Comments and blank statements are dropped.
SqlParseResult parseSql(const QString &script);

} // namespace melodee
