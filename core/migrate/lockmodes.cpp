#include "lockmodes.h"

#include <QJsonArray>

namespace melodee {

namespace {

struct ModeInfo
{
    LockMode mode;
    const char *name;
    const char *title;
    // Bit i set: conflicts with the mode whose enum value is i.
    unsigned conflicts;
};

constexpr unsigned bit(LockMode m)
{
    return 1u << unsigned(m);
}

const ModeInfo kModes[] = {
    {LockMode::AccessShare, "AccessShareLock", "ACCESS SHARE", bit(LockMode::AccessExclusive)},
    {LockMode::RowShare,
     "RowShareLock",
     "ROW SHARE",
     bit(LockMode::Exclusive) | bit(LockMode::AccessExclusive)},
    {LockMode::RowExclusive,
     "RowExclusiveLock",
     "ROW EXCLUSIVE",
     bit(LockMode::Share) | bit(LockMode::ShareRowExclusive) | bit(LockMode::Exclusive)
         | bit(LockMode::AccessExclusive)},
    {LockMode::ShareUpdateExclusive,
     "ShareUpdateExclusiveLock",
     "SHARE UPDATE EXCLUSIVE",
     bit(LockMode::ShareUpdateExclusive) | bit(LockMode::Share) | bit(LockMode::ShareRowExclusive)
         | bit(LockMode::Exclusive) | bit(LockMode::AccessExclusive)},
    {LockMode::Share,
     "ShareLock",
     "SHARE",
     bit(LockMode::RowExclusive) | bit(LockMode::ShareUpdateExclusive)
         | bit(LockMode::ShareRowExclusive) | bit(LockMode::Exclusive)
         | bit(LockMode::AccessExclusive)},
    {LockMode::ShareRowExclusive,
     "ShareRowExclusiveLock",
     "SHARE ROW EXCLUSIVE",
     bit(LockMode::RowExclusive) | bit(LockMode::ShareUpdateExclusive) | bit(LockMode::Share)
         | bit(LockMode::ShareRowExclusive) | bit(LockMode::Exclusive)
         | bit(LockMode::AccessExclusive)},
    {LockMode::Exclusive,
     "ExclusiveLock",
     "EXCLUSIVE",
     bit(LockMode::RowShare) | bit(LockMode::RowExclusive) | bit(LockMode::ShareUpdateExclusive)
         | bit(LockMode::Share) | bit(LockMode::ShareRowExclusive) | bit(LockMode::Exclusive)
         | bit(LockMode::AccessExclusive)},
    {LockMode::AccessExclusive, "AccessExclusiveLock", "ACCESS EXCLUSIVE", 0x1feu},
};

const ModeInfo *info(LockMode mode)
{
    for (const ModeInfo &m : kModes) {
        if (m.mode == mode)
            return &m;
    }
    return nullptr;
}

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

RelationRef rangeVar(const QJsonObject &rv)
{
    return {str(rv, "schemaname"), str(rv, "relname")};
}

void add(QList<StatementLock> &out, const RelationRef &r, LockMode mode)
{
    if (r.name.isEmpty() || mode == LockMode::None)
        return;
    for (StatementLock &l : out) {
        if (l.relation == r) {
            l.mode = qMax(l.mode, mode);
            return;
        }
    }
    out.append({r, mode});
}

// The lock one ALTER TABLE subcommand takes on the table it alters.
LockMode alterTableCommandLock(const QJsonObject &cmd)
{
    const QString sub = str(cmd, "subtype");
    if (sub == QLatin1String("AT_SetStatistics") || sub == QLatin1String("AT_ClusterOn")
        || sub == QLatin1String("AT_DropCluster") || sub == QLatin1String("AT_ValidateConstraint")
        || sub == QLatin1String("AT_SetRelOptions") || sub == QLatin1String("AT_ResetRelOptions")
        || sub == QLatin1String("AT_AttachPartition")
        || sub == QLatin1String("AT_DetachPartitionFinalize"))
        return LockMode::ShareUpdateExclusive;
    if (sub == QLatin1String("AT_DetachPartition")) {
        const bool concurrent = cmd.value(QLatin1String("def"))
                                    .toObject()
                                    .value(QLatin1String("PartitionCmd"))
                                    .toObject()
                                    .value(QLatin1String("concurrent"))
                                    .toBool();
        return concurrent ? LockMode::ShareUpdateExclusive : LockMode::AccessExclusive;
    }
    if (sub.startsWith(QLatin1String("AT_EnableTrig"))
        || sub.startsWith(QLatin1String("AT_DisableTrig")))
        return LockMode::ShareRowExclusive;
    if (sub == QLatin1String("AT_AddConstraint")) {
        const QJsonObject c = cmd.value(QLatin1String("def"))
                                  .toObject()
                                  .value(QLatin1String("Constraint"))
                                  .toObject();
        if (str(c, "contype") == QLatin1String("CONSTR_FOREIGN"))
            return LockMode::ShareRowExclusive;
    }
    return LockMode::AccessExclusive;
}

void alterTableLocks(QList<StatementLock> &out, const QJsonObject &n)
{
    const QString objtype = str(n, "objtype");
    if (objtype != QLatin1String("OBJECT_TABLE") && objtype != QLatin1String("OBJECT_MATVIEW"))
        return;
    const RelationRef table = rangeVar(n.value(QLatin1String("relation")).toObject());
    for (const QJsonArray cmds = n.value(QLatin1String("cmds")).toArray();
         const QJsonValue &v : cmds) {
        const QJsonObject cmd = v.toObject().value(QLatin1String("AlterTableCmd")).toObject();
        add(out, table, alterTableCommandLock(cmd));
        const QJsonObject def = cmd.value(QLatin1String("def")).toObject();
        const QString sub = str(cmd, "subtype");
        if (sub == QLatin1String("AT_AttachPartition")) {
            // The table becoming a partition is locked outright (and scanned, without a CHECK).
            add(out,
                rangeVar(def.value(QLatin1String("PartitionCmd"))
                             .toObject()
                             .value(QLatin1String("name"))
                             .toObject()),
                LockMode::AccessExclusive);
        } else if (sub == QLatin1String("AT_AddConstraint")) {
            const QJsonObject c = def.value(QLatin1String("Constraint")).toObject();
            if (str(c, "contype") == QLatin1String("CONSTR_FOREIGN"))
                add(out,
                    rangeVar(c.value(QLatin1String("pktable")).toObject()),
                    LockMode::ShareRowExclusive);
        }
    }
}

} // namespace

QString lockModeName(LockMode mode)
{
    const ModeInfo *m = info(mode);
    return m ? QLatin1String(m->name) : QString();
}

QString lockModeTitle(LockMode mode)
{
    const ModeInfo *m = info(mode);
    return m ? QLatin1String(m->title) : QString();
}

LockMode lockModeFromName(const QString &name)
{
    for (const ModeInfo &m : kModes) {
        if (name == QLatin1String(m.name))
            return m.mode;
    }
    return LockMode::None;
}

bool lockModesConflict(LockMode a, LockMode b)
{
    const ModeInfo *m = info(a);
    return m && b != LockMode::None && (m->conflicts & bit(b)) != 0;
}

QList<StatementLock> statementLocks(const SqlStatement &s)
{
    QList<StatementLock> out;
    const QJsonObject &n = s.node;
    const QString &kind = s.kind;
    const RelationRef relation = rangeVar(n.value(QLatin1String("relation")).toObject());
    if (kind == QLatin1String("AlterTableStmt")) {
        alterTableLocks(out, n);
    } else if (kind == QLatin1String("IndexStmt")) {
        add(out,
            relation,
            n.value(QLatin1String("concurrent")).toBool() ? LockMode::ShareUpdateExclusive
                                                          : LockMode::Share);
    } else if (kind == QLatin1String("CreateStmt")) {
        // CREATE TABLE ... PARTITION OF locks the parent (and scans its default partition).
        if (n.contains(QLatin1String("partbound"))) {
            for (const RelationRef &parent :
                 statementRelations(n.value(QLatin1String("inhRelations"))))
                add(out, parent, LockMode::AccessExclusive);
        }
    } else if (kind == QLatin1String("DropStmt")) {
        if (str(n, "removeType") == QLatin1String("OBJECT_TABLE")) {
            for (const QJsonArray objects = n.value(QLatin1String("objects")).toArray();
                 const QJsonValue &o : objects) {
                QStringList parts;
                for (const QJsonArray items = o.toObject()
                                                  .value(QLatin1String("List"))
                                                  .toObject()
                                                  .value(QLatin1String("items"))
                                                  .toArray();
                     const QJsonValue &item : items)
                    parts << item.toObject()
                                 .value(QLatin1String("String"))
                                 .toObject()
                                 .value(QLatin1String("sval"))
                                 .toString();
                if (!parts.isEmpty())
                    add(out,
                        {parts.size() > 1 ? parts.value(parts.size() - 2) : QString(),
                         parts.last()},
                        LockMode::AccessExclusive);
            }
        }
    } else if (kind == QLatin1String("TruncateStmt") || kind == QLatin1String("ClusterStmt")) {
        for (const RelationRef &r : statementRelations(n))
            add(out, r, LockMode::AccessExclusive);
    } else if (kind == QLatin1String("RenameStmt")) {
        const QString type = str(n, "renameType");
        if (type == QLatin1String("OBJECT_TABLE") || type == QLatin1String("OBJECT_COLUMN")
            || type == QLatin1String("OBJECT_TABCONSTRAINT"))
            add(out, relation, LockMode::AccessExclusive);
    } else if (kind == QLatin1String("CreateTrigStmt")) {
        add(out, relation, LockMode::ShareRowExclusive);
    } else if (kind == QLatin1String("VacuumStmt")) {
        bool full = false;
        for (const QJsonArray options = n.value(QLatin1String("options")).toArray();
             const QJsonValue &o : options) {
            full |= str(o.toObject().value(QLatin1String("DefElem")).toObject(), "defname")
                    == QLatin1String("full");
        }
        for (const RelationRef &r : statementRelations(n))
            add(out, r, full ? LockMode::AccessExclusive : LockMode::ShareUpdateExclusive);
    } else if (kind == QLatin1String("RefreshMatViewStmt")) {
        add(out,
            relation,
            n.value(QLatin1String("concurrent")).toBool() ? LockMode::Exclusive
                                                          : LockMode::AccessExclusive);
    } else if (kind == QLatin1String("LockStmt")) {
        const int mode = n.value(QLatin1String("mode")).toInt();
        for (const RelationRef &r : statementRelations(n))
            add(out, r, mode >= 1 && mode <= 8 ? LockMode(mode) : LockMode::AccessExclusive);
    } else if (kind == QLatin1String("InsertStmt") || kind == QLatin1String("UpdateStmt")
               || kind == QLatin1String("DeleteStmt") || kind == QLatin1String("MergeStmt")) {
        add(out, relation, LockMode::RowExclusive);
    }
    return out;
}

} // namespace melodee
