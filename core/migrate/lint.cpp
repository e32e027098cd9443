#include "lint.h"

#include <QJsonArray>

namespace melodee {

namespace {

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

bool flag(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toBool();
}

QString relationName(const QJsonObject &node)
{
    return node.value(QLatin1String("relation"))
        .toObject()
        .value(QLatin1String("relname"))
        .toString();
}

// The type's last name part: pg_catalog.int4 -> int4, serial -> serial.
QString typeLastName(const QJsonObject &typeName)
{
    const QJsonArray names = typeName.value(QLatin1String("names")).toArray();
    if (names.isEmpty())
        return {};
    return names.last()
        .toObject()
        .value(QLatin1String("String"))
        .toObject()
        .value(QLatin1String("sval"))
        .toString();
}

QStringList stringList(const QJsonArray &items)
{
    QStringList out;
    for (const QJsonValue &v : items)
        out << v.toObject()
                   .value(QLatin1String("String"))
                   .toObject()
                   .value(QLatin1String("sval"))
                   .toString();
    return out;
}

QList<QJsonObject> constraintsOf(const QJsonObject &columnDef)
{
    QList<QJsonObject> out;
    for (const QJsonArray items = columnDef.value(QLatin1String("constraints")).toArray();
         const QJsonValue &v : items)
        out << v.toObject().value(QLatin1String("Constraint")).toObject();
    return out;
}

} // namespace

void Linter::add(QList<LintFinding> &out,
                 const SqlStatement &s,
                 int index,
                 const char *rule,
                 const QString &message,
                 const QString &fix)
{
    const LintRule &info = lintRule(rule);
    if (m_options.ignore.contains(info.id))
        return;
    LintFinding f;
    f.rule = info.id;
    f.severity = info.severity;
    f.line = s.line;
    f.statement = index;
    f.message = message;
    f.fix = fix;
    f.destructive = info.destructive;
    out.append(f);
}

void Linter::lintColumnType(QList<LintFinding> &out,
                            const SqlStatement &s,
                            int index,
                            const QJsonObject &typeName,
                            const QString &column)
{
    const QString type = typeLastName(typeName);
    if (type == QLatin1String("int4") || type == QLatin1String("serial")
        || type == QLatin1String("serial4")) {
        add(out,
            s,
            index,
            "prefer-bigint-over-int",
            QStringLiteral("column \"%1\" is %2").arg(column, type),
            QStringLiteral("use bigint (or bigserial) for \"%1\"").arg(column));
    } else if (type == QLatin1String("int2") || type == QLatin1String("smallserial")
               || type == QLatin1String("serial2")) {
        add(out,
            s,
            index,
            "prefer-bigint-over-smallint",
            QStringLiteral("column \"%1\" is %2").arg(column, type),
            QStringLiteral("use bigint for \"%1\"").arg(column));
    } else if (type == QLatin1String("timestamp")) {
        add(out,
            s,
            index,
            "prefer-timestamptz",
            QStringLiteral("column \"%1\" is timestamp without time zone").arg(column),
            QStringLiteral("use timestamptz for \"%1\"").arg(column));
    }
}

void Linter::checkTimeouts(QList<LintFinding> &out, const SqlStatement &s, int index)
{
    if (m_options.timeoutsSetByEngine || m_timeoutReported)
        return;
    if (m_lockTimeoutSet && m_statementTimeoutSet)
        return;
    m_timeoutReported = true;
    QStringList missing;
    if (!m_lockTimeoutSet)
        missing << QStringLiteral("lock_timeout");
    if (!m_statementTimeoutSet)
        missing << QStringLiteral("statement_timeout");
    add(out,
        s,
        index,
        "require-timeout-settings",
        QStringLiteral("DDL runs before %1 is set").arg(missing.join(QLatin1String(" and "))),
        QStringLiteral("start the script with SET lock_timeout = '5s'; SET statement_timeout = "
                       "'10min';"));
}

void Linter::lintCreateTable(QList<LintFinding> &out, const SqlStatement &s, int index)
{
    const QJsonObject &n = s.node;
    const QString table = relationName(n);
    if (!flag(n, "if_not_exists") && !m_options.inTransaction && !m_inExplicitTransaction) {
        add(out,
            s,
            index,
            "prefer-robust-stmts",
            QStringLiteral("CREATE TABLE \"%1\" fails on a rerun").arg(table),
            QStringLiteral("write CREATE TABLE IF NOT EXISTS %1").arg(table));
    }
    QStringList keys;
    const QJsonObject partspec = n.value(QLatin1String("partspec")).toObject();
    for (const QJsonArray items = partspec.value(QLatin1String("partParams")).toArray();
         const QJsonValue &v : items) {
        const QString name = v.toObject()
                                 .value(QLatin1String("PartitionElem"))
                                 .toObject()
                                 .value(QLatin1String("name"))
                                 .toString();
        if (!name.isEmpty())
            keys << name;
    }
    if (!keys.isEmpty())
        m_partitionKeys.insert(table, keys);

    auto checkKey = [&](const QString &kind, const QStringList &columns) {
        if (keys.isEmpty())
            return;
        QStringList missing;
        for (const QString &k : keys) {
            if (!columns.contains(k))
                missing << k;
        }
        if (!missing.isEmpty()) {
            add(out,
                s,
                index,
                "partitioned-key-missing-partition-key",
                QStringLiteral("%1 (%2) on partitioned table \"%3\" lacks partition key column %4")
                    .arg(kind,
                         columns.join(QLatin1String(", ")),
                         table,
                         missing.join(QLatin1String(", "))),
                QStringLiteral("use %1 (%2)")
                    .arg(kind, (columns + missing).join(QLatin1String(", "))));
        }
    };

    for (const QJsonArray items = n.value(QLatin1String("tableElts")).toArray();
         const QJsonValue &v : items) {
        const QJsonObject elt = v.toObject();
        if (elt.contains(QLatin1String("ColumnDef"))) {
            const QJsonObject col = elt.value(QLatin1String("ColumnDef")).toObject();
            const QString name = str(col, "colname");
            lintColumnType(out, s, index, col.value(QLatin1String("typeName")).toObject(), name);
            for (const QJsonObject &c : constraintsOf(col)) {
                const QString type = str(c, "contype");
                if (type == QLatin1String("CONSTR_PRIMARY"))
                    checkKey(QStringLiteral("PRIMARY KEY"), {name});
                else if (type == QLatin1String("CONSTR_UNIQUE"))
                    checkKey(QStringLiteral("UNIQUE"), {name});
            }
        } else if (elt.contains(QLatin1String("Constraint"))) {
            const QJsonObject c = elt.value(QLatin1String("Constraint")).toObject();
            const QString type = str(c, "contype");
            const QStringList cols = stringList(c.value(QLatin1String("keys")).toArray());
            if (type == QLatin1String("CONSTR_PRIMARY"))
                checkKey(QStringLiteral("PRIMARY KEY"), cols);
            else if (type == QLatin1String("CONSTR_UNIQUE"))
                checkKey(QStringLiteral("UNIQUE"), cols);
        }
    }
    m_created.insert(table);
}

void Linter::lintAlterTable(QList<LintFinding> &out, const SqlStatement &s, int index)
{
    const QString table = relationName(s.node);
    const bool isNew = m_created.contains(table);
    const bool robustNeeded = !m_options.inTransaction && !m_inExplicitTransaction;
    for (const QJsonArray items = s.node.value(QLatin1String("cmds")).toArray();
         const QJsonValue &v : items) {
        const QJsonObject cmd = v.toObject().value(QLatin1String("AlterTableCmd")).toObject();
        const QString sub = str(cmd, "subtype");
        const QString column = str(cmd, "name");
        const QJsonObject def = cmd.value(QLatin1String("def")).toObject();
        if (sub == QLatin1String("AT_AddColumn")) {
            const QJsonObject col = def.value(QLatin1String("ColumnDef")).toObject();
            const QString name = str(col, "colname");
            lintColumnType(out, s, index, col.value(QLatin1String("typeName")).toObject(), name);
            bool notNull = false;
            bool hasDefault = false;
            for (const QJsonObject &c : constraintsOf(col)) {
                const QString type = str(c, "contype");
                notNull |= type == QLatin1String("CONSTR_NOTNULL")
                           || type == QLatin1String("CONSTR_PRIMARY");
                hasDefault |= type == QLatin1String("CONSTR_DEFAULT")
                              || type == QLatin1String("CONSTR_IDENTITY")
                              || type == QLatin1String("CONSTR_GENERATED");
            }
            if (notNull && !hasDefault && !isNew) {
                add(out,
                    s,
                    index,
                    "adding-required-field",
                    QStringLiteral("column \"%1\" on \"%2\" is NOT NULL without a DEFAULT")
                        .arg(name, table),
                    QStringLiteral("add it nullable (or with a DEFAULT), backfill, then add a NOT "
                                   "VALID check"));
            }
            if (!flag(cmd, "missing_ok") && robustNeeded) {
                add(out,
                    s,
                    index,
                    "prefer-robust-stmts",
                    QStringLiteral("ADD COLUMN \"%1\" fails on a rerun").arg(name),
                    QStringLiteral("write ADD COLUMN IF NOT EXISTS %1").arg(name));
            }
        } else if (sub == QLatin1String("AT_AddConstraint")) {
            const QJsonObject c = def.value(QLatin1String("Constraint")).toObject();
            const QString type = str(c, "contype");
            if ((type == QLatin1String("CONSTR_CHECK") || type == QLatin1String("CONSTR_FOREIGN"))
                && !flag(c, "skip_validation") && !isNew) {
                add(out,
                    s,
                    index,
                    "constraint-missing-not-valid",
                    QStringLiteral("constraint on \"%1\" is validated under lock").arg(table),
                    QStringLiteral("add it NOT VALID, then ALTER TABLE %1 VALIDATE CONSTRAINT "
                                   "in a later migration")
                        .arg(table));
            }
            if ((type == QLatin1String("CONSTR_PRIMARY") || type == QLatin1String("CONSTR_UNIQUE"))
                && m_partitionKeys.contains(table)) {
                const QStringList cols = stringList(c.value(QLatin1String("keys")).toArray());
                QStringList missing;
                for (const QString &k : m_partitionKeys.value(table)) {
                    if (!cols.contains(k))
                        missing << k;
                }
                if (!missing.isEmpty() && !cols.isEmpty()) {
                    add(out,
                        s,
                        index,
                        "partitioned-key-missing-partition-key",
                        QStringLiteral("key (%1) on partitioned table \"%2\" lacks %3")
                            .arg(cols.join(QLatin1String(", ")),
                                 table,
                                 missing.join(QLatin1String(", "))),
                        QStringLiteral("include %1 in the key")
                            .arg(missing.join(QLatin1String(", "))));
                }
            }
        } else if (sub == QLatin1String("AT_SetNotNull") && !isNew) {
            add(out,
                s,
                index,
                "adding-not-nullable-field",
                QStringLiteral("SET NOT NULL on \"%1\".\"%2\" scans the table under lock")
                    .arg(table, column),
                QStringLiteral(
                    "add CHECK (%1 IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL")
                    .arg(column));
        } else if (sub == QLatin1String("AT_AlterColumnType")) {
            if (!isNew) {
                add(out,
                    s,
                    index,
                    "changing-column-type",
                    QStringLiteral("type change of \"%1\".\"%2\" rewrites the table")
                        .arg(table, column),
                    QStringLiteral("add a new column, backfill in batches, then switch readers"));
            }
            lintColumnType(out,
                           s,
                           index,
                           def.value(QLatin1String("ColumnDef"))
                               .toObject()
                               .value(QLatin1String("typeName"))
                               .toObject(),
                           column);
        } else if (sub == QLatin1String("AT_DropColumn")) {
            add(out,
                s,
                index,
                "ban-drop-column",
                QStringLiteral("drops column \"%1\".\"%2\" and its data").arg(table, column),
                QStringLiteral("stop using the column first; drop it in a reviewed, destructive "
                               "migration"));
            if (!flag(cmd, "missing_ok") && robustNeeded) {
                add(out,
                    s,
                    index,
                    "prefer-robust-stmts",
                    QStringLiteral("DROP COLUMN \"%1\" fails on a rerun").arg(column),
                    QStringLiteral("write DROP COLUMN IF EXISTS %1").arg(column));
            }
        }
    }
}

QList<LintFinding> Linter::lint(const SqlStatement &s, int index)
{
    QList<LintFinding> out;
    const QString &kind = s.kind;
    const QJsonObject &n = s.node;
    static const QSet<QString> ddl = {
        QStringLiteral("CreateStmt"),
        QStringLiteral("AlterTableStmt"),
        QStringLiteral("IndexStmt"),
        QStringLiteral("DropStmt"),
        QStringLiteral("RenameStmt"),
        QStringLiteral("TruncateStmt"),
        QStringLiteral("CreateTableAsStmt"),
    };
    if (ddl.contains(kind))
        checkTimeouts(out, s, index);

    if (kind == QLatin1String("VariableSetStmt")) {
        const QString name = str(n, "name");
        if (name == QLatin1String("lock_timeout"))
            m_lockTimeoutSet = true;
        else if (name == QLatin1String("statement_timeout"))
            m_statementTimeoutSet = true;
    } else if (kind == QLatin1String("TransactionStmt")) {
        const QString k = str(n, "kind");
        if (k == QLatin1String("TRANS_STMT_BEGIN") || k == QLatin1String("TRANS_STMT_START"))
            m_inExplicitTransaction = true;
        else if (k == QLatin1String("TRANS_STMT_COMMIT")
                 || k == QLatin1String("TRANS_STMT_ROLLBACK"))
            m_inExplicitTransaction = false;
    } else if (kind == QLatin1String("CreateStmt")) {
        lintCreateTable(out, s, index);
    } else if (kind == QLatin1String("CreateTableAsStmt")) {
        m_created.insert(n.value(QLatin1String("into"))
                             .toObject()
                             .value(QLatin1String("rel"))
                             .toObject()
                             .value(QLatin1String("relname"))
                             .toString());
    } else if (kind == QLatin1String("IndexStmt")) {
        const QString table = relationName(n);
        const bool concurrent = flag(n, "concurrent");
        if (concurrent && (m_options.inTransaction || m_inExplicitTransaction)) {
            add(out,
                s,
                index,
                "ban-concurrent-index-creation-in-transaction",
                QStringLiteral("CREATE INDEX CONCURRENTLY on \"%1\" inside a transaction")
                    .arg(table),
                QStringLiteral("put it in its own migration with '-- transactional: false'"));
        }
        if (!concurrent && !m_created.contains(table)) {
            add(out,
                s,
                index,
                "require-concurrent-index-creation",
                QStringLiteral("CREATE INDEX on existing table \"%1\" blocks writes").arg(table),
                QStringLiteral("use CREATE INDEX CONCURRENTLY (for a partitioned table: ON ONLY "
                               "the parent, CONCURRENTLY per partition, then ATTACH)"));
        }
        if (!flag(n, "if_not_exists") && !m_options.inTransaction && !m_inExplicitTransaction) {
            add(out,
                s,
                index,
                "prefer-robust-stmts",
                QStringLiteral("CREATE INDEX fails on a rerun"),
                QStringLiteral("name the index and write CREATE INDEX IF NOT EXISTS"));
        }
    } else if (kind == QLatin1String("DropStmt")) {
        const QString type = str(n, "removeType");
        if (type == QLatin1String("OBJECT_TABLE")) {
            QStringList names;
            for (const QJsonArray items = n.value(QLatin1String("objects")).toArray();
                 const QJsonValue &v : items)
                names << stringList(v.toObject()
                                        .value(QLatin1String("List"))
                                        .toObject()
                                        .value(QLatin1String("items"))
                                        .toArray())
                             .join(QLatin1Char('.'));
            add(out,
                s,
                index,
                "ban-drop-table",
                QStringLiteral("drops table %1 and its data").arg(names.join(QLatin1String(", "))),
                QStringLiteral("rename it aside and drop it later in a reviewed, destructive "
                               "migration"));
        }
        if (!flag(n, "missing_ok") && !m_options.inTransaction && !m_inExplicitTransaction) {
            add(out,
                s,
                index,
                "prefer-robust-stmts",
                QStringLiteral("DROP fails on a rerun"),
                QStringLiteral("write DROP ... IF EXISTS"));
        }
    } else if (kind == QLatin1String("TruncateStmt")) {
        add(out,
            s,
            index,
            "ban-truncate",
            QStringLiteral("TRUNCATE deletes every row"),
            QStringLiteral(
                "delete in batches with a WHERE clause, or drop in a reviewed migration"));
    } else if (kind == QLatin1String("DropdbStmt")) {
        add(out,
            s,
            index,
            "ban-drop-database",
            QStringLiteral("drops database \"%1\"").arg(str(n, "dbname")),
            QStringLiteral("never drop a database from a migration"));
    } else if (kind == QLatin1String("RenameStmt")) {
        const QString type = str(n, "renameType");
        if (type == QLatin1String("OBJECT_TABLE")) {
            add(out,
                s,
                index,
                "renaming-table",
                QStringLiteral("renames table \"%1\" to \"%2\"")
                    .arg(relationName(n), str(n, "newname")),
                QStringLiteral("create the new table (or a view) and migrate clients first"));
        } else if (type == QLatin1String("OBJECT_COLUMN")) {
            add(out,
                s,
                index,
                "renaming-column",
                QStringLiteral("renames column \"%1\".\"%2\" to \"%3\"")
                    .arg(relationName(n), str(n, "subname"), str(n, "newname")),
                QStringLiteral("add the new column, backfill, and drop the old one later"));
        }
    } else if (kind == QLatin1String("AlterTableStmt")) {
        lintAlterTable(out, s, index);
    }
    if (m_catalog)
        addLiveFindings(out, s, index);
    return out;
}

QList<LintFinding> Linter::lintScript(const QString &script)
{
    const SqlParseResult parsed = parseSql(script);
    QList<LintFinding> out;
    if (!parsed.error.isEmpty()) {
        SqlStatement s;
        s.line = parsed.errorLine;
        add(out,
            s,
            0,
            "syntax-error",
            parsed.error,
            QStringLiteral("fix the syntax; nothing else was checked"));
        return out;
    }
    int index = 0;
    for (const SqlStatement &s : parsed.statements)
        out += lint(s, ++index);
    return out;
}

} // namespace melodee
