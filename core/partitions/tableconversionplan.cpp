// TableConversion::plan(): reads the table from the catalog and writes the reviewed plan, every
// statement of the conversion, without changing anything.
#include "tableconversion.h"

#include "db/pgarray.h"
#include "db/pgconnection.h"
#include "db/sqlident.h"
#include "partitionmaintenance.h"
#include "tableprivileges.h"

namespace melodee {

namespace {

constexpr int kMaxNameBytes = 63; // NAMEDATALEN - 1

QString quotedList(const QStringList &names)
{
    QStringList q;
    for (const QString &n : names)
        q << quoteIdent(n);
    return q.join(QStringLiteral(", "));
}

// A dollar-quote tag that the body does not contain.
QString dollarQuote(const QString &body)
{
    QString tag = QStringLiteral("$melodee$");
    for (int i = 1; body.contains(tag); ++i)
        tag = QStringLiteral("$melodee%1$").arg(i);
    return tag + body + tag;
}

QString plpgsqlFunction(const QString &name, const QString &body)
{
    return QStringLiteral("CREATE FUNCTION %1() RETURNS trigger LANGUAGE plpgsql AS %2")
        .arg(name, dollarQuote(body));
}

QString deleteRuleName(QChar rule)
{
    switch (rule.toLatin1()) {
    case 'a':
        return QStringLiteral("NO ACTION");
    case 'r':
        return QStringLiteral("RESTRICT");
    case 'c':
        return QStringLiteral("CASCADE");
    case 'n':
        return QStringLiteral("SET NULL");
    case 'd':
        return QStringLiteral("SET DEFAULT");
    }
    return QString(rule);
}

} // namespace

QString TableConversion::boundedName(const QString &base, const QString &suffix)
{
    QString b = base;
    while (!b.isEmpty() && (b + suffix).toUtf8().size() > kMaxNameBytes) {
        b.chop(1);
        if (!b.isEmpty() && b.back().isHighSurrogate())
            b.chop(1);
    }
    return b + suffix;
}

ConversionPlan TableConversion::plan(PgConnection &conn, const ConversionRequest &request) const
{
    const OpContext ctx{QStringLiteral("plan the conversion to partitions"), request.table};
    if (request.table.isEmpty())
        throw refuse(QStringLiteral("no table given"));
    if (request.column.isEmpty())
        throw refuse(QStringLiteral("no partition column given (--by COLUMN)"));
    if (request.premakeMonths < 0 || request.premakeMonths > 120)
        throw refuse(
            QStringLiteral("premake %1 is out of range: 0..120 months").arg(request.premakeMonths));
    if (request.batchRows < 1 || request.batchRows > 1000000)
        throw refuse(QStringLiteral("batch size %1 is out of range: 1..1000000 rows")
                         .arg(request.batchRows));

    ConversionPlan p;
    p.table = request.table;
    p.column = request.column;
    p.batchRows = request.batchRows;

    // The table, in the current schema.
    PgResult r = conn.exec("SELECT c.oid::text, c.relkind::text, n.nspname, c.reltuples::int8 "
                           "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                           "WHERE c.relname = $1 AND n.nspname = current_schema()",
                           {request.table.toUtf8()},
                           ctx);
    if (r.rows() == 0)
        throw refuse(
            QStringLiteral("table \"%1\" does not exist in the current schema").arg(request.table));
    const QByteArray oid = r.text(0, 0).toUtf8();
    const QString kind = r.text(0, 1);
    if (kind == QLatin1String("p"))
        throw refuse(
            QStringLiteral("table \"%1\" is already partitioned (%2)")
                .arg(request.table,
                     conn.exec("SELECT pg_get_partkeydef($1::oid)", {oid}, ctx).text(0, 0)));
    if (kind != QLatin1String("r"))
        throw refuse(
            QStringLiteral("\"%1\" is not a plain table (relkind %2)").arg(request.table, kind));
    p.schema = r.text(0, 2);
    p.estimatedRows = r.toInt64(0, 3) < 0 ? -1 : r.toInt64(0, 3);
    const QString qSchema = quoteIdent(p.schema) + QLatin1Char('.');
    const QString qTable = qSchema + quoteIdent(p.table);
    p.newTable = boundedName(p.table, QStringLiteral("_partitioned"));
    p.oldTable = boundedName(p.table, QStringLiteral("_unpartitioned"));
    p.syncFunction = boundedName(p.table, QStringLiteral("_partition_sync"));
    p.syncTrigger = p.syncFunction;
    const QString qNew = qSchema + quoteIdent(p.newTable);
    const QString qOld = qSchema + quoteIdent(p.oldTable);

    r = conn.exec("SELECT to_regclass($1) IS NOT NULL, to_regclass($2) IS NOT NULL",
                  {qNew.toUtf8(), qOld.toUtf8()},
                  ctx);
    if (r.toBool(0, 0))
        throw refuse(
            QStringLiteral("\"%1\" already exists: a conversion of \"%2\" was started (resume it "
                           "or drop that table)")
                .arg(p.newTable, p.table));
    if (r.toBool(0, 1))
        throw refuse(QStringLiteral("\"%1\" already exists: the name the old table would keep "
                                    "after the swap is taken")
                         .arg(p.oldTable));

    // Columns: the partition column's type; identity and generated columns are not copied
    // faithfully by INSERT ... SELECT, so they are refused.
    r = conn.exec("SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attidentity::text, "
                  "a.attgenerated::text FROM pg_attribute a "
                  "WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped "
                  "ORDER BY a.attnum",
                  {oid},
                  ctx);
    for (int i = 0; i < r.rows(); ++i) {
        const QString name = r.text(i, 0);
        if (!r.text(i, 2).isEmpty())
            throw refuse(QStringLiteral("column \"%1\" is an identity column: not supported (a "
                                        "copy would restart its sequence)")
                             .arg(name));
        if (!r.text(i, 3).isEmpty())
            throw refuse(
                QStringLiteral("column \"%1\" is a generated column: not supported").arg(name));
        if (name == request.column)
            p.columnType = r.text(i, 1);
    }
    if (p.columnType.isEmpty())
        throw refuse(
            QStringLiteral("table \"%1\" has no column \"%2\"").arg(request.table, request.column));
    static const QStringList kTypes{QStringLiteral("timestamp with time zone"),
                                    QStringLiteral("timestamp without time zone"),
                                    QStringLiteral("date")};
    if (!kTypes.contains(p.columnType))
        throw refuse(QStringLiteral("column \"%1\" is %2: monthly partitions need timestamp with "
                                    "time zone, timestamp without time zone or date")
                         .arg(request.column, p.columnType));
    const QString qColumn = quoteIdent(p.column);

    // Indexes and the unique keys behind them.
    r = conn.exec(
        "SELECT ic.relname, i.indisprimary, i.indisunique, i.indexprs IS NOT NULL, "
        "  coalesce((SELECT json_agg(a.attname ORDER BY k.ord) FROM unnest(i.indkey::int2[]) "
        "    WITH ORDINALITY k(attnum, ord) JOIN pg_attribute a ON a.attrelid = i.indrelid "
        "    AND a.attnum = k.attnum WHERE k.ord <= i.indnkeyatts), '[]')::text, "
        "  coalesce((SELECT json_agg(a.attname ORDER BY k.ord) FROM unnest(i.indkey::int2[]) "
        "    WITH ORDINALITY k(attnum, ord) JOIN pg_attribute a ON a.attrelid = i.indrelid "
        "    AND a.attnum = k.attnum WHERE k.ord > i.indnkeyatts), '[]')::text, "
        "  am.amname, pg_get_indexdef(i.indexrelid), "
        "  'CREATE ' || CASE WHEN i.indisunique THEN 'UNIQUE ' ELSE '' END || 'INDEX ' "
        "    || quote_ident(ic.relname) || ' ON ' || quote_ident(n.nspname) || '.' "
        "    || quote_ident(t.relname) || ' USING ' || quote_ident(am.amname) || ' ', "
        "  coalesce(pg_get_expr(i.indpred, i.indrelid), ''), coalesce(con.contype::text, ''), "
        "  i.indisvalid "
        "FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid "
        "JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
        "JOIN pg_am am ON am.oid = ic.relam "
        "LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid "
        "  AND con.contype IN ('p', 'u', 'x') "
        "WHERE i.indrelid = $1::oid ORDER BY i.indisprimary DESC, ic.relname",
        {oid},
        ctx);
    QStringList indexStatements;
    QStringList renameOld;
    QStringList renameNew;
    for (int i = 0; i < r.rows(); ++i) {
        const QString name = r.text(i, 0);
        const bool primary = r.toBool(i, 1);
        const bool unique = r.toBool(i, 2);
        const bool expressions = r.toBool(i, 3);
        const QStringList keyColumns = stringsOfJsonArray(r.text(i, 4));
        const QStringList includeColumns = stringsOfJsonArray(r.text(i, 5));
        const QString method = r.text(i, 6);
        const QString definition = r.text(i, 7);
        const QString prefix = r.text(i, 8);
        const QString predicate = r.text(i, 9);
        const QString constraint = r.text(i, 10);
        if (!r.toBool(i, 11))
            throw refuse(QStringLiteral("index \"%1\" is invalid (a failed concurrent build): "
                                        "drop or rebuild it first")
                             .arg(name));
        if (constraint == QLatin1String("x"))
            throw refuse(QStringLiteral("exclusion constraint \"%1\": not supported on a "
                                        "partitioned table")
                             .arg(name));
        const QString temporary = boundedName(name, QStringLiteral("_p"));
        const QString kept = boundedName(name, QStringLiteral("_unpartitioned"));
        renameOld << QStringLiteral("ALTER INDEX %1 RENAME TO %2")
                         .arg(qSchema + quoteIdent(name), quoteIdent(kept));
        renameNew << QStringLiteral("ALTER INDEX %1 RENAME TO %2")
                         .arg(qSchema + quoteIdent(temporary), quoteIdent(name));
        if (!unique) {
            if (!definition.startsWith(prefix))
                throw refuse(QStringLiteral("index \"%1\": could not read its definition (%2)")
                                 .arg(name, definition));
            indexStatements << QStringLiteral("CREATE INDEX %1 ON %2 USING %3 %4")
                                   .arg(quoteIdent(temporary),
                                        qNew,
                                        quoteIdent(method),
                                        definition.mid(prefix.size()));
            p.indexes << definition;
            continue;
        }
        if (expressions)
            throw refuse(QStringLiteral("unique index \"%1\" is on expressions: a partitioned "
                                        "table's unique keys must be plain columns (%2)")
                             .arg(name, definition));
        ConversionKey key;
        key.name = name;
        key.primary = primary;
        key.columns = keyColumns;
        key.newColumns = keyColumns;
        if (!keyColumns.contains(p.column)) {
            key.newColumns << p.column;
            key.consequence
                = primary ? QStringLiteral("the primary key (%1) becomes (%2): PostgreSQL requires "
                                           "every unique key of a partitioned table to include "
                                           "the partition column, so (%1) alone is no longer "
                                           "enforced unique across months")
                                .arg(keyColumns.join(QStringLiteral(", ")),
                                     key.newColumns.join(QStringLiteral(", ")))
                          : QStringLiteral("unique key %1 (%2) becomes (%3): (%2) alone is no "
                                           "longer enforced unique across months")
                                .arg(name,
                                     keyColumns.join(QStringLiteral(", ")),
                                     key.newColumns.join(QStringLiteral(", ")));
        }
        if (primary && keyColumns.size() == 1)
            p.idColumn = keyColumns.first();
        const QString include
            = includeColumns.isEmpty()
                  ? QString()
                  : QStringLiteral(" INCLUDE (%1)").arg(quotedList(includeColumns));
        if (constraint == QLatin1String("p") || constraint == QLatin1String("u")) {
            if (!predicate.isEmpty())
                throw refuse(QStringLiteral("constraint \"%1\" has a predicate").arg(name));
            indexStatements << QStringLiteral("ALTER TABLE %1 ADD CONSTRAINT %2 %3 (%4)%5")
                                   .arg(qNew,
                                        quoteIdent(temporary),
                                        primary ? QStringLiteral("PRIMARY KEY")
                                                : QStringLiteral("UNIQUE"),
                                        quotedList(key.newColumns),
                                        include);
        } else {
            indexStatements << QStringLiteral("CREATE UNIQUE INDEX %1 ON %2 USING %3 (%4)%5%6")
                                   .arg(quoteIdent(temporary),
                                        qNew,
                                        quoteIdent(method),
                                        quotedList(key.newColumns),
                                        include,
                                        predicate.isEmpty()
                                            ? QString()
                                            : QStringLiteral(" WHERE ") + predicate);
        }
        p.keys << key;
    }
    if (p.idColumn.isEmpty())
        throw refuse(QStringLiteral("table \"%1\" has no single-column primary key: the copy "
                                    "walks the table in batches of its primary key")
                         .arg(p.table));
    r = conn.exec("SELECT format_type(a.atttypid, NULL) FROM pg_attribute a "
                  "WHERE a.attrelid = $1::oid AND a.attname = $2",
                  {oid, p.idColumn.toUtf8()},
                  ctx);
    static const QStringList kIdTypes{
        QStringLiteral("bigint"), QStringLiteral("integer"), QStringLiteral("smallint")};
    if (r.rows() == 0 || !kIdTypes.contains(r.text(0, 0)))
        throw refuse(QStringLiteral("primary key \"%1\" is %2: the copy walks integer keys only")
                         .arg(p.idColumn, r.rows() ? r.text(0, 0) : QStringLiteral("?")));
    const QString qId = quoteIdent(p.idColumn);

    // Sequences owned by the table's columns follow it (else dropping the old table later would
    // drop them).
    r = conn.exec("SELECT quote_ident(sn.nspname) || '.' || quote_ident(s.relname), a.attname "
                  "FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' "
                  "JOIN pg_namespace sn ON sn.oid = s.relnamespace "
                  "JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid "
                  "WHERE d.classid = 'pg_class'::regclass AND d.refobjid = $1::oid "
                  "AND d.deptype IN ('a', 'i') ORDER BY 1",
                  {oid},
                  ctx);
    QStringList sequenceStatements;
    for (int i = 0; i < r.rows(); ++i)
        sequenceStatements << QStringLiteral("ALTER SEQUENCE %1 OWNED BY %2.%3")
                                  .arg(r.text(i, 0), qTable, quoteIdent(r.text(i, 1)));

    // Foreign keys, both directions.
    r = conn.exec(
        "SELECT con.conname, con.conrelid::regclass::text, con.confrelid::regclass::text, "
        "  pg_get_constraintdef(con.oid), con.conrelid = $1::oid, con.confdeltype::text, "
        "  con.confupdtype::text, con.condeferrable, con.conrelid = con.confrelid, "
        "  coalesce((SELECT json_agg(a.attname ORDER BY k.ord) FROM unnest(con.conkey) "
        "    WITH ORDINALITY k(attnum, ord) JOIN pg_attribute a ON a.attrelid = con.conrelid "
        "    AND a.attnum = k.attnum), '[]')::text, "
        "  coalesce((SELECT json_agg(a.attname ORDER BY k.ord) FROM unnest(con.confkey) "
        "    WITH ORDINALITY k(attnum, ord) JOIN pg_attribute a ON a.attrelid = con.confrelid "
        "    AND a.attnum = k.attnum), '[]')::text, "
        "  (SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) FROM pg_class c "
        "    JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = con.conrelid) "
        "FROM pg_constraint con WHERE con.contype = 'f' "
        "AND (con.conrelid = $1::oid OR con.confrelid = $1::oid) "
        "ORDER BY con.conrelid = $1::oid DESC, con.conname",
        {oid},
        ctx);
    QStringList outgoingStatements;
    QStringList incomingStatements;
    QStringList incomingLocks;
    for (int i = 0; i < r.rows(); ++i) {
        ConversionForeignKey fk;
        fk.name = r.text(i, 0);
        fk.table = r.text(i, 1);
        fk.references = r.text(i, 2);
        fk.definition = r.text(i, 3);
        const bool outgoing = r.toBool(i, 4);
        const QChar onDelete = r.text(i, 5).at(0);
        const QChar onUpdate = r.text(i, 6).at(0);
        if (r.toBool(i, 8))
            throw refuse(QStringLiteral("foreign key \"%1\" references the table itself: not "
                                        "supported")
                             .arg(fk.name));
        if (outgoing) {
            fk.direction = ConversionForeignKey::Direction::Outgoing;
            fk.action = QStringLiteral("recreated on the partitioned table under the same name "
                                       "before the copy, so every copied row is checked");
            fk.reason = QStringLiteral("a partitioned table can hold foreign keys: each "
                                       "partition checks its own rows");
            outgoingStatements << QStringLiteral("ALTER TABLE %1 ADD CONSTRAINT %2 %3")
                                      .arg(qNew, quoteIdent(fk.name), fk.definition);
            p.foreignKeys << fk;
            continue;
        }
        fk.direction = ConversionForeignKey::Direction::Incoming;
        const QStringList from = stringsOfJsonArray(r.text(i, 9));
        const QStringList to = stringsOfJsonArray(r.text(i, 10));
        const QString qRef = r.text(i, 11);
        if (r.toBool(i, 7))
            throw refuse(QStringLiteral("foreign key \"%1\" on %2 is deferrable: not supported")
                             .arg(fk.name, fk.table));
        if (onDelete == QLatin1Char('d')
            || (onUpdate != QLatin1Char('a') && onUpdate != QLatin1Char('r'))) {
            throw refuse(QStringLiteral("foreign key \"%1\" on %2 (%3): ON DELETE SET DEFAULT and "
                                        "ON UPDATE actions other than NO ACTION are not supported")
                             .arg(fk.name, fk.table, fk.definition));
        }
        fk.reason = QStringLiteral(
                        "a foreign key must reference a unique key of %1, and every unique key of "
                        "a partitioned table must include the partition column %2; (%3) alone "
                        "cannot be unique there")
                        .arg(p.table, p.column, to.join(QStringLiteral(", ")));
        fk.action
            = QStringLiteral(
                  "kept until the swap; then dropped and enforced by triggers: inserting or "
                  "updating %1 on %2 checks that %3 holds the key and locks it FOR KEY "
                  "SHARE, as the foreign key did; deleting or changing a referenced key of "
                  "%3 does ON DELETE %4")
                  .arg(
                      from.join(QStringLiteral(", ")), fk.table, p.table, deleteRuleName(onDelete));
        QStringList match;
        QStringList referencing;
        QStringList notNull;
        QStringList changed;
        for (int k = 0; k < from.size() && k < to.size(); ++k) {
            match << QStringLiteral("%1 = NEW.%2").arg(quoteIdent(to[k]), quoteIdent(from[k]));
            referencing
                << QStringLiteral("%1 = OLD.%2").arg(quoteIdent(from[k]), quoteIdent(to[k]));
            notNull << QStringLiteral("NEW.%1 IS NOT NULL").arg(quoteIdent(from[k]));
            changed << QStringLiteral("NEW.%1 IS DISTINCT FROM OLD.%1").arg(quoteIdent(to[k]));
        }
        const QString checkFn
            = qSchema + quoteIdent(boundedName(fk.name, QStringLiteral("_check")));
        const QString refFn = qSchema + quoteIdent(boundedName(fk.name, QStringLiteral("_ref")));
        const QString violation
            = QStringLiteral("RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation', "
                             "MESSAGE = %1, CONSTRAINT = %2;")
                  .arg(QStringLiteral("format('%s on table %I violates foreign key %I', TG_OP, "
                                      "TG_TABLE_NAME, %1)"),
                       QStringLiteral("%1"));
        const QString fkLiteral
            = QStringLiteral("'")
              + QString(fk.name).replace(QLatin1Char('\''), QStringLiteral("''"))
              + QLatin1Char('\'');
        QString onReferenced;
        switch (onDelete.toLatin1()) {
        case 'c':
            onReferenced = QStringLiteral("  IF TG_OP = 'DELETE' THEN\n"
                                          "    DELETE FROM %1 WHERE %2;\n"
                                          "    RETURN NULL;\n"
                                          "  END IF;\n")
                               .arg(qRef, referencing.join(QStringLiteral(" AND ")));
            break;
        case 'n': {
            QStringList nulls;
            for (const QString &c : from)
                nulls << QStringLiteral("%1 = NULL").arg(quoteIdent(c));
            onReferenced = QStringLiteral("  IF TG_OP = 'DELETE' THEN\n"
                                          "    UPDATE %1 SET %2 WHERE %3;\n"
                                          "    RETURN NULL;\n"
                                          "  END IF;\n")
                               .arg(qRef,
                                    nulls.join(QStringLiteral(", ")),
                                    referencing.join(QStringLiteral(" AND ")));
            break;
        }
        default:
            break;
        }
        incomingLocks << QStringLiteral("LOCK TABLE %1 IN ACCESS EXCLUSIVE MODE").arg(qRef);
        incomingStatements
            << QStringLiteral("ALTER TABLE %1 DROP CONSTRAINT %2").arg(qRef, quoteIdent(fk.name))
            << plpgsqlFunction(checkFn,
                               QStringLiteral("\nBEGIN\n"
                                              "  IF %1 THEN\n"
                                              "    PERFORM 1 FROM %2 WHERE %3 FOR KEY SHARE;\n"
                                              "    IF NOT FOUND THEN\n"
                                              "      %4\n"
                                              "    END IF;\n"
                                              "  END IF;\n"
                                              "  RETURN NULL;\n"
                                              "END\n")
                                   .arg(notNull.join(QStringLiteral(" AND ")),
                                        qTable,
                                        match.join(QStringLiteral(" AND ")),
                                        violation.arg(fkLiteral)))
            << QStringLiteral("CREATE TRIGGER %1 AFTER INSERT OR UPDATE OF %2 ON %3 FOR EACH ROW "
                              "EXECUTE FUNCTION %4()")
                   .arg(quoteIdent(boundedName(fk.name, QStringLiteral("_check"))),
                        quotedList(from),
                        qRef,
                        checkFn)
            << plpgsqlFunction(refFn,
                               QStringLiteral("\nBEGIN\n"
                                              "  IF TG_OP = 'UPDATE' THEN\n"
                                              "    IF NOT (%1) THEN\n"
                                              "      RETURN NULL;\n"
                                              "    END IF;\n"
                                              "  END IF;\n"
                                              "%2"
                                              "  PERFORM 1 FROM %3 WHERE %4 LIMIT 1;\n"
                                              "  IF FOUND THEN\n"
                                              "    %5\n"
                                              "  END IF;\n"
                                              "  RETURN NULL;\n"
                                              "END\n")
                                   .arg(changed.join(QStringLiteral(" OR ")),
                                        onReferenced,
                                        qRef,
                                        referencing.join(QStringLiteral(" AND ")),
                                        violation.arg(fkLiteral)))
            << QStringLiteral("CREATE TRIGGER %1 AFTER DELETE OR UPDATE OF %2 ON %3 FOR EACH ROW "
                              "EXECUTE FUNCTION %4()")
                   .arg(quoteIdent(boundedName(fk.name, QStringLiteral("_ref"))),
                        quotedList(to),
                        qTable,
                        refFn);
        p.foreignKeys << fk;
    }

    // The data's months: one scan of the table for the column's minimum, maximum and NULLs.
    // Values no month partition can take (infinity, outside years 1..9999) go to the default
    // partition. The primary key gains the column, so it becomes NOT NULL: NULLs are refused.
    r = conn.exec(QStringLiteral("SELECT to_char(min(%1) FILTER (WHERE %1 >= '0001-01-01' AND %1 "
                                 "< '10000-01-01'), 'YYYY-MM'), to_char(max(%1) FILTER (WHERE %1 "
                                 ">= '0001-01-01' AND %1 < '10000-01-01'), 'YYYY-MM'), count(*) "
                                 "FILTER (WHERE %1 IS NULL) FROM %2")
                      .arg(qColumn, qTable)
                      .toUtf8(),
                  ctx);
    if (r.toInt64(0, 2) > 0)
        throw refuse(QStringLiteral("%1 rows of \"%2\" have no %3 (NULL): the partitioned table's "
                                    "primary key includes %3, so it cannot hold them; give them "
                                    "a value first")
                         .arg(r.toInt64(0, 2))
                         .arg(p.table, p.column));
    if (!r.isNull(0, 0)) {
        p.firstDataMonth = Month::parse(r.text(0, 0));
        p.lastDataMonth = Month::parse(r.text(0, 1));
    }
    const QDateTime now = request.now.isValid() ? request.now : QDateTime::currentDateTimeUtc();
    const Month current = Month::fromDate(now.toUTC().date());
    const Month premakeEnd = current.addMonths(qMax(0, request.premakeMonths - 1));
    Month first = p.firstDataMonth && p.firstDataMonth->isValid() && *p.firstDataMonth < current
                      ? *p.firstDataMonth
                      : current;
    Month last = p.lastDataMonth && p.lastDataMonth->isValid() && premakeEnd < *p.lastDataMonth
                     ? *p.lastDataMonth
                     : premakeEnd;
    if (last.index() - first.index() + 1 > PartitionMaintenance::kMaxWindowMonths)
        throw refuse(QStringLiteral("the data of %1.%2 spans %3 .. %4, more than %5 months of "
                                    "partitions")
                         .arg(p.table, p.column, first.toString(), last.toString())
                         .arg(PartitionMaintenance::kMaxWindowMonths));
    for (Month m = first; !(last < m); m = m.addMonths(1))
        p.months << m;

    // Phase 1, one transaction: the partitioned table, its partitions, keys, indexes, foreign
    // keys, then the trigger that mirrors every later write of the table into it.
    p.createStatements << QStringLiteral(
                              "CREATE TABLE %1 (LIKE %2 INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
                              "INCLUDING STORAGE INCLUDING COMMENTS) PARTITION BY RANGE (%3)")
                              .arg(qNew, qTable, qColumn);
    const bool dateColumn = p.columnType == QLatin1String("date");
    QStringList partitions;
    for (const Month &m : std::as_const(p.months)) {
        // The partitions carry the table's final name: the swap renames only the parent.
        const QString from
            = dateColumn ? QStringLiteral("'%1-01'").arg(m.toString()) : utcBoundLiteral(m);
        const QString to = dateColumn ? QStringLiteral("'%1-01'").arg(m.addMonths(1).toString())
                                      : utcBoundLiteral(m.addMonths(1));
        partitions << qSchema + quoteIdent(boundedName(p.table, monthPartitionName({}, m)));
        p.createStatements << QStringLiteral("CREATE TABLE %1 PARTITION OF %2 FOR VALUES FROM (%3) "
                                             "TO (%4)")
                                  .arg(partitions.last(), qNew, from, to);
    }
    partitions << qSchema + quoteIdent(boundedName(p.table, QStringLiteral("_default")));
    p.createStatements
        << QStringLiteral("CREATE TABLE %1 PARTITION OF %2 DEFAULT").arg(partitions.last(), qNew);
    // After the swap the partitioned table is the one the application uses: it and each
    // partition get the table's owner and privileges, whoever runs the conversion.
    const TablePrivileges privileges = TablePrivileges::read(conn, qTable, ctx);
    p.createStatements << privileges.statementsFor(qNew);
    for (const QString &partition : std::as_const(partitions))
        p.createStatements << privileges.statementsFor(partition);
    p.createStatements << indexStatements << outgoingStatements;
    const QString qSync = qSchema + quoteIdent(p.syncFunction);
    p.createStatements
        << plpgsqlFunction(qSync,
                           QStringLiteral("\nBEGIN\n"
                                          "  IF TG_OP = 'TRUNCATE' THEN\n"
                                          "    RAISE EXCEPTION '%1 is being converted to "
                                          "partitions: TRUNCATE is refused until the swap';\n"
                                          "  END IF;\n"
                                          "  IF TG_OP <> 'INSERT' THEN\n"
                                          "    DELETE FROM %2 WHERE %3 = OLD.%3;\n"
                                          "  END IF;\n"
                                          "  IF TG_OP <> 'DELETE' THEN\n"
                                          "    INSERT INTO %2 SELECT (NEW).*;\n"
                                          "  END IF;\n"
                                          "  RETURN NULL;\n"
                                          "END\n")
                               .arg(QString(p.table)
                                        .replace(QLatin1Char('\''), QStringLiteral("''"))
                                        .replace(QLatin1Char('%'), QStringLiteral("%%")),
                                    qNew,
                                    qId))
        << QStringLiteral("CREATE TRIGGER %1 AFTER INSERT OR UPDATE OR DELETE ON %2 FOR EACH ROW "
                          "EXECUTE FUNCTION %3()")
               .arg(quoteIdent(p.syncTrigger), qTable, qSync)
        << QStringLiteral("CREATE TRIGGER %1 BEFORE TRUNCATE ON %2 FOR EACH STATEMENT EXECUTE "
                          "FUNCTION %3()")
               .arg(quoteIdent(boundedName(p.syncTrigger, QStringLiteral("_truncate"))),
                    qTable,
                    qSync);

    // Phase 2, one transaction per batch: lock the batch's rows (a concurrent update or delete
    // of them waits, and one in flight finishes first, its trigger included), then copy those
    // the trigger has not written yet.
    p.copyBatch << QStringLiteral("SELECT count(*) FROM (SELECT 1 FROM %1 WHERE %2 > $1 AND %2 <= "
                                  "$2 FOR SHARE) locked")
                       .arg(qTable, qId)
                << QStringLiteral("INSERT INTO %1 SELECT o.* FROM %2 o WHERE o.%3 > $1 AND o.%3 <= "
                                  "$2 AND NOT EXISTS (SELECT 1 FROM %1 n WHERE n.%3 = o.%3)")
                       .arg(qNew, qTable, qId);

    // Phase 3: per month, rows and a checksum of every row's text, in one snapshot of both.
    p.verifySql = QStringLiteral("SELECT to_char(%1, 'YYYY-MM') AS month, count(*) AS rows, "
                                 "sum(('x' || left(md5(t::text), 16))::bit(64)::int8::numeric) "
                                 "AS checksum FROM %2 t GROUP BY 1 ORDER BY 1")
                      .arg(qColumn, QStringLiteral("%1"));

    // Phase 4, one short transaction under lock_timeout, retried.
    p.swapStatements
        << QStringLiteral("LOCK TABLE %1 IN ACCESS EXCLUSIVE MODE").arg(qTable) << incomingLocks
        << QStringLiteral("DROP TRIGGER %1 ON %2").arg(quoteIdent(p.syncTrigger), qTable)
        << QStringLiteral("DROP TRIGGER %1 ON %2")
               .arg(quoteIdent(boundedName(p.syncTrigger, QStringLiteral("_truncate"))), qTable)
        << QStringLiteral("DROP FUNCTION %1()").arg(qSync)
        << QStringLiteral("ALTER TABLE %1 RENAME TO %2").arg(qTable, quoteIdent(p.oldTable))
        << renameOld << QStringLiteral("ALTER TABLE %1 RENAME TO %2").arg(qNew, quoteIdent(p.table))
        << renameNew << sequenceStatements << incomingStatements;

    p.notes << QStringLiteral("%1 is copied in batches of %2 rows of %3; rows written meanwhile "
                              "reach %4 through the trigger %5, and TRUNCATE is refused until "
                              "the swap")
                   .arg(p.table)
                   .arg(p.batchRows)
                   .arg(p.idColumn, p.newTable, p.syncTrigger);
    p.notes << QStringLiteral("rows whose %1 is infinite or outside years 1..9999 go to the "
                              "default partition %2; %1 becomes NOT NULL (it is part of the "
                              "primary key), so a write of a NULL %1 during the conversion fails")
                   .arg(p.column, boundedName(p.table, QStringLiteral("_default")));
    p.notes << QStringLiteral("after the swap the old table stays as %1 (with its indexes renamed "
                              "*_unpartitioned) for rollback; it is no longer written")
                   .arg(p.oldTable);
    bool incoming = false;
    for (const ConversionForeignKey &fk : std::as_const(p.foreignKeys))
        incoming = incoming || fk.direction == ConversionForeignKey::Direction::Incoming;
    if (incoming)
        p.notes << QStringLiteral(
            "an application whose schema tool recreates missing foreign keys (GORM AutoMigrate "
            "does) will try to add the dropped ones again and fail, since the referenced key is "
            "no longer unique on its own: turn that off for these relations before converting");
    return p;
}

} // namespace melodee
