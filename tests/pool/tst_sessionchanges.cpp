// sessionChangesOf() and sessionResetSql(): which statements make the pool reset a session, and
// with what.
#include <db/sessionchanges.h>

#include <QTest>

using namespace melodee;

class tst_SessionChanges : public QObject
{
    Q_OBJECT

private slots:
    void changes_data()
    {
        QTest::addColumn<QByteArray>("sql");
        QTest::addColumn<int>("changes");
        QTest::newRow("SELECT 1") << QByteArray("SELECT 1") << 0;
        QTest::newRow("words that contain temp")
            << QByteArray("SELECT attempt, template FROM t") << 0;
        QTest::newRow("insert") << QByteArray("insert into songs (title) values ($1)") << 0;
        QTest::newRow("CTE") << QByteArray("WITH x AS (SELECT 1) SELECT * FROM x") << 0;
        QTest::newRow("transaction") << QByteArray("BEGIN ISOLATION LEVEL SERIALIZABLE") << 0;
        QTest::newRow("transaction-scoped lock")
            << QByteArray("SELECT pg_advisory_xact_lock(1)") << 0;
        QTest::newRow("unlock") << QByteArray("SELECT pg_advisory_unlock(1, 2)") << 0;
        QTest::newRow("parenthesised") << QByteArray("(SELECT 1) UNION (SELECT 2)") << 0;
        QTest::newRow("leading comments")
            << QByteArray("-- a note; with SET\n/* x /* y */ z; */ SELECT 1") << 0;
        QTest::newRow("trailing semicolons") << QByteArray("SELECT 1; ;\n") << 0;
        QTest::newRow("empty") << QByteArray("") << 0;
        QTest::newRow("CREATE FUNCTION ... SET is local")
            << QByteArray("CREATE FUNCTION f() RETURNS int SET work_mem = '1MB' AS 'SELECT 1' "
                          "LANGUAGE sql")
            << 0;

        QTest::newRow("SET") << QByteArray("SET statement_timeout = 0") << int(SessionSettings);
        QTest::newRow("set lower case")
            << QByteArray("  set search_path = x") << int(SessionSettings);
        QTest::newRow("RESET") << QByteArray("RESET work_mem") << int(SessionSettings);
        QTest::newRow("set_config")
            << QByteArray("SELECT pg_catalog.SET_CONFIG('a', 'b', false)") << int(SessionSettings);
        QTest::newRow("quoted set_config")
            << QByteArray("SELECT \"set_config\"('a', 'b', false)") << int(SessionSettings);
        QTest::newRow("LISTEN") << QByteArray("LISTEN channel") << int(SessionListen);
        QTest::newRow("advisory lock")
            << QByteArray("SELECT pg_advisory_lock(1)") << int(SessionAdvisoryLocks);
        QTest::newRow("try shared")
            << QByteArray("SELECT pg_try_advisory_lock_shared(1, 2)") << int(SessionAdvisoryLocks);
        QTest::newRow("temp table")
            << QByteArray("CREATE TEMP TABLE t (x int)") << int(SessionTempObjects);
        QTest::newRow("temporary view")
            << QByteArray("create temporary view v as select 1") << int(SessionTempObjects);
        QTest::newRow("into temp") << QByteArray("SELECT 1 INTO TEMP t") << int(SessionTempObjects);
        QTest::newRow("pg_temp schema")
            << QByteArray("CREATE TABLE pg_temp.t (x int)") << int(SessionTempObjects);
        QTest::newRow("two statements") << QByteArray("SELECT 1; SELECT 2") << int(SessionOther);
        QTest::newRow("a SET behind a SELECT")
            << QByteArray("SELECT 1;SET work_mem = '1GB'") << int(SessionOther);
        QTest::newRow("DO") << QByteArray("DO $$BEGIN NULL; END$$") << int(SessionOther);
        QTest::newRow("CALL") << QByteArray("CALL p()") << int(SessionOther);
        QTest::newRow("DECLARE") << QByteArray("DECLARE c CURSOR WITH HOLD FOR SELECT 1")
                                 << int(SessionOther);
        QTest::newRow("PREPARE") << QByteArray("PREPARE p AS SELECT 1") << int(SessionOther);
        QTest::newRow("LOAD") << QByteArray("LOAD 'auto_explain'") << int(SessionOther);
        QTest::newRow("starts with a quote") << QByteArray("\"select\"") << int(SessionOther);
        QTest::newRow("hidden after a nested comment")
            << QByteArray("/* /* */ SELECT */ SET x = 1") << int(SessionSettings);
        QTest::newRow("several kinds")
            << QByteArray("SELECT pg_advisory_lock(1), set_config('a', 'b', false) FROM temp_t")
            << int(SessionAdvisoryLocks | SessionSettings);
        QTest::newRow("invalid UTF-8 and emoji")
            << QByteArray("SELECT '\xff\xfe 🎵 temp'") << int(SessionTempObjects);
    }
    void changes()
    {
        QFETCH(QByteArray, sql);
        QFETCH(int, changes);
        QCOMPARE(sessionChangesOf(sql), changes);
    }

