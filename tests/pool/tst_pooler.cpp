#include "config/configloader.h"
#include "db/databasemanager.h"
#include "db/dberror.h"
#include "db/pgconnection.h"
#include "db/pooler.h"
#include "health/healthchecker.h"
#include "health/partitioncheck.h"
#include "libraryschema.h"
#include "pool/connectionpool.h"
#include "pool/statementpipeline.h"
#include "songs/songservice.h"
#include "testenv.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <functional>
#include <mutex>
#include <thread>

using namespace melodee;
using namespace melodee::test;

// Everything that talks to the database through a real PgBouncer 1.18 in transaction pooling
// mode (database.pooler = pgbouncer-transaction): pool, song browser, counts, search, health and
// the pool benchmark; migrations refused without database.direct_dsn and done with it, followed
// by RECONNECT on the admin console.
class tst_Pooler : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void namedStatementsCollideWithoutPoolerMode();
    void poolRunsConcurrentStatementsUnnamed();
    void pipelinesRunConcurrentStatementsUnnamed();
    void migrationIsRefusedWithoutDirectDsn_data();
    void migrationIsRefusedWithoutDirectDsn();
    void migrationWithDirectDsnAppliesAndReconnects();
    void reconnectAdvice();
    void songsThroughTheBouncer();
    void healthThroughTheBouncer();
    void benchThroughTheBouncer_data();
    void benchThroughTheBouncer();

private:
    // Through PgBouncer to dbname as the fixture's SCRAM role.
    DatabaseConfig bouncer(const QString &dbname,
                           Pooler pooler = Pooler::PgBouncerTransaction) const;
    QString directDsn() const;
    QString bouncerDsn(const QString &dbname) const;
    QProcessEnvironment cliEnv() const;

    QTemporaryDir m_home;
    DatabaseConfig m_library; // a migrated library database on the server
};

DatabaseConfig tst_Pooler::bouncer(const QString &dbname, Pooler pooler) const
{
    DatabaseConfig c;
    c.host = QStringLiteral("127.0.0.1");
    c.port = TestEnv::pgbouncerPort();
    c.user = TestEnv::pgbouncerUser();
    c.password = TestEnv::pgbouncerPassword();
    c.dbname = dbname;
    c.sslmode = QStringLiteral("disable");
    c.pooler = pooler;
    c.maxOpenConns = 8;
    c.maxIdleConns = 8;
    return c;
}

QString tst_Pooler::directDsn() const
{
    return QStringLiteral("host=127.0.0.1 port=%1 sslmode=disable").arg(TestEnv::pgPort());
}

QString tst_Pooler::bouncerDsn(const QString &dbname) const
{
    return QStringLiteral("host=127.0.0.1 port=%1 user=%2 dbname=%3 sslmode=disable")
        .arg(TestEnv::pgbouncerPort())
        .arg(TestEnv::pgbouncerUser(), dbname);
}

QProcessEnvironment tst_Pooler::cliEnv() const
{
    // The password in the environment, not in argv; it applies to every DSN without one.
    QProcessEnvironment env = TestEnv::isolatedEnv(m_home.path());
    env.insert(QStringLiteral("MELODEE_DATABASE_PASSWORD"), TestEnv::pgbouncerPassword());
    env.insert(QStringLiteral("MELODEE_DATABASE_POOLER"), QStringLiteral("pgbouncer-transaction"));
    return env;
}

void tst_Pooler::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
    MELODEE_REQUIRE_PGBOUNCER();
    QVERIFY(m_home.isValid());
    m_library = createLibraryDatabase(QStringLiteral("bouncer_lib"), months(Month{2025, 1}, 1));
    TestEnv::psql(
        QStringLiteral("INSERT INTO melodee_artists (id, name, name_normalized) VALUES "
                       "(1, 'The Artist', 'the artist');"
                       "INSERT INTO melodee_albums (id, name, name_normalized, artist_id, "
                       "created_at) VALUES (1, 'An Album', 'an album', 1, '2025-01-01');"
                       "INSERT INTO melodee_songs (id, name, name_normalized, artist_id, album_id, "
                       "created_at) SELECT g, 'Tune ' || g, 'tune ' || g, 1, 1, "
                       "timestamptz '2025-01-02 00:00:00+00' + g * interval '1 minute' "
                       "FROM generate_series(1, 300) g; ANALYZE"),
        m_library.dbname);
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT count(*) FROM melodee_songs"), m_library.dbname),
             QStringLiteral("300"));
}

