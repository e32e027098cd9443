#include "testenv.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <signal.h>

using namespace melodee;
using namespace melodee::test;

// `melodee partitions convert --dry-run` on a melodee-next database (the fixture's 200k
// tracks), run as the built binary: the plan with the foreign-key analysis, as text and as JSON,
// nothing changed, and every bad argument refused with the reason. Applied: resumed after
// kill -9, and stopped by the verification when the copy differs from the table.
class tst_CliConvert : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void dryRunText();
    void dryRunJson();
    void usage_data();
    void usage();
    void missingTableIsJson();
    void resumesAfterKill();
    void verificationMismatch_data();
    void verificationMismatch();

private:
    TestEnv::CliResult run(const QStringList &args) const;
    QString catalog() const;

    DatabaseConfig m_db;
    QString m_dsn;
    QTemporaryDir m_home;
};

void tst_CliConvert::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
    m_db = TestEnv::melodeeNextDatabase(QStringLiteral("cli_convert"));
    m_dsn = QStringLiteral("host=%1 port=%2 user=postgres dbname=%3 sslmode=disable")
                .arg(m_db.host)
                .arg(m_db.port)
                .arg(m_db.dbname);
}

TestEnv::CliResult tst_CliConvert::run(const QStringList &args) const
{
    return TestEnv::runCli(QStringList{QStringLiteral("partitions"), QStringLiteral("convert")}
                               + args + QStringList{QStringLiteral("--dsn"), m_dsn},
                           TestEnv::isolatedEnv(m_home.path()));
}

QString tst_CliConvert::catalog() const
{
    return TestEnv::psql(QStringLiteral("SELECT (SELECT count(*) FROM pg_class), "
                                        "(SELECT count(*) FROM pg_trigger), "
                                        "(SELECT count(*) FROM pg_proc), "
                                        "(SELECT count(*) FROM pg_constraint)"),
                         m_db.dbname);
}

void tst_CliConvert::dryRunText()
{
    const QString before = catalog();
    const TestEnv::CliResult r = run({QStringLiteral("tracks"),
                                      QStringLiteral("--by"),
                                      QStringLiteral("created_at"),
                                      QStringLiteral("--monthly"),
                                      QStringLiteral("--dry-run"),
                                      QStringLiteral("--now"),
                                      QStringLiteral("2026-03-15T12:00:00Z")});
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.startsWith(
                 QLatin1String("-- melodee partitions convert (dry run): nothing was changed\n")),
             qPrintable(r.out));
    QVERIFY(r.out.contains(QLatin1String("-- partitions: 44 months, 2023-01 .. 2026-08")));
    QVERIFY(r.out.contains(QLatin1String("--   incoming fk_playlist_tracks_track: "
                                         "playlist_tracks -> tracks")));
    QVERIFY(r.out.contains(QLatin1String("--     what happens: kept until the swap; then dropped "
                                         "and enforced by triggers")));
    QVERIFY(r.out.contains(QLatin1String("--     why: a foreign key must reference a unique key")));
    QVERIFY(r.out.contains(QLatin1String("CREATE TABLE \"public\".\"tracks_partitioned\"")));
    QVERIFY(r.out.contains(QLatin1String("-- Phase 4")));
    QCOMPARE(catalog(), before);
}

