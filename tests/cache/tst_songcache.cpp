#include "cache/songcache.h"
#include "testenv.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

#include <csignal>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace melodee;
using namespace melodee::test;

namespace {

// A redis-server of this test's own, so stopping or killing it leaves the shared fixture alone.
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
        return QTest::qWaitFor(
            [this] {
                return TestEnv::redisCli(m_port, {QStringLiteral("ping")}) == QLatin1String("PONG");
            },
            10000);
    }
    // SIGSTOP: the server keeps its data and its sockets but answers nothing, as when it hangs or
    // the network drops packets.
    void pause() { ::kill(pid_t(m_proc.processId()), SIGSTOP); }
    void resume() { ::kill(pid_t(m_proc.processId()), SIGCONT); }
    void kill()
    {
        resume();
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

Song song(qint64 id, const QString &name = QString())
{
    Song s;
    s.id = id;
    s.name = name.isEmpty() ? QStringLiteral("Song %1").arg(id) : name;
    s.nameNormalized = s.name.toLower();
    s.durationMs = 1000 * id;
    s.createdAtUs = *parseUtcMicros(QStringLiteral("2025-01-01T00:00:00Z")) + id * 3600000000LL;
    return s;
}

// Cache-aside as SongService does it: the ticket from the miss goes with the row stored.
Song readThrough(SongCache &cache, const Song &row, SongCache::Lookup *how = nullptr)
{
    SongCache::Read r = cache.read(row.id);
    if (how)
        *how = r.how;
    if (r.song)
        return *r.song;
    cache.put(row, r.ticket);
    return row;
}

} // namespace

// SongCache against real redis-servers: the fixture's, and ones of the test's own that it stops,
// kills and starts again.
class tst_SongCache : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void hitMissAndFormat();
    void prefixAndTtl();
    void corruptValueIgnored_data();
    void corruptValueIgnored();
    void unrepresentableRowIsNotStored();
    void putAfterInvalidationIsRefused();
    void invalidateRemovesTheKey();
    void redisKilledMidTest();
    void invalidationSurvivesOutage();
    void tooManyOwedInvalidationsPurgeThePrefix();
    void silentServerDoesNotStall();
    void disabled();

private:
    RedisConfig redisConfig(int port) const;
};

RedisConfig tst_SongCache::redisConfig(int port) const
{
    RedisConfig c;
    c.address = QStringLiteral("127.0.0.1:%1").arg(port);
    c.keyPrefix = QStringLiteral("tst:%1:%2:song:")
                      .arg(QCoreApplication::applicationPid())
                      .arg(QString::fromLatin1(QTest::currentTestFunction()));
    return c;
}

void tst_SongCache::initTestCase()
{
    MELODEE_REQUIRE_REDIS();
}

void tst_SongCache::hitMissAndFormat()
{
    SongCache cache(redisConfig(TestEnv::redisPort()));
    SongCache::Lookup how{};
    const Song first = readThrough(cache, song(7), &how);
    QCOMPARE(how, SongCache::Lookup::Miss);
    QCOMPARE(cache.stats().misses, 1);
    const Song second = readThrough(cache, song(7, QStringLiteral("not read")), &how);
    QCOMPARE(how, SongCache::Lookup::Hit);
    QVERIFY(second == first);
    QCOMPARE(cache.stats().hits, 1);
    QCOMPARE(cache.stats().errors, 0);
    QVERIFY(cache.stats().connected);
    // The stored value is the song's JSON under <prefix><id>, with the 1 h default TTL.
    const QString stored
        = TestEnv::redisCli(TestEnv::redisPort(), {QStringLiteral("GET"), cache.key(7)});
    QVERIFY2(stored.contains(QLatin1String("\"name\":\"Song 7\"")), qPrintable(stored));
    const int ttl
        = TestEnv::redisCli(TestEnv::redisPort(), {QStringLiteral("TTL"), cache.key(7)}).toInt();
    QVERIFY2(ttl > 3500 && ttl <= 3600, qPrintable(QString::number(ttl)));
}