// The control: named statements through PgBouncer 1.18 (no prepared-statement tracking) meet
// another client's on the same server session. PgBouncer reuses the server connection released
// last, so two clients taking turns share one.
void tst_Pooler::namedStatementsCollideWithoutPoolerMode()
{
    const DatabaseConfig c = bouncer(QStringLiteral("postgres"), Pooler::None);
    auto a = PgConnection::open(c);
    auto b = PgConnection::open(c);
    QVERIFY(a->usePreparedStatements());
    QStringList states;
    for (int i = 0; i < 10 && states.isEmpty(); ++i) {
        for (PgConnection *conn : {a.get(), b.get()}) {
            try {
                conn->execCached("SELECT $1::int + " + QByteArray::number(i), {QByteArray("1")});
            } catch (const DbError &e) {
                states << e.sqlState();
            }
        }
    }
    QVERIFY2(states.contains(QStringLiteral("42P05")) || states.contains(QStringLiteral("26000")),
             qPrintable(states.join(u',')));
}

namespace {

struct ProductsRun
{
    int right = 0;
    int wrong = 0; // a wrong answer or an error
    QString firstError;
};

// 8 threads run 100 statements each, `SELECT $1::int * k` for k = 0..4, through `run(thread,
// sql, param)`, and count the right answers.
ProductsRun
runProducts(const std::function<PgResult(int, const QByteArray &, const QByteArray &)> &run)
{
    std::atomic<int> right{0};
    std::atomic<int> wrong{0};
    ProductsRun result;
    std::mutex mutex;
    std::vector<std::jthread> workers;
    for (int t = 0; t < 8; ++t) {
        workers.emplace_back([&, t] {
            for (int i = 0; i < 100; ++i) {
                try {
                    const PgResult r = run(
                        t, "SELECT $1::int * " + QByteArray::number(i % 5), QByteArray::number(t));
                    ++(r.text(0, 0).toInt() == t * (i % 5) ? right : wrong);
                } catch (const DbError &e) {
                    std::lock_guard lock(mutex);
                    if (result.firstError.isEmpty())
                        result.firstError = e.toString();
                    ++wrong;
                }
            }
        });
    }
    workers.clear();
    result.right = right.load();
    result.wrong = wrong.load();
    return result;
}

} // namespace

// In pooler mode the same statements run unnamed, from many threads at once, without an error,
// and whatever the session config asks, no statement is prepared.
void tst_Pooler::poolRunsConcurrentStatementsUnnamed()
{
    SessionConfig session;
    session.prepareStmt = true;
    ConnectionPool pool(bouncer(QStringLiteral("postgres")), session);
    std::atomic<int> prepared{0};
    const ProductsRun r = runProducts([&](int, const QByteArray &sql, const QByteArray &param) {
        return pool.withConnection(
            [&](PgConnection &conn) {
                prepared += conn.preparedCount() + (conn.usePreparedStatements() ? 1 : 0);
                return conn.execCached(sql, {param});
            },
            RetryPolicy::read());
    });
    QVERIFY2(r.wrong == 0, qPrintable(r.firstError));
    QCOMPARE(r.right, 800);
    QCOMPARE(prepared.load(), 0);
}

// Two clients' statement pipelines, each over its own pool, through the same PgBouncer: with
// named statements one client's Parse would meet the other's name on a shared server session.
void tst_Pooler::pipelinesRunConcurrentStatementsUnnamed()
{
    SessionConfig session;
    session.prepareStmt = true;
    ConnectionPool poolA(bouncer(QStringLiteral("postgres")), session);
    ConnectionPool poolB(bouncer(QStringLiteral("postgres")), session);
    StatementPipeline a(poolA, 4);
    StatementPipeline b(poolB, 4);
    const ProductsRun r
        = runProducts([&](int thread, const QByteArray &sql, const QByteArray &param) {
              return (thread % 2 ? a : b).query(sql, {param});
          });
    QVERIFY2(r.wrong == 0, qPrintable(r.firstError));
    QCOMPARE(r.right, 800);
}

void tst_Pooler::migrationIsRefusedWithoutDirectDsn_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::newRow("migrate") << QStringList{QStringLiteral("migrate")};
    QTest::newRow("migrate --json")
        << QStringList{QStringLiteral("--json"), QStringLiteral("migrate")};
    QTest::newRow("partitions maintain") << QStringList{
        QStringLiteral("partitions"), QStringLiteral("maintain"), QStringLiteral("--yes")};
}

