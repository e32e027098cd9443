// The part of the linter that reads the connected database: the size of the tables a finding is
// about, their default partitions, and the sessions using them right now.

#include "catalogfacts.h"
#include "lint.h"

#include <QJsonArray>
#include <QLocale>
#include <QSet>

namespace melodee {

namespace {

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

RelationRef rangeVar(const QJsonValue &v)
{
    const QJsonObject rv = v.toObject();
    return {str(rv, "schemaname"), str(rv, "relname")};
}

// A partition bound that is not DEFAULT: the new partition takes a range from the default.
bool isRangeBound(const QJsonValue &bound)
{
    // A typed field in the parse tree (no node wrapper), or a node: accept both.
    QJsonObject spec = bound.toObject();
    if (spec.contains(QLatin1String("PartitionBoundSpec")))
        spec = spec.value(QLatin1String("PartitionBoundSpec")).toObject();
    return !spec.isEmpty() && !spec.value(QLatin1String("is_default")).toBool();
}

// "pid 4242 (application "reports", AccessShareLock, in a transaction for 12 s)".
QString describe(const SessionLock &l)
{
    QString text = QStringLiteral("pid %1 (application \"%2\", %3%4")
                       .arg(l.pid)
                       .arg(l.application,
                            lockModeName(l.mode),
                            l.granted ? QString() : QStringLiteral(" awaited"));
    if (l.xactSeconds >= 0)
        text += QStringLiteral(", in a transaction for %1 s").arg(qint64(l.xactSeconds));
    return text + QLatin1Char(')');
}

} // namespace

void Linter::addLiveFindings(QList<LintFinding> &out, const SqlStatement &s, int index)
{
    const QJsonObject &n = s.node;
    const RelationRef table = rangeVar(n.value(QLatin1String("relation")));
    const RelationFacts *facts = m_catalog->find(table);

    // A rewrite, a validating scan or an index build costs what the table weighs: the severity
    // follows its size instead of the rule's offline default.
    static const QSet<QString> sized = {QStringLiteral("changing-column-type"),
                                        QStringLiteral("adding-not-nullable-field"),
                                        QStringLiteral("constraint-missing-not-valid"),
                                        QStringLiteral("require-concurrent-index-creation")};
    for (LintFinding &f : out) {
        if (!facts || !sized.contains(f.rule))
            continue;
        f.severity = SizeThresholds::severity(facts->rows, facts->bytes);
        f.message += QStringLiteral(" (%1: %2)").arg(table.display(), facts->sizeText());
        f.live = facts->toJson();
    }

    // Partition defaults: DETACH CONCURRENTLY is refused, and a new range scans the default.
    struct NewRange
    {
        RelationRef parent;
        RelationRef partition;
        const char *what;
    };
    QList<NewRange> ranges;
    if (s.kind == QLatin1String("AlterTableStmt")) {
        for (const QJsonArray cmds = n.value(QLatin1String("cmds")).toArray();
             const QJsonValue &v : cmds) {
            const QJsonObject cmd = v.toObject().value(QLatin1String("AlterTableCmd")).toObject();
            const QJsonObject pc = cmd.value(QLatin1String("def"))
                                       .toObject()
                                       .value(QLatin1String("PartitionCmd"))
                                       .toObject();
            const QString sub = str(cmd, "subtype");
            if (sub == QLatin1String("AT_DetachPartition")
                && pc.value(QLatin1String("concurrent")).toBool() && facts
                && !facts->defaultPartition.isEmpty()) {
                const int before = int(out.size());
                add(out,
                    s,
                    index,
                    "detach-concurrently-with-default",
                    QStringLiteral("DETACH ... CONCURRENTLY is impossible here: %1 has a default "
                                   "partition (%2)")
                        .arg(table.display(), facts->defaultPartition),
                    QStringLiteral("detach without CONCURRENTLY (ACCESS EXCLUSIVE on %1 while it "
                                   "runs), or detach %2 first and attach it again afterwards")
                        .arg(table.display(), facts->defaultPartition));
                if (out.size() > before)
                    out.last().live = facts->toJson();
            } else if (sub == QLatin1String("AT_AttachPartition")
                       && isRangeBound(pc.value(QLatin1String("bound")))) {
                ranges.append(
                    {table, rangeVar(pc.value(QLatin1String("name"))), "ATTACH PARTITION"});
            }
        }
    } else if (s.kind == QLatin1String("CreateStmt")
               && isRangeBound(n.value(QLatin1String("partbound")))
               && !facts) { // an existing partition makes CREATE ... IF NOT EXISTS a no-op
        for (const RelationRef &parent : statementRelations(n.value(QLatin1String("inhRelations"))))
            ranges.append({parent, table, "CREATE TABLE ... PARTITION OF"});
    }
    for (const NewRange &r : std::as_const(ranges)) {
        const RelationFacts *parent = m_catalog->find(r.parent);
        if (!parent || parent->defaultPartition.isEmpty() || parent->defaultIsEmpty())
            continue;
        const int before = int(out.size());
        const QString rows
            = parent->defaultRows < 0
                  ? QStringLiteral("the rows (never analyzed, %1)")
                        .arg(formatTableSize(parent->defaultBytes))
                  : QStringLiteral("~%1 rows")
                        .arg(QLocale(QLocale::English).toString(qint64(parent->defaultRows)));
        add(out,
            s,
            index,
            "attach-partition-scans-default",
            QStringLiteral("%1 will scan %2 of the default partition %3 under ACCESS EXCLUSIVE; "
                           "first add a CHECK constraint to the default that excludes the new "
                           "range%4")
                .arg(QLatin1String(r.what),
                     rows,
                     parent->defaultPartition,
                     parent->defaultHasCheck
                         ? QStringLiteral(" (it has a validated CHECK constraint: no scan if "
                                          "that one already excludes the range)")
                         : QString()),
            QStringLiteral("ALTER TABLE %1 ADD CONSTRAINT ... CHECK (NOT (<key> >= <from> AND "
                           "<key> < <to>)) NOT VALID; then VALIDATE CONSTRAINT (SHARE UPDATE "
                           "EXCLUSIVE only); then create %2")
                .arg(parent->defaultPartition, r.partition.display()));
        if (out.size() > before) {
            LintFinding &f = out.last();
            f.severity = parent->defaultHasCheck
                             ? QStringLiteral("info")
                             : SizeThresholds::severity(parent->defaultRows, parent->defaultBytes);
            f.live = parent->toJson();
        }
    }

    // Sessions that hold (or queue for) a lock this statement's lock conflicts with.
    for (const StatementLock &l : statementLocks(s)) {
        const RelationFacts *target = m_catalog->find(l.relation);
        if (!target)
            continue;
        QList<int> pids;
        QStringList who;
        bool onlyReading = true;
        for (const SessionLock &other : target->sessions) {
            if (!lockModesConflict(l.mode, other.mode) || pids.contains(other.pid))
                continue;
            pids << other.pid;
            who << describe(other);
            onlyReading &= other.mode == LockMode::AccessShare;
        }
        if (pids.isEmpty())
            continue;
        const int before = int(out.size());
        add(out,
            s,
            index,
            "lock-blocks-live-sessions",
            QStringLiteral("this statement takes %1 on %2, a table that %3 %4 right now (%5): "
                           "it waits for them, and every query that arrives meanwhile waits "
                           "behind it")
                .arg(lockModeTitle(l.mode),
                     l.relation.display(),
                     pids.size() == 1 ? QStringLiteral("1 session is")
                                      : QStringLiteral("%1 sessions are").arg(pids.size()),
                     onlyReading ? QStringLiteral("reading") : QStringLiteral("using"),
                     who.join(QLatin1String("; "))),
            QStringLiteral("run it when they are done, or end them from Server activity; "
                           "lock_timeout makes it give up instead of blocking everyone"));
        if (out.size() > before) {
            QJsonObject live = target->toJson();
            QJsonArray sessions;
            for (const int pid : std::as_const(pids))
                sessions.append(pid);
            live.insert(QStringLiteral("sessions"), sessions);
            live.insert(QStringLiteral("lock"), lockModeName(l.mode));
            out.last().live = live;
        }
    }
}

} // namespace melodee
