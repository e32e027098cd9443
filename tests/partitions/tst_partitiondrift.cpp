#include "partitiontest.h"

#include <partitions/partitiondrift.h>
#include <partitions/partitionmaintenance.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace melodee;
using namespace melodee::test;

// `partitions check`: what it flags per partition against the parent, with hostile names, and a
// clean partition stays clean.
class tst_PartitionDrift : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanDatabaseHasNoDrift();
    void flagsDifferences();
    void partitionsMadeByMaintainMatchTheirTable();
    void grantsMadeInAnotherOrderAreNoDrift();
    void fixPrivileges();
    void bloatEstimate();

private:
    static QJsonObject partition(const QJsonObject &report, const QString &name);
    DatabaseConfig m_db;
};

void tst_PartitionDrift::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
    m_db = migratedPartitionDatabase(QStringLiteral("drift"));
}

QJsonObject tst_PartitionDrift::partition(const QJsonObject &report, const QString &name)
{
    for (const QJsonValue &v : report.value(QStringLiteral("partitions")).toArray()) {
        if (v.toObject().value(QStringLiteral("partition")).toString() == name)
            return v.toObject();
    }
    return {};
}

void tst_PartitionDrift::cleanDatabaseHasNoDrift()
{
    const auto r = TestEnv::runCli(
        QStringList{QStringLiteral("partitions"), "check", "--json", "--dsn", dsnFor(m_db)});
    QCOMPARE(r.exitCode, 0);
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(o.value(QStringLiteral("drifted")).toInt(), 0);
    // 6 months and a default, for albums and songs.
    QCOMPARE(o.value(QStringLiteral("partitions")).toArray().size(), 14);
    QVERIFY(partition(o, QStringLiteral("melodee_songs_2026_12"))
                .value(QStringLiteral("findings"))
                .toArray()
                .isEmpty());
}

void tst_PartitionDrift::flagsDifferences()
{
    const DatabaseConfig db = copyDatabase(m_db, QStringLiteral("drift_diff"));
    // Hostile names: quotes, a newline, an emoji, "password=".
    TestEnv::psql(QStringLiteral("DO $$ BEGIN CREATE ROLE \"r\"\"o'le\nx 🎵\"; EXCEPTION WHEN "
                                 "duplicate_object THEN NULL; END $$;"
                                 "CREATE INDEX \"ix \"\"q\"\" password=1\n🎵\" ON "
                                 "melodee_songs_2026_12 (name);"
                                 "ALTER TABLE melodee_songs_2027_01 SET (fillfactor = 70, "
                                 "autovacuum_enabled = false);"
                                 "GRANT SELECT ON melodee_songs_2027_02 TO \"r\"\"o'le\nx 🎵\";"
                                 "ALTER TABLE melodee_songs_2027_03 ADD CONSTRAINT \"c\"\"k\nok\" "
                                 "CHECK (play_count >= 0) NOT VALID;"),
                  db.dbname);
    const auto r = TestEnv::runCli(
        QStringList{QStringLiteral("partitions"), "check", "--json", "--dsn", dsnFor(db)});
    QCOMPARE(r.exitCode, 1); // something drifted
    QJsonParseError error;
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8(), &error).object();
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(r.out));
    QCOMPARE(o.value(QStringLiteral("drifted")).toInt(), 4);

    const QJsonObject ix = partition(o, QStringLiteral("melodee_songs_2026_12"));
    QCOMPARE(ix.value(QStringLiteral("extra_indexes")).toArray().first().toString(),
             QStringLiteral("\"ix \"\"q\"\" password=1\n🎵\""));
    const QJsonObject opts = partition(o, QStringLiteral("melodee_songs_2027_01"));
    QCOMPARE(opts.value(QStringLiteral("reloptions")).toString(),
             QStringLiteral("fillfactor=70, autovacuum_enabled=false"));
    const QJsonObject acl = partition(o, QStringLiteral("melodee_songs_2027_02"));
    QVERIFY(acl.value(QStringLiteral("drifted")).toBool());
    QVERIFY2(acl.value(QStringLiteral("acl")).toString().contains(QStringLiteral("o'le\nx 🎵")),
             qPrintable(acl.value(QStringLiteral("acl")).toString()));
    const QJsonObject con = partition(o, QStringLiteral("melodee_songs_2027_03"));
    QCOMPARE(con.value(QStringLiteral("not_valid_constraints")).toArray().first().toString(),
             QStringLiteral("c\"k\nok"));
    QVERIFY(con.value(QStringLiteral("extra_constraints"))
                .toArray()
                .first()
                .toString()
                .startsWith(QStringLiteral("c\"k\nok: CHECK ((play_count >= 0)) NOT VALID")));
    // The others are clean, and nobody has vacuumed yet.
    const QJsonObject clean = partition(o, QStringLiteral("melodee_songs_2027_04"));
    QVERIFY(!clean.value(QStringLiteral("drifted")).toBool());
    QVERIFY(clean.value(QStringLiteral("last_vacuum")).isNull());

    // The text form names each finding.
    const auto text
        = TestEnv::runCli(QStringList{QStringLiteral("partitions"), "check", "--dsn", dsnFor(db)});
    QCOMPARE(text.exitCode, 1);
    QVERIFY2(text.out.contains(QLatin1String("storage options differ: fillfactor=70")),
             qPrintable(text.out));
    QVERIFY(text.out.contains(QLatin1String("4 drifted")));
}

