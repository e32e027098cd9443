#include "statementanalyser.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>

#include <pg_query.h>

namespace melodee {

namespace {

GuardDecision destructive(const QString &why)
{
    return {GuardDecision::Destructive, why};
}

GuardDecision unclassified(const QString &why)
{
    return {GuardDecision::Unclassified, why};
}

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

bool flag(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toBool();
}

QString sval(const QJsonValue &v)
{
    return v.toObject()
        .value(QLatin1String("String"))
        .toObject()
        .value(QLatin1String("sval"))
        .toString();
}

QString rangeVarName(const QJsonObject &rv)
{
    const QString schema = str(rv, "schemaname");
    const QString rel = str(rv, "relname");
    return schema.isEmpty() ? rel : schema + QLatin1Char('.') + rel;
}

QString relationOf(const QJsonObject &node)
{
    return rangeVarName(node.value(QLatin1String("relation")).toObject());
}

// DROP's objects: lists of name parts ("public", "t") or, for types, a TypeName.
QString dropObjectNames(const QJsonArray &objects)
{
    QStringList names;
    for (const QJsonValue &v : objects) {
        const QJsonObject o = v.toObject();
        QStringList parts;
        const QJsonArray items
            = o.value(QLatin1String("List")).toObject().value(QLatin1String("items")).toArray();
        for (const QJsonValue &item : items)
            parts << sval(item);
        if (o.contains(QLatin1String("String")))
            parts << sval(o);
        names << parts.join(QLatin1Char('.'));
    }
    return names.join(QLatin1String(", "));
}

// A set from space-separated words, so the long name lists below stay readable.
QSet<QString> words(const char *list)
{
    QSet<QString> out;
    for (const QString &w : QString::fromLatin1(list).split(QLatin1Char(' '), Qt::SkipEmptyParts))
        out.insert(w);
    return out;
}

// Functions a migration may call in a query without the guard needing to know more: they read,
// compute or sleep, and change nothing outside the session.
const QSet<QString> &harmlessFunctions()
{
    static const QSet<QString> names = words(
        // aggregates and window functions
        "count sum avg min max array_agg string_agg bool_and bool_or every json_agg jsonb_agg "
        "json_object_agg jsonb_object_agg row_number rank dense_rank lag lead first_value "
        "last_value ntile "
        // time
        "now clock_timestamp statement_timestamp transaction_timestamp date_trunc date_part "
        "extract to_char to_date to_timestamp to_number make_date make_time make_timestamp "
        "make_timestamptz make_interval age justify_days justify_hours timezone "
        // text
        "lower upper initcap length char_length octet_length substr substring trim btrim "
        "ltrim rtrim replace concat concat_ws format left right lpad rpad position strpos "
        "split_part regexp_replace regexp_match regexp_matches regexp_split_to_array "
        "translate reverse repeat md5 sha256 encode decode quote_ident quote_literal "
        "quote_nullable starts_with unaccent similarity word_similarity show_trgm "
        // numbers
        "abs ceil ceiling floor round trunc mod power sqrt exp ln log sign random "
        "width_bucket "
        // identifiers and catalogs
        "gen_random_uuid uuid_generate_v4 uuid_generate_v1 to_regclass to_regtype to_regproc "
        "to_regprocedure to_regnamespace to_regrole format_type pg_get_expr "
        "pg_get_constraintdef pg_get_indexdef obj_description col_description "
        "pg_relation_size pg_total_relation_size pg_table_size pg_size_pretty current_setting "
        "set_config current_database current_schema version has_table_privilege "
        "has_schema_privilege pg_sleep pg_backend_pid "
        // arrays and json
        "array_length array_to_string string_to_array unnest generate_series cardinality "
        "array_position array_append array_cat jsonb_build_object json_build_object "
        "jsonb_build_array json_build_array to_jsonb to_json row_to_json jsonb_set "
        "jsonb_strip_nulls jsonb_array_elements jsonb_each jsonb_extract_path_text "
        "jsonb_typeof ");
    return names;
}

// True when the expression does not read the rows: no column, subquery, parameter or function.
bool isConstant(const QJsonValue &v)
{
    if (v.isObject()) {
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            if (it.key() == QLatin1String("ColumnRef") || it.key() == QLatin1String("SubLink")
                || it.key() == QLatin1String("ParamRef") || it.key() == QLatin1String("FuncCall"))
                return false;
            if (!isConstant(it.value()))
                return false;
        }
    } else if (v.isArray()) {
        for (const QJsonArray items = v.toArray(); const QJsonValue &e : items) {
            if (!isConstant(e))
                return false;
        }
    }
    return true;
}

GuardDecision classifyQuery(const QString &kind, const QJsonObject &node);

// Walks a query for nested data-changing statements (writable CTEs) and function calls.
GuardDecision walkQuery(const QJsonValue &v)
{
    GuardDecision d;
    if (v.isArray()) {
        for (const QJsonArray items = v.toArray(); const QJsonValue &e : items)
            d = GuardDecision::worst(d, walkQuery(e));
        return d;
    }
    if (!v.isObject())
        return d;
    const QJsonObject o = v.toObject();
    for (auto it = o.begin(); it != o.end(); ++it) {
        const QString &key = it.key();
        if (key == QLatin1String("DeleteStmt") || key == QLatin1String("UpdateStmt")
            || key == QLatin1String("InsertStmt") || key == QLatin1String("MergeStmt")
            || key == QLatin1String("SelectStmt")) {
            d = GuardDecision::worst(d, classifyQuery(key, it.value().toObject()));
            continue;
        }
        if (key == QLatin1String("FuncCall")) {
            const QJsonObject call = it.value().toObject();
            const QJsonArray name = call.value(QLatin1String("funcname")).toArray();
            const QString fn = name.isEmpty() ? QString() : sval(name.last()).toLower();
            const QString schema = name.size() > 1 ? sval(name.first()).toLower() : QString();
            const bool catalog = schema.isEmpty() || schema == QLatin1String("pg_catalog")
                                 || schema == QLatin1String("public");
            if (!catalog || !harmlessFunctions().contains(fn)) {
                d = GuardDecision::worst(
                    d,
                    unclassified(QStringLiteral("calls %1(), which may change data")
                                     .arg(name.size() > 1 ? schema + QLatin1Char('.') + fn : fn)));
            }
        }
        d = GuardDecision::worst(d, walkQuery(it.value()));
    }
    return d;
}

// SELECT, INSERT, UPDATE, DELETE, MERGE.
GuardDecision classifyQuery(const QString &kind, const QJsonObject &node)
{
    GuardDecision d;
    const QString table = relationOf(node);
    if (kind == QLatin1String("DeleteStmt") || kind == QLatin1String("UpdateStmt")) {
        const bool del = kind == QLatin1String("DeleteStmt");
        const QJsonValue where = node.value(QLatin1String("whereClause"));
        if (where.isUndefined() || where.isNull()) {
            d = destructive(
                del ? QStringLiteral("DELETE without WHERE deletes every row of %1").arg(table)
                    : QStringLiteral("UPDATE without WHERE overwrites every row of %1").arg(table));
        } else if (isConstant(where)) {
            d = destructive(
                QStringLiteral("%1 on %2 has a WHERE that does not depend on the row")
                    .arg(del ? QStringLiteral("DELETE") : QStringLiteral("UPDATE"), table));
        }
    } else if (kind == QLatin1String("MergeStmt")) {
        for (const QJsonArray items = node.value(QLatin1String("mergeWhenClauses")).toArray();
             const QJsonValue &w : items) {
            const QJsonObject c = w.toObject().value(QLatin1String("MergeWhenClause")).toObject();
            if (str(c, "commandType") == QLatin1String("CMD_DELETE"))
                d = destructive(QStringLiteral("MERGE into %1 deletes rows").arg(table));
        }
    }
    // Nested statements and function calls, but not the node's own kind again.
    for (auto it = node.begin(); it != node.end(); ++it)
        d = GuardDecision::worst(d, walkQuery(it.value()));
    return d;
}

const QSet<QString> &safeKinds()
{
    static const QSet<QString> kinds = words(
        "VariableSetStmt VariableShowStmt CreateStmt CreateExtensionStmt CreateEnumStmt "
        "AlterEnumStmt CompositeTypeStmt CreateDomainStmt CreateSchemaStmt CreateSeqStmt "
        "AlterSeqStmt CreateFunctionStmt CreateTrigStmt ViewStmt IndexStmt CommentStmt "
        "GrantStmt GrantRoleStmt AlterOwnerStmt RenameStmt CreatePolicyStmt AlterPolicyStmt "
        "AlterObjectSchemaStmt RefreshMatViewStmt VacuumStmt ReindexStmt ClusterStmt LockStmt "
        "NotifyStmt AlterDefaultPrivilegesStmt CreateStatsStmt AlterFunctionStmt "
        "CreateRangeStmt DefineStmt AlterDomainStmt CheckPointStmt CreateRoleStmt "
        "AlterRoleStmt DropRoleStmt DropTableSpaceStmt ");
    return kinds;
}

const QSet<QString> &safeAlterTableCommands()
{
    static const QSet<QString> cmds = words(
        "AT_AddColumn AT_AddColumnToView AT_ColumnDefault AT_DropNotNull AT_SetNotNull "
        "AT_CheckNotNull AT_DropExpression AT_SetStatistics AT_SetOptions AT_ResetOptions "
        "AT_SetStorage AT_SetCompression AT_AddIndex AT_AddConstraint AT_AlterConstraint "
        "AT_ValidateConstraint AT_AddIndexConstraint AT_DropConstraint AT_ChangeOwner "
        "AT_ClusterOn AT_DropCluster AT_SetLogged AT_SetAccessMethod AT_SetTableSpace "
        "AT_SetRelOptions AT_ResetRelOptions AT_ReplaceRelOptions AT_EnableTrig "
        "AT_EnableAlwaysTrig AT_EnableReplicaTrig AT_EnableTrigAll AT_EnableTrigUser "
        "AT_DisableTrig AT_DisableTrigAll AT_DisableTrigUser AT_EnableRule "
        "AT_EnableAlwaysRule AT_EnableReplicaRule AT_DisableRule AT_AddInherit AT_DropInherit "
        "AT_AddOf AT_DropOf AT_ReplicaIdentity AT_EnableRowSecurity AT_DisableRowSecurity "
        "AT_ForceRowSecurity AT_NoForceRowSecurity AT_GenericOptions "
        "AT_AlterColumnGenericOptions AT_AttachPartition AT_AddIdentity AT_SetIdentity "
        "AT_DropIdentity ");
    return cmds;
}

// A PL/pgSQL expression: a query ("SELECT f()"), an expression ("x IS NULL") or an assignment
// ("n := n + 1"). Parsed as SQL so its function calls are checked like any query's.
GuardDecision plpgsqlExpression(const QString &text)
{
    QString sql = text;
    static const QRegularExpression assign(
        QStringLiteral("^\\s*[A-Za-z_][A-Za-z0-9_.\"]*(\\[[^\\]]*\\])?\\s*:?=\\s*"));
    for (int attempt = 0; attempt < 3; ++attempt) {
        const SqlParseResult parsed = parseSql(sql);
        if (parsed.error.isEmpty()) {
            GuardDecision d;
            for (const SqlStatement &s : parsed.statements)
                d = GuardDecision::worst(d, walkQuery(QJsonObject{{s.kind, s.node}}));
            return d;
        }
        if (attempt == 0) {
            sql = QStringLiteral("SELECT ") + text;
        } else {
            const auto m = assign.match(text);
            if (!m.hasMatch())
                break;
            sql = QStringLiteral("SELECT ") + text.mid(m.capturedEnd());
        }
    }
    return unclassified(QStringLiteral("a PL/pgSQL expression the analyser cannot parse"));
}

} // namespace

