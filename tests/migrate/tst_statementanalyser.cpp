#include <migrate/statementanalyser.h>

#include <QTest>

using namespace melodee;

// The production guard's classification of single statements, and which statements are safe to
// repeat after a lost connection. Pure parse-tree work: no server.
class tst_StatementAnalyser : public QObject
{
    Q_OBJECT

private slots:
    void guard_data();
    void guard();
    void columnTypeChange_data();
    void columnTypeChange();
    void safeToRepeat_data();
    void safeToRepeat();
    void worst();
};

namespace {

SqlStatement one(const QString &sql)
{
    const SqlParseResult parsed = parseSql(sql);
    if (!parsed.error.isEmpty() || parsed.statements.size() != 1)
        qFatal("test statement does not parse as one statement: %s", qPrintable(sql));
    return parsed.statements.first();
}

} // namespace

void tst_StatementAnalyser::guard_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QString>("verdict");
    QTest::addColumn<QString>("reason"); // a part of the reason, or empty

    const auto row = [](const char *name, const char *sql, const char *verdict, const char *why) {
        QTest::newRow(name) << QString::fromUtf8(sql) << QString::fromLatin1(verdict)
                            << QString::fromUtf8(why);
    };
    // Schema additions and session settings.
    row("set", "SET lock_timeout = '5s'", "safe", "");
    row("create table", "CREATE TABLE IF NOT EXISTS t (id bigint)", "safe", "");
    row("create partition", "CREATE TABLE p_2026 PARTITION OF p DEFAULT", "safe", "");
    row("create index", "CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a)", "safe", "");
    row("add column", "ALTER TABLE t ADD COLUMN IF NOT EXISTS mood text", "safe", "");
    row("add constraint", "ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID", "safe", "");
    row("set not null", "ALTER TABLE t ALTER COLUMN a SET NOT NULL", "safe", "");
    row("attach partition",
        "ALTER TABLE p ATTACH PARTITION c FOR VALUES FROM ('2026-01-01') TO ('2026-02-01')",
        "safe",
        "");
    row("drop index", "DROP INDEX CONCURRENTLY IF EXISTS i", "safe", "");
    row("drop view", "DROP VIEW IF EXISTS v", "safe", "");
    row("rename", "ALTER TABLE t RENAME COLUMN a TO b", "safe", "");
    row("comment", "COMMENT ON COLUMN t.a IS 'ms'", "safe", "");
    row("enum", "CREATE TYPE mood AS ENUM ('happy', 'sad')", "safe", "");
    row("matview",
        "CREATE MATERIALIZED VIEW m AS SELECT count(*), coalesce(sum(a), 0) FROM t",
        "safe",
        "");
    row("refresh", "REFRESH MATERIALIZED VIEW CONCURRENTLY m", "safe", "");
    row("insert", "INSERT INTO t (a, k) VALUES (1, gen_random_uuid())", "safe", "");
    row("delete with where", "DELETE FROM t WHERE id = 7", "safe", "");
    row("update with where", "UPDATE t SET a = 0 WHERE a IS NULL", "safe", "");
    row("select sleep", "SELECT pg_sleep(1)", "safe", "");
    row("do static create type",
        "DO $$ BEGIN IF to_regtype('mood') IS NULL THEN CREATE TYPE mood AS ENUM ('a'); END IF; "
        "END $$",
        "safe",
        "");

    // Data that holds data is dropped, or every row is touched.
    row("drop table", "DROP TABLE IF EXISTS canary", "destructive", "drops table canary");
    row("drop two tables", "DROP TABLE a, s.b", "destructive", "a, s.b");
    row("drop schema", "DROP SCHEMA archive", "destructive", "schema archive");
    row("drop matview", "DROP MATERIALIZED VIEW m", "destructive", "materialized view");
    row("drop sequence", "DROP SEQUENCE s", "destructive", "sequence s");
    row("drop extension", "DROP EXTENSION pg_trgm", "destructive", "extension pg_trgm");
    row("drop database", "DROP DATABASE melodee", "destructive", "drops database melodee");
    row("cascade on an index", "DROP INDEX i CASCADE", "destructive", "CASCADE");
    row("cascade on a type", "DROP TYPE mood CASCADE", "destructive", "CASCADE");
    row("drop constraint cascade",
        "ALTER TABLE t DROP CONSTRAINT c CASCADE",
        "destructive",
        "CASCADE");
    row("truncate", "TRUNCATE t, u", "destructive", "TRUNCATE deletes every row of t, u");
    row("delete without where",
        "DELETE FROM melodee_canary",
        "destructive",
        "DELETE without WHERE deletes every row of melodee_canary");
    row("delete where true", "DELETE FROM t WHERE true", "destructive", "does not depend");
    row("delete where 1 = 1", "DELETE FROM t WHERE 1 = 1", "destructive", "does not depend");
    row("update without where", "UPDATE t SET a = 0", "destructive", "UPDATE without WHERE");
    row("writable cte",
        "WITH d AS (DELETE FROM t RETURNING *) SELECT count(*) FROM d",
        "destructive",
        "DELETE without WHERE");
    row("drop column",
        "ALTER TABLE t DROP COLUMN IF EXISTS rating",
        "destructive",
        "drops column t.rating");
    row("detach partition",
        "ALTER TABLE songs DETACH PARTITION songs_2026_01",
        "destructive",
        "detaches partition songs_2026_01");
    row("set unlogged", "ALTER TABLE t SET UNLOGGED", "destructive", "crash");
    row("type change offline",
        "ALTER TABLE t ALTER COLUMN a TYPE bigint",
        "destructive",
        "current type is unknown");
    row("do with static delete",
        "DO $$ BEGIN DELETE FROM t; END $$",
        "destructive",
        "in a DO block: DELETE without WHERE");
    row("drop owned", "DROP OWNED BY old_role", "destructive", "DROP OWNED");

    // What the analyser cannot see into.
    row("do with execute",
        "DO $$ BEGIN EXECUTE 'DROP TABLE ' || 't'; END $$",
        "unclassified",
        "DYNEXECUTE");
    row("do in another language", "DO LANGUAGE plperl $$ 1; $$", "unclassified", "plperl");
    row("do calling unknown function",
        "DO $$ BEGIN PERFORM purge_all(); END $$",
        "unclassified",
        "purge_all()");
    row("call", "CALL archive_songs()", "unclassified", "CALL");
    row("execute", "EXECUTE purge", "unclassified", "dynamic SQL");
    row("side-effect function",
        "SELECT pg_terminate_backend(42)",
        "unclassified",
        "pg_terminate_backend()");
    row("nextval", "SELECT nextval('s')", "unclassified", "nextval()");
    row("schema-qualified function", "SELECT admin.now()", "unclassified", "admin.now()");
    row("function in where", "DELETE FROM t WHERE id = purge_id()", "unclassified", "purge_id()");
    row("copy program", "COPY t FROM PROGRAM 'curl x'", "unclassified", "PROGRAM");
    row("rule", "CREATE RULE r AS ON INSERT TO t DO INSTEAD NOTHING", "unclassified", "RuleStmt");
}