// A session advisory lock through a transaction pooler would protect nothing: refused, naming the
// key to set, before anything is written.
void tst_Pooler::migrationIsRefusedWithoutDirectDsn()
{
    QFETCH(QStringList, args);
    const DatabaseConfig db = TestEnv::freshDatabase(QStringLiteral("bouncer_refused"));
    const TestEnv::CliResult r = TestEnv::runCli(
        args + QStringList{QStringLiteral("--dsn"), bouncerDsn(db.dbname)}, cliEnv());
    QCOMPARE(r.exitCode, 3);
    const QString text = args.contains(QStringLiteral("--json")) ? r.out : r.err;
    QVERIFY2(text.contains(QStringLiteral("database.direct_dsn"))
                 && text.contains(QStringLiteral("transaction pooler")),
             qPrintable(text));
    if (args.contains(QStringLiteral("--json"))) {
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(r.out.toUtf8(), &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        QCOMPARE(doc.object().value(QStringLiteral("exit_code")).toInt(), 3);
    }
    QVERIFY(!r.out.contains(TestEnv::pgbouncerPassword()));
    QVERIFY(!r.err.contains(TestEnv::pgbouncerPassword()));
    // Nothing was created.
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT count(*) FROM pg_tables WHERE schemaname = "
                                          "'public'"),
                           db.dbname),
             QStringLiteral("0"));
    // The same rule in the core, for the GUI's workflows.
    DatabaseConfig config = bouncer(db.dbname);
    QVERIFY_THROWS_EXCEPTION(ConfigError,
                             directSessionConfig(config, QStringLiteral("partition maintenance")));
    config.directDsn = directDsn();
    const DatabaseConfig direct = directSessionConfig(config, QStringLiteral("migrations"));
    QCOMPARE(direct.routeDsn, directDsn());
    QCOMPARE(direct.pooler, Pooler::None);
}

void tst_Pooler::migrationWithDirectDsnAppliesAndReconnects()
{
    const DatabaseConfig db = TestEnv::freshDatabase(QStringLiteral("bouncer_migrate"));
    const QString admin = QStringLiteral("host=127.0.0.1 port=%1 dbname=pgbouncer sslmode=disable")
                              .arg(TestEnv::pgbouncerPort());
    const TestEnv::CliResult r
        = TestEnv::runCli({QStringLiteral("migrate"),
                           QStringLiteral("--dsn"),
                           bouncerDsn(db.dbname),
                           QStringLiteral("--set"),
                           QStringLiteral("database.direct_dsn=") + directDsn(),
                           QStringLiteral("--set"),
                           QStringLiteral("database.pooler_admin_dsn=") + admin},
                          cliEnv());
    QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
    QVERIFY2(r.out.contains(QStringLiteral("sent RECONNECT to PgBouncer")), qPrintable(r.out));
    QVERIFY(TestEnv::psql(QStringLiteral("SELECT count(*) FROM pg_tables WHERE tablename = "
                                         "'melodee_migrations' OR tablename LIKE 'melodee_song%'"),
                          db.dbname)
                .toInt()
            >= 2);
    // The migrations ran on the server itself: the history names the direct session's user.
    const TestEnv::CliResult status
        = TestEnv::runCli({QStringLiteral("migrate"),
                           QStringLiteral("status"),
                           QStringLiteral("--json"),
                           QStringLiteral("--dsn"),
                           bouncerDsn(db.dbname),
                           QStringLiteral("--set"),
                           QStringLiteral("database.direct_dsn=") + directDsn()},
                          cliEnv());
    QVERIFY2(status.exitCode == 0, qPrintable(status.err + status.out));
}

void tst_Pooler::reconnectAdvice()
{
    DatabaseConfig c = bouncer(QStringLiteral("postgres"));
    QVERIFY(!reconnectPoolerAfterSchemaChange(DatabaseConfig()));
    const auto advice = reconnectPoolerAfterSchemaChange(c);
    QVERIFY(advice && advice->contains(QStringLiteral("run RECONNECT")));
    // A console that refuses is reported, not thrown: the migration itself succeeded.
    c.poolerAdminDsn = QStringLiteral("host=127.0.0.1 port=%1 dbname=pgbouncer user=nobody_here "
                                      "sslmode=disable")
                           .arg(TestEnv::pgbouncerPort());
    const auto failed = reconnectPoolerAfterSchemaChange(c);
    QVERIFY2(failed && failed->contains(QStringLiteral("failed")),
             qPrintable(failed.value_or(QString())));
}

