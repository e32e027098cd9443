#include "sleeper.h"
#include "testenv.h"

#include <activity/serveractivity.h>
#include <pool/connectionpool.h>

#include <QTest>
#include <QUuid>

#include <climits>
#include <optional>

using namespace melodee;
using namespace melodee::test;
using namespace std::chrono_literals;

namespace {

QString uniqueName(const char *prefix)
{
    return QLatin1String(prefix) + QUuid::createUuid().toString(QUuid::Id128).left(10);
}

std::optional<ServerSession> find(const ActivitySnapshot &s, int pid)
{
    for (const ServerSession &x : s.sessions)
        if (x.pid == pid)
            return x;
    return std::nullopt;
}

// pg_stat_activity shows a new query a moment after it was sent: wait (QTRY) for it to run.
bool isSleeping(const ServerActivity &activity, int pid)
{
    const auto s = find(activity.snapshot(ServerActivity::Scope::AllDatabases), pid);
    return s && s->state == QLatin1String("active") && s->waitEvent == QLatin1String("PgSleep");
}

// The session as the admin sees it in the list: pid and backend start.
BackendKey keyOf(const ServerActivity &activity, int pid)
{
    const auto s = find(activity.snapshot(ServerActivity::Scope::AllDatabases), pid);
    return s ? BackendKey::of(*s) : BackendKey{pid, 0};
}

BackendKey keyOf(PgConnection &conn)
{
    const auto s = find(ServerActivity::snapshot(conn, ServerActivity::Scope::AllDatabases),
                        conn.backendPid());
    return s ? BackendKey::of(*s) : BackendKey{};
}

const char *const kLowRole = "activity_low";
const char *const kLowPassword = "low-Pw 1";

} // namespace

class tst_ServerActivity : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void snapshotSeesOtherSession();
    void snapshotMarksOurs();
    void scopeHidesOtherDatabases();
    void cancelEndsQueryWith57014();
    void cancelIdleSessionDoesNothing();
    void terminateEndsSession();
    void terminateOwnIdleConnectionClosesIt();
    void terminateSelfOnHeldConnectionIsRefused();
    void reusedPidIsNotSignalled_data();
    void reusedPidIsNotSignalled();
    void badPids_data();
    void badPids();
    void backgroundProcessIsRefused_data();
    void backgroundProcessIsRefused();
    void permissionDenied();

private:
    DatabaseConfig m_db;
};

void tst_ServerActivity::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
    m_db = TestEnv::freshDatabase(QStringLiteral("activity"));
}

void tst_ServerActivity::snapshotSeesOtherSession()
{
    ConnectionPool pool(m_db, {});
    ServerActivity activity(pool);
    const QString app = uniqueName("tst-sleeper-");
    Sleeper sleeper(m_db, app);
    QTRY_VERIFY_WITH_TIMEOUT(isSleeping(activity, sleeper.pid()), 30000);

    const ActivitySnapshot snap = activity.snapshot();
    QCOMPARE(snap.database, m_db.dbname);
    QCOMPARE(snap.user, QStringLiteral("postgres"));
    QVERIFY(snap.serverNow.isValid());
    QVERIFY(std::is_sorted(
        snap.sessions.begin(),
        snap.sessions.end(),
        [](const ServerSession &a, const ServerSession &b) { return a.pid < b.pid; }));
    const auto s = find(snap, sleeper.pid());
    QVERIFY(s);
    QCOMPARE(s->application, app);
    QCOMPARE(s->state, QStringLiteral("active"));
    QCOMPARE(s->waitEventType, QStringLiteral("Timeout"));
    QCOMPARE(s->waitEvent, QStringLiteral("PgSleep"));
    QCOMPARE(s->backendType, QStringLiteral("client backend"));
    QCOMPARE(s->database, m_db.dbname);
    QCOMPARE(s->user, QStringLiteral("postgres"));
    QCOMPARE(s->clientAddr, QStringLiteral("127.0.0.1"));
    QVERIFY(s->query.contains(QLatin1String("pg_sleep(30)")));
    QVERIFY(s->queryStart.isValid() && s->xactStart.isValid() && s->backendStart.isValid());
    QVERIFY(s->queryStart <= snap.serverNow);
    QVERIFY(s->backendStart <= s->queryStart);
    QVERIFY(!s->ours);
    QVERIFY(!s->self);
}

