#include "migratetest.h"

#include <db/pgconnection.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace melodee;
using namespace melodee::test;

// `melodee migrate --rehearse --json` on a migrated database with songs in it: each statement's
// locks, table rewrites, time, and the sessions it waited for or blocked, measured on a real
// PostgreSQL and rolled back.
class tst_RehearsalTrace : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void rewriteAndLocks();
    void waitsForAReader();
    void blocksAReader();

private:
    // Writes the migrations into a new directory and rehearses them with --json.
    QJsonObject
    rehearse(const QStringList &migrations, const QStringList &extra = {}, int expectedExit = 0);
    static QJsonObject statement(const QJsonObject &doc, int version, int index = 1);

    DatabaseConfig m_db;
    QTemporaryDir m_dir;
    int m_dirs = 0;
};

namespace {

const QString kHostile = QStringLiteral("Secret: \"x\" password=1 \U0001F3B8\n");

QString quoted(QString name)
{
    return QLatin1Char('"') + name.replace(QLatin1Char('"'), QLatin1String("\"\""))
           + QLatin1Char('"');
}

bool hasLock(const QJsonObject &st, const QString &relation, const QString &mode)
{
    for (const QJsonValue &v : st.value(QStringLiteral("locks")).toArray()) {
        const QJsonObject l = v.toObject();
        if (l.value(QStringLiteral("relation")).toString() == relation
            && l.value(QStringLiteral("mode")).toString() == mode)
            return true;
    }
    return false;
}

} // namespace

void tst_RehearsalTrace::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
    m_db = TestEnv::freshDatabase(QStringLiteral("rehearse_trace"));
    auto r = TestEnv::runCli(migrateArgs(m_db));
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    r = TestEnv::runCli({QStringLiteral("demo-data"),
                         QStringLiteral("--dsn"),
                         dsnFor(m_db),
                         QStringLiteral("--songs"),
                         QStringLiteral("20000"),
                         QStringLiteral("--seed"),
                         QStringLiteral("7")},
                        {},
                        300000);
    QVERIFY2(r.exitCode == 0, qPrintable(r.err));
}

QJsonObject tst_RehearsalTrace::rehearse(const QStringList &migrations,
                                         const QStringList &extra,
                                         int expectedExit)
{
    const QString dir = m_dir.filePath(QString::number(++m_dirs));
    QDir().mkpath(dir);
    int version = 100;
    for (const QString &sql : migrations)
        writeFile(QStringLiteral("%1/V%2__step.sql").arg(dir).arg(version++), sql);
    const auto r = TestEnv::runCli(migrateArgs(m_db,
                                               QStringList{QStringLiteral("--rehearse"),
                                                           QStringLiteral("--json"),
                                                           QStringLiteral("--dir"),
                                                           dir}
                                                   + extra),
                                   {},
                                   120000);
    if (r.exitCode != expectedExit)
        qWarning("exit %d\n%s\n%s", r.exitCode, qPrintable(r.out), qPrintable(r.err));
    [&] {
        QCOMPARE(r.exitCode, expectedExit);
    }();
    // One document on standard output, whatever the names and application names hold.
    const QStringList lines = r.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    [&] {
        QCOMPARE(lines.size(), 1);
    }();
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(lines.value(0).toUtf8(), &error);
    [&] {
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(r.out));
    }();
    return doc.object();
}

QJsonObject tst_RehearsalTrace::statement(const QJsonObject &doc, int version, int index)
{
    for (const QJsonValue &v : doc.value(QStringLiteral("statements")).toArray()) {
        const QJsonObject o = v.toObject();
        if (o.value(QStringLiteral("version")).toInt() == version
            && o.value(QStringLiteral("statement")).toInt() == index)
            return o;
    }
    return {};
}

void tst_RehearsalTrace::rewriteAndLocks()
{
    const QJsonObject doc = rehearse(
        {QStringLiteral("ALTER TABLE {{songs}} ADD COLUMN mood text;\n"),
         QStringLiteral("ALTER TABLE {{songs}} ALTER COLUMN track_number TYPE bigint;\n"),
         QStringLiteral("CREATE TABLE %1 (id int);\nALTER TABLE %1 ALTER COLUMN id TYPE bigint;\n")
             .arg(quoted(kHostile))});
    QCOMPARE(doc.value(QStringLiteral("rehearsed")).toInt(), 3);
    QCOMPARE(doc.value(QStringLiteral("rolled_back")).toBool(), true);

    // ADD COLUMN without a default: ACCESS EXCLUSIVE, but no new storage.
    const QJsonObject add = statement(doc, 100);
    QVERIFY2(hasLock(add, QStringLiteral("melodee_songs"), QStringLiteral("AccessExclusiveLock")),
             qPrintable(QJsonDocument(add).toJson()));
    QCOMPARE(add.value(QStringLiteral("rewrite")).toBool(true), false);
    QVERIFY(add.value(QStringLiteral("rewrites")).toArray().isEmpty());
    QVERIFY(add.value(QStringLiteral("ms")).toDouble() > 0);

    // int -> bigint: every partition of songs is written anew, under ACCESS EXCLUSIVE.
    const QJsonObject retype = statement(doc, 101);
    QVERIFY2(
        hasLock(retype, QStringLiteral("melodee_songs"), QStringLiteral("AccessExclusiveLock")),
        qPrintable(QJsonDocument(retype).toJson()));
    QCOMPARE(retype.value(QStringLiteral("strongest_lock")).toString(),
             QStringLiteral("AccessExclusiveLock"));
    QCOMPARE(retype.value(QStringLiteral("rewrite")).toBool(), true);
    const QJsonObject rw = retype.value(QStringLiteral("rewrites")).toArray().first().toObject();
    QCOMPARE(rw.value(QStringLiteral("relation")).toString(), QStringLiteral("melodee_songs"));
    QVERIFY(rw.value(QStringLiteral("partitions")).toInt() >= 2);
    QVERIFY2(rw.value(QStringLiteral("bytes")).toDouble() > 1024 * 1024,
             qPrintable(QJsonDocument(rw).toJson()));

    // A table created by the rehearsal, under a hostile name: rewritten, but new.
    const QJsonObject hostile = statement(doc, 102, 2);
    const QJsonObject hrw = hostile.value(QStringLiteral("rewrites")).toArray().first().toObject();
    QCOMPARE(hrw.value(QStringLiteral("relation")).toString(), kHostile);
    QCOMPARE(hrw.value(QStringLiteral("bytes")).toDouble(), -1.0);

    // Rolled back: no column, the old type, no table.
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT format_type(atttypid, atttypmod) FROM "
                                          "pg_attribute WHERE attrelid = 'melodee_songs'::regclass "
                                          "AND attname IN ('track_number', 'mood')"),
                           m_db.dbname),
             QStringLiteral("integer"));
}