QString GuardDecision::verdictName() const
{
    switch (verdict) {
    case Safe:
        return QStringLiteral("safe");
    case Destructive:
        return QStringLiteral("destructive");
    case Unclassified:
        return QStringLiteral("unclassified");
    }
    return QStringLiteral("unclassified");
}

QString GuardDecision::toString() const
{
    return reason.isEmpty() ? verdictName() : verdictName() + QStringLiteral(": ") + reason;
}

GuardDecision GuardDecision::worst(const GuardDecision &a, const GuardDecision &b)
{
    if (a.verdict == Destructive)
        return a;
    if (b.verdict == Destructive)
        return b;
    if (a.verdict == Unclassified)
        return a;
    return b;
}

StatementAnalyser::StatementAnalyser(ColumnTypeLookup columnType)
    : m_columnType(std::move(columnType))
{}

GuardDecision StatementAnalyser::guardScript(const QString &script) const
{
    const SqlParseResult parsed = parseSql(script);
    if (!parsed.error.isEmpty())
        return unclassified(QStringLiteral("does not parse: %1").arg(parsed.error));
    GuardDecision d;
    for (const SqlStatement &s : parsed.statements)
        d = GuardDecision::worst(d, guard(s));
    return d;
}

GuardDecision StatementAnalyser::guard(const SqlStatement &s) const
{
    const QString &kind = s.kind;
    const QJsonObject &n = s.node;
    if (kind.isEmpty())
        return unclassified(QStringLiteral("the statement has no parse tree"));
    if (str(n, "behavior") == QLatin1String("DROP_CASCADE"))
        return destructive(QStringLiteral("CASCADE also drops every object that depends on it"));

    if (kind == QLatin1String("DropStmt")) {
        const QString type = str(n, "removeType");
        const QString names = dropObjectNames(n.value(QLatin1String("objects")).toArray());
        static const QHash<QString, QString> holdsData = {
            {QStringLiteral("OBJECT_TABLE"), QStringLiteral("table")},
            {QStringLiteral("OBJECT_MATVIEW"), QStringLiteral("materialized view")},
            {QStringLiteral("OBJECT_SCHEMA"), QStringLiteral("schema")},
            {QStringLiteral("OBJECT_SEQUENCE"), QStringLiteral("sequence")},
            {QStringLiteral("OBJECT_EXTENSION"), QStringLiteral("extension")},
        };
        if (holdsData.contains(type)) {
            return destructive(
                QStringLiteral("drops %1 %2 and its data").arg(holdsData.value(type), names));
        }
        return {};
    }
    if (kind == QLatin1String("DropdbStmt"))
        return destructive(QStringLiteral("drops database %1").arg(str(n, "dbname")));
    if (kind == QLatin1String("DropOwnedStmt"))
        return destructive(QStringLiteral("DROP OWNED drops every object the role owns"));
    if (kind == QLatin1String("TruncateStmt")) {
        QStringList names;
        for (const QJsonArray items = n.value(QLatin1String("relations")).toArray();
             const QJsonValue &v : items)
            names << rangeVarName(v.toObject().value(QLatin1String("RangeVar")).toObject());
        return destructive(QStringLiteral("TRUNCATE deletes every row of %1")
                               .arg(names.join(QLatin1String(", "))));
    }
    if (kind == QLatin1String("AlterTableStmt"))
        return alterTable(s);
    if (kind == QLatin1String("SelectStmt") || kind == QLatin1String("InsertStmt")
        || kind == QLatin1String("UpdateStmt") || kind == QLatin1String("DeleteStmt")
        || kind == QLatin1String("MergeStmt")) {
        return classifyQuery(kind, n);
    }
    if (kind == QLatin1String("CreateTableAsStmt")) {
        if (flag(n.value(QLatin1String("into")).toObject(), "skipData"))
            return {};
        return walkQuery(n.value(QLatin1String("query")));
    }
    if (kind == QLatin1String("ExplainStmt")) // EXPLAIN ANALYZE runs the statement
        return walkQuery(n.value(QLatin1String("query")));
    if (kind == QLatin1String("DoStmt"))
        return doBlock(n);
    if (kind == QLatin1String("CopyStmt")) {
        if (flag(n, "is_program"))
            return unclassified(QStringLiteral("COPY ... PROGRAM runs a shell command"));
        if (!flag(n, "is_from"))
            return unclassified(QStringLiteral("COPY ... TO writes outside the database"));
        return walkQuery(n.value(QLatin1String("whereClause")));
    }
    if (kind == QLatin1String("CallStmt"))
        return unclassified(QStringLiteral("CALL runs a procedure the analyser cannot see into"));
    if (kind == QLatin1String("ExecuteStmt") || kind == QLatin1String("PrepareStmt"))
        return unclassified(QStringLiteral("prepared statements are dynamic SQL"));
    if (safeKinds().contains(kind))
        return {};
    return unclassified(QStringLiteral("%1 statements are not classified").arg(kind));
}

