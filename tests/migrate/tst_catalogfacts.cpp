#include "migratetest.h"

#include <db/dberror.h>
#include <db/pgconnection.h>
#include <migrate/catalogfacts.h>
#include <migrate/lint.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace melodee;
using namespace melodee::test;

// Lint against a real PostgreSQL whose tables the test fills to realistic sizes: the findings
// carry the catalog's facts, their severity follows the table's size, and the live rules fire on
// default partitions and on sessions using a table now.
class tst_CatalogFacts : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void factsOfTables();
    void severityFollowsSize_data();
    void severityFollowsSize();
    void detachConcurrentlyWithDefault();
    void newRangeScansDefault_data();
    void newRangeScansDefault();
    void checkOnDefaultMakesItInfo();
    void safeStatementsGainNothing_data();
    void safeStatementsGainNothing();
    void sessionsReadingTheTable();
    void offlineFindingsUnchanged();
    void cliLintWithDsn();

private:
    QList<LintFinding> lintLive(const QString &sql);
    static const LintFinding *find(const QList<LintFinding> &findings, const QString &rule);

    DatabaseConfig m_db;
    std::unique_ptr<PgConnection> m_conn;
};

namespace {

// Timeouts as the engine sets them, so no statement waits for long.
const QString kTimeouts
    = QStringLiteral("SET lock_timeout = '2s'; SET statement_timeout = '1min';\n");

// A name with quotes, a space, "password=" and an emoji: the catalog query must quote it right.
const QString kHostile = QStringLiteral("Tab \"x\" password=1 \U0001F3B8");

} // namespace

void tst_CatalogFacts::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
    m_db = TestEnv::freshDatabase(QStringLiteral("livelint"));
    // Three plain tables of 10, 200,000 and 1,000,001 rows, analyzed as autovacuum would.
    TestEnv::psql(QStringLiteral("CREATE TABLE tiny (id bigint, v int);"
                                 "INSERT INTO tiny SELECT g, g FROM generate_series(1, 10) g;"
                                 "CREATE TABLE big (id bigint, v int);"
                                 "INSERT INTO big SELECT g, g FROM generate_series(1, 200000) g;"
                                 "CREATE TABLE huge (id bigint, v int);"
                                 "INSERT INTO huge SELECT g, g FROM generate_series(1, 1000001) g;"
                                 // Songs by month with a default partition that holds 50,000 rows.
                                 "CREATE TABLE psongs (id bigint, created_at timestamptz NOT NULL)"
                                 " PARTITION BY RANGE (created_at);"
                                 "CREATE TABLE psongs_p2026_01 PARTITION OF psongs FOR VALUES FROM"
                                 " ('2026-01-01 00:00+00') TO ('2026-02-01 00:00+00');"
                                 "CREATE TABLE psongs_default PARTITION OF psongs DEFAULT;"
                                 "INSERT INTO psongs SELECT g, '2026-01-01 00:00+00'::timestamptz"
                                 " + g * interval '1 second' FROM generate_series(1, 20000) g;"
                                 "INSERT INTO psongs SELECT g, '2027-06-01 00:00+00'::timestamptz"
                                 " + g * interval '1 second' FROM generate_series(1, 50000) g;"
                                 "CREATE TABLE staged (id bigint, created_at timestamptz NOT NULL);"
                                 // Months with rows and an empty default partition.
                                 "CREATE TABLE esongs (id bigint, created_at timestamptz NOT NULL)"
                                 " PARTITION BY RANGE (created_at);"
                                 "CREATE TABLE esongs_p2026_01 PARTITION OF esongs FOR VALUES FROM"
                                 " ('2026-01-01 00:00+00') TO ('2026-02-01 00:00+00');"
                                 "CREATE TABLE esongs_default PARTITION OF esongs DEFAULT;"
                                 "INSERT INTO esongs SELECT g, '2026-01-01 00:00+00'::timestamptz"
                                 " + g * interval '1 second' FROM generate_series(1, 20000) g;"
                                 "CREATE TABLE \"%1\" (id int);"
                                 "INSERT INTO \"%1\" SELECT generate_series(1, 10);"
                                 "ANALYZE;")
                      .arg(QString(kHostile).replace(QLatin1Char('"'), QLatin1String("\"\""))),
                  m_db.dbname);
    m_conn = PgConnection::open(m_db);
}

QList<LintFinding> tst_CatalogFacts::lintLive(const QString &sql)
{
    const QString script = kTimeouts + sql;
    const CatalogFacts facts
        = CatalogFacts::fetch(*m_conn, CatalogFacts::relationsOf(parseSql(script).statements));
    Linter linter;
    linter.setCatalog(&facts);
    return linter.lintScript(script);
}