// Pages, search, counts and by-id reads through the bouncer, with session state left behind in
// no server session.
void tst_Pooler::songsThroughTheBouncer()
{
    SessionConfig session;
    session.prepareStmt = true;
    auto pool = std::make_shared<ConnectionPool>(bouncer(m_library.dbname), session);
    const SongService service(pool, session);
    PageRequest req;
    req.limit = 70;
    QList<qint64> ids;
    for (int i = 0; i < 10; ++i) {
        const SongPage p = service.page(req).result();
        for (const Song &s : p.songs)
            ids << s.id;
        if (p.nextCursor.isEmpty())
            break;
        req.anchor = PageAnchor::After;
        req.key = SongCursor::decode(p.nextCursor).key;
    }
    QCOMPARE(ids.size(), 300);
    QCOMPARE(ids.last(), 300);
    PageRequest search;
    search.sort = SongSort::Name;
    search.filter.search = QStringLiteral("tune 29");
    QCOMPARE(service.page(search).result().songs.size(), 11); // 29, 290..299
    QCOMPARE(service.count({}, true).result().value, 300);
    SongFilter filter;
    filter.search = QStringLiteral("tune 2");
    const SongCount c = service.browseCount(filter, 4000).result();
    QVERIFY(c.exact);
    QCOMPARE(c.value, 111);
    QCOMPARE(service.songById(42).result()->name, QStringLiteral("Tune 42"));
    QCOMPARE(service.pageAtFraction(SongSort::Id, {}, 1.0, 10).result().songs.last().id, 300);
    // Nothing the browser did stayed in a server session another client would get.
    auto probe = PgConnection::open(bouncer(m_library.dbname));
    for (int i = 0; i < 8; ++i)
        QCOMPARE(probe->exec("SHOW plan_cache_mode").text(0, 0), QStringLiteral("auto"));
}

void tst_Pooler::healthThroughTheBouncer()
{
    ConnectionPool pool(bouncer(m_library.dbname), SessionConfig());
    HealthChecker checker(pool, std::chrono::seconds(5));
    addPartitionCheck(checker, SessionConfig());
    const HealthReport report = checker.check();
    QVERIFY2(report.status != HealthStatus::Unhealthy, qPrintable(report.message));
    const ServerInfo info
        = DatabaseManager::probe(bouncer(m_library.dbname), std::chrono::seconds(5));
    QVERIFY(info.latencyMs > 0);
    DatabaseManager manager(AppConfig{bouncer(m_library.dbname), {}, {}, {}});
    manager.connect();
    for (int i = 0; i < 3; ++i)
        QVERIFY(manager.ping() > 0);
    // The health check's statement_timeout stayed inside its transaction.
    auto probe = PgConnection::open(bouncer(m_library.dbname));
    for (int i = 0; i < 8; ++i)
        QCOMPARE(probe->exec("SHOW statement_timeout").text(0, 0), QStringLiteral("0"));

    const TestEnv::CliResult r = TestEnv::runCli({QStringLiteral("health"),
                                                  QStringLiteral("--json"),
                                                  QStringLiteral("--dsn"),
                                                  bouncerDsn(m_library.dbname)},
                                                 cliEnv());
    QJsonParseError error;
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8(), &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QVERIFY2(o.value(QStringLiteral("status")).toString() != QLatin1String("unhealthy"),
             qPrintable(r.out));
}

void tst_Pooler::benchThroughTheBouncer_data()
{
    QTest::addColumn<QString>("path");
    QTest::newRow("lease") << QStringLiteral("lease");
    QTest::newRow("pipeline") << QStringLiteral("pipeline");
}

void tst_Pooler::benchThroughTheBouncer()
{
    QFETCH(QString, path);
    QStringList args{QStringLiteral("bench"),
                     QStringLiteral("pool"),
                     QStringLiteral("--workers"),
                     QStringLiteral("8"),
                     QStringLiteral("--max-open"),
                     QStringLiteral("4"),
                     QStringLiteral("--seconds"),
                     QStringLiteral("1"),
                     QStringLiteral("--json"),
                     QStringLiteral("--dsn"),
                     bouncerDsn(QStringLiteral("postgres"))};
    if (path == QLatin1String("pipeline"))
        args << QStringLiteral("--pipeline");
    const TestEnv::CliResult r = TestEnv::runCli(args, cliEnv());
    QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(o.value(QStringLiteral("path")).toString(), path);
    QVERIFY2(o.value(QStringLiteral("ops")).toDouble() > 100, qPrintable(r.out));
    QCOMPARE(o.value(QStringLiteral("errors")).toDouble(), 0.0);
}

QTEST_GUILESS_MAIN(tst_Pooler)
#include "tst_pooler.moc"
