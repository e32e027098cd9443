#pragma once

#include "sqlparse.h"

#include <QString>

#include <functional>

namespace melodee {

// What the production guard decides about one statement. It is derived from the statement's
// parse tree alone: a lint ignore silences a lint finding, never this.
struct GuardDecision
{
    enum Verdict {
        Safe,
        Destructive,  // can lose data
        Unclassified, // the analyser cannot tell (DO with dynamic SQL, CALL, unknown functions...)
    };
    Verdict verdict = Safe;
    QString reason; // why it is not safe; empty when safe

    bool isSafe() const { return verdict == Safe; }
    // "safe", "destructive", "unclassified".
    QString verdictName() const;
    // "destructive: drops table x and its data".
    QString toString() const;
    // The worse of two decisions (destructive before unclassified before safe).
    static GuardDecision worst(const GuardDecision &a, const GuardDecision &b);
};

// Classifies statements with libpg_query's parse tree, for the production guard and for the
// retry rules of non-transactional migrations.
class StatementAnalyser
{
public:
    // The current type of a column as format_type() prints it ("character varying(50)"), or
    // empty when unknown. Without it every column type change counts as a rewrite.
    using ColumnTypeLookup = std::function<QString(const QString &table, const QString &column)>;

    explicit StatementAnalyser(ColumnTypeLookup columnType = {});

    GuardDecision guard(const SqlStatement &statement) const;
    // Parses the script; the worst decision of its statements. A script that does not parse is
    // unclassified.
    GuardDecision guardScript(const QString &script) const;

    // True when running the statement a second time after it already ran changes nothing more:
    // the condition for retrying a non-transactional statement that may have reached the server.
    // CREATE INDEX CONCURRENTLY counts as safe because the engine first drops an INVALID leftover
    // and skips a valid index of that name.
    static bool safeToRepeat(const SqlStatement &statement);

private:
    GuardDecision alterTable(const SqlStatement &s) const;
    GuardDecision
    columnTypeChange(const QString &table, const QString &column, const QJsonObject &def) const;
    GuardDecision doBlock(const QJsonObject &node) const;

    ColumnTypeLookup m_columnType;
};

} // namespace melodee
