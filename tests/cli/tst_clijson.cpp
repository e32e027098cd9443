#include <testenv.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace melodee;
using melodee::test::TestEnv;

namespace {

// Hostile data is normal data. (Bytes that are not UTF-8 cannot come from the server: with
// client_encoding UTF8 it refuses to send them. They come from files instead: see the lint file.)
const QList<QByteArray> kHostile = {
    "Secret: Love",
    "password=hunter2 sslmode=off",
    "postgres://u:pw@h/db",
    R"({"password":"x","next_cursor":null})",
    R"(quote " backslash \ brace })",
    "line\nbreak\r\ttab",
    "\xF0\x9F\x8E\xB8 \xF0\x9D\x84\x9E four-byte emoji",
    "secret: \"unterminated",
    "ends with backslash \\",
    "control \x01\x1F",
};
// The database's own name is data too: health and migrate status print it.
const QString kDbName = QStringLiteral("cli json Secret: \"q\" \\ \u2713");

// An E'' literal that spells every byte as \xNN, so any byte reaches the server unchanged.
QString literal(const QByteArray &bytes)
{
    QString out = QStringLiteral("E'");
    for (const char c : bytes)
        out += QStringLiteral("\\x%1").arg(uchar(c), 2, 16, QLatin1Char('0'));
    return out + QLatin1Char('\'');
}

struct CommandRow
{
    const char *tag;
    QStringList args; // @DSN@, @LINT@ and @DIR@ are substituted
    QList<int> exitCodes;
};

// One row per way a command prints. Each runs with --json and --dsn against the hostile database.
QList<CommandRow> commandRows()
{
    return {
        {"health", {"health"}, {0, 1}},
        {"songs", {"songs", "--limit", "5"}, {0}},
        {"songs by name, descending", {"songs", "--sort", "name", "--desc"}, {0}},
        {"songs by artist", {"songs", "--sort", "artist"}, {0}},
        {"songs search", {"songs", "--search", "Secret"}, {0}},
        {"songs jump to an id", {"songs", "--id", "3", "--sort", "name"}, {0}},
        {"songs count", {"songs", "count", "--exact"}, {0}},
        {"songs, bad cursor (error)", {"songs", "--after", "garbage"}, {3}},
        {"partitions list", {"partitions", "list", "--exact"}, {0}},
        {"partitions maintain dry run", {"partitions", "maintain", "--dry-run"}, {0}},
        {"inspect", {"inspect", "--details"}, {0}},
        {"migrate status", {"migrate", "status"}, {0}},
        {"migrate check", {"migrate", "check"}, {1}},
        {"migrate lint", {"migrate", "lint", "@LINT@"}, {0, 1}},
        {"migrate dry run", {"migrate", "--dry-run"}, {0}},
        {"refresh-views", {"refresh-views"}, {0}},
        {"bench pool",
         {"bench",
          "pool",
          "--seconds",
          "0.3",
          "--workers",
          "1",
          "--max-open",
          "1",
          "--query",
          R"(SELECT 'Secret: "x" password=y \ ')"},
         {0}},
        {"bench pool --pipeline",
         {"bench",
          "pool",
          "--pipeline",
          "--seconds",
          "0.3",
          "--workers",
          "4",
          "--max-open",
          "2",
          "--query",
          R"(SELECT 'Secret: "x" password=y \ ')"},
         {0}},
        {"bench pool, --pipeline with --write (error)",
         {"bench", "pool", "--pipeline", "--write", "--seconds", "0.3"},
         {3}},
        {"demo-data emit", {"demo-data", "--songs", "10", "--emit", "@DIR@"}, {0}},
        {"demo-data load", {"demo-data", "--songs", "20", "--months", "1"}, {0}},
        {"unknown command (error)", {"frobnicate"}, {3}},
    };
}

QString quoteIdent(const QString &name)
{
    QString q = name;
    q.replace(QLatin1Char('"'), QLatin1String("\"\""));
    return QLatin1Char('"') + q + QLatin1Char('"');
}

} // namespace

// Every command's --json output parses whatever the database holds, and so does every log line
// under --log-json (slow statements, server notices). The data rows are the generic harness: a
// command or a hostile case is one more row.
class tst_CliJson : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void everyCommandHasARow();
    void hostileNamesRoundTrip();
    void jsonOutputParses_data();
    void jsonOutputParses(); // adds demo rows: after the tests that count the hostile ones
    void logLinesParse_data();
    void logLinesParse();
    void sessionKeysReachTheQueries_data();
    void sessionKeysReachTheQueries();

private:
    QProcessEnvironment cleanEnv() const;
    QString m_dsn;
    QString m_lintFile;
    QTemporaryDir m_dir;
};

QProcessEnvironment tst_CliJson::cleanEnv() const
{
    return TestEnv::isolatedEnv(m_dir.path());
}