void tst_ServerActivity::snapshotMarksOurs()
{
    DatabaseConfig db = m_db;
    db.applicationName = uniqueName("tst-ours-");
    ConnectionPool pool(db, {});
    ServerActivity activity(pool);
    // A second pooled connection, held, is ours but not the one that reads the snapshot.
    PooledConnection held = pool.acquire();
    const int heldPid = held->backendPid();
    Sleeper stranger(m_db, uniqueName("tst-stranger-"));
    // Another client with the same application name, role and database (another melodee-admin
    // on the same profile): not one of this process's connections.
    auto twin = PgConnection::open(db);

    const ActivitySnapshot snap = activity.snapshot();
    QCOMPARE(snap.applicationName, db.applicationName);
    QVERIFY(snap.selfPid != heldPid);
    const auto self = find(snap, snap.selfPid);
    QVERIFY(self);
    QVERIFY(self->self && self->ours);
    QCOMPARE(self->state, QStringLiteral("active")); // it runs the snapshot query
    const auto other = find(snap, heldPid);
    QVERIFY(other);
    QVERIFY(other->ours);
    QVERIFY(!other->self);
    QCOMPARE(other->state, QStringLiteral("idle"));
    const auto s = find(snap, stranger.pid());
    QVERIFY(s);
    QVERIFY(!s->ours);
    const auto t = find(snap, twin->backendPid());
    QVERIFY(t);
    QCOMPARE(t->application, db.applicationName);
    QVERIFY(!t->ours);
    int ours = 0;
    for (const ServerSession &x : snap.sessions)
        ours += x.ours ? 1 : 0;
    QCOMPARE(ours, 2);
}

void tst_ServerActivity::scopeHidesOtherDatabases()
{
    ConnectionPool pool(m_db, {});
    ServerActivity activity(pool);
    Sleeper elsewhere(TestEnv::superuser(), uniqueName("tst-elsewhere-"));
    QTRY_VERIFY_WITH_TIMEOUT(isSleeping(activity, elsewhere.pid()), 30000);

    const ActivitySnapshot mine = activity.snapshot(ServerActivity::Scope::CurrentDatabase);
    QVERIFY(!mine.allDatabases);
    QVERIFY(!find(mine, elsewhere.pid()));
    for (const ServerSession &x : mine.sessions)
        QCOMPARE(x.database, m_db.dbname);
    // The sleeper plus the server's background processes: said, not silently dropped.
    QVERIFY2(mine.hiddenCount >= 2, qPrintable(QString::number(mine.hiddenCount)));

    const ActivitySnapshot all = activity.snapshot(ServerActivity::Scope::AllDatabases);
    QVERIFY(all.allDatabases);
    QCOMPARE(all.hiddenCount, 0);
    const auto s = find(all, elsewhere.pid());
    QVERIFY(s);
    QCOMPARE(s->database, QStringLiteral("postgres"));
    bool checkpointer = false;
    for (const ServerSession &x : all.sessions)
        checkpointer |= x.backendType == QLatin1String("checkpointer") && x.database.isEmpty();
    QVERIFY(checkpointer);
    // Nothing disappears between the two scopes.
    QVERIFY(all.sessions.size() >= mine.sessions.size() + mine.hiddenCount - 1);
}

void tst_ServerActivity::cancelEndsQueryWith57014()
{
    ConnectionPool pool(m_db, {});
    ServerActivity activity(pool);
    Sleeper sleeper(m_db, uniqueName("tst-cancel-"));
    QTRY_VERIFY_WITH_TIMEOUT(isSleeping(activity, sleeper.pid()), 30000);

    const BackendSignalResult r = activity.cancel(keyOf(activity, sleeper.pid()));
    QCOMPARE(r.outcome, BackendSignalResult::Outcome::Signalled);
    QCOMPARE(r.pid, sleeper.pid());
    QCOMPARE(r.stateBefore, QStringLiteral("active"));
    QTRY_VERIFY_WITH_TIMEOUT(sleeper.done(), 10000);
    QCOMPARE(sleeper.sqlState(), QStringLiteral("57014"));
    QVERIFY(!sleeper.broken());
    // Cancel ends the query, not the session: it is still there, idle.
    QTRY_VERIFY_WITH_TIMEOUT(find(activity.snapshot(), sleeper.pid())
                                 && find(activity.snapshot(), sleeper.pid())->state
                                        == QLatin1String("idle"),
                             5000);
}