void tst_StatementAnalyser::guard()
{
    QFETCH(QString, sql);
    QFETCH(QString, verdict);
    QFETCH(QString, reason);
    const GuardDecision d = StatementAnalyser().guard(one(sql));
    QVERIFY2(d.verdictName() == verdict, qPrintable(d.toString()));
    QVERIFY2(d.reason.contains(reason), qPrintable(d.reason));
    QCOMPARE(d.isSafe(), verdict == QLatin1String("safe"));
    QCOMPARE(d.reason.isEmpty(), d.isSafe());
}

void tst_StatementAnalyser::columnTypeChange_data()
{
    QTest::addColumn<QString>("current"); // format_type() of the column now; empty: unknown
    QTest::addColumn<QString>("sql");
    QTest::addColumn<bool>("safe");
    QTest::newRow("widen varchar") << "character varying(20)"
                                   << "ALTER TABLE t ALTER COLUMN a TYPE varchar(50)" << true;
    QTest::newRow("narrow varchar") << "character varying(50)"
                                    << "ALTER TABLE t ALTER COLUMN a TYPE varchar(20)" << false;
    QTest::newRow("varchar to text") << "character varying(20)"
                                     << "ALTER TABLE t ALTER COLUMN a TYPE text" << true;
    QTest::newRow("text to varchar") << "text"
                                     << "ALTER TABLE t ALTER COLUMN a TYPE varchar" << true;
    QTest::newRow("text to varchar(n)") << "text"
                                        << "ALTER TABLE t ALTER COLUMN a TYPE varchar(10)" << false;
    QTest::newRow("widen numeric") << "numeric(10,2)"
                                   << "ALTER TABLE t ALTER COLUMN a TYPE numeric(12,2)" << true;
    QTest::newRow("numeric scale") << "numeric(10,2)"
                                   << "ALTER TABLE t ALTER COLUMN a TYPE numeric(12,3)" << false;
    QTest::newRow("int to bigint") << "integer"
                                   << "ALTER TABLE t ALTER COLUMN a TYPE bigint" << false;
    QTest::newRow("using") << "character varying(20)"
                           << "ALTER TABLE t ALTER COLUMN a TYPE text USING upper(a)" << false;
    QTest::newRow("unknown column") << ""
                                    << "ALTER TABLE t ALTER COLUMN a TYPE text" << false;
}

