#pragma once

#include "sqlparse.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

namespace melodee {

struct LintFinding
{
    QString rule;      // stable id, e.g. "ban-drop-column"
    QString severity;  // "error", "warning" or "info"
    int line = 0;      // line of the statement in its script
    int statement = 0; // 1-based statement number in its script
    QString message;
    QString fix;              // one line: what to write instead
    bool destructive = false; // the statement can lose data (drives the production guard)
    // Facts from the connected database the finding rests on (table, bytes, rows, sessions);
    // empty when linted offline.
    QJsonObject live;

    QString toString(const QString &file = {}) const;
};

struct LintRule
{
    QString id;
    QString severity;
    QString summary;
    bool destructive = false;
    bool live = false; // fires only with a connected database (its catalog and sessions)
};

// The rules, for `melodee migrate lint --rules` and the docs.
const QList<LintRule> &lintRules();
// The rule with this id; the id must be one of lintRules().
const LintRule &lintRule(const char *id);

class CatalogFacts;

// Lints statements one after another, remembering what earlier ones created: a table created in
// the same script or plan is new, so locking it is harmless.
class Linter
{
public:
    struct Options
    {
        bool inTransaction = false;       // statements run inside one transaction
        bool timeoutsSetByEngine = false; // the migration engine sets lock/statement timeouts
        QSet<QString> ignore;             // rule ids switched off (a migration's lint-ignore)
    };

    Linter() = default;
    explicit Linter(const Options &options)
        : m_options(options)
    {}
    void setOptions(const Options &options) { m_options = options; }
    // Facts read from the connected database (not owned; null: offline). With them, findings
    // about rewrites and scans carry the table's size and a severity that follows it, and the
    // live rules (partition defaults, sessions using the table now) can fire.
    void setCatalog(const CatalogFacts *catalog) { m_catalog = catalog; }

    QList<LintFinding> lint(const SqlStatement &statement, int index);
    // Parses and lints a whole script; a syntax error is one "syntax-error" finding.
    QList<LintFinding> lintScript(const QString &script);

private:
    void add(QList<LintFinding> &out,
             const SqlStatement &s,
             int index,
             const char *rule,
             const QString &message,
             const QString &fix);
    void lintColumnType(QList<LintFinding> &out,
                        const SqlStatement &s,
                        int index,
                        const QJsonObject &typeName,
                        const QString &column);
    void lintAlterTable(QList<LintFinding> &out, const SqlStatement &s, int index);
    void lintCreateTable(QList<LintFinding> &out, const SqlStatement &s, int index);
    void checkTimeouts(QList<LintFinding> &out, const SqlStatement &s, int index);
    // livelint.cpp: adds the catalog's facts to the statement's findings, and the live rules.
    void addLiveFindings(QList<LintFinding> &out, const SqlStatement &s, int index);

    Options m_options;
    const CatalogFacts *m_catalog = nullptr;
    QSet<QString> m_created;
    QHash<QString, QStringList> m_partitionKeys; // partitioned table -> key columns
    bool m_lockTimeoutSet = false;
    bool m_statementTimeoutSet = false;
    bool m_timeoutReported = false;
    bool m_inExplicitTransaction = false;
};

} // namespace melodee