void tst_SongCache::prefixAndTtl()
{
    RedisConfig c = redisConfig(TestEnv::redisPort());
    c.keyPrefix = QStringLiteral("custom-%1-").arg(QCoreApplication::applicationPid());
    c.ttl = std::chrono::seconds(5);
    SongCache cache(c);
    readThrough(cache, song(8));
    QCOMPARE(cache.key(8), c.keyPrefix + QStringLiteral("8"));
    const int ttl
        = TestEnv::redisCli(TestEnv::redisPort(), {QStringLiteral("TTL"), cache.key(8)}).toInt();
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
    // Well-formed JSON, but values no song can have.
    const QString head = QStringLiteral(
        "{\"id\":9,\"name\":\"Song 9\",\"play_count\":0,\"created_at\":\"2025-01-01T09:00:00Z\"");
    QTest::newRow("oversized")
        << head + QStringLiteral(",\"pad\":\"%1\"}").arg(QString(100000, QLatin1Char('a')));
    QTest::newRow("id not a safe integer")
        << QStringLiteral("{\"id\":1e300,\"name\":\"Song "
                          "9\",\"play_count\":0,\"created_at\":\"2025-01-01T09:00:00Z\"}");
    QTest::newRow("duration beyond 2^53") << head + QStringLiteral(",\"duration\":1e300}");
    QTest::newRow("track number beyond int")
        << head + QStringLiteral(",\"track_number\":3000000000}");
    QTest::newRow("fractional rating") << head + QStringLiteral(",\"rating\":2.5}");
    QTest::newRow("rating out of range") << head + QStringLiteral(",\"rating\":9}");
    QTest::newRow("name longer than the column")
        << QStringLiteral(
               "{\"id\":9,\"name\":\"%1\",\"play_count\":0,\"created_at\":\"2025-01-01T09:"
               "00:00Z\"}")
               .arg(QString(300, QLatin1Char('n')));
    QTest::newRow("negative play count") << QStringLiteral(
        "{\"id\":9,\"name\":\"Song 9\",\"play_count\":-5,\"created_at\":\"2025-01-01T09:00:00Z\"}");
    QTest::newRow("bad timestamp") << QStringLiteral(
        "{\"id\":9,\"name\":\"Song 9\",\"play_count\":0,\"created_at\":\"yesterday\"}");
    QTest::newRow("deeply nested")
        << QString(5000, QLatin1Char('[')) + QString(5000, QLatin1Char(']'));
}

// A cached value that is not a song the database could hold is ignored (and logged), the caller
// reads the database, and its row replaces the value.
void tst_SongCache::corruptValueIgnored()
{
    QFETCH(QString, value);
    SongCache cache(redisConfig(TestEnv::redisPort()));
    TestEnv::redisCli(TestEnv::redisPort(), {QStringLiteral("SET"), cache.key(9), value});
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("corrupt cached value")));
    SongCache::Lookup how{};
    QCOMPARE(readThrough(cache, song(9), &how).name, QStringLiteral("Song 9"));
    QCOMPARE(how, SongCache::Lookup::Corrupt);
    QCOMPARE(cache.stats().corrupt, 1);
    const auto again = cache.get(9, &how);
    QCOMPARE(how, SongCache::Lookup::Hit);
    QVERIFY(*again == song(9));
}

// A row read() would reject is not stored in the first place (no warning on every read).
void tst_SongCache::unrepresentableRowIsNotStored()
{
    SongCache cache(redisConfig(TestEnv::redisPort()));
    Song odd = song(10);
    odd.playCount = -1;
    readThrough(cache, odd);
    QCOMPARE(TestEnv::redisCli(TestEnv::redisPort(), {QStringLiteral("EXISTS"), cache.key(10)}),
             QStringLiteral("0"));
}

