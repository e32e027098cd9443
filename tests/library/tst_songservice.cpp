#include "cache/songcache.h"
#include "db/dberror.h"
#include "library/songservice.h"
#include "libraryschema.h"
#include "pool/connectionpool.h"
#include "testenv.h"

#include <QTest>

using namespace melodee;
using namespace melodee::test;

class tst_SongService : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void pagesThroughThePool();
    void cachedReadsAndWrites();
    void errorsTravelThroughTheFuture();

private:
    DatabaseConfig m_db;
};

void tst_SongService::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
    m_db = createLibraryDatabase(QStringLiteral("service"), months(Month{2025, 1}, 1));
    TestEnv::psql(
        QStringLiteral("INSERT INTO melodee_songs (id, name, name_normalized, created_at) "
                       "SELECT g, 'Tune ' || g, 'tune ' || g, '2025-01-02 00:00:00+00' "
                       "FROM generate_series(1, 300) g; ANALYZE"),
        m_db.dbname);
}

void tst_SongService::pagesThroughThePool()
{
    ConnectionPool pool(m_db, SessionConfig());
    SongService service(pool, SessionConfig());
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
}

void tst_SongService::cachedReadsAndWrites()
{
    MELODEE_REQUIRE_REDIS();
    RedisConfig rc;
    rc.address = QStringLiteral("127.0.0.1:%1").arg(TestEnv::redisPort());
    rc.keyPrefix = QStringLiteral("svc:%1:").arg(QCoreApplication::applicationPid());
    SongCache cache(rc);
    ConnectionPool pool(m_db, SessionConfig());
    SongService service(pool, SessionConfig(), &cache);
    QCOMPARE(service.songById(5).result()->name, QStringLiteral("Tune 5"));
    QCOMPARE(service.songById(5).result()->name, QStringLiteral("Tune 5"));
    QCOMPARE(cache.stats().hits, 1);
    QCOMPARE(service.renameSong(5, QStringLiteral("Tune Five")).result(), 1);
    QCOMPARE(service.songById(5).result()->name, QStringLiteral("Tune Five"));
    QCOMPARE(service.deleteSong(6).result(), 1);
}

void tst_SongService::errorsTravelThroughTheFuture()
{
    ConnectionPool pool(m_db, SessionConfig());
    SongService service(pool, SessionConfig());
    try {
        service.songById(123456).result();
        QFAIL("no error");
    } catch (const DbError &e) {
        QVERIFY(e.isNotFound());
    }
}

QTEST_GUILESS_MAIN(tst_SongService)
#include "tst_songservice.moc"