// maintain, run by a superuser, gives each partition it makes the table's owner and privileges,
// so `partitions check` finds nothing to report on them.
void tst_PartitionDrift::partitionsMadeByMaintainMatchTheirTable()
{
    const DatabaseConfig db = copyDatabase(m_db, QStringLiteral("drift_made"));
    // The default partition is empty: maintain makes it again.
    const TestRoles roles
        = grantToTestRoles(db,
                           QStringLiteral("ALTER TABLE melodee_songs OWNER TO %1;"
                                          "GRANT SELECT ON melodee_songs TO %2 WITH GRANT "
                                          "OPTION;"
                                          "GRANT INSERT, UPDATE ON melodee_songs TO PUBLIC;"
                                          "REVOKE TRUNCATE ON melodee_songs FROM %1;"
                                          "DROP TABLE melodee_songs_default"));
    const QString reader = roles.reader;
    const QString parent = ownerAndPrivileges(QStringLiteral("melodee_songs"), db);
    QVERIFY2(parent.contains(QLatin1String("reader")), qPrintable(parent));

    const auto dry
        = TestEnv::runCli(partitionArgs(db, {"maintain", "--premake", "8", "--dry-run"}));
    QCOMPARE(dry.exitCode, 0);
    QVERIFY2(dry.out.contains(QStringLiteral("GRANT SELECT ON TABLE melodee_songs_2027_06 TO %1 "
                                             "WITH GRANT OPTION")
                                  .arg(reader)),
             qPrintable(dry.out));
    const auto run = TestEnv::runCli(partitionArgs(db, {"maintain", "--premake", "8"}));
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));

    const auto check = TestEnv::runCli(
        QStringList{QStringLiteral("partitions"), "check", "--json", "--dsn", dsnFor(db)});
    const QJsonObject o = QJsonDocument::fromJson(check.out.toUtf8()).object();
    for (const QString &made : {QStringLiteral("melodee_songs_2027_05"),
                                QStringLiteral("melodee_songs_2027_06"),
                                QStringLiteral("melodee_songs_default")}) {
        QCOMPARE(ownerAndPrivileges(made, db), parent);
        const QJsonObject p = partition(o, made);
        QVERIFY2(!p.isEmpty(), qPrintable(made));
        QVERIFY2(p.value(QStringLiteral("findings")).toArray().isEmpty(),
                 qPrintable(QJsonDocument(p).toJson()));
    }
    // The partitions the migration made before the grants still differ, and are reported.
    QVERIFY(partition(o, QStringLiteral("melodee_songs_2027_04"))
                .value(QStringLiteral("drifted"))
                .toBool());
}

void tst_PartitionDrift::grantsMadeInAnotherOrderAreNoDrift()
{
    const DatabaseConfig db = copyDatabase(m_db, QStringLiteral("drift_order"));
    grantToTestRoles(db,
                     QStringLiteral("GRANT SELECT ON melodee_songs TO %1;"
                                    "GRANT SELECT ON melodee_songs TO %2;"
                                    "GRANT SELECT ON melodee_songs_2027_04 TO %2;"
                                    "GRANT SELECT ON melodee_songs_2027_04 TO %1;"
                                    "GRANT SELECT ON melodee_songs_2027_03 TO %1;"));
    const auto r = TestEnv::runCli(
        QStringList{QStringLiteral("partitions"), "check", "--json", "--dsn", dsnFor(db)});
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QVERIFY2(!partition(o, QStringLiteral("melodee_songs_2027_04"))
                  .value(QStringLiteral("drifted"))
                  .toBool(),
             qPrintable(r.out));
    // One grant missing is still drift.
    QVERIFY(partition(o, QStringLiteral("melodee_songs_2027_03"))
                .value(QStringLiteral("drifted"))
                .toBool());
}

