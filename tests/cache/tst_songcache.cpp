#include "cache/cachedsongrepository.h"
#include "cache/songcache.h"
#include "db/dberror.h"
#include "db/pgconnection.h"
#include "libraryschema.h"
#include "testenv.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QTcpServer>
#include <QTest>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace melodee;
using namespace melodee::test;

namespace {

int freePort()
{
    QTcpServer s;
    s.listen(QHostAddress::LocalHost, 0);
    return s.serverPort();
}

QString redisCli(int port, const QStringList &args)
{
    QProcess p;
    p.start(QStringLiteral("redis-cli"),
            QStringList{QStringLiteral("-h"),
                        QStringLiteral("127.0.0.1"),
                        QStringLiteral("-p"),
                        QString::number(port)}
                + args);
    p.waitForFinished(10000);
    return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
}

// A redis-server of this test's own, so killing it leaves the shared fixture alone.
class PrivateRedis
{
public:
    explicit PrivateRedis(int port)
        : m_port(port)
    {}
    ~PrivateRedis() { stop(); }
    bool start()
    {
        m_proc.start(QStringLiteral("redis-server"),
                     {QStringLiteral("--bind"),
                      QStringLiteral("127.0.0.1"),
                      QStringLiteral("--port"),
                      QString::number(m_port),
                      QStringLiteral("--save"),
                      QString(),
                      QStringLiteral("--appendonly"),
                      QStringLiteral("no")});
        for (int i = 0; i < 100; ++i) {
            if (redisCli(m_port, {QStringLiteral("ping")}) == QLatin1String("PONG"))
                return true;
            QTest::qWait(50);
        }
        return false;
    }
    void kill()
    {
        m_proc.kill(); // SIGKILL: no goodbye to the clients
        m_proc.waitForFinished(5000);
    }
    void stop()
    {
        if (m_proc.state() != QProcess::NotRunning)
            kill();
    }

private:
    int m_port;
    QProcess m_proc;
};

} // namespace

class tst_SongCache : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void hitMissAndFormat();
    void prefixAndTtl();
    void corruptValueIgnored_data();
    void corruptValueIgnored();
    void invalidateOnWrite();
    void dryRunKeepsCache();
    void redisKilledMidTest();
    void silentServerDoesNotStall();
    void disabled();

private:
    RedisConfig redisConfig(int port) const;

    DatabaseConfig m_db;
    std::unique_ptr<PgConnection> m_conn;
    SongRepository m_repo{SessionConfig()};
};

RedisConfig tst_SongCache::redisConfig(int port) const
{
    RedisConfig c;
    c.address = QStringLiteral("127.0.0.1:%1").arg(port);
    c.keyPrefix = QStringLiteral("tst:%1:song:").arg(QCoreApplication::applicationPid());
    return c;
}

void tst_SongCache::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
    MELODEE_REQUIRE_REDIS();
    m_db = createLibraryDatabase(QStringLiteral("cache"), months(Month{2025, 1}, 2));
    TestEnv::psql(QStringLiteral(
                      "INSERT INTO melodee_songs (id, name, name_normalized, duration, created_at) "
                      "SELECT g, 'Song ' || g, 'song ' || g, 1000 * g, "
                      "'2025-01-01 00:00:00+00'::timestamptz + g * interval '1 hour' "
                      "FROM generate_series(1, 100) g"),
                  m_db.dbname);
    m_conn = PgConnection::open(m_db);
}