GuardDecision StatementAnalyser::alterTable(const SqlStatement &s) const
{
    const QString table = relationOf(s.node);
    GuardDecision d;
    for (const QJsonArray items = s.node.value(QLatin1String("cmds")).toArray();
         const QJsonValue &v : items) {
        const QJsonObject cmd = v.toObject().value(QLatin1String("AlterTableCmd")).toObject();
        const QString sub = str(cmd, "subtype");
        const QString column = str(cmd, "name");
        GuardDecision c;
        if (str(cmd, "behavior") == QLatin1String("DROP_CASCADE")) {
            c = destructive(QStringLiteral("CASCADE also drops every object that depends on it"));
        } else if (sub == QLatin1String("AT_DropColumn")) {
            c = destructive(QStringLiteral("drops column %1.%2 and its data").arg(table, column));
        } else if (sub == QLatin1String("AT_AlterColumnType")) {
            c = columnTypeChange(table, column, cmd.value(QLatin1String("def")).toObject());
        } else if (sub == QLatin1String("AT_DetachPartition")
                   || sub == QLatin1String("AT_DetachPartitionFinalize")) {
            const QString part = rangeVarName(cmd.value(QLatin1String("def"))
                                                  .toObject()
                                                  .value(QLatin1String("PartitionCmd"))
                                                  .toObject()
                                                  .value(QLatin1String("name"))
                                                  .toObject());
            c = destructive(
                QStringLiteral("detaches partition %1: its rows leave %2").arg(part, table));
        } else if (sub == QLatin1String("AT_SetUnLogged")) {
            c = destructive(QStringLiteral("SET UNLOGGED: a crash empties %1").arg(table));
        } else if (!safeAlterTableCommands().contains(sub)) {
            c = unclassified(QStringLiteral("ALTER TABLE %1 is not classified").arg(sub));
        }
        d = GuardDecision::worst(d, c);
    }
    return d;
}