// A reader that missed before a write and stores the row it read after the write's invalidation
// would put back the old row; the ticket of its miss refuses that.
void tst_SongCache::putAfterInvalidationIsRefused()
{
    SongCache cache(redisConfig(TestEnv::redisPort()));
    const SongCache::Read before = cache.read(11);
    QCOMPARE(before.how, SongCache::Lookup::Miss);
    cache.invalidate(11); // a writer committed and invalidated meanwhile
    cache.put(song(11, QStringLiteral("Old Eleven")), before.ticket);
    QCOMPARE(TestEnv::redisCli(TestEnv::redisPort(), {QStringLiteral("EXISTS"), cache.key(11)}),
             QStringLiteral("0"));
    // A read after the invalidation stores again.
    const SongCache::Read after = cache.read(11);
    cache.put(song(11, QStringLiteral("New Eleven")), after.ticket);
    QCOMPARE(cache.get(11)->name, QStringLiteral("New Eleven"));
}

void tst_SongCache::invalidateRemovesTheKey()
{
    SongCache cache(redisConfig(TestEnv::redisPort()));
    readThrough(cache, song(12));
    QCOMPARE(TestEnv::redisCli(TestEnv::redisPort(), {QStringLiteral("EXISTS"), cache.key(12)}),
             QStringLiteral("1"));
    cache.invalidate(12);
    QCOMPARE(TestEnv::redisCli(TestEnv::redisPort(), {QStringLiteral("EXISTS"), cache.key(12)}),
             QStringLiteral("0"));
    QCOMPARE(cache.stats().pendingInvalidations, 0);
}

void tst_SongCache::redisKilledMidTest()
{
    const int port = TestEnv::freeLoopbackPort();
    PrivateRedis redis(port);
    QVERIFY(redis.start());
    SongCache cache(redisConfig(port), std::chrono::milliseconds(300));
    readThrough(cache, song(20));
    readThrough(cache, song(20));
    QCOMPARE(cache.stats().hits, 1);

    redis.kill();
    // Reads keep working from the database, with exactly one warning and no stall.
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("unavailable")));
    QElapsedTimer t;
    t.start();
    for (int i = 0; i < 50; ++i) {
        SongCache::Lookup how{};
        QCOMPARE(readThrough(cache, song(21 + i % 10), &how).id, 21 + i % 10);
        QCOMPARE(how, SongCache::Lookup::Unavailable);
    }
    QVERIFY2(t.elapsed() < 2000, qPrintable(QString::number(t.elapsed())));
    QVERIFY(cache.stats().errors > 0);
    QVERIFY(!cache.stats().connected);

    // Back on the same port: the cache reconnects by itself once the retry interval has passed
    // (each read below is one attempt).
    QVERIFY(redis.start());
    QTRY_VERIFY_WITH_TIMEOUT((readThrough(cache, song(30)), cache.stats().connected), 10000);
    readThrough(cache, song(30));
    const qint64 hits = cache.stats().hits;
    SongCache::Lookup how{};
    readThrough(cache, song(30), &how);
    QCOMPARE(how, SongCache::Lookup::Hit);
    QCOMPARE(cache.stats().hits, hits + 1);
}