void tst_RehearsalTrace::waitsForAReader()
{
    // A reader with a hostile application name keeps ACCESS SHARE on songs in an open
    // transaction: the rehearsal's ALTER waits lock_timeout, fails, and names the reader.
    DatabaseConfig c = m_db;
    c.applicationName = QStringLiteral("reader \"q\" password=x");
    const auto reader = PgConnection::open(c);
    reader->exec("BEGIN");
    reader->exec("SELECT count(*) FROM melodee_songs");
    const int pid = reader->backendPid();
    const QJsonObject doc = rehearse(
        {QStringLiteral("ALTER TABLE {{songs}} ALTER COLUMN disc_number TYPE bigint;\n")},
        {QStringLiteral("--set"), QStringLiteral("migrate.lock_timeout=1s")},
        1);
    QVERIFY(doc.value(QStringLiteral("error")).toString().contains(QLatin1String("lock timeout")));
    const QJsonObject st = statement(doc, 100);
    QVERIFY(!st.value(QStringLiteral("error")).toString().isEmpty());
    QStringList apps;
    bool found = false;
    for (const QJsonValue &v : st.value(QStringLiteral("waited_for")).toArray()) {
        found |= v.toObject().value(QStringLiteral("pid")).toInt() == pid;
        apps << v.toObject().value(QStringLiteral("application")).toString();
    }
    QVERIFY2(found, qPrintable(QJsonDocument(st).toJson()));
    QVERIFY(apps.contains(QStringLiteral("reader \"q\" password=x")));
    reader->exec("COMMIT");
}

void tst_RehearsalTrace::blocksAReader()
{
    // The first migration takes ACCESS EXCLUSIVE on songs; the second waits until a reader has
    // queued behind the rehearsal (a condition, not a fixed sleep that a loaded machine outruns),
    // and the second statement's trace names it.
    const QString dir = m_dir.filePath(QStringLiteral("blocks"));
    QDir().mkpath(dir);
    writeFile(dir + QStringLiteral("/V100__lock.sql"),
              QStringLiteral("ALTER TABLE {{songs}} ADD COLUMN mood text;\n"));
    writeFile(dir + QStringLiteral("/V101__wait.sql"),
              QStringLiteral("DO $$ BEGIN\n"
                             "  FOR i IN 1..1200 LOOP\n"
                             "    EXIT WHEN EXISTS (SELECT FROM pg_locks WHERE NOT granted\n"
                             "        AND relation = 'melodee_songs'::regclass);\n"
                             "    PERFORM pg_sleep(0.05);\n"
                             "  END LOOP;\n"
                             "END $$;\n"));
    auto cli = startCli(migrateArgs(
        m_db,
        {QStringLiteral("--rehearse"), QStringLiteral("--json"), QStringLiteral("--dir"), dir}));
    // Wait until the rehearsal holds the lock.
    QVERIFY(waitForPsql(QStringLiteral("SELECT count(*) > 0 FROM pg_locks WHERE relation = "
                                       "'melodee_songs'::regclass AND mode = "
                                       "'AccessExclusiveLock' AND granted"),
                        m_db.dbname,
                        QStringLiteral("t"),
                        60000));
    // A reader in another process: it blocks until the rehearsal rolls back.
    QProcess reader;
    reader.start(TestEnv::pgBin() + QStringLiteral("/psql"),
                 {QStringLiteral("-h"),
                  m_db.host,
                  QStringLiteral("-p"),
                  QString::number(m_db.port),
                  QStringLiteral("-U"),
                  QStringLiteral("postgres"),
                  QStringLiteral("-d"),
                  m_db.dbname,
                  QStringLiteral("-c"),
                  QStringLiteral("SELECT count(*) FROM melodee_songs")});
    QVERIFY(reader.waitForStarted());
    QVERIFY(cli->waitForFinished(120000));
    QCOMPARE(cli->exitCode(), 0);
    const QJsonObject doc = QJsonDocument::fromJson(cli->readAllStandardOutput()).object();
    const QJsonArray blocked = statement(doc, 101).value(QStringLiteral("blocking")).toArray();
    QVERIFY2(!blocked.isEmpty(), qPrintable(QJsonDocument(doc).toJson()));
    QCOMPARE(blocked.first().toObject().value(QStringLiteral("relation")).toString(),
             QStringLiteral("melodee_songs"));
    QVERIFY(reader.waitForFinished(60000));
    QCOMPARE(reader.exitCode(), 0);
}

QTEST_GUILESS_MAIN(tst_RehearsalTrace)
#include "tst_rehearsaltrace.moc"