    void settings_data()
    {
        QTest::addColumn<QByteArray>("sql");
        QTest::addColumn<bool>("known");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QByteArray>("name");
        QTest::newRow("SET") << QByteArray("SET work_mem = '1MB'") << true
                             << int(SessionSetting::Set) << QByteArray("work_mem");
        QTest::newRow("SET TO, upper case")
            << QByteArray("set Plan_Cache_Mode TO force_generic_plan") << true
            << int(SessionSetting::Set) << QByteArray("plan_cache_mode");
        QTest::newRow("SET SESSION") << QByteArray("SET SESSION statement_timeout = 0") << true
                                     << int(SessionSetting::Set) << QByteArray("statement_timeout");
        QTest::newRow("custom setting") << QByteArray("SET myapp.tenant = '7'") << true
                                        << int(SessionSetting::Set) << QByteArray("myapp.tenant");
        QTest::newRow("RESET") << QByteArray("RESET plan_cache_mode") << true
                               << int(SessionSetting::Reset) << QByteArray("plan_cache_mode");
        QTest::newRow("RESET ALL")
            << QByteArray("RESET ALL") << true << int(SessionSetting::Reset) << QByteArray("all");
        QTest::newRow("SESSION AUTHORIZATION pairs up")
            << QByteArray("RESET SESSION AUTHORIZATION") << true << int(SessionSetting::Reset)
            << QByteArray("authorization");
        QTest::newRow("SET LOCAL") << QByteArray("SET LOCAL work_mem = '1MB'") << true
                                   << int(SessionSetting::TransactionOnly) << QByteArray("local");
        QTest::newRow("SET TRANSACTION")
            << QByteArray("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE") << true
            << int(SessionSetting::TransactionOnly) << QByteArray("transaction");
        QTest::newRow("quoted name")
            << QByteArray("SET \"work_mem\" = '1MB'") << false << 0 << QByteArray();
        QTest::newRow("not a SET")
            << QByteArray("SELECT set_config('a', 'b', false)") << false << 0 << QByteArray();
        QTest::newRow("bare SET") << QByteArray("SET") << false << 0 << QByteArray();
    }
    void settings()
    {
        QFETCH(QByteArray, sql);
        QFETCH(bool, known);
        QFETCH(int, kind);
        QFETCH(QByteArray, name);
        const auto setting = sessionSettingOf(sql);
        QCOMPARE(setting.has_value(), known);
        if (setting) {
            QCOMPARE(int(setting->kind), kind);
            QCOMPARE(setting->name, name);
        }
    }

    void resetStatements_data()
    {
        QTest::addColumn<int>("changes");
        QTest::addColumn<QByteArray>("sql");
        QTest::newRow("settings") << int(SessionSettings)
                                  << QByteArray("SET SESSION AUTHORIZATION DEFAULT; RESET ALL");
        QTest::newRow("listen") << int(SessionListen) << QByteArray("UNLISTEN *");
        QTest::newRow("locks") << int(SessionAdvisoryLocks)
                               << QByteArray("SELECT pg_advisory_unlock_all()");
        QTest::newRow("temp") << int(SessionTempObjects) << QByteArray("DISCARD TEMP");
        QTest::newRow("two kinds")
            << int(SessionListen | SessionTempObjects) << QByteArray("UNLISTEN *; DISCARD TEMP");
        QTest::newRow("anything else: all but the prepared statements")
            << int(SessionOther)
            << QByteArray("CLOSE ALL; SET SESSION AUTHORIZATION DEFAULT; RESET ALL; UNLISTEN *; "
                          "SELECT pg_advisory_unlock_all(); DISCARD TEMP; DISCARD SEQUENCES");
    }
    void resetStatements()
    {
        QFETCH(int, changes);
        QFETCH(QByteArray, sql);
        QCOMPARE(sessionResetSql(changes), sql);
        QVERIFY(!sessionResetSql(changes).contains("DEALLOCATE"));
    }
};

QTEST_GUILESS_MAIN(tst_SessionChanges)
#include "tst_sessionchanges.moc"
