#include "cache/songcache.h"
#include "libraryschema.h"
#include "pool/connectionpool.h"
#include "songs/songservice.h"
#include "testenv.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <thread>

using namespace melodee;
using namespace melodee::test;

namespace {

constexpr int kSongs = 20;

// A redis-server of this test's own in a temporary directory, with an append-only file synced on
// every write: killed and started again, it comes back with the values it held, as a production
// Redis with persistence does.
class PersistentRedis
{
public:
    PersistentRedis()
        : m_port(TestEnv::freeLoopbackPort())
    {}
    ~PersistentRedis() { kill(); }
    int port() const { return m_port; }
    bool start()
    {
        m_proc.start(QStringLiteral("redis-server"),
                     {QStringLiteral("--bind"),
                      QStringLiteral("127.0.0.1"),
                      QStringLiteral("--port"),
                      QString::number(m_port),
                      QStringLiteral("--dir"),
                      m_dir.path(),
                      QStringLiteral("--save"),
                      QString(),
                      QStringLiteral("--appendonly"),
                      QStringLiteral("yes"),
                      QStringLiteral("--appendfsync"),
                      QStringLiteral("always")});
        return m_proc.waitForStarted(10000)
               && QTest::qWaitFor(
                   [this] {
                       return TestEnv::redisCli(m_port, {QStringLiteral("ping")})
                              == QLatin1String("PONG");
                   },
                   10000);
    }
    void kill()
    {
        if (m_proc.state() == QProcess::NotRunning)
            return;
        m_proc.kill(); // SIGKILL: no goodbye to the clients, nothing flushed beyond the AOF
        m_proc.waitForFinished(10000);
    }

private:
    QTemporaryDir m_dir;
    int m_port;
    QProcess m_proc;
};

} // namespace

// Songs renamed while Redis is killed and started again: once everything has settled, no read
// gives a name older than the database's, and Redis holds no such copy either.
class tst_SongCacheOutage : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void renamesWhileRedisRestarts_data();
    void renamesWhileRedisRestarts();

private:
    QString dbName(qint64 id) const
    {
        return TestEnv::psql(QStringLiteral("SELECT name FROM melodee_songs WHERE id = %1").arg(id),
                             m_db.dbname);
    }

    DatabaseConfig m_db;
};

void tst_SongCacheOutage::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
    if (QStandardPaths::findExecutable(QStringLiteral("redis-server")).isEmpty())
        QFAIL("redis-server is not installed");
    m_db = createLibraryDatabase(QStringLiteral("cacheoutage"), months(Month{2025, 1}, 1));
    TestEnv::psql(
        QStringLiteral("INSERT INTO melodee_songs (id, name, name_normalized, created_at) "
                       "SELECT g, 'Song ' || g, 'song ' || g, '2025-01-02 00:00:00+00' "
                       "FROM generate_series(1, %1) g")
            .arg(kSongs),
        m_db.dbname);
}

void tst_SongCacheOutage::renamesWhileRedisRestarts_data()
{
    QTest::addColumn<int>("renames");
    QTest::addColumn<int>("outages");
    QTest::newRow("one outage") << 60 << 1;
    QTest::newRow("three outages") << 120 << 3;
}

void tst_SongCacheOutage::renamesWhileRedisRestarts()
{
    QFETCH(int, renames);
    QFETCH(int, outages);
    PersistentRedis redis;
    QVERIFY(redis.start());
    RedisConfig rc;
    rc.address = QStringLiteral("127.0.0.1:%1").arg(redis.port());
    rc.keyPrefix = QStringLiteral("outage:%1:").arg(QTest::currentDataTag());
    rc.connectTimeout = std::chrono::milliseconds(300);
    const auto songCache = std::make_shared<SongCache>(rc, std::chrono::milliseconds(200));
    SongCache &cache = *songCache;
    const SongService service(
        std::make_shared<ConnectionPool>(m_db, SessionConfig()), SessionConfig(), songCache);
    for (qint64 id = 1; id <= kSongs; ++id)
        QVERIFY(service.songById(id).result());
    QTRY_VERIFY_WITH_TIMEOUT(cache.stats().connected, 10000);

    // A reader keeps every song in the cache while the renames run.
    std::atomic<bool> stop{false};
    std::atomic<int> reads{0};
    std::thread reader([&] {
        for (qint64 i = 0; !stop.load(); ++i) {
            service.songById(1 + i % kSongs).result();
            ++reads;
        }
    });

    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("unavailable")));
    const int step = renames / (2 * outages + 1);
    bool down = false;
    for (int k = 1; k <= renames; ++k) {
        if (k % step == 0 && k / step <= 2 * outages) {
            if (down)
                QVERIFY(redis.start());
            else
                redis.kill();
            down = !down;
        }
        const qint64 id = 1 + k % kSongs;
        QCOMPARE(service.renameSong(id, QStringLiteral("Song %1 v%2").arg(id).arg(k)).result(), 1);
    }
    QVERIFY(!down);
    // The reader has met the restarted server before the checks.
    const int readsBefore = reads.load();
    QTRY_VERIFY_WITH_TIMEOUT(reads.load() > readsBefore + 2 * kSongs && cache.stats().connected,
                             30000);
    stop = true;
    reader.join();

    for (qint64 id = 1; id <= kSongs; ++id) {
        const QString expected = dbName(id);
        QCOMPARE(service.songById(id).result()->name, expected);
        const QString stored
            = TestEnv::redisCli(redis.port(), {QStringLiteral("GET"), cache.key(id)});
        if (!stored.isEmpty()) {
            const QString cached = QJsonDocument::fromJson(stored.toUtf8())
                                       .object()
                                       .value(QLatin1String("name"))
                                       .toString();
            QVERIFY2(cached == expected,
                     qPrintable(QStringLiteral("song %1: Redis holds \"%2\", the database \"%3\"")
                                    .arg(id)
                                    .arg(cached, expected)));
        }
    }
}

QTEST_GUILESS_MAIN(tst_SongCacheOutage)
#include "tst_songcacheoutage.moc"