void tst_CliJson::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
    QVERIFY(QFile::exists(TestEnv::cliPath()));
    TestEnv::psql(
        QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(quoteIdent(kDbName)));
    TestEnv::psql(QStringLiteral("CREATE DATABASE %1").arg(quoteIdent(kDbName)));
    QString name = kDbName;
    name.replace(QLatin1Char('\\'), QLatin1String("\\\\"))
        .replace(QLatin1Char('\''), QLatin1String("\\'"));
    m_dsn = QStringLiteral("host=%1 port=%2 user=postgres sslmode=disable dbname='%3'")
                .arg(TestEnv::pgHost())
                .arg(TestEnv::pgPort())
                .arg(name);
    const auto migrate = TestEnv::runCli(
        {QStringLiteral("migrate"), QStringLiteral("--dsn"), m_dsn}, cleanEnv(), 300000);
    QVERIFY2(migrate.exitCode == 0, qPrintable(migrate.out + migrate.err));

    QStringList sql;
    for (const QByteArray &h : kHostile) {
        const QString v = literal(h);
        sql << QStringLiteral("WITH a AS (INSERT INTO melodee_artists (name, name_normalized) "
                              "VALUES (%1, %1) RETURNING id), "
                              "b AS (INSERT INTO melodee_albums (name, name_normalized, artist_id) "
                              "SELECT %1, %1, id FROM a RETURNING id, artist_id) "
                              "INSERT INTO melodee_songs (name, name_normalized, sort_name, "
                              "album_id, artist_id, file_path, created_at) "
                              "SELECT %1, %1, %1, id, artist_id, %1, now() FROM b")
                   .arg(v);
    }
    // An orphan (migrate check prints its id) and a row in the default partition.
    sql << QStringLiteral(
               "INSERT INTO melodee_songs (name, name_normalized, artist_id, created_at) "
               "VALUES (%1, 'x', 999999, '2001-01-15 00:00:00+00')")
               .arg(literal(kHostile.first()));
    // A partition with a hostile name of its own.
    sql << QStringLiteral("CREATE TABLE %1 PARTITION OF melodee_albums FOR VALUES FROM "
                          "('1999-01-01 00:00:00+00') TO ('1999-02-01 00:00:00+00')")
               .arg(quoteIdent(QStringLiteral("melodee_albums Secret: \"p\"")));
    for (const QString &s : std::as_const(sql))
        TestEnv::psql(s, kDbName);
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT count(*) FROM melodee_songs"), kDbName),
             QString::number(kHostile.size() + 1));

    m_lintFile = m_dir.filePath(QStringLiteral("Secret: \"lint\".sql"));
    QFile lint(m_lintFile);
    QVERIFY(lint.open(QIODevice::WriteOnly));
    lint.write("-- Secret: Love\nSELECT 'password=hunter2 \" \\ \xF0\x9F\x8E\xB8 \xFF';\n"
               "CREATE INDEX i ON t ((name || 'secret: x'));\nDROP TABLE t;\n");
}

void tst_CliJson::cleanupTestCase()
{
    TestEnv::psql(
        QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(quoteIdent(kDbName)));
}

void tst_CliJson::everyCommandHasARow()
{
    // The command list of `melodee --help`: a new command without a row here fails.
    const auto help = TestEnv::runCli({QStringLiteral("--help")}, cleanEnv());
    QCOMPARE(help.exitCode, 0);
    const QString commands
        = help.out.section(QStringLiteral("Commands:\n"), 1).section(QStringLiteral("\n\n"), 0, 0);
    QStringList names;
    for (const QString &line : commands.split(QLatin1Char('\n'), Qt::SkipEmptyParts))
        names << line.trimmed().section(QLatin1Char(' '), 0, 0);
    QVERIFY2(names.size() >= 7, qPrintable(help.out));
    QSet<QString> covered;
    for (const CommandRow &row : commandRows())
        covered.insert(row.args.first());
    for (const QString &n : std::as_const(names))
        QVERIFY2(covered.contains(n), qPrintable(QStringLiteral("no --json row for ") + n));
}

void tst_CliJson::jsonOutputParses_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QList<int>>("exitCodes");
    for (const CommandRow &row : commandRows())
        QTest::newRow(row.tag) << row.args << row.exitCodes;
}