void tst_SongCache::hitMissAndFormat()
{
    SongCache cache(redisConfig(TestEnv::redisPort()));
    CachedSongRepository repo(m_repo, cache);
    const auto first = repo.songById(*m_conn, 7);
    QVERIFY(first);
    QCOMPARE(cache.stats().misses, 1);
    QCOMPARE(cache.stats().hits, 0);
    const auto second = repo.songById(*m_conn, 7);
    QVERIFY(second);
    QVERIFY(*second == *first);
    QCOMPARE(cache.stats().hits, 1);
    QCOMPARE(cache.stats().errors, 0);
    QVERIFY(cache.stats().connected);
    // The stored value is the song's JSON under <prefix><id>, with the 1 h default TTL.
    const QString stored = redisCli(TestEnv::redisPort(), {QStringLiteral("GET"), cache.key(7)});
    QVERIFY2(stored.contains(QLatin1String("\"name\":\"Song 7\"")), qPrintable(stored));
    const int ttl = redisCli(TestEnv::redisPort(), {QStringLiteral("TTL"), cache.key(7)}).toInt();
    QVERIFY2(ttl > 3500 && ttl <= 3600, qPrintable(QString::number(ttl)));
}

void tst_SongCache::prefixAndTtl()
{
    RedisConfig c = redisConfig(TestEnv::redisPort());
    c.keyPrefix = QStringLiteral("custom-%1-").arg(QCoreApplication::applicationPid());
    c.ttl = std::chrono::seconds(5);
    SongCache cache(c);
    CachedSongRepository repo(m_repo, cache);
    repo.songById(*m_conn, 8);
    QCOMPARE(cache.key(8), c.keyPrefix + QStringLiteral("8"));
    const int ttl = redisCli(TestEnv::redisPort(), {QStringLiteral("TTL"), cache.key(8)}).toInt();
    QVERIFY2(ttl > 0 && ttl <= 5, qPrintable(QString::number(ttl)));
}

void tst_SongCache::corruptValueIgnored_data()
{
    QTest::addColumn<QString>("value");
    QTest::newRow("not json") << QStringLiteral("not json at all");
    QTest::newRow("json array") << QStringLiteral("[1,2]");
    QTest::newRow("missing fields") << QStringLiteral("{\"id\":9}");
    QTest::newRow("wrong id") << QStringLiteral(
        "{\"id\":10,\"name\":\"x\",\"play_count\":0,\"created_at\":\"2025-01-01T00:00:00Z\"}");
    QTest::newRow("truncated") << QStringLiteral("{\"id\":9,\"name\":\"So");
}

void tst_SongCache::corruptValueIgnored()
{
    QFETCH(QString, value);
    SongCache cache(redisConfig(TestEnv::redisPort()));
    CachedSongRepository repo(m_repo, cache);
    redisCli(TestEnv::redisPort(), {QStringLiteral("SET"), cache.key(9), value});
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("corrupt cached value")));
    const auto song = repo.songById(*m_conn, 9);
    QVERIFY(song);
    QCOMPARE(song->name, QStringLiteral("Song 9"));
    QCOMPARE(cache.stats().corrupt, 1);
    // The database row replaced the bad value.
    SongCache::Lookup how{};
    QVERIFY(cache.get(9, &how));
    QCOMPARE(how, SongCache::Lookup::Hit);
}

void tst_SongCache::invalidateOnWrite()
{
    SongCache cache(redisConfig(TestEnv::redisPort()));
    CachedSongRepository repo(m_repo, cache);
    QCOMPARE(repo.songById(*m_conn, 11)->name, QStringLiteral("Song 11"));
    QCOMPARE(repo.renameSong(*m_conn, 11, QStringLiteral("Renamed Éleven")), 1);
    QCOMPARE(redisCli(TestEnv::redisPort(), {QStringLiteral("EXISTS"), cache.key(11)}),
             QStringLiteral("0"));
    const auto renamed = repo.songById(*m_conn, 11);
    QCOMPARE(renamed->name, QStringLiteral("Renamed Éleven"));
    QCOMPARE(renamed->nameNormalized, QStringLiteral("renamed eleven"));
    QVERIFY(cache.get(11)); // cached again
    QCOMPARE(repo.deleteSong(*m_conn, 11), 1);
    QCOMPARE(redisCli(TestEnv::redisPort(), {QStringLiteral("EXISTS"), cache.key(11)}),
             QStringLiteral("0"));
    try {
        repo.songById(*m_conn, 11);
        QFAIL("deleted song still served");
    } catch (const DbError &e) {
        QVERIFY(e.isNotFound());
    }
}

