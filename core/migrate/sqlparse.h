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

// A table (or other relation) a statement names.
struct RelationRef
{
    QString schema; // empty: found through search_path
    QString name;

    // "schema.name" or "name", as a person reads it.
    QString display() const;
    // The quoted form to_regclass() reads back as exactly this relation, whatever characters the
    // name holds: "schema"."na""me".
    QString regclassText() const;
    bool operator==(const RelationRef &o) const { return schema == o.schema && name == o.name; }
};

// Every relation a parse tree names (its RangeVar nodes), each once, in order of appearance.
QList<RelationRef> statementRelations(const QJsonValue &node);

} // namespace melodee