void tst_ServerActivity::cancelIdleSessionDoesNothing()
{
    ConnectionPool pool(m_db, {});
    ServerActivity activity(pool);
    DatabaseConfig db = m_db;
    db.applicationName = uniqueName("tst-idle-");
    auto idle = PgConnection::open(db);
    const BackendSignalResult r = activity.cancel(keyOf(activity, idle->backendPid()));
    QCOMPARE(r.outcome, BackendSignalResult::Outcome::NothingToCancel);
    QCOMPARE(r.stateBefore, QStringLiteral("idle"));
    QCOMPARE(r.application, db.applicationName);
    // The session is unharmed.
    QCOMPARE(idle->exec("SELECT 1").text(0, 0), QStringLiteral("1"));

    // Cancelling the connection that asks cancels nothing (not even the asking statement).
    PooledConnection lease = pool.acquire();
    const BackendSignalResult own = ServerActivity::cancel(*lease, keyOf(*lease));
    QCOMPARE(own.outcome, BackendSignalResult::Outcome::NothingToCancel);
}

void tst_ServerActivity::terminateEndsSession()
{
    ConnectionPool pool(m_db, {});
    ServerActivity activity(pool);
    Sleeper sleeper(m_db, uniqueName("tst-terminate-"));
    QTRY_VERIFY_WITH_TIMEOUT(isSleeping(activity, sleeper.pid()), 30000);

    const BackendKey key = keyOf(activity, sleeper.pid());
    const BackendSignalResult r = activity.terminate(key);
    QCOMPARE(r.outcome, BackendSignalResult::Outcome::Signalled);
    QCOMPARE(r.stateBefore, QStringLiteral("active"));
    // terminate waits for the exit, so the very next snapshot no longer has it.
    QVERIFY(!find(activity.snapshot(), sleeper.pid()));
    QTRY_VERIFY_WITH_TIMEOUT(sleeper.done(), 10000);
    QVERIFY2(sleeper.broken(), qPrintable(sleeper.sqlState()));

    // A second terminate of the same pid says it is gone.
    try {
        activity.terminate(key);
        QFAIL("terminating a gone pid succeeded");
    } catch (const DbError &e) {
        QCOMPARE(e.sqlState(), QString::fromLatin1(DbError::kNotFound));
        QVERIFY2(e.toString().contains(
                     QStringLiteral("no server session with pid %1").arg(sleeper.pid())),
                 qPrintable(e.toString()));
    }
}

void tst_ServerActivity::terminateOwnIdleConnectionClosesIt()
{
    DatabaseConfig db = m_db;
    db.maxOpenConns = 1; // the pool can only lend the connection we terminate
    ConnectionPool pool(db, {});
    ServerActivity activity(pool);
    const ActivitySnapshot before = activity.snapshot();
    const int ownPid = before.selfPid;
    QVERIFY(ownPid > 0);

    const BackendSignalResult r = activity.terminate(BackendKey::of(*find(before, ownPid)));
    QCOMPARE(r.outcome, BackendSignalResult::Outcome::ClosedOwnConnection);
    QCOMPARE(r.pid, ownPid);
    QCOMPARE(pool.stats().openConnections, 0);

    const ActivitySnapshot after = activity.snapshot();
    QVERIFY(after.selfPid != ownPid);
    QTRY_VERIFY_WITH_TIMEOUT(!find(activity.snapshot(), ownPid), 5000);
}

void tst_ServerActivity::terminateSelfOnHeldConnectionIsRefused()
{
    auto conn = PgConnection::open(m_db);
    try {
        ServerActivity::terminate(*conn, keyOf(*conn));
        QFAIL("a connection terminated itself");
    } catch (const DbError &e) {
        QCOMPARE(e.sqlState(), QStringLiteral("55000"));
        QCOMPARE(e.operation(), QStringLiteral("terminate backend"));
    }
    QCOMPARE(conn->exec("SELECT 1").text(0, 0), QStringLiteral("1"));
}