void tst_StatementAnalyser::columnTypeChange()
{
    QFETCH(QString, current);
    QFETCH(QString, sql);
    QFETCH(bool, safe);
    QStringList asked;
    const StatementAnalyser analyser([&](const QString &table, const QString &column) {
        asked << table + QLatin1Char('.') + column;
        return current;
    });
    const GuardDecision d = analyser.guard(one(sql));
    QVERIFY2(d.isSafe() == safe, qPrintable(d.toString()));
    if (!safe)
        QCOMPARE(d.verdict, GuardDecision::Destructive);
}

void tst_StatementAnalyser::safeToRepeat_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<bool>("repeatable");
    QTest::newRow("set") << "SET lock_timeout = '1s'" << true;
    QTest::newRow("concurrent index, named") << "CREATE INDEX CONCURRENTLY i ON t (a)" << true;
    QTest::newRow("index if not exists") << "CREATE INDEX IF NOT EXISTS i ON t (a)" << true;
    QTest::newRow("plain index") << "CREATE INDEX i ON t (a)" << false;
    QTest::newRow("table if not exists") << "CREATE TABLE IF NOT EXISTS t (a int)" << true;
    QTest::newRow("table") << "CREATE TABLE t (a int)" << false;
    QTest::newRow("add column if not exists")
        << "ALTER TABLE t ADD COLUMN IF NOT EXISTS a int" << true;
    QTest::newRow("add column") << "ALTER TABLE t ADD COLUMN a int" << false;
    QTest::newRow("drop if exists") << "DROP TABLE IF EXISTS t" << true;
    QTest::newRow("set default") << "ALTER TABLE t ALTER COLUMN a SET DEFAULT 0" << true;
    QTest::newRow("read") << "SELECT count(*) FROM t" << true;
    QTest::newRow("delete where") << "DELETE FROM t WHERE a < 0" << true;
    QTest::newRow("insert") << "INSERT INTO t VALUES (1)" << false;
    QTest::newRow("update") << "UPDATE t SET a = a + 1 WHERE a > 0" << false;
    QTest::newRow("nextval") << "SELECT nextval('s')" << false;
    QTest::newRow("do") << "DO $$ BEGIN NULL; END $$" << false;
    QTest::newRow("create or replace view") << "CREATE OR REPLACE VIEW v AS SELECT 1" << true;
    QTest::newRow("refresh") << "REFRESH MATERIALIZED VIEW m" << true;
}

void tst_StatementAnalyser::safeToRepeat()
{
    QFETCH(QString, sql);
    QFETCH(bool, repeatable);
    QCOMPARE(StatementAnalyser::safeToRepeat(one(sql)), repeatable);
}

void tst_StatementAnalyser::worst()
{
    const GuardDecision safe;
    const GuardDecision destructive{GuardDecision::Destructive, QStringLiteral("d")};
    const GuardDecision unclassified{GuardDecision::Unclassified, QStringLiteral("u")};
    QCOMPARE(GuardDecision::worst(safe, unclassified).reason, QStringLiteral("u"));
    QCOMPARE(GuardDecision::worst(unclassified, destructive).reason, QStringLiteral("d"));
    QCOMPARE(GuardDecision::worst(destructive, unclassified).reason, QStringLiteral("d"));
    QVERIFY(GuardDecision::worst(safe, safe).isSafe());
    // A script: the worst of its statements; one that does not parse is unclassified.
    QCOMPARE(StatementAnalyser().guardScript(QStringLiteral("SELECT 1; TRUNCATE t;")).verdict,
             GuardDecision::Destructive);
    QCOMPARE(StatementAnalyser().guardScript(QStringLiteral("SELEC 1")).verdict,
             GuardDecision::Unclassified);
}

QTEST_GUILESS_MAIN(tst_StatementAnalyser)
#include "tst_statementanalyser.moc"
