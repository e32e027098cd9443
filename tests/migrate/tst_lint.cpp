#include <migrate/lint.h>

#include <QTest>

using namespace melodee;

// One row per rule with a true positive and a true negative, so every rule is shown to fire
// and shown not to fire on the safe form.
class tst_Lint : public QObject
{
    Q_OBJECT

private slots:
    void rule_data();
    void rule();
    void findingCarriesLocationAndFix();
    void syntaxError();
    void timeoutsSatisfiedBySet();
    void ignoreList();
};

void tst_Lint::rule_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<bool>("inTransaction");
    QTest::addColumn<QString>("rule");
    QTest::addColumn<bool>("expected");

    const QString t = QStringLiteral("SET lock_timeout = '1s'; SET statement_timeout = '1min';\n");
    auto row = [&](const char *name, const QString &sql, bool tx, const char *rule, bool expected) {
        QTest::newRow(name) << (t + sql) << tx << QString::fromLatin1(rule) << expected;
    };
    row("index/plain on existing",
        QStringLiteral("CREATE INDEX IF NOT EXISTS i ON t (a);"),
        false,
        "require-concurrent-index-creation",
        true);
    row("index/concurrent",
        QStringLiteral("CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);"),
        false,
        "require-concurrent-index-creation",
        false);
    row("index/on table created in script",
        QStringLiteral(
            "CREATE TABLE IF NOT EXISTS t (a bigint); CREATE INDEX IF NOT EXISTS i ON t (a);"),
        false,
        "require-concurrent-index-creation",
        false);
    row("concurrent in migration tx",
        QStringLiteral("CREATE INDEX CONCURRENTLY i ON t (a);"),
        true,
        "ban-concurrent-index-creation-in-transaction",
        true);
    row("concurrent after BEGIN",
        QStringLiteral("BEGIN; CREATE INDEX CONCURRENTLY i ON t (a); COMMIT;"),
        false,
        "ban-concurrent-index-creation-in-transaction",
        true);
    row("concurrent outside tx",
        QStringLiteral("CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);"),
        false,
        "ban-concurrent-index-creation-in-transaction",
        false);
    row("check without NOT VALID",
        QStringLiteral("ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0);"),
        true,
        "constraint-missing-not-valid",
        true);
    row("fk without NOT VALID",
        QStringLiteral("ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES u (id);"),
        true,
        "constraint-missing-not-valid",
        true);
    row("check NOT VALID",
        QStringLiteral("ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID;"),
        true,
        "constraint-missing-not-valid",
        false);
    row("required field",
        QStringLiteral("ALTER TABLE t ADD COLUMN b bigint NOT NULL;"),
        true,
        "adding-required-field",
        true);
    row("required field with default",
        QStringLiteral("ALTER TABLE t ADD COLUMN b bigint NOT NULL DEFAULT 0;"),
        true,
        "adding-required-field",
        false);
    row("nullable field",
        QStringLiteral("ALTER TABLE t ADD COLUMN b bigint;"),
        true,
        "adding-required-field",
        false);
    row("set not null",
        QStringLiteral("ALTER TABLE t ALTER COLUMN b SET NOT NULL;"),
        true,
        "adding-not-nullable-field",
        true);
    row("drop not null",
        QStringLiteral("ALTER TABLE t ALTER COLUMN b DROP NOT NULL;"),
        true,
        "adding-not-nullable-field",
        false);
    row("type change",
        QStringLiteral("ALTER TABLE t ALTER COLUMN b TYPE text;"),
        true,
        "changing-column-type",
        true);
    row("type change on new table",
        QStringLiteral("CREATE TABLE n (b int8); ALTER TABLE n ALTER COLUMN b TYPE text;"),
        true,
        "changing-column-type",
        false);
    row("drop column",
        QStringLiteral("ALTER TABLE t DROP COLUMN IF EXISTS b;"),
        true,
        "ban-drop-column",
        true);
    row("drop default is not drop column",
        QStringLiteral("ALTER TABLE t ALTER COLUMN b DROP DEFAULT;"),
        true,
        "ban-drop-column",
        false);
    row("drop table", QStringLiteral("DROP TABLE IF EXISTS t;"), true, "ban-drop-table", true);
    row("drop index is not drop table",
        QStringLiteral("DROP INDEX IF EXISTS i;"),
        true,
        "ban-drop-table",
        false);
    row("truncate", QStringLiteral("TRUNCATE t;"), true, "ban-truncate", true);
    row("delete is not truncate",
        QStringLiteral("DELETE FROM t WHERE a = 1;"),
        true,
        "ban-truncate",
        false);
    row("drop database", QStringLiteral("DROP DATABASE d;"), false, "ban-drop-database", true);
    row("drop schema is not drop database",
        QStringLiteral("DROP SCHEMA IF EXISTS s;"),
        false,
        "ban-drop-database",
        false);
    row("rename table", QStringLiteral("ALTER TABLE t RENAME TO u;"), true, "renaming-table", true);
    row("rename column",
        QStringLiteral("ALTER TABLE t RENAME COLUMN a TO b;"),
        true,
        "renaming-column",
        true);
    row("rename column is not rename table",
        QStringLiteral("ALTER TABLE t RENAME COLUMN a TO b;"),
        true,
        "renaming-table",
        false);
    row("int column",
        QStringLiteral("CREATE TABLE n (a int);"),
        true,
        "prefer-bigint-over-int",
        true);
    row("serial column",
        QStringLiteral("CREATE TABLE n (a serial);"),
        true,
        "prefer-bigint-over-int",
        true);
    row("added int column",
        QStringLiteral("ALTER TABLE t ADD COLUMN c integer;"),
        true,
        "prefer-bigint-over-int",
        true);
    row("bigint column",
        QStringLiteral("CREATE TABLE n (a bigint);"),
        true,
        "prefer-bigint-over-int",
        false);
    row("smallint column",
        QStringLiteral("CREATE TABLE n (a smallint);"),
        true,
        "prefer-bigint-over-smallint",
        true);
    row("bigserial column",
        QStringLiteral("CREATE TABLE n (a bigserial);"),
        true,
        "prefer-bigint-over-smallint",
        false);
    row("timestamp column",
        QStringLiteral("CREATE TABLE n (a timestamp);"),
        true,
        "prefer-timestamptz",
        true);
    row("timestamptz column",
        QStringLiteral("CREATE TABLE n (a timestamptz);"),
        true,
        "prefer-timestamptz",
        false);
    row("create table not robust outside tx",
        QStringLiteral("CREATE TABLE n (a bigint);"),
        false,
        "prefer-robust-stmts",
        true);
    row("create table if not exists",
        QStringLiteral("CREATE TABLE IF NOT EXISTS n (a bigint);"),
        false,
        "prefer-robust-stmts",
        false);
    row("create table in tx",
        QStringLiteral("CREATE TABLE n (a bigint);"),
        true,
        "prefer-robust-stmts",
        false);
    row("drop without if exists",
        QStringLiteral("DROP INDEX CONCURRENTLY i;"),
        false,
        "prefer-robust-stmts",
        true);
    row("add column without if not exists",
        QStringLiteral("ALTER TABLE t ADD COLUMN c bigint;"),
        false,
        "prefer-robust-stmts",
        true);
    QTest::newRow("timeouts missing") << QStringLiteral("ALTER TABLE t ADD COLUMN c bigint;")
                                      << true << QStringLiteral("require-timeout-settings") << true;
    row("timeouts set",
        QStringLiteral("ALTER TABLE t ADD COLUMN c bigint;"),
        true,
        "require-timeout-settings",
        false);
    row("pk without partition key",
        QStringLiteral(
            "CREATE TABLE p (id bigint, created_at timestamptz, PRIMARY KEY (id)) PARTITION "
            "BY RANGE (created_at);"),
        true,
        "partitioned-key-missing-partition-key",
        true);
    row("column unique without partition key",
        QStringLiteral(
            "CREATE TABLE p (id bigint, k uuid UNIQUE, created_at timestamptz) PARTITION BY "
            "RANGE (created_at);"),
        true,
        "partitioned-key-missing-partition-key",
        true);
    row("added pk without partition key",
        QStringLiteral("CREATE TABLE p (id bigint, created_at timestamptz) PARTITION BY RANGE "
                       "(created_at); ALTER TABLE p ADD PRIMARY KEY (id);"),
        true,
        "partitioned-key-missing-partition-key",
        true);
    row("pk with partition key",
        QStringLiteral("CREATE TABLE p (id bigint, created_at timestamptz, PRIMARY KEY (id, "
                       "created_at), UNIQUE (created_at, id)) PARTITION BY RANGE (created_at);"),
        true,
        "partitioned-key-missing-partition-key",
        false);
    row("pk on plain table",
        QStringLiteral("CREATE TABLE n (id bigint PRIMARY KEY);"),
        true,
        "partitioned-key-missing-partition-key",
        false);
}