void tst_CliConvert::dryRunJson()
{
    const QString before = catalog();
    const TestEnv::CliResult r = run({QStringLiteral("tracks"),
                                      QStringLiteral("--by"),
                                      QStringLiteral("created_at"),
                                      QStringLiteral("--monthly"),
                                      QStringLiteral("--dry-run"),
                                      QStringLiteral("--batch"),
                                      QStringLiteral("1000"),
                                      QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 0);
    QJsonParseError error;
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8(), &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(o.value(QLatin1String("dry_run")).toBool(), true);
    QCOMPARE(o.value(QLatin1String("table")).toString(), QStringLiteral("tracks"));
    QCOMPARE(o.value(QLatin1String("batch_rows")).toInt(), 1000);
    QVERIFY(o.value(QLatin1String("hash")).toString().startsWith(QLatin1String("sha256:")));
    QStringList incoming;
    for (const QJsonValue &v : o.value(QLatin1String("foreign_keys")).toArray())
        if (v.toObject().value(QLatin1String("direction")).toString() == QLatin1String("incoming"))
            incoming << v.toObject().value(QLatin1String("name")).toString();
    QCOMPARE(incoming, QStringList{QStringLiteral("fk_playlist_tracks_track")});
    QCOMPARE(catalog(), before);
}

void tst_CliConvert::usage_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message");
    const QString t = QStringLiteral("tracks");
    const QString by = QStringLiteral("--by");
    const QString c = QStringLiteral("created_at");
    const QString monthly = QStringLiteral("--monthly");
    const QString dry = QStringLiteral("--dry-run");
    QTest::newRow("no --by") << QStringList{t, monthly, dry} << 3
                             << QStringLiteral("--by COLUMN is required");
    QTest::newRow("no --monthly") << QStringList{t, by, c, dry} << 3
                                  << QStringLiteral("--monthly is required");
    QTest::newRow("no reviewer") << QStringList{t, by, c, monthly} << 3
                                 << QStringLiteral("applying a conversion needs --reviewer NAME");
    QTest::newRow("blank reviewer")
        << QStringList{t, by, c, monthly, QStringLiteral("--reviewer"), QStringLiteral("  ")} << 3
        << QStringLiteral("needs --reviewer NAME");
    QTest::newRow("production without --yes")
        << QStringList{t,
                       by,
                       c,
                       monthly,
                       QStringLiteral("--reviewer"),
                       QStringLiteral("ann"),
                       QStringLiteral("--set"),
                       QStringLiteral("migrate.environment=production")}
        << 5 << QStringLiteral("production guard");
    QTest::newRow("stale hash") << QStringList{t,
                                               by,
                                               c,
                                               monthly,
                                               QStringLiteral("--reviewer"),
                                               QStringLiteral("ann"),
                                               QStringLiteral("--plan-hash"),
                                               QStringLiteral("sha256:00")}
                                << 4 << QStringLiteral("not the reviewed sha256:00");
    QTest::newRow("throttle")
        << QStringList{t, by, c, monthly, dry, QStringLiteral("--throttle"), QStringLiteral("-1")}
        << 3 << QStringLiteral("--throttle \"-1\"");
    QTest::newRow("two tables") << QStringList{t, t, by, c, monthly, dry} << 3
                                << QStringLiteral("give exactly one TABLE (got 2)");
    QTest::newRow("no table") << QStringList{by, c, monthly, dry} << 3
                              << QStringLiteral("give exactly one TABLE (got 0)");
    QTest::newRow("batch 0")
        << QStringList{t, by, c, monthly, dry, QStringLiteral("--batch"), QStringLiteral("0")} << 3
        << QStringLiteral("--batch \"0\"");
    QTest::newRow("premake word")
        << QStringList{t, by, c, monthly, dry, QStringLiteral("--premake"), QStringLiteral("six")}
        << 3 << QStringLiteral("--premake \"six\"");
    QTest::newRow("text column") << QStringList{t, by, QStringLiteral("name"), monthly, dry} << 3
                                 << QStringLiteral("column \"name\" is character varying(255)");
}

void tst_CliConvert::usage()
{
    QFETCH(QStringList, args);
    QFETCH(int, exitCode);
    QFETCH(QString, message);
    const QString before = catalog();
    const TestEnv::CliResult r = run(args);
    QCOMPARE(r.exitCode, exitCode);
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
    QCOMPARE(catalog(), before);
}

void tst_CliConvert::missingTableIsJson()
{
    const TestEnv::CliResult r = run({QStringLiteral("no \"such\" table"),
                                      QStringLiteral("--by"),
                                      QStringLiteral("created_at"),
                                      QStringLiteral("--monthly"),
                                      QStringLiteral("--dry-run"),
                                      QStringLiteral("--json")});
    QCOMPARE(r.exitCode, 3);
    QJsonParseError error;
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8(), &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QVERIFY2(o.value(QLatin1String("error"))
                 .toString()
                 .contains(QLatin1String("table \"no \"such\" table\" does not exist")),
             qPrintable(r.out));
    QCOMPARE(o.value(QLatin1String("exit_code")).toInt(), 3);
}

