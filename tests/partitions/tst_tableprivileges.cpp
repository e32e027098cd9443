#include "partitiontest.h"

#include <db/dberror.h>
#include <db/pgconnection.h>
#include <partitions/tableprivileges.h>

using namespace melodee;
using namespace melodee::test;

Q_DECLARE_METATYPE(melodee::TablePrivileges)

// A table made to hold another table's rows gets its owner and privileges: the statements, and
// the catalog after they ran against a real server, for roles with hostile names.
class tst_TablePrivileges : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void statementsFor_data();
    void statementsFor();
    void copiesOwnerAndPrivileges_data();
    void copiesOwnerAndPrivileges();
    void statementsToMatch_data();
    void statementsToMatch();
    void matchesAnExistingTable_data();
    void matchesAnExistingTable();
    void missingTableIsAnError();

private:
    // Creates "src" and "dst" afresh and runs setup with %1, %2 and %3 standing for the owner,
    // reader and writer roles.
    void createTables(const QString &setup) const;

    DatabaseConfig m_db;
    QString m_owner;
    QString m_reader;
    QString m_writer;
};

void tst_TablePrivileges::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
    m_db = TestEnv::freshDatabase(QStringLiteral("privileges"));
    m_owner = createTestRole(QStringLiteral("owner"));
    m_reader = createTestRole(QStringLiteral("reader"));
    m_writer = createTestRole(QStringLiteral("writer"));
}

void tst_TablePrivileges::createTables(const QString &setup) const
{
    TestEnv::psql(QStringLiteral("DROP TABLE IF EXISTS src, dst; CREATE TABLE src (id int); "
                                 "CREATE TABLE dst (id int)"),
                  m_db.dbname);
    if (!setup.isEmpty())
        TestEnv::psql(QString(setup)
                          .replace(QLatin1String("%1"), m_owner)
                          .replace(QLatin1String("%2"), m_reader)
                          .replace(QLatin1String("%3"), m_writer),
                      m_db.dbname);
}

void tst_TablePrivileges::statementsFor_data()
{
    using Grant = TablePrivileges::Grant;
    QTest::addColumn<TablePrivileges>("privileges");
    QTest::addColumn<QStringList>("statements");
    const QString app = QStringLiteral("app");
    const QString postgres = QStringLiteral("postgres");
    QTest::newRow("default privileges, same owner")
        << TablePrivileges{app, app, {}, {}} << QStringList();
    QTest::newRow("another owner") << TablePrivileges{app, postgres, {}, {}}
                                   << QStringList{QStringLiteral("ALTER TABLE t OWNER TO app")};
    QTest::newRow("grants in the ACL's order")
        << TablePrivileges{app,
                           app,
                           {Grant{QStringLiteral("reader"), QStringLiteral("SELECT"), false},
                            Grant{
                                QStringLiteral("PUBLIC"), QStringLiteral("INSERT, UPDATE"), false}},
                           {}}
        << QStringList{QStringLiteral("GRANT SELECT ON TABLE t TO reader"),
                       QStringLiteral("GRANT INSERT, UPDATE ON TABLE t TO PUBLIC")};
    QTest::newRow("grant option") << TablePrivileges{
        app,
        app,
        {Grant{QStringLiteral("reader"), QStringLiteral("SELECT"), true}},
        {}} << QStringList{QStringLiteral("GRANT SELECT ON TABLE t TO reader WITH GRANT OPTION")};
    QTest::newRow("revoked from the owner")
        << TablePrivileges{app, app, {}, QStringLiteral("TRUNCATE, TRIGGER")}
        << QStringList{QStringLiteral("REVOKE TRUNCATE, TRIGGER ON TABLE t FROM app")};
    QTest::newRow("owner first, revoke last")
        << TablePrivileges{QStringLiteral("\"a \"\"b\""),
                           postgres,
                           {Grant{QStringLiteral("\"r'1\""), QStringLiteral("DELETE"), false}},
                           QStringLiteral("SELECT")}
        << QStringList{QStringLiteral("ALTER TABLE t OWNER TO \"a \"\"b\""),
                       QStringLiteral("GRANT DELETE ON TABLE t TO \"r'1\""),
                       QStringLiteral("REVOKE SELECT ON TABLE t FROM \"a \"\"b\"")};
}