const LintFinding *tst_CatalogFacts::find(const QList<LintFinding> &findings, const QString &rule)
{
    for (const LintFinding &f : findings) {
        if (f.rule == rule)
            return &f;
    }
    return nullptr;
}

void tst_CatalogFacts::factsOfTables()
{
    const QList<RelationRef> names{{QString(), QStringLiteral("big")},
                                   {QString(), QStringLiteral("psongs")},
                                   {QString(), kHostile},
                                   {QStringLiteral("public"), QStringLiteral("tiny")},
                                   {QString(), QStringLiteral("does_not_exist")}};
    const CatalogFacts facts = CatalogFacts::fetch(*m_conn, names);
    QCOMPARE(facts.size(), 4); // the missing table is absent, not an error
    QVERIFY(!facts.find(names[4]));
    const RelationFacts *big = facts.find(names[0]);
    QVERIFY(big);
    QCOMPARE(big->relkind, QStringLiteral("r"));
    QVERIFY2(big->rows > 190000 && big->rows < 210000, qPrintable(QString::number(big->rows)));
    QVERIFY(big->bytes > 5 * 1024 * 1024); // 200k rows of two columns: several MB
    QVERIFY(big->defaultPartition.isEmpty());
    const RelationFacts *songs = facts.find(names[1]);
    QVERIFY(songs);
    QVERIFY(songs->isPartitioned());
    QCOMPARE(songs->partitions, 2);
    QCOMPARE(songs->defaultPartition, QStringLiteral("psongs_default"));
    QVERIFY2(songs->defaultRows > 45000 && songs->defaultRows < 55000,
             qPrintable(QString::number(songs->defaultRows)));
    // Summed over the partitions: the parent itself has no storage.
    QVERIFY2(songs->rows > 65000 && songs->rows < 75000, qPrintable(QString::number(songs->rows)));
    QVERIFY(songs->bytes > songs->defaultBytes);
    QVERIFY(songs->defaultHeapBytes > 0);
    QVERIFY(!songs->defaultIsEmpty());
    const RelationRef esongs{QString(), QStringLiteral("esongs")};
    const CatalogFacts e = CatalogFacts::fetch(*m_conn, {esongs});
    QVERIFY(e.find(esongs));
    QCOMPARE(e.find(esongs)->defaultPartition, QStringLiteral("esongs_default"));
    QCOMPARE(e.find(esongs)->defaultHeapBytes, 0);
    QVERIFY(e.find(esongs)->defaultIsEmpty());
    const RelationFacts *hostile = facts.find(names[2]);
    QVERIFY(hostile);
    QCOMPARE(hostile->relation.name, kHostile);
    QVERIFY(facts.find(names[3]));
}

void tst_CatalogFacts::severityFollowsSize_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QString>("rule");
    QTest::addColumn<QString>("severity");
    QTest::addColumn<double>("minRows");
    const QString retype = QStringLiteral("ALTER TABLE %1 ALTER COLUMN v TYPE bigint;");
    QTest::newRow("rewrite, 10 rows")
        << retype.arg(QStringLiteral("tiny")) << QStringLiteral("changing-column-type")
        << QStringLiteral("info") << 10.0;
    QTest::newRow("rewrite, 200k rows")
        << retype.arg(QStringLiteral("big")) << QStringLiteral("changing-column-type")
        << QStringLiteral("warning") << 190000.0;
    QTest::newRow("rewrite, 1M rows")
        << retype.arg(QStringLiteral("huge")) << QStringLiteral("changing-column-type")
        << QStringLiteral("error") << 990000.0;
    QTest::newRow("index build, 10 rows")
        << QStringLiteral("CREATE INDEX tiny_v ON tiny (v);")
        << QStringLiteral("require-concurrent-index-creation") << QStringLiteral("info") << 10.0;
    QTest::newRow("index build, 1M rows") << QStringLiteral("CREATE INDEX huge_v ON huge (v);")
                                          << QStringLiteral("require-concurrent-index-creation")
                                          << QStringLiteral("error") << 990000.0;
    QTest::newRow("SET NOT NULL scan, 200k rows")
        << QStringLiteral("ALTER TABLE big ALTER COLUMN v SET NOT NULL;")
        << QStringLiteral("adding-not-nullable-field") << QStringLiteral("warning") << 190000.0;
    QTest::newRow("validating CHECK, 10 rows")
        << QStringLiteral("ALTER TABLE tiny ADD CONSTRAINT c CHECK (v > 0);")
        << QStringLiteral("constraint-missing-not-valid") << QStringLiteral("info") << 10.0;
}

