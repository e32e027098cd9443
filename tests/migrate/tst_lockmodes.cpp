#include <migrate/lockmodes.h>

#include <QTest>

using namespace melodee;

// The lock each kind of statement takes, read from its parse tree, and PostgreSQL's table of
// conflicting lock modes.
class tst_LockModes : public QObject
{
    Q_OBJECT

private slots:
    void statementLocks_data();
    void statementLocks();
    void conflicts_data();
    void conflicts();
    void names();
};

void tst_LockModes::statementLocks_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QString>("relation");
    QTest::addColumn<QString>("mode");
    auto row = [](const char *tag, const char *sql, const char *relation, const char *mode) {
        QTest::newRow(tag) << QString::fromUtf8(sql) << QString::fromUtf8(relation)
                           << QString::fromUtf8(mode);
    };
    row("add column", "ALTER TABLE songs ADD COLUMN x int", "songs", "AccessExclusiveLock");
    row("retype",
        "ALTER TABLE s.songs ALTER COLUMN x TYPE bigint",
        "s.songs",
        "AccessExclusiveLock");
    row("validate", "ALTER TABLE songs VALIDATE CONSTRAINT c", "songs", "ShareUpdateExclusiveLock");
    row("foreign key",
        "ALTER TABLE songs ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES albums (id)",
        "songs",
        "ShareRowExclusiveLock");
    row("foreign key, referenced",
        "ALTER TABLE songs ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES "
        "albums (id)",
        "albums",
        "ShareRowExclusiveLock");
    row("index", "CREATE INDEX i ON songs (a)", "songs", "ShareLock");
    row("index concurrently",
        "CREATE INDEX CONCURRENTLY i ON songs (a)",
        "songs",
        "ShareUpdateExclusiveLock");
    row("attach, parent",
        "ALTER TABLE songs ATTACH PARTITION p FOR VALUES FROM (1) TO (2)",
        "songs",
        "ShareUpdateExclusiveLock");
    row("attach, partition",
        "ALTER TABLE songs ATTACH PARTITION p FOR VALUES FROM (1) TO (2)",
        "p",
        "AccessExclusiveLock");
    row("detach", "ALTER TABLE songs DETACH PARTITION p", "songs", "AccessExclusiveLock");
    row("detach concurrently",
        "ALTER TABLE songs DETACH PARTITION p CONCURRENTLY",
        "songs",
        "ShareUpdateExclusiveLock");
    row("partition of",
        "CREATE TABLE p PARTITION OF songs FOR VALUES FROM (1) TO (2)",
        "songs",
        "AccessExclusiveLock");
    row("drop", "DROP TABLE IF EXISTS old_songs", "old_songs", "AccessExclusiveLock");
    row("truncate", "TRUNCATE songs", "songs", "AccessExclusiveLock");
    row("rename", "ALTER TABLE songs RENAME COLUMN a TO b", "songs", "AccessExclusiveLock");
    row("trigger",
        "CREATE TRIGGER t BEFORE INSERT ON songs FOR EACH ROW EXECUTE FUNCTION f()",
        "songs",
        "ShareRowExclusiveLock");
    row("vacuum full", "VACUUM FULL songs", "songs", "AccessExclusiveLock");
    row("vacuum", "VACUUM songs", "songs", "ShareUpdateExclusiveLock");
    row("refresh", "REFRESH MATERIALIZED VIEW v", "v", "AccessExclusiveLock");
    row("refresh concurrently", "REFRESH MATERIALIZED VIEW CONCURRENTLY v", "v", "ExclusiveLock");
    row("lock", "LOCK TABLE songs IN SHARE MODE", "songs", "ShareLock");
    row("update", "UPDATE songs SET a = 1 WHERE id = 2", "songs", "RowExclusiveLock");
    row("new table", "CREATE TABLE t (a int)", "t", "");
    row("set", "SET lock_timeout = '1s'", "", "");
}

void tst_LockModes::statementLocks()
{
    QFETCH(QString, sql);
    QFETCH(QString, relation);
    QFETCH(QString, mode);
    const SqlParseResult parsed = parseSql(sql);
    QVERIFY2(parsed.error.isEmpty(), qPrintable(parsed.error));
    QString found;
    for (const StatementLock &l : melodee::statementLocks(parsed.statements.first())) {
        if (l.relation.display() == relation)
            found = lockModeName(l.mode);
    }
    QCOMPARE(found, mode);
}

void tst_LockModes::conflicts_data()
{
    QTest::addColumn<int>("a");
    QTest::addColumn<int>("b");
    QTest::addColumn<bool>("conflict");
    QTest::newRow("reads and reads")
        << int(LockMode::AccessShare) << int(LockMode::AccessShare) << false;
    QTest::newRow("reads and ACCESS EXCLUSIVE")
        << int(LockMode::AccessShare) << int(LockMode::AccessExclusive) << true;
    QTest::newRow("writes and SHARE (index build)")
        << int(LockMode::RowExclusive) << int(LockMode::Share) << true;
    QTest::newRow("writes and SHARE UPDATE EXCLUSIVE (concurrent index)")
        << int(LockMode::RowExclusive) << int(LockMode::ShareUpdateExclusive) << false;
    QTest::newRow("two SHARE UPDATE EXCLUSIVE")
        << int(LockMode::ShareUpdateExclusive) << int(LockMode::ShareUpdateExclusive) << true;
    QTest::newRow("SHARE and SHARE") << int(LockMode::Share) << int(LockMode::Share) << false;
    QTest::newRow("ROW SHARE and EXCLUSIVE")
        << int(LockMode::RowShare) << int(LockMode::Exclusive) << true;
    QTest::newRow("none") << int(LockMode::None) << int(LockMode::AccessExclusive) << false;
}

void tst_LockModes::conflicts()
{
    QFETCH(int, a);
    QFETCH(int, b);
    QFETCH(bool, conflict);
    QCOMPARE(lockModesConflict(LockMode(a), LockMode(b)), conflict);
    QCOMPARE(lockModesConflict(LockMode(b), LockMode(a)), conflict); // the table is symmetric
}

void tst_LockModes::names()
{
    for (int m = int(LockMode::AccessShare); m <= int(LockMode::AccessExclusive); ++m)
        QCOMPARE(int(lockModeFromName(lockModeName(LockMode(m)))), m);
    QCOMPARE(lockModeTitle(LockMode::AccessExclusive), QStringLiteral("ACCESS EXCLUSIVE"));
    QCOMPARE(int(lockModeFromName(QStringLiteral("ExclusiveLock "))), int(LockMode::None));
}

QTEST_APPLESS_MAIN(tst_LockModes)
#include "tst_lockmodes.moc"
