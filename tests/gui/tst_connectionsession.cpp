#include "testenv.h"

#include <db/pgconnection.h>
#include <pool/connectionpool.h>
#include <session/connectionsession.h>

#include <QSignalSpy>
#include <QTest>

#include <vector>

using namespace melodee;
using melodee::test::TestEnv;
using namespace std::chrono_literals;

// ConnectionSession: each connection its pool opens caches the plans of the first song pages of
// the schema the database holds (ours, melodee-next's tracks): of the recognised schema, and
// before it is recognised of the songs table the database has; none on a database that holds
// neither.
class tst_ConnectionSession : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void warmsTheRecognisedLayout_data();
    void warmsTheRecognisedLayout();
    void connectionsBeforeTheAnswerWarmTheTablePresent_data();
    void connectionsBeforeTheAnswerWarmTheTablePresent();

private:
    static AppConfig configFor(const QString &database);
    // Connects session to database ("next", "ours" or "empty") and waits for the schema's answer.
    static bool connectAndWait(ConnectionSession &session, const QString &database);
    static QString preparedStatements(PgConnection &conn);
};

void tst_ConnectionSession::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
}

void tst_ConnectionSession::warmsTheRecognisedLayout_data()
{
    QTest::addColumn<QString>("database"); // "next", "ours" or "empty"
    QTest::addColumn<QString>("table");    // the table the warmed statements read, or empty
    QTest::newRow("melodee-next") << QStringLiteral("next") << QStringLiteral("\"tracks\"");
    QTest::newRow("ours") << QStringLiteral("ours") << QStringLiteral("\"melodee_songs\"");
    QTest::newRow("neither") << QStringLiteral("empty") << QString();
}

void tst_ConnectionSession::warmsTheRecognisedLayout()
{
    QFETCH(QString, database);
    QFETCH(QString, table);
    ConnectionSession session;
    QVERIFY(connectAndWait(session, database));
    QVERIFY2(session.schemaError().isEmpty(), qPrintable(session.schemaError()));

    // Connections opened before the answer may have warmed our layout (or failed to): hold every
    // lease at once until the pool has opened one after it, and read what that one prepared.
    const std::shared_ptr<ConnectionPool> pool = session.pool();
    const QSet<int> before = [&] {
        QSet<int> pids;
        std::vector<PooledConnection> leases;
        for (int i = 0; i < 2; ++i) {
            leases.push_back(pool->acquire(10s));
            pids << leases.back()->backendPid();
        }
        return pids;
    }();
    std::vector<PooledConnection> leases;
    PgConnection *fresh = nullptr;
    for (int i = 0; i < 3 && !fresh; ++i) {
        leases.push_back(pool->acquire(10s));
        if (!before.contains(leases.back()->backendPid()))
            fresh = &*leases.back();
    }
    QVERIFY(fresh);
    const QString statements = preparedStatements(*fresh);
    if (table.isEmpty()) {
        QVERIFY2(!statements.contains(QLatin1String("melodee_songs"))
                     && !statements.contains(QLatin1String("\"tracks\"")),
                 qPrintable(statements));
    } else {
        QVERIFY2(statements.contains(QStringLiteral("FROM ") + table), qPrintable(statements));
        // Only index-backed orders are warmed: on melodee-next's tracks the id order alone, since
        // a first page in another order sorts the whole table.
        for (const char *order :
             {"ORDER BY s.name_normalized", "ORDER BY s.artist_id", "ORDER BY s.created_at"})
            QVERIFY2(statements.contains(QLatin1String(order))
                         != (database == QLatin1String("next")),
                     qPrintable(statements));
        QVERIFY2(!statements.contains(QLatin1String(
                     database == QLatin1String("next") ? "melodee_songs" : "\"tracks\"")),
                 qPrintable(statements));
    }
}

AppConfig tst_ConnectionSession::configFor(const QString &database)
{
    AppConfig config;
    config.redis.enabled = false;
    config.session.prepareStmt = true;
    if (database == QLatin1String("next")) {
        config.database = TestEnv::melodeeNextDatabase(QStringLiteral("session_next"));
    } else {
        config.database = TestEnv::freshDatabase(QStringLiteral("session_") + database);
        if (database == QLatin1String("ours"))
            TestEnv::migrate(config);
    }
    return config;
}

bool tst_ConnectionSession::connectAndWait(ConnectionSession &session, const QString &database)
{
    QSignalSpy detected(&session, &ConnectionSession::schemaChanged);
    session.connectTo(configFor(database));
    return QTest::qWaitFor([&] { return detected.count() == 1; }, 20000);
}

QString tst_ConnectionSession::preparedStatements(PgConnection &conn)
{
    return conn
        .exec("SELECT coalesce(string_agg(statement, E'\\n'), '') FROM "
              "pg_prepared_statements")
        .text(0, 0);
}

void tst_ConnectionSession::connectionsBeforeTheAnswerWarmTheTablePresent_data()
{
    warmsTheRecognisedLayout_data();
}

// The first connections open before the schema is recognised (the recognition itself runs on
// one). They warm up the songs table the database has, so the first pages on melodee-next do
// not wait for the planner on them either.
void tst_ConnectionSession::connectionsBeforeTheAnswerWarmTheTablePresent()
{
    QFETCH(QString, database);
    QFETCH(QString, table);
    ConnectionSession session;
    QVERIFY(connectAndWait(session, database));
    const std::shared_ptr<ConnectionPool> pool = session.pool();
    const int open = pool->stats().openConnections;
    QVERIFY(open >= 1);
    // As many leases as connections were open at the answer: idle ones are handed out first, so
    // these are they, unless the health check holds one at that moment (then a new one opens,
    // which must have warmed up the same table).
    std::vector<PooledConnection> leases;
    for (int i = 0; i < open; ++i)
        leases.push_back(pool->acquire(10s));
    for (PooledConnection &lease : leases) {
        const QString statements = preparedStatements(*lease);
        if (table.isEmpty())
            QVERIFY2(statements.isEmpty(), qPrintable(statements));
        else
            QVERIFY2(statements.contains(QStringLiteral("FROM ") + table), qPrintable(statements));
    }
}

QTEST_MAIN(tst_ConnectionSession)
#include "tst_connectionsession.moc"