// The admin picked a session that has since ended and the server gave its pid to a new one:
// the backend start no longer matches, so nothing is sent to the new session.
void tst_ServerActivity::reusedPidIsNotSignalled_data()
{
    QTest::addColumn<bool>("terminate");
    QTest::addColumn<qint64>("offsetUs");
    QTest::newRow("cancel, 1 µs earlier") << false << qint64(-1);
    QTest::newRow("terminate, 1 µs earlier") << true << qint64(-1);
    QTest::newRow("terminate, a day earlier") << true << qint64(-86400) * 1000000;
    QTest::newRow("terminate, later") << true << qint64(1);
}

void tst_ServerActivity::reusedPidIsNotSignalled()
{
    QFETCH(bool, terminate);
    QFETCH(qint64, offsetUs);
    ConnectionPool pool(m_db, {});
    ServerActivity activity(pool);
    Sleeper newcomer(m_db, uniqueName("tst-newcomer-"));
    QTRY_VERIFY_WITH_TIMEOUT(isSleeping(activity, newcomer.pid()), 30000);
    BackendKey earlier = keyOf(activity, newcomer.pid());
    QVERIFY(earlier.backendStartUs > 0);
    earlier.backendStartUs += offsetUs;
    try {
        if (terminate)
            activity.terminate(earlier);
        else
            activity.cancel(earlier);
        QFAIL("a session with a reused pid was signalled");
    } catch (const DbError &e) {
        QCOMPARE(e.sqlState(), QString::fromLatin1(DbError::kNotFound));
        QVERIFY2(e.toString().contains(
                     QStringLiteral("the session with pid %1 has ended").arg(newcomer.pid())),
                 qPrintable(e.toString()));
    }
    // The newcomer still sleeps: neither cancelled nor terminated.
    QVERIFY(!newcomer.done());
    QVERIFY(isSleeping(activity, newcomer.pid()));
}

void tst_ServerActivity::badPids_data()
{
    QTest::addColumn<bool>("terminate");
    QTest::addColumn<int>("pid");
    QTest::addColumn<qint64>("backendStartUs");
    QTest::addColumn<QString>("sqlState");
    QTest::addColumn<QString>("message");

    const QString gone = QStringLiteral("no server session with pid 2147483647");
    const qint64 start = 1700000000000000;
    for (const bool terminate : {false, true}) {
        const char *op = terminate ? "terminate " : "cancel ";
        QTest::addRow("%szero", op) << terminate << 0 << start << "22023"
                                    << "invalid pid 0";
        QTest::addRow("%snegative", op) << terminate << -42 << start << "22023"
                                        << "invalid pid -42";
        QTest::addRow("%sint min", op) << terminate << INT_MIN << start << "22023"
                                       << QStringLiteral("invalid pid %1").arg(INT_MIN);
        QTest::addRow("%sno backend start", op) << terminate << 4711 << qint64(0) << "22023"
                                                << "pid 4711 without its backend start";
        QTest::addRow("%snegative backend start", op) << terminate << 4711 << qint64(-1) << "22023"
                                                      << "pid 4711 without its backend start";
        QTest::addRow("%snonexistent", op) << terminate << INT_MAX << start << "P0002" << gone;
    }
}

void tst_ServerActivity::badPids()
{
    QFETCH(bool, terminate);
    QFETCH(int, pid);
    QFETCH(qint64, backendStartUs);
    QFETCH(QString, sqlState);
    QFETCH(QString, message);
    ConnectionPool pool(m_db, {});
    ServerActivity activity(pool);
    try {
        if (terminate)
            activity.terminate({pid, backendStartUs});
        else
            activity.cancel({pid, backendStartUs});
        QFAIL("no error");
    } catch (const DbError &e) {
        QCOMPARE(e.sqlState(), sqlState);
        QVERIFY2(e.toString().contains(message), qPrintable(e.toString()));
        QCOMPARE(e.operation(),
                 terminate ? QStringLiteral("terminate backend")
                           : QStringLiteral("cancel backend"));
    }
}

void tst_ServerActivity::backgroundProcessIsRefused_data()
{
    QTest::addColumn<bool>("terminate");
    QTest::newRow("cancel") << false;
    // pg_terminate_backend(pid, 5000) answers false at once: not a timeout ("still running").
    QTest::newRow("terminate") << true;
}