void tst_SongCache::dryRunKeepsCache()
{
    SessionConfig dry;
    dry.dryRun = true;
    SongRepository dryRepo(dry);
    SongCache cache(redisConfig(TestEnv::redisPort()));
    CachedSongRepository repo(dryRepo, cache);
    repo.songById(*m_conn, 12);
    QCOMPARE(repo.deleteSong(*m_conn, 12), 0);
    QCOMPARE(redisCli(TestEnv::redisPort(), {QStringLiteral("EXISTS"), cache.key(12)}),
             QStringLiteral("1"));
    QCOMPARE(dryRepo.recorded().size(), 1);
}

void tst_SongCache::redisKilledMidTest()
{
    const int port = freePort();
    PrivateRedis redis(port);
    QVERIFY(redis.start());
    SongCache cache(redisConfig(port), std::chrono::milliseconds(300));
    CachedSongRepository repo(m_repo, cache);
    repo.songById(*m_conn, 20);
    repo.songById(*m_conn, 20);
    QCOMPARE(cache.stats().hits, 1);

    redis.kill();
    // Reads keep working from the database, with exactly one warning and no stall.
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("unavailable")));
    QElapsedTimer t;
    t.start();
    for (int i = 0; i < 50; ++i) {
        const auto s = repo.songById(*m_conn, 21 + i % 10);
        QVERIFY(s);
        QCOMPARE(s->id, 21 + i % 10);
    }
    QVERIFY2(t.elapsed() < 2000, qPrintable(QString::number(t.elapsed())));
    QVERIFY(cache.stats().errors > 0);
    QVERIFY(!cache.stats().connected);
    const qint64 hitsBefore = cache.stats().hits;

    // Back on the same port: the cache reconnects by itself after the retry interval.
    QVERIFY(redis.start());
    QTest::qWait(400);
    repo.songById(*m_conn, 30); // reconnects, misses, stores
    QTRY_VERIFY_WITH_TIMEOUT(cache.stats().connected, 3000);
    repo.songById(*m_conn, 30);
    QCOMPARE(cache.stats().hits, hitsBefore + 1);
}

void tst_SongCache::silentServerDoesNotStall()
{
    // Accepts TCP connections (the kernel completes the handshake) but never answers.
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    QVERIFY(fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    QVERIFY(::bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0);
    QVERIFY(::listen(fd, 16) == 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&addr), &len);
    RedisConfig c = redisConfig(ntohs(addr.sin_port));
    c.connectTimeout = std::chrono::milliseconds(200);
    SongCache cache(c, std::chrono::milliseconds(5000));
    CachedSongRepository repo(m_repo, cache);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("unavailable")));
    QElapsedTimer t;
    t.start();
    for (int i = 0; i < 20; ++i)
        QVERIFY(repo.songById(*m_conn, 40));
    // One timed-out GET (~200 ms); the rest skip Redis until the retry interval passes.
    QVERIFY2(t.elapsed() < 1500, qPrintable(QString::number(t.elapsed())));
    ::close(fd);
}

void tst_SongCache::disabled()
{
    RedisConfig c = redisConfig(TestEnv::redisPort());
    c.enabled = false;
    SongCache cache(c);
    CachedSongRepository repo(m_repo, cache);
    repo.songById(*m_conn, 50);
    repo.songById(*m_conn, 50);
    QCOMPARE(cache.stats().hits, 0);
    QCOMPARE(cache.stats().errors, 0);
    QCOMPARE(redisCli(TestEnv::redisPort(), {QStringLiteral("EXISTS"), cache.key(50)}),
             QStringLiteral("0"));
}

QTEST_GUILESS_MAIN(tst_SongCache)
#include "tst_songcache.moc"