// --fix-privileges gives the drifted partitions their table's owner and privileges, one
// transaction each; with --dry-run it prints the statements and changes nothing.
void tst_PartitionDrift::fixPrivileges()
{
    const DatabaseConfig db = copyDatabase(m_db, QStringLiteral("drift_fix"));
    grantToTestRoles(db,
                     QStringLiteral("GRANT SELECT ON melodee_songs TO %2;"
                                    "ALTER TABLE melodee_songs_2027_03 OWNER TO %1;"
                                    "GRANT DELETE ON melodee_songs_2027_02 TO PUBLIC;"));
    const QString parent = ownerAndPrivileges(QStringLiteral("melodee_songs"), db);
    const QString before = ownerAndPrivileges(QStringLiteral("melodee_songs_2027_03"), db);
    QVERIFY(before != parent);
    const QStringList check{QStringLiteral("partitions"), "check", "--dsn", dsnFor(db)};

    const auto dry
        = TestEnv::runCli(check + QStringList{"--fix-privileges", "--dry-run", "--json"});
    QCOMPARE(dry.exitCode, 1); // still drifted
    QJsonParseError error;
    const QJsonObject planned = QJsonDocument::fromJson(dry.out.toUtf8(), &error).object();
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(dry.out));
    QVERIFY(planned.value(QStringLiteral("dry_run")).toBool());
    // Every songs partition lacks the table's grant; albums' partitions have nothing to fix.
    const QJsonArray fixes = planned.value(QStringLiteral("privilege_fixes")).toArray();
    QCOMPARE(fixes.size(), 7);
    QCOMPARE(ownerAndPrivileges(QStringLiteral("melodee_songs_2027_03"), db), before);

    const auto text = TestEnv::runCli(check + QStringList{"--fix-privileges", "--dry-run"});
    QVERIFY2(text.out.contains(QStringLiteral("ALTER TABLE \"melodee_songs_2027_03\" OWNER TO "
                                              "postgres;")),
             qPrintable(text.out));
    QVERIFY2(text.out.contains(QStringLiteral("REVOKE ALL ON TABLE \"melodee_songs_2027_02\" FROM "
                                              "PUBLIC CASCADE;")),
             qPrintable(text.out));

    const auto fixed = TestEnv::runCli(check + QStringList{"--fix-privileges", "--json"});
    QCOMPARE(fixed.exitCode, 0);
    const QJsonObject after = QJsonDocument::fromJson(fixed.out.toUtf8()).object();
    QCOMPARE(after.value(QStringLiteral("drifted")).toInt(), 0);
    QCOMPARE(after.value(QStringLiteral("dry_run")).toBool(true), false);
    for (const QString &p : {QStringLiteral("melodee_songs_2027_02"),
                             QStringLiteral("melodee_songs_2027_03"),
                             QStringLiteral("melodee_songs_default")})
        QCOMPARE(ownerAndPrivileges(p, db), parent);
    // Nothing left: a second run plans no statement.
    const auto again = TestEnv::runCli(check + QStringList{"--fix-privileges", "--json"});
    QCOMPARE(again.exitCode, 0);
    QVERIFY(QJsonDocument::fromJson(again.out.toUtf8())
                .object()
                .value(QStringLiteral("privilege_fixes"))
                .toArray()
                .isEmpty());
    // --dry-run alone is a usage error that says why.
    const auto usage = TestEnv::runCli(check + QStringList{"--dry-run"});
    QCOMPARE(usage.exitCode, 3);
    QVERIFY2(usage.err.contains(QLatin1String("--fix-privileges")), qPrintable(usage.err));
}

void tst_PartitionDrift::bloatEstimate()
{
    const DatabaseConfig db = copyDatabase(m_db, QStringLiteral("drift_bloat"));
    // Autovacuum off for one month, then every row updated twice: two dead versions per row.
    TestEnv::psql(QStringLiteral("ALTER TABLE melodee_songs_2026_12 SET (autovacuum_enabled = "
                                 "false);"
                                 "INSERT INTO melodee_songs (name, name_normalized, created_at) "
                                 "SELECT 'n' || g, 'n' || g, '2026-12-10 00:00:00+00' FROM "
                                 "generate_series(1, 3000) g;"
                                 "UPDATE melodee_songs SET play_count = 1 WHERE created_at >= "
                                 "'2026-12-01' AND created_at < '2027-01-01';"
                                 "UPDATE melodee_songs SET play_count = 2 WHERE created_at >= "
                                 "'2026-12-01' AND created_at < '2027-01-01';"),
                  db.dbname);
    AppConfig config;
    config.database = db;
    PartitionMaintenance maintenance(config);
    PartitionCheckItem item;
    // Statistics reach pg_stat_user_tables within a second or so of the writer's commit.
    QVERIFY(QTest::qWaitFor(
        [&] {
            for (const PartitionCheckItem &i : checkPartitions(maintenance).items) {
                if (i.partition == QLatin1String("melodee_songs_2026_12"))
                    item = i;
            }
            return item.deadTuples >= 6000;
        },
        30000));
    QCOMPARE(item.liveTuples, 3000);
    QVERIFY(item.deadShare > 0.6);
    QVERIFY(item.bloated());
    QVERIFY(item.findings().join(QLatin1Char('\n')).contains(QLatin1String("bloat estimate")));
}

QTEST_GUILESS_MAIN(tst_PartitionDrift)
#include "tst_partitiondrift.moc"