void tst_TablePrivileges::statementsFor()
{
    QFETCH(TablePrivileges, privileges);
    QFETCH(QStringList, statements);
    QCOMPARE(privileges.statementsFor(QStringLiteral("t")), statements);
}

void tst_TablePrivileges::copiesOwnerAndPrivileges_data()
{
    // %1 owner, %2 reader, %3 writer; run on the source table "src".
    QTest::addColumn<QString>("setup");
    QTest::addColumn<QString>("expectedInAcl"); // a role the copied ACL must name ("" for none)
    QTest::newRow("default privileges") << QString() << QString();
    QTest::newRow("another owner") << QStringLiteral("ALTER TABLE src OWNER TO %1") << QString();
    QTest::newRow("grants, grant option, PUBLIC, revoked from the owner")
        << QStringLiteral("ALTER TABLE src OWNER TO %1; GRANT SELECT ON src TO %2 WITH GRANT "
                          "OPTION; GRANT INSERT, UPDATE ON src TO PUBLIC; GRANT DELETE ON src "
                          "TO %3; GRANT SELECT ON src TO %3; REVOKE TRUNCATE ON src FROM %1")
        << QStringLiteral("reader");
    QTest::newRow("everything revoked from the owner")
        << QStringLiteral("ALTER TABLE src OWNER TO %1; REVOKE ALL ON src FROM %1") << QString();
    QTest::newRow("grants only, owner kept")
        << QStringLiteral("GRANT SELECT ON src TO %2; GRANT REFERENCES ON src TO %3")
        << QStringLiteral("writer");
}

void tst_TablePrivileges::copiesOwnerAndPrivileges()
{
    QFETCH(QString, setup);
    QFETCH(QString, expectedInAcl);
    createTables(setup);
    const QString source = ownerAndPrivileges(QStringLiteral("src"), m_db);
    if (!expectedInAcl.isEmpty())
        QVERIFY2(source.contains(expectedInAcl), qPrintable(source));
    auto conn = PgConnection::open(m_db);
    const TablePrivileges privileges
        = TablePrivileges::read(*conn, QStringLiteral("src"), {QStringLiteral("test"), {}});
    // Twice: every statement can run again with the same result.
    for (int round = 0; round < 2; ++round) {
        for (const QString &sql : privileges.statementsFor(QStringLiteral("dst")))
            conn->exec(sql.toUtf8());
        QCOMPARE(ownerAndPrivileges(QStringLiteral("dst"), m_db), source);
    }
}

void tst_TablePrivileges::statementsToMatch_data()
{
    using Grant = TablePrivileges::Grant;
    QTest::addColumn<TablePrivileges>("wanted");
    QTest::addColumn<TablePrivileges>("current");
    QTest::addColumn<QStringList>("statements");
    const QString app = QStringLiteral("app");
    const Grant read{QStringLiteral("reader"), QStringLiteral("SELECT"), false};
    const Grant write{QStringLiteral("writer"), QStringLiteral("INSERT"), false};
    QTest::newRow("the same, grants in another order")
        << TablePrivileges{app, {}, {read, write}, {}}
        << TablePrivileges{app, {}, {write, read}, {}} << QStringList();
    QTest::newRow("another owner") << TablePrivileges{app, {}, {}, {}}
                                   << TablePrivileges{QStringLiteral("postgres"), {}, {}, {}}
                                   << QStringList{QStringLiteral("ALTER TABLE t OWNER TO app")};
    QTest::newRow("a grant too many, one missing")
        << TablePrivileges{app, {}, {read}, {}} << TablePrivileges{app, {}, {write}, {}}
        << QStringList{QStringLiteral("REVOKE ALL ON TABLE t FROM writer CASCADE"),
                       QStringLiteral("GRANT SELECT ON TABLE t TO reader")};
    QTest::newRow("the owner lacks something here, not there")
        << TablePrivileges{app, {}, {}, {}}
        << TablePrivileges{app, {}, {}, QStringLiteral("TRUNCATE")}
        << QStringList{QStringLiteral("GRANT TRUNCATE ON TABLE t TO app")};
    QTest::newRow("one grantee, two entries, revoked once")
        << TablePrivileges{app, {}, {}, QStringLiteral("DELETE")}
        << TablePrivileges{app,
                           {},
                           {read, Grant{QStringLiteral("reader"), QStringLiteral("INSERT"), true}},
                           {}}
        << QStringList{QStringLiteral("REVOKE ALL ON TABLE t FROM reader CASCADE"),
                       QStringLiteral("REVOKE DELETE ON TABLE t FROM app")};
}

