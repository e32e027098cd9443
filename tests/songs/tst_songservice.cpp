#include "cache/songcache.h"
#include "db/dberror.h"
#include "libraryschema.h"
#include "pool/connectionpool.h"
#include "pool/connector.h"
#include "songs/songservice.h"
#include "testenv.h"

#include <QProcess>
#include <QTest>

using namespace melodee;
using namespace melodee::test;

namespace {

QString redisCli(const QStringList &args)
{
    return TestEnv::redisCli(TestEnv::redisPort(), args);
}

} // namespace

// SongService on a real pool, database and Redis: pages, counts and details, the cache in front
// of the by-id reads, and writes that invalidate it.
class tst_SongService : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void pagesThroughThePool();
    void browseCount_data();
    void browseCount();
    void cachedReadsAndWrites();
    void detailsJoinTheNames();
    void warmUpCachesTheDetailsPlans_data();
    void warmUpCachesTheDetailsPlans();
    void dryRunWritesNothingAndKeepsTheCache();
    void errorsTravelThroughTheFuture();
    void cancelledBeforeItRuns();

private:
    std::shared_ptr<SongCache> cache() const;
    QString dbName(qint64 id) const
    {
        return TestEnv::psql(QStringLiteral("SELECT name FROM melodee_songs WHERE id = %1").arg(id),
                             m_db.dbname);
    }

    DatabaseConfig m_db;
    std::shared_ptr<ConnectionPool> m_pool;
};

void tst_SongService::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
    MELODEE_REQUIRE_REDIS();
    m_db = createLibraryDatabase(QStringLiteral("service"), months(Month{2025, 1}, 1));
    TestEnv::psql(
        QStringLiteral("INSERT INTO melodee_artists (id, name, name_normalized) VALUES "
                       "(1, 'The Artist', 'the artist');"
                       "INSERT INTO melodee_albums (id, name, name_normalized, artist_id, "
                       "created_at) VALUES (1, 'An Album', 'an album', 1, '2025-01-01');"
                       "INSERT INTO melodee_songs (id, name, name_normalized, artist_id, album_id, "
                       "created_at) SELECT g, 'Tune ' || g, 'tune ' || g, 1, 1, "
                       "'2025-01-02 00:00:00+00' FROM generate_series(1, 300) g; ANALYZE"),
        m_db.dbname);
    m_pool = std::make_shared<ConnectionPool>(m_db, SessionConfig());
}

std::shared_ptr<SongCache> tst_SongService::cache() const
{
    RedisConfig rc;
    rc.address = QStringLiteral("127.0.0.1:%1").arg(TestEnv::redisPort());
    rc.keyPrefix = QStringLiteral("svc:%1:%2:")
                       .arg(QCoreApplication::applicationPid())
                       .arg(QString::fromLatin1(QTest::currentTestFunction()));
    return std::make_shared<SongCache>(rc);
}

void tst_SongService::pagesThroughThePool()
{
    const SongService service(m_pool, SessionConfig());
    PageRequest req;
    req.limit = 100;
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
    QCOMPARE(ids.first(), 1);
    QCOMPARE(ids.last(), 300);
    const SongCount c = service.count({}, true).result();
    QCOMPARE(c.value, 300);
    QVERIFY(c.exact);
    QCOMPARE(service.songsWithAlbumAndArtist({3, 4, 999}).result().size(), 2);
    QCOMPARE(service.pageAtFraction(SongSort::Id, {}, 1.0, 10).result().songs.last().id, 300);
    QCOMPARE(service.pageAtSong(SongSort::Name, 42, {}, 5).result().songs.first().id, 42);
    QCOMPARE(service.pageAtMonth(2025, 1, {}, 5).result().songs.size(), 5);
}

void tst_SongService::browseCount_data()
{
    QTest::addColumn<QString>("search");
    QTest::addColumn<qint64>("expected");
    QTest::addColumn<bool>("exact");
    QTest::newRow("whole table: the estimate") << QString() << qint64(300) << false;
    QTest::newRow("small filtered result: exact")
        << QStringLiteral("tune 2") << qint64(111) << true;
    QTest::newRow("no match: exact") << QStringLiteral("zzqq") << qint64(0) << true;
}

// The instant estimate, unless it is a filtered guess small enough to count exactly.
void tst_SongService::browseCount()
{
    QFETCH(QString, search);
    QFETCH(qint64, expected);
    QFETCH(bool, exact);
    const SongService service(m_pool, SessionConfig());
    SongFilter filter;
    filter.search = search;
    const SongCount c = service.browseCount(filter, 4000).result();
    QCOMPARE(c.exact, exact);
    QCOMPARE(c.value, expected);
}

void tst_SongService::cachedReadsAndWrites()
{
    const auto songCache = cache();
    const SongService service(m_pool, SessionConfig(), songCache);
    QCOMPARE(service.songById(5).result()->name, QStringLiteral("Tune 5"));
    QCOMPARE(service.songById(5).result()->name, QStringLiteral("Tune 5"));
    QCOMPARE(songCache->stats().hits, 1);
    QCOMPARE(service.renameSong(5, QStringLiteral("Tune Five")).result(), 1);
    QCOMPARE(redisCli({QStringLiteral("EXISTS"), songCache->key(5)}), QStringLiteral("0"));
    QCOMPARE(service.songById(5).result()->name, QStringLiteral("Tune Five"));
    QCOMPARE(dbName(5), QStringLiteral("Tune Five"));

    QVERIFY(service.songById(6).result());
    QCOMPARE(service.deleteSong(6).result(), 1);
    QCOMPARE(redisCli({QStringLiteral("EXISTS"), songCache->key(6)}), QStringLiteral("0"));
    QVERIFY_THROWS_EXCEPTION(DbError, service.songById(6).result());
    // A failed write still drops the cached copy: the song may be gone behind the cache's back.
    redisCli({QStringLiteral("SET"),
              songCache->key(6),
              QStringLiteral("{\"id\":6,\"name\":\"Ghost\",\"play_count\":0,\"created_at\":"
                             "\"2025-01-02T00:00:00Z\"}")});
    QVERIFY_THROWS_EXCEPTION(DbError, service.renameSong(6, QStringLiteral("x")).result());
    QCOMPARE(redisCli({QStringLiteral("EXISTS"), songCache->key(6)}), QStringLiteral("0"));
}