// Songs written while Redis cannot be reached: once it answers again, their copies from before
// the outage are deleted before anything is read from it.
void tst_SongCache::invalidationSurvivesOutage()
{
    const int port = TestEnv::freeLoopbackPort();
    PrivateRedis redis(port);
    QVERIFY(redis.start());
    RedisConfig config = redisConfig(port);
    config.connectTimeout = std::chrono::milliseconds(200);
    SongCache cache(config, std::chrono::milliseconds(300));
    for (qint64 id : {60, 62, 63})
        readThrough(cache, song(id));

    redis.pause();
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("unavailable")));
    SongCache::Lookup how{};
    readThrough(cache, song(61), &how); // times out: Redis is now considered down
    QCOMPARE(how, SongCache::Lookup::Unavailable);
    cache.invalidate(60); // renamed
    cache.invalidate(62); // deleted
    QCOMPARE(cache.stats().pendingInvalidations, 2);
    redis.resume();

    // Nothing owed is ever read back, before or after the cache is up again.
    bool stale = false;
    const auto readBack = [&] {
        stale = stale || cache.get(60).has_value() || cache.get(62).has_value();
        return cache.stats().connected && cache.stats().pendingInvalidations == 0;
    };
    QTRY_VERIFY_WITH_TIMEOUT(readBack(), 10000);
    QVERIFY(!stale);
    for (qint64 id : {60, 62})
        QCOMPARE(TestEnv::redisCli(port, {QStringLiteral("EXISTS"), cache.key(id)}),
                 QStringLiteral("0"));
    // What was not written is still served.
    QVERIFY(cache.get(63, &how));
    QCOMPARE(how, SongCache::Lookup::Hit);
}

// Past the limit of owed invalidations the cache remembers only that it owes too many, and
// removes every key of its prefix (and no other) when Redis is back.
void tst_SongCache::tooManyOwedInvalidationsPurgeThePrefix()
{
    const int port = TestEnv::freeLoopbackPort();
    PrivateRedis redis(port);
    QVERIFY(redis.start());
    RedisConfig config = redisConfig(port);
    config.keyPrefix = QStringLiteral("we*ird[prefix]?:");
    config.connectTimeout = std::chrono::milliseconds(200);
    SongCache cache(config, std::chrono::milliseconds(300));
    cache.setMaxPendingInvalidations(2);
    for (qint64 id = 70; id < 75; ++id)
        readThrough(cache, song(id));
    TestEnv::redisCli(
        port, {QStringLiteral("SET"), QStringLiteral("weXirdpZ:1"), QStringLiteral("other")});

    redis.pause();
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("unavailable")));
    for (qint64 id = 70; id < 73; ++id)
        cache.invalidate(id);
    QVERIFY(cache.stats().purgePending);
    redis.resume();

    QTRY_VERIFY_WITH_TIMEOUT((cache.get(74), !cache.stats().purgePending), 10000);
    for (qint64 id = 70; id < 75; ++id)
        QCOMPARE(TestEnv::redisCli(port, {QStringLiteral("EXISTS"), cache.key(id)}),
                 QStringLiteral("0"));
    QCOMPARE(TestEnv::redisCli(port, {QStringLiteral("GET"), QStringLiteral("weXirdpZ:1")}),
             QStringLiteral("other"));
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
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("unavailable")));
    QElapsedTimer t;
    t.start();
    for (int i = 0; i < 20; ++i)
        QCOMPARE(readThrough(cache, song(40)).id, 40);
    // One timed-out GET (~200 ms); the rest skip Redis until the retry interval passes.
    QVERIFY2(t.elapsed() < 1500, qPrintable(QString::number(t.elapsed())));
    ::close(fd);
}

void tst_SongCache::disabled()
{
    RedisConfig c = redisConfig(TestEnv::redisPort());
    c.enabled = false;
    SongCache cache(c);
    SongCache::Lookup how{};
    readThrough(cache, song(50));
    readThrough(cache, song(50), &how);
    QCOMPARE(how, SongCache::Lookup::Disabled);
    cache.invalidate(50);
    QCOMPARE(cache.stats().hits, 0);
    QCOMPARE(cache.stats().errors, 0);
    QCOMPARE(cache.stats().pendingInvalidations, 0);
    QCOMPARE(TestEnv::redisCli(TestEnv::redisPort(), {QStringLiteral("EXISTS"), cache.key(50)}),
             QStringLiteral("0"));
}

QTEST_GUILESS_MAIN(tst_SongCache)
#include "tst_songcache.moc"