GuardDecision StatementAnalyser::columnTypeChange(const QString &table,
                                                  const QString &column,
                                                  const QJsonObject &def) const
{
    const QJsonObject col = def.value(QLatin1String("ColumnDef")).toObject();
    const QJsonObject typeName = col.value(QLatin1String("typeName")).toObject();
    const QJsonArray names = typeName.value(QLatin1String("names")).toArray();
    const QString newType = names.isEmpty() ? QString() : sval(names.last());
    QList<int> mods;
    for (const QJsonArray items = typeName.value(QLatin1String("typmods")).toArray();
         const QJsonValue &m : items) {
        mods << m.toObject()
                    .value(QLatin1String("A_Const"))
                    .toObject()
                    .value(QLatin1String("ival"))
                    .toObject()
                    .value(QLatin1String("ival"))
                    .toInt(-1);
    }
    const GuardDecision rewrite
        = destructive(QStringLiteral("type change of %1.%2 to %3 rewrites the column")
                          .arg(table, column, newType));
    if (col.contains(QLatin1String("raw_default"))
        || !typeName.value(QLatin1String("arrayBounds")).toArray().isEmpty())
        return rewrite; // USING or arrays: a conversion, never a relabel
    const QString oldType = m_columnType ? m_columnType(table, column) : QString();
    if (oldType.isEmpty()) {
        return destructive(QStringLiteral("type change of %1.%2: its current type is unknown, so "
                                          "it counts as a rewrite")
                               .arg(table, column));
    }
    // Changes PostgreSQL makes without rewriting or checking a row: widening varchar or
    // numeric precision, and varchar <-> text.
    static const QRegularExpression re(
        QStringLiteral("^(character varying|numeric|text)(?:\\((\\d+)(?:,(\\d+))?\\))?$"));
    const auto m = re.match(oldType);
    if (!m.hasMatch())
        return rewrite;
    const QString base = m.captured(1);
    const bool oldHasMod = m.hasCaptured(2) && !m.captured(2).isEmpty();
    const int oldA = m.captured(2).toInt();
    const int oldB = m.captured(3).toInt();
    bool free = false;
    if (newType == QLatin1String("text")) {
        free = base != QLatin1String("numeric");
    } else if (newType == QLatin1String("varchar")) {
        if (mods.isEmpty())
            free = base != QLatin1String("numeric");
        else
            free = base == QLatin1String("character varying") && oldHasMod && mods[0] >= oldA;
    } else if (newType == QLatin1String("numeric") && base == QLatin1String("numeric")) {
        if (mods.isEmpty())
            free = true;
        else
            free = oldHasMod && mods[0] >= oldA && mods.value(1, 0) == oldB;
    }
    return free ? GuardDecision{} : rewrite;
}