void tst_CatalogFacts::severityFollowsSize()
{
    QFETCH(QString, sql);
    QFETCH(QString, rule);
    QFETCH(QString, severity);
    QFETCH(double, minRows);
    const QList<LintFinding> findings = lintLive(sql);
    const LintFinding *f = find(findings, rule);
    QVERIFY2(f, qPrintable(rule));
    QCOMPARE(f->severity, severity);
    QVERIFY(f->live.value(QStringLiteral("rows")).toDouble() >= minRows);
    QVERIFY(f->live.value(QStringLiteral("bytes")).toDouble() > 0);
    QVERIFY2(f->message.contains(QLatin1String("rows)")), qPrintable(f->message));
}

void tst_CatalogFacts::detachConcurrentlyWithDefault()
{
    const QList<LintFinding> findings = lintLive(
        QStringLiteral("ALTER TABLE psongs DETACH PARTITION psongs_p2026_01 CONCURRENTLY;"));
    const LintFinding *f = find(findings, QStringLiteral("detach-concurrently-with-default"));
    QVERIFY(f);
    QCOMPARE(f->severity, QStringLiteral("error"));
    QVERIFY2(f->message.contains(
                 QLatin1String("DETACH ... CONCURRENTLY is impossible here: psongs has a default "
                               "partition (psongs_default)")),
             qPrintable(f->message));
    // PostgreSQL agrees: the statement fails for exactly this reason.
    bool refused = false;
    try {
        m_conn->exec("ALTER TABLE psongs DETACH PARTITION psongs_p2026_01 CONCURRENTLY");
    } catch (const DbError &e) {
        refused = e.toString().contains(QLatin1String("default partition"));
    }
    QVERIFY(refused);
    // Without a default partition the rule stays silent.
    QVERIFY(!find(lintLive(QStringLiteral("ALTER TABLE big DETACH PARTITION x CONCURRENTLY;")),
                  QStringLiteral("detach-concurrently-with-default")));
}

void tst_CatalogFacts::newRangeScansDefault_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QString>("what");
    QTest::newRow("CREATE ... PARTITION OF")
        << QStringLiteral("CREATE TABLE psongs_p2026_03 PARTITION OF psongs FOR VALUES FROM "
                          "('2026-03-01 00:00+00') TO ('2026-04-01 00:00+00');")
        << QStringLiteral("CREATE TABLE ... PARTITION OF will scan ~");
    QTest::newRow("ATTACH PARTITION")
        << QStringLiteral("ALTER TABLE psongs ATTACH PARTITION staged FOR VALUES FROM "
                          "('2026-03-01 00:00+00') TO ('2026-04-01 00:00+00');")
        << QStringLiteral("ATTACH PARTITION will scan ~");
}

void tst_CatalogFacts::newRangeScansDefault()
{
    QFETCH(QString, sql);
    QFETCH(QString, what);
    const QList<LintFinding> findings = lintLive(sql);
    const LintFinding *f = find(findings, QStringLiteral("attach-partition-scans-default"));
    QVERIFY(f);
    QVERIFY2(f->message.startsWith(what), qPrintable(f->message));
    QVERIFY2(f->message.contains(QLatin1String("rows of the default partition psongs_default "
                                               "under ACCESS EXCLUSIVE; first add a CHECK "
                                               "constraint to the default that excludes the new "
                                               "range")),
             qPrintable(f->message));
    QCOMPARE(f->severity, QStringLiteral("warning")); // 50,000 rows
    QVERIFY(f->live.value(QStringLiteral("default_rows")).toDouble() > 45000);
    // An existing partition makes CREATE TABLE IF NOT EXISTS a no-op: nothing is scanned.
    QVERIFY(!find(lintLive(QStringLiteral(
                      "CREATE TABLE IF NOT EXISTS psongs_p2026_01 PARTITION OF psongs FOR VALUES "
                      "FROM ('2026-01-01 00:00+00') TO ('2026-02-01 00:00+00');")),
                  QStringLiteral("attach-partition-scans-default")));
    // Beside an empty default there is nothing to scan (esongs has rows in its months only).
    QVERIFY(!find(
        lintLive(QStringLiteral("CREATE TABLE esongs_p2026_05 PARTITION OF esongs FOR VALUES FROM "
                                "('2026-05-01 00:00+00') TO ('2026-06-01 00:00+00');")),
        QStringLiteral("attach-partition-scans-default")));
    // The default partition itself takes no range.
    QVERIFY(!find(lintLive(QStringLiteral("CREATE TABLE psongs_d2 PARTITION OF psongs DEFAULT;")),
                  QStringLiteral("attach-partition-scans-default")));
}

