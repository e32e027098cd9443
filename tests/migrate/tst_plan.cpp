#include <config/appconfig.h>
#include <migrate/migration.h>
#include <migrate/migrationengine.h>
#include <migrate/plan.h>
#include <partitions/partitionsql.h>

#include <QTemporaryDir>
#include <QTest>

using namespace melodee;

// Offline planning: no database, so these are unit tests.
class tst_Plan : public QObject
{
    Q_OBJECT

private slots:
    void phasesInOrder();
    void deterministic();
    void hashChangesWithNow();
    void prefixAndSingular();
    void utcBounds_data();
    void utcBounds();
    void header_data();
    void header();
    void planFileRoundTrip();
    void hostilePlanFileRoundTrip();
    void diff();
};

static Plan offlinePlan(const AppConfig &config, const QString &now, const QString &dir = {})
{
    MigrationEngine engine(config, dir);
    return engine.plan(QDateTime::fromString(now, Qt::ISODate));
}

void tst_Plan::phasesInOrder()
{
    const Plan plan = offlinePlan(AppConfig(), QStringLiteral("2026-11-27T00:00:00Z"));
    QCOMPARE(plan.migrations.size(), 7);
    for (int i = 0; i < 7; ++i)
        QCOMPARE(plan.migrations[i].migration.phase, i + 1);
    // Phase 5: 6 months + default for albums and songs.
    QCOMPARE(plan.migrations[4].statements.size(), 14);
    QCOMPARE(plan.findingCount(QStringLiteral("error")), 0);
}

void tst_Plan::deterministic()
{
    const QString a = offlinePlan(AppConfig(), QStringLiteral("2026-11-27T00:00:00Z")).render();
    const QString b = offlinePlan(AppConfig(), QStringLiteral("2026-11-27T00:00:00Z")).render();
    QCOMPARE(a, b);
}

void tst_Plan::hashChangesWithNow()
{
    const Plan a = offlinePlan(AppConfig(), QStringLiteral("2026-11-27T00:00:00Z"));
    const Plan b = offlinePlan(AppConfig(), QStringLiteral("2026-11-30T23:59:59Z"));
    const Plan c = offlinePlan(AppConfig(), QStringLiteral("2026-12-01T00:00:00Z"));
    QCOMPARE(a.hash(), b.hash()); // same UTC month, same statements
    QVERIFY(a.hash() != c.hash());
    QVERIFY(a.hash().startsWith(QStringLiteral("sha256:")));
}

void tst_Plan::prefixAndSingular()
{
    AppConfig config;
    config.session.tablePrefix = QStringLiteral("md_");
    config.session.singularTable = true;
    const QString text = offlinePlan(config, QStringLiteral("2026-11-27T00:00:00Z")).render();
    QVERIFY(text.contains(QStringLiteral("CREATE TABLE IF NOT EXISTS md_song (")));
    QVERIFY(text.contains(QStringLiteral("md_song_2026_11 PARTITION OF md_song")));
    QVERIFY(text.contains(QStringLiteral("md_library_type")));
    QVERIFY(!text.contains(QStringLiteral("melodee_")));
    QVERIFY(!text.contains(QStringLiteral("{{")));
}

void tst_Plan::utcBounds_data()
{
    QTest::addColumn<QString>("month");
    QTest::addColumn<QString>("sql");
    QTest::newRow("november") << QStringLiteral("2026-11")
                              << QStringLiteral(
                                     "CREATE TABLE IF NOT EXISTS s_2026_11 PARTITION OF s FOR "
                                     "VALUES FROM ('2026-11-01 00:00:00+00') TO ('2026-12-01 "
                                     "00:00:00+00')");
    QTest::newRow("year wrap") << QStringLiteral("2026-12")
                               << QStringLiteral(
                                      "CREATE TABLE IF NOT EXISTS s_2026_12 PARTITION OF s FOR "
                                      "VALUES FROM ('2026-12-01 00:00:00+00') TO ('2027-01-01 "
                                      "00:00:00+00')");
    QTest::newRow("leap february")
        << QStringLiteral("2028-02")
        << QStringLiteral("CREATE TABLE IF NOT EXISTS s_2028_02 PARTITION OF s "
                          "FOR VALUES FROM ('2028-02-01 00:00:00+00') TO "
                          "('2028-03-01 00:00:00+00')");
}

