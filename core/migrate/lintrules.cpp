#include "lint.h"

namespace melodee {

namespace {

struct RuleInfo
{
    const char *id;
    const char *severity;
    bool destructive;
    const char *summary;
    bool live = false; // needs the connected database's catalog
};

const RuleInfo kRules[] = {
    {"syntax-error", "error", false, "the script does not parse"},
    {"require-concurrent-index-creation",
     "warning",
     false,
     "CREATE INDEX without CONCURRENTLY on an existing table blocks writes while it builds"},
    {"ban-concurrent-index-creation-in-transaction",
     "error",
     false,
     "CREATE INDEX CONCURRENTLY cannot run inside a transaction block"},
    {"constraint-missing-not-valid",
     "warning",
     false,
     "adding a CHECK or FOREIGN KEY without NOT VALID scans the table under lock"},
    {"adding-required-field",
     "error",
     false,
     "ADD COLUMN ... NOT NULL without a DEFAULT fails on a table with rows"},
    {"adding-not-nullable-field",
     "warning",
     false,
     "SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock"},
    {"changing-column-type",
     "error",
     true,
     "ALTER COLUMN ... TYPE rewrites the table and can lose data"},
    {"ban-drop-column", "error", true, "dropping a column loses its data"},
    {"ban-drop-table", "error", true, "dropping a table loses its data"},
    {"ban-truncate", "error", true, "TRUNCATE deletes every row"},
    {"ban-drop-database", "error", true, "dropping a database loses everything in it"},
    {"renaming-table", "warning", false, "renaming a table breaks clients that use the old name"},
    {"renaming-column", "warning", false, "renaming a column breaks clients that use the old name"},
    {"prefer-bigint-over-int", "warning", false, "int/serial columns can overflow at 2^31"},
    {"prefer-bigint-over-smallint", "warning", false, "smallint columns overflow at 32767"},
    {"prefer-timestamptz",
     "warning",
     false,
     "timestamp without time zone is read in the session's TimeZone"},
    {"prefer-robust-stmts",
     "warning",
     false,
     "outside a transaction a rerun after a partial failure needs IF [NOT] EXISTS"},
    {"require-timeout-settings",
     "warning",
     false,
     "DDL without lock_timeout/statement_timeout can queue behind a long lock and block everyone"},
    {"partitioned-key-missing-partition-key",
     "error",
     false,
     "PRIMARY KEY/UNIQUE on a partitioned table must include the partition key"},
    // Rules that read the connected database (migrate lint --dsn, the review screen).
    {"detach-concurrently-with-default",
     "error",
     false,
     "DETACH PARTITION ... CONCURRENTLY fails when the parent has a default partition",
     true},
    {"attach-partition-scans-default",
     "warning",
     false,
     "a new partition beside a non-empty default partition scans the default under ACCESS "
     "EXCLUSIVE",
     true},
    {"lock-blocks-live-sessions",
     "warning",
     false,
     "the statement's lock conflicts with locks other sessions hold on the table right now",
     true},
};

} // namespace

QString LintFinding::toString(const QString &file) const
{
    const QString where = file.isEmpty() ? QStringLiteral("line %1").arg(line)
                                         : QStringLiteral("%1:%2").arg(file).arg(line);
    return QStringLiteral("%1: %2 [%3] statement %4: %5 -- fix: %6")
        .arg(where, severity, rule)
        .arg(statement)
        .arg(message, fix);
}

const QList<LintRule> &lintRules()
{
    static const QList<LintRule> rules = [] {
        QList<LintRule> out;
        for (const RuleInfo &r : kRules) {
            out.append({QLatin1String(r.id),
                        QLatin1String(r.severity),
                        QLatin1String(r.summary),
                        r.destructive,
                        r.live});
        }
        return out;
    }();
    return rules;
}

const LintRule &lintRule(const char *id)
{
    for (const LintRule &r : lintRules()) {
        if (r.id == QLatin1String(id))
            return r;
    }
    Q_UNREACHABLE();
}

} // namespace melodee