void tst_TablePrivileges::statementsToMatch()
{
    QFETCH(TablePrivileges, wanted);
    QFETCH(TablePrivileges, current);
    QFETCH(QStringList, statements);
    QCOMPARE(wanted.statementsToMatch(current, QStringLiteral("t")), statements);
}

void tst_TablePrivileges::matchesAnExistingTable_data()
{
    // %1 owner, %2 reader, %3 writer. "src" is to be matched; "dst" differs as the row says.
    QTest::addColumn<QString>("setup");
    QTest::newRow("another owner, grants of its own")
        << QStringLiteral("ALTER TABLE src OWNER TO %1; GRANT SELECT ON src TO %2;"
                          "GRANT INSERT ON dst TO %3; GRANT SELECT ON dst TO PUBLIC");
    QTest::newRow("a grant made by a grantee, and the owner lacking something")
        << QStringLiteral("GRANT SELECT ON src TO %3; ALTER TABLE dst OWNER TO %1;"
                          "GRANT SELECT ON dst TO %2 WITH GRANT OPTION;"
                          "SET ROLE %2; GRANT SELECT ON dst TO %3; RESET ROLE;"
                          "REVOKE TRIGGER ON dst FROM %1");
}

void tst_TablePrivileges::matchesAnExistingTable()
{
    QFETCH(QString, setup);
    createTables(setup);
    const QString source = ownerAndPrivileges(QStringLiteral("src"), m_db);
    QVERIFY(ownerAndPrivileges(QStringLiteral("dst"), m_db) != source);
    auto conn = PgConnection::open(m_db);
    const OpContext ctx{QStringLiteral("test"), {}};
    const TablePrivileges wanted = TablePrivileges::read(*conn, QStringLiteral("src"), ctx);
    const QStringList statements = wanted.statementsToMatch(
        TablePrivileges::read(*conn, QStringLiteral("dst"), ctx), QStringLiteral("dst"));
    for (const QString &sql : statements)
        conn->exec(sql.toUtf8());
    QCOMPARE(ownerAndPrivileges(QStringLiteral("dst"), m_db), source);
    // Nothing is left to do.
    QCOMPARE(wanted.statementsToMatch(TablePrivileges::read(*conn, QStringLiteral("dst"), ctx),
                                      QStringLiteral("dst")),
             QStringList());
}

void tst_TablePrivileges::missingTableIsAnError()
{
    auto conn = PgConnection::open(m_db);
    try {
        TablePrivileges::read(*conn, QStringLiteral("no_such_table"), {QStringLiteral("test"), {}});
        QFAIL("read() of a missing table did not throw");
    } catch (const DbError &e) {
        QVERIFY2(e.message().contains(QLatin1String("no_such_table")), qPrintable(e.message()));
    }
}

QTEST_GUILESS_MAIN(tst_TablePrivileges)
#include "tst_tableprivileges.moc"