void tst_Plan::utcBounds()
{
    QFETCH(QString, month);
    QFETCH(QString, sql);
    const Month m = Month::parse(month);
    QVERIFY(m.isValid());
    QCOMPARE(createMonthPartitionSql(QStringLiteral("s"), m), sql);
}

void tst_Plan::header_data()
{
    QTest::addColumn<QString>("line");
    QTest::newRow("format") << QStringLiteral("-- format-version: 1");
    QTest::newRow("hash") << QStringLiteral("-- plan-hash: sha256:");
    QTest::newRow("target") << QStringLiteral("-- target: offline");
    QTest::newRow("base") << QStringLiteral("-- base-version: 0");
    QTest::newRow("time") << QStringLiteral("-- generated-at: 2026-11-27T00:00:00Z");
    QTest::newRow("phase") << QStringLiteral("-- Phase 5: partitions");
    QTest::newRow("environment") << QStringLiteral("-- environment: development\n");
    QTest::newRow("guard") << QStringLiteral(
        "-- guard: environment development; every statement is safe\n");
}

void tst_Plan::header()
{
    QFETCH(QString, line);
    const QString text = offlinePlan(AppConfig(), QStringLiteral("2026-11-27T00:00:00Z")).render();
    QVERIFY2(text.contains(line), qPrintable(line));
}

void tst_Plan::planFileRoundTrip()
{
    QTemporaryDir dir;
    const Plan plan = offlinePlan(AppConfig(), QStringLiteral("2026-11-27T00:00:00Z"));
    const QString path = dir.filePath(QStringLiteral("plan.sql"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(plan.render().toUtf8());
    f.close();
    const PlanFile pf = readPlanFile(path);
    QCOMPARE(pf.hash, plan.hash());
    QCOMPARE(pf.statements, plan.statements());
}

// Names with line breaks in comment lines, and a statement that ends in a comment, must not turn
// the plan file into other SQL: it still reads back as exactly the planned statements.
void tst_Plan::hostilePlanFileRoundTrip()
{
    QTemporaryDir dir;
    QFile m(dir.filePath(QStringLiteral("V100__hostile.sql")));
    QVERIFY(m.open(QIODevice::WriteOnly));
    m.write("ALTER TABLE {{songs}} RENAME COLUMN \"a\nDROP TABLE x;\" TO \"b\rc\";\n"
            "ALTER TABLE {{songs}} ADD COLUMN mood bigint -- why\n");
    m.close();
    Plan plan = offlinePlan(AppConfig(), QStringLiteral("2026-11-27T00:00:00Z"), dir.path());
    plan.target = QStringLiteral("db:5432/music\nDROP TABLE y;\r");
    const QString path = dir.filePath(QStringLiteral("plan.sql"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(plan.render().toUtf8());
    f.close();
    const PlanFile pf = readPlanFile(path);
    QCOMPARE(pf.hash, plan.hash());
    QCOMPARE(pf.statements, plan.statements());
    QVERIFY(
        pf.statements.contains(QStringLiteral("ALTER TABLE melodee_songs ADD COLUMN mood bigint")));
}

void tst_Plan::diff()
{
    const QStringList a = {QStringLiteral("A"), QStringLiteral("B"), QStringLiteral("C")};
    const QStringList b = {QStringLiteral("A"), QStringLiteral("C"), QStringLiteral("D")};
    QCOMPARE(diffStatements(a, b), (QStringList{QStringLiteral("- B"), QStringLiteral("+ D")}));
}

QTEST_GUILESS_MAIN(tst_Plan)
#include "tst_plan.moc"