void tst_CliConvert::resumesAfterKill()
{
    // kill -9 in the middle of the copy, then the same command again: it resumes from the
    // state row and ends with a partitioned table equal, row for row, to the old one.
    const DatabaseConfig db = TestEnv::melodeeNextDatabase(QStringLiteral("cli_kill"));
    const QString dsn = QStringLiteral("host=%1 port=%2 user=postgres dbname=%3 sslmode=disable")
                            .arg(db.host)
                            .arg(db.port)
                            .arg(db.dbname);
    const QStringList args{QStringLiteral("partitions"),
                           QStringLiteral("convert"),
                           QStringLiteral("tracks"),
                           QStringLiteral("--by"),
                           QStringLiteral("created_at"),
                           QStringLiteral("--monthly"),
                           QStringLiteral("--reviewer"),
                           QStringLiteral("Ann O'Hara"),
                           QStringLiteral("--batch"),
                           QStringLiteral("4000"),
                           QStringLiteral("--dsn"),
                           dsn};
    QProcess first;
    first.setProcessEnvironment(TestEnv::isolatedEnv(m_home.path()));
    first.start(TestEnv::cliPath(),
                args + QStringList{QStringLiteral("--throttle"), QStringLiteral("200")});
    QVERIFY(first.waitForStarted());
    // Wait for three batches to be committed, then kill it without warning.
    QString progress;
    QTRY_VERIFY_WITH_TIMEOUT((progress += QString::fromUtf8(first.readAllStandardError()),
                              progress.count(QLatin1String("copied id <=")) >= 3),
                             60000);
    first.kill();
    QVERIFY(first.waitForFinished());
    const qint64 copiedAtKill
        = TestEnv::psql(QStringLiteral("SELECT copied_through FROM melodee_conversions "
                                       "WHERE table_name = 'tracks'"),
                        db.dbname)
              .trimmed()
              .toLongLong();
    QVERIFY2(copiedAtKill >= 12000 && copiedAtKill < 200000, qPrintable(progress));

    // The dry run shows it in progress; the same command resumes it.
    const TestEnv::CliResult dry = TestEnv::runCli(args + QStringList{QStringLiteral("--dry-run")},
                                                   TestEnv::isolatedEnv(m_home.path()));
    QCOMPARE(dry.exitCode, 0);
    QVERIFY2(dry.out.contains(QLatin1String("-- in progress: copied ")), qPrintable(dry.out));
    const TestEnv::CliResult r = TestEnv::runCli(
        args + QStringList{QStringLiteral("--json")}, TestEnv::isolatedEnv(m_home.path()), 300000);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(o.value(QLatin1String("resumed")).toBool(), true);
    QCOMPARE(o.value(QLatin1String("reviewer")).toString(), QStringLiteral("Ann O'Hara"));
    QCOMPARE(o.value(QLatin1String("rows_verified")).toInteger(), 200000);
    QCOMPARE(o.value(QLatin1String("rows_copied")).toInteger(), 200000);
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT relkind FROM pg_class WHERE oid = "
                                          "'tracks'::regclass"),
                           db.dbname)
                 .trimmed(),
             QStringLiteral("p"));
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT (SELECT count(*) FROM (TABLE tracks EXCEPT ALL "
                                          "TABLE tracks_unpartitioned) a) + (SELECT count(*) "
                                          "FROM (TABLE tracks_unpartitioned EXCEPT ALL TABLE "
                                          "tracks) b)"),
                           db.dbname)
                 .trimmed(),
             QStringLiteral("0"));
    // Run again: refused, it is done.
    const TestEnv::CliResult again = TestEnv::runCli(args, TestEnv::isolatedEnv(m_home.path()));
    QCOMPARE(again.exitCode, 3);
    QVERIFY2(again.err.contains(QLatin1String("was already converted")), qPrintable(again.err));
}

void tst_CliConvert::verificationMismatch_data()
{
    // tamper: a change of the copy the sync trigger never repairs (it mirrors writes to tracks,
    // not to the copy), of the already copied row %1, returning one row. months: the months
    // the verification must name, from tracks before the tamper, comma-separated.
    QTest::addColumn<QString>("tamper");
    QTest::addColumn<QString>("months");
    const QString monthOfRow
        = QStringLiteral("SELECT to_char(created_at, 'YYYY-MM') FROM tracks WHERE id = %1");
    QTest::newRow("value changed")
        << QStringLiteral("UPDATE tracks_partitioned SET name = name || ' (changed)' WHERE id = "
                          "%1 RETURNING id")
        << monthOfRow;
    QTest::newRow("row deleted") << QStringLiteral(
        "DELETE FROM tracks_partitioned WHERE id = %1 RETURNING id")
                                 << monthOfRow;
    // A month that has no rows in tracks at all.
    QTest::newRow("row added") << QStringLiteral(
        "INSERT INTO tracks_partitioned SELECT * FROM jsonb_populate_record("
        "NULL::tracks_partitioned, (SELECT to_jsonb(t) || jsonb_build_object("
        "'id', 999999999, 'created_at', '2026-05-10T00:00:00Z') FROM tracks t "
        "WHERE id = %1)) RETURNING id")
                               << QStringLiteral("SELECT '2026-05' WHERE %1 > 0");
    QTest::newRow("row moved to another month")
        << QStringLiteral("UPDATE tracks_partitioned SET created_at = created_at + interval "
                          "'13 months' WHERE id = %1 RETURNING id")
        << QStringLiteral("SELECT string_agg(m, ',' ORDER BY m) FROM (SELECT to_char(created_at, "
                          "'YYYY-MM') m FROM tracks WHERE id = %1 UNION SELECT "
                          "to_char(created_at + interval '13 months', 'YYYY-MM') FROM tracks "
                          "WHERE id = %1) x");
}

