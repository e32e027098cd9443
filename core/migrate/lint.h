#pragma once

#include "sqlparse.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

namespace melodee {

struct LintFinding
{
    QString rule;      // stable id, e.g. "ban-drop-column"
    QString severity;  // "error" or "warning"
    int line = 0;      // line of the statement in its script
    int statement = 0; // 1-based statement number in its script
    QString message;
    QString fix;              // one line: what to write instead
    bool destructive = false; // the statement can lose data (drives the production guard)

    QString toString(const QString &file = {}) const;
};

struct LintRule
{
    QString id;
    QString severity;
    QString summary;
};

// The rules, for `melodee migrate lint --rules` and the docs.
const QList<LintRule> &lintRules();

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

    Options m_options;
    QSet<QString> m_created;
    QHash<QString, QStringList> m_partitionKeys; // partitioned table -> key columns
    bool m_lockTimeoutSet = false;
    bool m_statementTimeoutSet = false;
    bool m_timeoutReported = false;
    bool m_inExplicitTransaction = false;
};

} // namespace melodee