GuardDecision StatementAnalyser::doBlock(const QJsonObject &node) const
{
    QString body;
    QString language = QStringLiteral("plpgsql");
    for (const QJsonArray items = node.value(QLatin1String("args")).toArray();
         const QJsonValue &v : items) {
        const QJsonObject e = v.toObject().value(QLatin1String("DefElem")).toObject();
        const QString value = sval(e.value(QLatin1String("arg")));
        if (str(e, "defname") == QLatin1String("as"))
            body = value;
        else if (str(e, "defname") == QLatin1String("language"))
            language = value.toLower();
    }
    if (language != QLatin1String("plpgsql"))
        return unclassified(QStringLiteral("a DO block in %1").arg(language));
    // libpg_query parses PL/pgSQL function bodies: wrap the block in one.
    const QString tag = QStringLiteral("$melodee_do$");
    if (body.contains(tag))
        return unclassified(QStringLiteral("a DO block the analyser cannot parse"));
    const QByteArray fn = (QStringLiteral("CREATE FUNCTION melodee_do() RETURNS void LANGUAGE "
                                          "plpgsql AS ")
                           + tag + body + tag)
                              .toUtf8();
    PgQueryPlpgsqlParseResult parsed = pg_query_parse_plpgsql(fn.constData());
    if (parsed.error) {
        const QString error = QString::fromUtf8(parsed.error->message);
        pg_query_free_plpgsql_parse_result(parsed);
        return unclassified(QStringLiteral("a DO block the analyser cannot parse (%1)").arg(error));
    }
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(parsed.plpgsql_funcs));
    pg_query_free_plpgsql_parse_result(parsed);

    // Statements PL/pgSQL runs without dynamic SQL, cursors or transaction control.
    static const QSet<QString> known = words(
        "PLpgSQL_stmt_block PLpgSQL_stmt_if PLpgSQL_stmt_case PLpgSQL_stmt_loop "
        "PLpgSQL_stmt_while PLpgSQL_stmt_fori PLpgSQL_stmt_fors PLpgSQL_stmt_foreach_a "
        "PLpgSQL_stmt_exit PLpgSQL_stmt_return PLpgSQL_stmt_raise PLpgSQL_stmt_assert "
        "PLpgSQL_stmt_assign PLpgSQL_stmt_perform PLpgSQL_stmt_execsql PLpgSQL_stmt_getdiag");
    std::function<GuardDecision(const QJsonValue &, const QString &)> walk;
    walk = [&](const QJsonValue &v, const QString &parentKey) -> GuardDecision {
        GuardDecision d;
        if (v.isArray()) {
            for (const QJsonArray items = v.toArray(); const QJsonValue &e : items)
                d = GuardDecision::worst(d, walk(e, parentKey));
            return d;
        }
        if (!v.isObject())
            return d;
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            const QString &key = it.key();
            if (key.startsWith(QLatin1String("PLpgSQL_stmt_")) && !known.contains(key)) {
                d = GuardDecision::worst(
                    d,
                    unclassified(QStringLiteral("a DO block with %1 (dynamic SQL, cursors or "
                                                "transaction control)")
                                     .arg(key.mid(13).toUpper())));
                continue;
            }
            if (key == QLatin1String("PLpgSQL_expr")) {
                const QString query = str(it.value().toObject(), "query");
                if (parentKey == QLatin1String("sqlstmt")) {
                    // A static statement: classified like one in the migration itself.
                    const GuardDecision inner = guardScript(query);
                    d = GuardDecision::worst(
                        d,
                        inner.isSafe()
                            ? inner
                            : GuardDecision{inner.verdict,
                                            QStringLiteral("in a DO block: ") + inner.reason});
                } else {
                    d = GuardDecision::worst(d, plpgsqlExpression(query));
                }
                continue;
            }
            d = GuardDecision::worst(d, walk(it.value(), key));
        }
        return d;
    };
    return walk(doc.array(), QString());
}