void tst_CatalogFacts::checkOnDefaultMakesItInfo()
{
    const DatabaseConfig db = TestEnv::freshDatabase(QStringLiteral("livelint_check"));
    TestEnv::psql(
        QStringLiteral(
            "CREATE TABLE p (id bigint, created_at timestamptz NOT NULL)"
            " PARTITION BY RANGE (created_at);"
            "CREATE TABLE p_default PARTITION OF p DEFAULT;"
            "INSERT INTO p SELECT g, '2027-06-01 00:00+00'::timestamptz FROM"
            " generate_series(1, 20000) g;"
            "ALTER TABLE p_default ADD CONSTRAINT p_default_not_march CHECK"
            " (created_at < '2026-03-01 00:00+00' OR created_at >= '2026-04-01 00:00+00');"
            "ANALYZE p;"),
        db.dbname);
    const auto conn = PgConnection::open(db);
    const QString sql = kTimeouts
                        + QStringLiteral("CREATE TABLE p_2026_03 PARTITION OF p FOR VALUES FROM "
                                         "('2026-03-01 00:00+00') TO ('2026-04-01 00:00+00');");
    const CatalogFacts facts
        = CatalogFacts::fetch(*conn, CatalogFacts::relationsOf(parseSql(sql).statements));
    Linter linter;
    linter.setCatalog(&facts);
    const LintFinding *f
        = find(linter.lintScript(sql), QStringLiteral("attach-partition-scans-default"));
    QVERIFY(f);
    QCOMPARE(f->severity, QStringLiteral("info"));
    QVERIFY(f->message.contains(QLatin1String("validated CHECK constraint")));
}

void tst_CatalogFacts::safeStatementsGainNothing_data()
{
    QTest::addColumn<QString>("sql");
    QTest::newRow("nullable column, 200k rows")
        << QStringLiteral("ALTER TABLE big ADD COLUMN IF NOT EXISTS note text;");
    QTest::newRow("index built concurrently, 1M rows")
        << QStringLiteral("CREATE INDEX CONCURRENTLY IF NOT EXISTS huge_id ON huge (id);");
    QTest::newRow("CHECK added NOT VALID, then validated")
        << QStringLiteral("ALTER TABLE big ADD CONSTRAINT big_v_pos CHECK (v > 0) NOT VALID;\n"
                          "ALTER TABLE big VALIDATE CONSTRAINT big_v_pos;");
    QTest::newRow("new month beside an empty default")
        << QStringLiteral("CREATE TABLE IF NOT EXISTS esongs_p2026_02 PARTITION OF esongs FOR "
                          "VALUES FROM ('2026-02-01 00:00+00') TO ('2026-03-01 00:00+00');");
    QTest::newRow("attach beside an empty default")
        << QStringLiteral("ALTER TABLE esongs ATTACH PARTITION staged FOR VALUES FROM "
                          "('2026-03-01 00:00+00') TO ('2026-04-01 00:00+00');");
    QTest::newRow("detach without CONCURRENTLY")
        << QStringLiteral("ALTER TABLE psongs DETACH PARTITION psongs_p2026_01;");
    QTest::newRow("type change of a table this script creates")
        << QStringLiteral("CREATE TABLE IF NOT EXISTS fresh (id int);\n"
                          "ALTER TABLE fresh ALTER COLUMN id TYPE bigint;");
}

void tst_CatalogFacts::safeStatementsGainNothing()
{
    // Lint against the database reports no more than offline lint on statements that are safe on
    // these tables as they are now: no live rule fires, and nothing gets more severe.
    QFETCH(QString, sql);
    Linter offline;
    QStringList expected;
    for (const LintFinding &f : offline.lintScript(kTimeouts + sql))
        expected << f.rule + QLatin1Char(':') + f.severity;
    QStringList live;
    for (const LintFinding &f : lintLive(sql))
        live << f.rule + QLatin1Char(':') + f.severity;
    QCOMPARE(live, expected);
}