void tst_CliJson::jsonOutputParses()
{
    QFETCH(QStringList, args);
    QFETCH(QList<int>, exitCodes);
    const QString emitDir = m_dir.filePath(QStringLiteral("Secret: \"emit\" \u2713"));
    QDir().mkpath(emitDir);
    for (QString &a : args)
        a.replace(QLatin1String("@LINT@"), m_lintFile).replace(QLatin1String("@DIR@"), emitDir);
    args << QStringLiteral("--json") << QStringLiteral("--dsn") << m_dsn;
    const auto r = TestEnv::runCli(args, cleanEnv(), 120000);
    QVERIFY2(exitCodes.contains(r.exitCode),
             qPrintable(QStringLiteral("exit %1\n%2\n%3").arg(r.exitCode).arg(r.out, r.err)));
    // Standard output is JSON only: one document per line, each one parses.
    const QStringList lines = r.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QVERIFY2(!lines.isEmpty(), qPrintable(r.err));
    for (const QString &line : lines) {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(line.toUtf8(), &error);
        QVERIFY2(error.error == QJsonParseError::NoError,
                 qPrintable(error.errorString() + QStringLiteral(": ") + line));
        QVERIFY(doc.isObject());
    }
    // Nothing the commands print is a secret, so nothing was masked.
    QVERIFY2(!r.out.contains(QLatin1String("\"***")), qPrintable(r.out));
}

void tst_CliJson::hostileNamesRoundTrip()
{
    // Each hostile name comes back exactly as stored, and the document still has the fields after
    // it, next_cursor included.
    QStringList seen;
    QString cursor;
    for (int page = 0; page < 10; ++page) {
        QStringList args{QStringLiteral("songs"),
                         QStringLiteral("--limit"),
                         QStringLiteral("4"),
                         QStringLiteral("--json"),
                         QStringLiteral("--dsn"),
                         m_dsn};
        if (!cursor.isEmpty())
            args << QStringLiteral("--after") << cursor;
        const auto r = TestEnv::runCli(args, cleanEnv());
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QVERIFY2(o.contains(QStringLiteral("next_cursor")), qPrintable(r.out));
        QVERIFY(o.contains(QStringLiteral("prev_cursor")));
        for (const QJsonValue &v : o.value(QStringLiteral("songs")).toArray())
            seen << v.toObject().value(QStringLiteral("name")).toString();
        cursor = o.value(QStringLiteral("next_cursor")).toString();
        if (cursor.isEmpty())
            break;
    }
    QCOMPARE(seen.size(), kHostile.size() + 1);
    for (const QByteArray &h : kHostile)
        QVERIFY2(seen.contains(QString::fromUtf8(h)), h.constData());
}

void tst_CliJson::logLinesParse_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("category"); // at least one line of it
    QTest::newRow("slow statements, 1us")
        << QStringList{"songs", "--search", "Secret", "--set", "gorm.slow_threshold=1us"}
        << "melodee.sql.slow";
    QTest::newRow("server notices")
        << QStringList{"bench",
                       "pool",
                       "--seconds",
                       "0.2",
                       "--workers",
                       "1",
                       "--max-open",
                       "1",
                       "--log-level",
                       "info",
                       "--query",
                       "DO $$BEGIN RAISE NOTICE E'Secret: \"n\"\\nerror: forged password=hunter2';"
                       " END$$"}
        << "melodee.sql.notice";
}

void tst_CliJson::logLinesParse()
{
    QFETCH(QStringList, args);
    QFETCH(QString, category);
    args << QStringLiteral("--json") << QStringLiteral("--log-json") << QStringLiteral("--dsn")
         << m_dsn;
    const auto r = TestEnv::runCli(args, cleanEnv(), 120000);
    QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
    QVERIFY(QJsonDocument::fromJson(r.out.toUtf8()).isObject());
    int matching = 0;
    for (const QString &line : r.err.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        QJsonParseError error;
        const QJsonObject o = QJsonDocument::fromJson(line.toUtf8(), &error).object();
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(line));
        if (o.value(QStringLiteral("category")).toString() == category)
            ++matching;
        QVERIFY2(!line.contains(QLatin1String("hunter2")), qPrintable(line));
    }
    QVERIFY2(matching > 0, qPrintable(r.err));
}

void tst_CliJson::sessionKeysReachTheQueries_data()
{
    // The gorm.* naming keys are read by the command, not just parsed: a table that does not
    // exist under the configured name is what the error names.
    QTest::addColumn<QStringList>("sets");
    QTest::addColumn<QString>("table");
    QTest::newRow("table_prefix") << QStringList{"gorm.table_prefix=other_"} << "other_songs";
    QTest::newRow("singular_table") << QStringList{"gorm.singular_table=true"} << "melodee_song";
}

void tst_CliJson::sessionKeysReachTheQueries()
{
    QFETCH(QStringList, sets);
    QFETCH(QString, table);
    QStringList args{
        QStringLiteral("songs"), QStringLiteral("--json"), QStringLiteral("--dsn"), m_dsn};
    for (const QString &s : std::as_const(sets))
        args << QStringLiteral("--set") << s;
    const auto r = TestEnv::runCli(args, cleanEnv());
    QCOMPARE(r.exitCode, 1);
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(o.value(QStringLiteral("exit_code")).toInt(), 1);
    QVERIFY2(o.value(QStringLiteral("error")).toString().contains(table), qPrintable(r.out));
}

QTEST_GUILESS_MAIN(tst_CliJson)
#include "tst_clijson.moc"