void tst_ServerActivity::backgroundProcessIsRefused()
{
    QFETCH(bool, terminate);
    ConnectionPool pool(m_db, {});
    ServerActivity activity(pool);
    int checkpointer = 0;
    for (const ServerSession &x : activity.snapshot(ServerActivity::Scope::AllDatabases).sessions)
        if (x.backendType == QLatin1String("checkpointer"))
            checkpointer = x.pid;
    QVERIFY(checkpointer > 0);
    try {
        if (terminate)
            activity.terminate(keyOf(activity, checkpointer));
        else
            activity.cancel(keyOf(activity, checkpointer));
        QFAIL("the checkpointer was signalled");
    } catch (const DbError &e) {
        QCOMPARE(e.sqlState(), QStringLiteral("55000"));
        QVERIFY2(e.toString().contains(QLatin1String("(checkpointer)")), qPrintable(e.toString()));
    }
}

void tst_ServerActivity::permissionDenied()
{
    TestEnv::psql(QStringLiteral("DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = "
                                 "'%1') THEN CREATE ROLE %1 LOGIN; END IF; END$$")
                      .arg(QLatin1String(kLowRole)));
    TestEnv::psql(
        QStringLiteral("SET password_encryption = 'scram-sha-256'; ALTER ROLE %1 PASSWORD '%2'")
            .arg(QLatin1String(kLowRole), QLatin1String(kLowPassword)));
    DatabaseConfig low = m_db;
    low.user = QString::fromLatin1(kLowRole);
    low.password = QString::fromLatin1(kLowPassword);
    ConnectionPool lowPool(low, {});
    ServerActivity lowActivity(lowPool);

    ConnectionPool pool(m_db, {});
    ServerActivity activity(pool);
    const QString app = uniqueName("tst-super-");
    Sleeper sleeper(m_db, app);
    QTRY_VERIFY_WITH_TIMEOUT(isSleeping(activity, sleeper.pid()), 30000);

    // Another role's session: the row is visible, the query text and backend start are not.
    const auto hidden = find(lowActivity.snapshot(), sleeper.pid());
    QVERIFY(hidden);
    QCOMPARE(hidden->application, app);
    QVERIFY(!hidden->query.contains(QLatin1String("pg_sleep")));
    QCOMPARE(hidden->backendStartUs, qint64(0));
    // Without the start the session cannot be told from a later one with its pid: refused.
    for (const bool terminate : {false, true}) {
        try {
            if (terminate)
                lowActivity.terminate(BackendKey::of(*hidden));
            else
                lowActivity.cancel(BackendKey::of(*hidden));
            QFAIL("a session was signalled by pid alone");
        } catch (const DbError &e) {
            QCOMPARE(e.sqlState(), QStringLiteral("22023"));
            QVERIFY2(e.toString().contains(QLatin1String("pg_read_all_stats")),
                     qPrintable(e.toString()));
        }
    }

    // With pg_read_all_stats it sees the start, and the server refuses the signal itself.
    TestEnv::psql(QStringLiteral("GRANT pg_read_all_stats TO %1").arg(QLatin1String(kLowRole)));
    ConnectionPool statsPool(low, {});
    ServerActivity statsActivity(statsPool);
    struct Revoke
    {
        ~Revoke()
        {
            TestEnv::psql(
                QStringLiteral("REVOKE pg_read_all_stats FROM %1").arg(QLatin1String(kLowRole)));
        }
    } revoke;
    const auto seen = find(statsActivity.snapshot(), sleeper.pid());
    QVERIFY(seen);
    QVERIFY(seen->backendStartUs > 0);
    for (const bool terminate : {false, true}) {
        try {
            if (terminate)
                statsActivity.terminate(BackendKey::of(*seen));
            else
                statsActivity.cancel(BackendKey::of(*seen));
            QFAIL("a non-superuser signalled a superuser's session");
        } catch (const DbError &e) {
            QCOMPARE(e.sqlState(), QStringLiteral("42501"));
            const QString text = e.toString();
            QVERIFY2(text.contains(QStringLiteral("permission denied to %1 pid %2")
                                       .arg(terminate ? QStringLiteral("terminate")
                                                      : QStringLiteral("cancel"))
                                       .arg(sleeper.pid())),
                     qPrintable(text));
            QVERIFY2(text.contains(app), qPrintable(text));
            QVERIFY(!e.detail().isEmpty()); // the server's own words
            QVERIFY(!text.contains(QLatin1String(kLowPassword)));
        }
    }
    QVERIFY(!sleeper.done());
}

QTEST_GUILESS_MAIN(tst_ServerActivity)
#include "tst_serveractivity.moc"