void tst_CliConvert::verificationMismatch()
{
    // The copy is changed behind the conversion's back after its row was copied: the CLI is
    // stopped (SIGSTOP) once a batch is reported, before the copy is through, the copy is
    // changed, and the CLI continued. The verification must name the month that differs, exit
    // with 4 and swap nothing.
    QFETCH(QString, tamper);
    QFETCH(QString, months);
    const DatabaseConfig db = TestEnv::melodeeNextDatabase(QStringLiteral("cli_verify"));
    const QString dsn = QStringLiteral("host=%1 port=%2 user=postgres dbname=%3 sslmode=disable")
                            .arg(db.host)
                            .arg(db.port)
                            .arg(db.dbname);
    auto sql = [&db](const QString &text) {
        return TestEnv::psql(text, db.dbname).trimmed();
    };
    const QString contents = QStringLiteral(
        "SELECT count(*) || ' ' || md5(string_agg(md5(t::text), '' ORDER BY id)) FROM tracks t");
    const QString before = sql(contents);
    // A row of the first batch that no playlist refers to.
    const QString id = sql(QStringLiteral("SELECT min(id) FROM tracks t WHERE NOT EXISTS "
                                          "(SELECT 1 FROM playlist_tracks p WHERE p.track_id = "
                                          "t.id)"));
    QVERIFY(id.toLongLong() > 0 && id.toLongLong() <= 50000);
    const QString expected = sql(months.arg(id));
    QVERIFY(!expected.isEmpty());

    QProcess cli;
    cli.setProcessEnvironment(TestEnv::isolatedEnv(m_home.path()));
    cli.start(TestEnv::cliPath(),
              {QStringLiteral("partitions"),
               QStringLiteral("convert"),
               QStringLiteral("tracks"),
               QStringLiteral("--by"),
               QStringLiteral("created_at"),
               QStringLiteral("--monthly"),
               QStringLiteral("--reviewer"),
               QStringLiteral("ann"),
               QStringLiteral("--batch"),
               QStringLiteral("50000"),
               QStringLiteral("--throttle"),
               QStringLiteral("500"),
               QStringLiteral("--now"),
               QStringLiteral("2026-03-15T12:00:00Z"),
               QStringLiteral("--dsn"),
               dsn});
    QVERIFY(cli.waitForStarted());
    QString err;
    QTRY_VERIFY_WITH_TIMEOUT((err += QString::fromUtf8(cli.readAllStandardError()),
                              err.contains(QLatin1String("copied id <= 50000 "))),
                             120000);
    QCOMPARE(::kill(pid_t(cli.processId()), SIGSTOP), 0);
    // Stopped before the last batch committed, so before the verification.
    QCOMPARE(sql(QStringLiteral("SELECT copied_through < copy_end FROM melodee_conversions WHERE "
                                "table_name = 'tracks'")),
             QStringLiteral("t"));
    const QString tampered = sql(tamper.arg(id));
    QCOMPARE(::kill(pid_t(cli.processId()), SIGCONT), 0);
    QVERIFY2(!tampered.isEmpty() && !tampered.contains(QLatin1Char('\n')), qPrintable(tampered));
    QVERIFY(cli.waitForFinished(300000));
    err += QString::fromUtf8(cli.readAllStandardError());
    QCOMPARE(cli.exitStatus(), QProcess::NormalExit);
    QCOMPARE(cli.exitCode(), 4);
    QVERIFY2(err.contains(QLatin1String("verification failed, nothing swapped: rows/checksum of "
                                        "tracks vs tracks_partitioned differ in ")),
             qPrintable(err));
    // The months named, and only those.
    const QString differ
        = err.section(QLatin1String(" differ in "), 1).section(QLatin1Char('\n'), 0, 0);
    QStringList named;
    for (const QString &part : differ.split(QLatin1String("; ")))
        named << part.section(QLatin1Char(':'), 0, 0);
    QCOMPARE(named.join(QLatin1Char(',')), expected);

    // Nothing swapped: tracks is the plain table with every row as before, the copy beside it.
    QCOMPARE(sql(QStringLiteral("SELECT string_agg(relname::text || ':' || relkind::text, ',' "
                                "ORDER BY relname) FROM pg_class WHERE relname IN ('tracks', "
                                "'tracks_partitioned', 'tracks_unpartitioned')")),
             QStringLiteral("tracks:r,tracks_partitioned:p"));
    QCOMPARE(sql(contents), before);
    QCOMPARE(sql(QStringLiteral("SELECT phase FROM melodee_conversions WHERE table_name = "
                                "'tracks'")),
             QStringLiteral("copying"));
}

QTEST_GUILESS_MAIN(tst_CliConvert)
#include "tst_cliconvert.moc"