void tst_CatalogFacts::sessionsReadingTheTable()
{
    // Three sessions read `big` in open transactions: their ACCESS SHARE locks stay held.
    QList<std::shared_ptr<PgConnection>> readers;
    for (int i = 0; i < 3; ++i) {
        DatabaseConfig c = m_db;
        c.applicationName = QStringLiteral("reader \"%1\" password=x").arg(i);
        readers << std::shared_ptr<PgConnection>(PgConnection::open(c));
        readers.last()->exec("BEGIN");
        readers.last()->exec("SELECT count(*) FROM big");
    }
    const QList<LintFinding> findings
        = lintLive(QStringLiteral("ALTER TABLE big ADD COLUMN IF NOT EXISTS mood text;"));
    const LintFinding *f = find(findings, QStringLiteral("lock-blocks-live-sessions"));
    QVERIFY2(f, qPrintable(QString::number(findings.size())));
    QCOMPARE(f->severity, QStringLiteral("warning"));
    QVERIFY2(f->message.startsWith(QLatin1String("this statement takes ACCESS EXCLUSIVE on big, "
                                                 "a table that 3 sessions are reading right now")),
             qPrintable(f->message));
    QCOMPARE(f->live.value(QStringLiteral("sessions")).toArray().size(), 3);
    QVERIFY(f->message.contains(QLatin1String("reader \"1\" password=x")));
    // A lock that does not conflict with reading: no finding.
    QVERIFY(
        !find(lintLive(QStringLiteral("CREATE INDEX CONCURRENTLY IF NOT EXISTS big_v ON big (v);")),
              QStringLiteral("lock-blocks-live-sessions")));
    // Once they are done, the table is free again.
    for (const auto &r : std::as_const(readers))
        r->exec("COMMIT");
    QVERIFY(!find(lintLive(QStringLiteral("ALTER TABLE big ADD COLUMN IF NOT EXISTS mood text;")),
                  QStringLiteral("lock-blocks-live-sessions")));
}

void tst_CatalogFacts::offlineFindingsUnchanged()
{
    // Without a catalog the same script gets exactly the offline findings: no live rule, no
    // facts, the rules' own severities.
    const QString script = kTimeouts
                           + QStringLiteral("ALTER TABLE huge ALTER COLUMN v TYPE bigint;\n"
                                            "ALTER TABLE psongs DETACH PARTITION psongs_p2026_01 "
                                            "CONCURRENTLY;\nCREATE INDEX tiny_v ON tiny (v);");
    Linter offline;
    const QList<LintFinding> findings = offline.lintScript(script);
    QStringList rules;
    for (const LintFinding &f : findings) {
        rules << f.rule + QLatin1Char(':') + f.severity;
        QVERIFY(f.live.isEmpty());
    }
    QCOMPARE(rules,
             QStringList({QStringLiteral("changing-column-type:error"),
                          QStringLiteral("require-concurrent-index-creation:warning"),
                          QStringLiteral("prefer-robust-stmts:warning")}));
}

void tst_CatalogFacts::cliLintWithDsn()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("retype.sql"));
    writeFile(file,
              kTimeouts
                  + QStringLiteral("ALTER TABLE tiny ALTER COLUMN v TYPE bigint;\n"
                                   "ALTER TABLE \"%1\" ALTER COLUMN id TYPE bigint;\n")
                        .arg(QString(kHostile).replace(QLatin1Char('"'), QLatin1String("\"\""))));
    // Offline: the rule's own severity, an error.
    const auto offline = TestEnv::runCli(
        {QStringLiteral("migrate"), QStringLiteral("lint"), QStringLiteral("--json"), file});
    QCOMPARE(offline.exitCode, 1);
    const QJsonObject o = QJsonDocument::fromJson(offline.out.toUtf8()).object();
    QCOMPARE(o.value(QStringLiteral("live")).toBool(true), false);
    QCOMPARE(o.value(QStringLiteral("errors")).toInt(), 2);
    // With the database: two 10-row tables, so information only, and exit 0.
    const auto live = TestEnv::runCli({QStringLiteral("migrate"),
                                       QStringLiteral("lint"),
                                       QStringLiteral("--json"),
                                       QStringLiteral("--dsn"),
                                       dsnFor(m_db),
                                       file});
    QVERIFY2(live.exitCode == 0, qPrintable(live.out + live.err));
    QJsonParseError error;
    const QJsonObject l = QJsonDocument::fromJson(live.out.toUtf8(), &error).object();
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(live.out));
    QCOMPARE(l.value(QStringLiteral("live")).toBool(), true);
    QCOMPARE(l.value(QStringLiteral("errors")).toInt(), 0);
    QCOMPARE(l.value(QStringLiteral("infos")).toInt(), 2);
    QStringList tables;
    for (const QJsonValue &v : l.value(QStringLiteral("findings")).toArray())
        tables << v.toObject()
                      .value(QStringLiteral("live"))
                      .toObject()
                      .value(QStringLiteral("table"))
                      .toString();
    QCOMPARE(tables, QStringList({QStringLiteral("tiny"), kHostile}));
}

QTEST_GUILESS_MAIN(tst_CatalogFacts)
#include "tst_catalogfacts.moc"