bool StatementAnalyser::safeToRepeat(const SqlStatement &s)
{
    const QString &kind = s.kind;
    const QJsonObject &n = s.node;
    if (kind == QLatin1String("VariableSetStmt") || kind == QLatin1String("RefreshMatViewStmt")
        || kind == QLatin1String("VacuumStmt") || kind == QLatin1String("ReindexStmt")
        || kind == QLatin1String("CommentStmt") || kind == QLatin1String("GrantStmt")
        || (kind == QLatin1String("ViewStmt") && flag(n, "replace")))
        return true;
    if (kind == QLatin1String("IndexStmt"))
        return flag(n, "if_not_exists") || (flag(n, "concurrent") && !str(n, "idxname").isEmpty());
    if (kind == QLatin1String("CreateStmt") || kind == QLatin1String("CreateTableAsStmt")
        || kind == QLatin1String("CreateSeqStmt") || kind == QLatin1String("CreateSchemaStmt")
        || kind == QLatin1String("CreateExtensionStmt"))
        return flag(n, "if_not_exists");
    if (kind == QLatin1String("CreateFunctionStmt"))
        return flag(n, "replace");
    if (kind == QLatin1String("AlterEnumStmt"))
        return flag(n, "skipIfNewValExists");
    if (kind == QLatin1String("DropStmt"))
        return flag(n, "missing_ok");
    if (kind == QLatin1String("SelectStmt") || kind == QLatin1String("DeleteStmt")) {
        // Reading, and deleting what a WHERE matches, end the same however often they run; a
        // call of an unknown function might not.
        return !n.contains(QLatin1String("intoClause")) && walkQuery(n).isSafe();
    }
    if (kind == QLatin1String("AlterTableStmt")) {
        static const QSet<QString> idempotent
            = words("AT_ColumnDefault AT_DropNotNull AT_SetNotNull AT_SetStatistics "
                    "AT_ValidateConstraint AT_SetLogged AT_SetRelOptions");
        for (const QJsonArray items = n.value(QLatin1String("cmds")).toArray();
             const QJsonValue &v : items) {
            const QJsonObject cmd = v.toObject().value(QLatin1String("AlterTableCmd")).toObject();
            const QString sub = str(cmd, "subtype");
            const bool ifExists = flag(cmd, "missing_ok");
            if (!idempotent.contains(sub)
                && !((sub == QLatin1String("AT_AddColumn") || sub == QLatin1String("AT_DropColumn")
                      || sub == QLatin1String("AT_DropConstraint"))
                     && ifExists))
                return false;
        }
        return true;
    }
    return false;
}

} // namespace melodee