void tst_Lint::rule()
{
    QFETCH(QString, sql);
    QFETCH(bool, inTransaction);
    QFETCH(QString, rule);
    QFETCH(bool, expected);
    Linter::Options o;
    o.inTransaction = inTransaction;
    Linter linter(o);
    const QList<LintFinding> findings = linter.lintScript(sql);
    QStringList rules;
    for (const LintFinding &f : findings)
        rules << f.rule;
    QVERIFY2(!rules.contains(QStringLiteral("syntax-error")), qPrintable(rules.join(',')));
    QVERIFY2(rules.contains(rule) == expected,
             qPrintable(QStringLiteral("%1 expected %2; got [%3]")
                            .arg(rule,
                                 expected ? QStringLiteral("present") : QStringLiteral("absent"),
                                 rules.join(QLatin1String(", ")))));
}

void tst_Lint::findingCarriesLocationAndFix()
{
    Linter linter;
    const auto findings
        = linter.lintScript(QStringLiteral("SET lock_timeout = '1s';\nSET statement_timeout = "
                                           "'1min';\n\n-- drop it\nALTER TABLE songs "
                                           "DROP COLUMN IF EXISTS mood;\n"));
    QCOMPARE(findings.size(), 1);
    QCOMPARE(findings[0].rule, QStringLiteral("ban-drop-column"));
    QCOMPARE(findings[0].severity, QStringLiteral("error"));
    QCOMPARE(findings[0].line, 5);
    QCOMPARE(findings[0].statement, 3);
    QVERIFY(findings[0].destructive);
    QVERIFY(!findings[0].fix.isEmpty());
    QVERIFY(findings[0]
                .toString(QStringLiteral("x.sql"))
                .startsWith(QStringLiteral("x.sql:5: error [ban-drop-column]")));
}

void tst_Lint::syntaxError()
{
    Linter linter;
    const auto findings = linter.lintScript(QStringLiteral("SELECT 1;\nCREATE TABLE (;\n"));
    QCOMPARE(findings.size(), 1);
    QCOMPARE(findings[0].rule, QStringLiteral("syntax-error"));
    QCOMPARE(findings[0].line, 2);
}

void tst_Lint::timeoutsSatisfiedBySet()
{
    Linter::Options o;
    o.timeoutsSetByEngine = true;
    Linter linter(o);
    for (const auto &f :
         linter.lintScript(QStringLiteral("ALTER TABLE t ADD COLUMN IF NOT EXISTS c bigint;")))
        QVERIFY(f.rule != QLatin1String("require-timeout-settings"));
}

void tst_Lint::ignoreList()
{
    Linter::Options o;
    o.inTransaction = true;
    o.timeoutsSetByEngine = true;
    o.ignore = {QStringLiteral("prefer-bigint-over-int")};
    Linter linter(o);
    QVERIFY(linter.lintScript(QStringLiteral("CREATE TABLE n (a int);")).isEmpty());
}

QTEST_GUILESS_MAIN(tst_Lint)
#include "tst_lint.moc"