void tst_SongService::detailsJoinTheNames()
{
    const auto songCache = cache();
    const SongService service(m_pool, SessionConfig(), songCache);
    SongDetails d = service.details(7).result();
    QCOMPARE(d.id, 7);
    QCOMPARE(d.song->name, QStringLiteral("Tune 7"));
    QCOMPARE(d.artistName, QStringLiteral("The Artist"));
    QCOMPARE(d.albumName, QStringLiteral("An Album"));
    QCOMPARE(d.cache, SongCache::Lookup::Miss);
    QCOMPARE(service.details(7).result().cache, SongCache::Lookup::Hit);
    d = service.details(123456).result();
    QVERIFY(!d.song);
    QCOMPARE(SongService(m_pool, SessionConfig()).details(7).result().cache,
             SongCache::Lookup::Disabled);
}

void tst_SongService::warmUpCachesTheDetailsPlans_data()
{
    QTest::addColumn<bool>("prepare");
    QTest::addColumn<QString>("expect");
    // The browser's eight, the look-up by id and the album and artist names.
    QTest::newRow("prepared statements") << true << QStringLiteral("10 statements, 10 generic");
    QTest::newRow("unnamed statements (transaction pooler)")
        << false << QStringLiteral("0 statements, 0 generic");
}

// On a pool whose one connection was warmed as the GUI's are, a song's details run the very
// statements the warm-up prepared, on generic plans: nothing new is prepared or planned.
void tst_SongService::warmUpCachesTheDetailsPlans()
{
    QFETCH(bool, prepare);
    QFETCH(QString, expect);
    DatabaseConfig db = m_db;
    db.maxOpenConns = 1;
    SessionConfig session;
    session.prepareStmt = prepare;
    auto pool = std::make_shared<ConnectionPool>(
        db, session, std::make_unique<PgConnector>(db, prepare, [session](PgConnection &conn) {
            SongService::warmUp(conn, session, SchemaLayout::Melodee);
        }));
    const SongService service(pool, session);
    const auto prepared = [&pool] {
        return pool
            ->run([](PgConnection &conn) {
                return conn
                    .exec("SELECT count(*) || ' statements, ' || count(*) FILTER (WHERE "
                          "generic_plans >= 1 AND custom_plans = 0) || ' generic' FROM "
                          "pg_prepared_statements")
                    .text(0, 0);
            })
            .result();
    };
    QCOMPARE(prepared(), expect);
    const SongDetails d = service.details(150).result();
    QCOMPARE(d.song->name, QStringLiteral("Tune 150"));
    QCOMPARE(d.albumName, QStringLiteral("An Album"));
    QCOMPARE(d.artistName, QStringLiteral("The Artist"));
    QCOMPARE(prepared(), expect);
    QCOMPARE(pool->stats().openConnections, 1);
}

void tst_SongService::dryRunWritesNothingAndKeepsTheCache()
{
    SessionConfig dry;
    dry.dryRun = true;
    const auto songCache = cache();
    const SongService service(m_pool, dry, songCache);
    QVERIFY(service.songById(12).result());
    QCOMPARE(service.deleteSong(12).result(), 0);
    QCOMPARE(service.renameSong(12, QStringLiteral("Dry")).result(), 0);
    QCOMPARE(redisCli({QStringLiteral("EXISTS"), songCache->key(12)}), QStringLiteral("1"));
    QCOMPARE(service.repository().recorded().size(), 2);
    QCOMPARE(dbName(12), QStringLiteral("Tune 12"));
}

void tst_SongService::errorsTravelThroughTheFuture()
{
    const SongService service(m_pool, SessionConfig());
    try {
        service.songById(123456).result();
        QFAIL("no error");
    } catch (const DbError &e) {
        QVERIFY(e.isNotFound());
    }
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             service.pageAtFraction(SongSort::Id, {}, 2.0, 10).result());
}

// A request cancelled before a worker picks it up never runs: no result, and the write is not
// made.
void tst_SongService::cancelledBeforeItRuns()
{
    // Hold the pool's only connection, so the request waits for it.
    auto busy = std::make_shared<ConnectionPool>(m_db, SessionConfig());
    busy->setMaxOpenConns(1);
    PooledConnection held = busy->acquire();
    const SongService service(busy, SessionConfig());
    QFuture<qint64> rename = service.renameSong(13, QStringLiteral("Never"));
    rename.cancel();
    // The cancellation ends the wait for a connection; only then is one free again.
    QTRY_VERIFY_WITH_TIMEOUT(rename.isFinished(), 30000);
    held.release();
    QCOMPARE(rename.resultCount(), 0);
    QCOMPARE(dbName(13), QStringLiteral("Tune 13"));
}

QTEST_GUILESS_MAIN(tst_SongService)
#include "tst_songservice.moc"
