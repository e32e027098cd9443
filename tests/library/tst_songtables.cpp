#include "cache/songcache.h"
#include "db/pgconnection.h"
#include "library/songbrowser.h"
#include "library/songrepository.h"
#include "library/songsql.h"
#include "pool/connectionpool.h"
#include "songs/songservice.h"
#include "testenv.h"

#include <QTest>

#include <stdexcept>

using namespace melodee;
using namespace melodee::test;

namespace {

constexpr SchemaLayout kNext = SchemaLayout::MelodeeNext;

} // namespace

// The song browser and repository over melodee-next's tracks (SchemaLayout::MelodeeNext),
// on a clone of the melodee-next fixture: 200k tracks, 10 per album, 100 per artist, created
// in id order over 2023-2025, 400 of them with hostile names.
class tst_SongTables : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void mapping();
    void keysetWalkAgreesWithTheDatabase_data();
    void keysetWalkAgreesWithTheDatabase();
    void counts();
    void jumpsUseThePlainTablesHistogram();
    void songByIdAndDetails();
    void writesAreRefused_data();
    void writesAreRefused();
    void offsetConditionsOnlyNameExistingColumns();
    void serviceReadsWithoutTheCache();

private:
    DatabaseConfig m_db;
    std::unique_ptr<PgConnection> m_conn;
    SongBrowser m_browser{SessionConfig(), kNext};
    SongRepository m_repo{SessionConfig(), kNext};
};

void tst_SongTables::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
    m_db = TestEnv::melodeeNextDatabase(QStringLiteral("songtables"));
    m_conn = PgConnection::open(m_db);
}

void tst_SongTables::mapping()
{
    const songsql::SongTables next = songsql::songTables(SessionConfig(), kNext);
    QCOMPARE(next.songs, QStringLiteral("tracks"));
    QCOMPARE(next.albums, QStringLiteral("albums"));
    QCOMPARE(next.artists, QStringLiteral("artists"));
    QVERIFY(!next.writable);
    // Ours is untouched: prefix and plural from the session, our columns.
    SessionConfig ours;
    ours.tablePrefix = QStringLiteral("x_");
    const songsql::SongTables o = songsql::songTables(ours, SchemaLayout::Melodee);
    QCOMPARE(o.songs, QStringLiteral("x_songs"));
    QCOMPARE(o.columns, songsql::kSongColumns);
    QVERIFY(o.writable);
    QCOMPARE(m_browser.songsTable(), QStringLiteral("tracks"));
}

void tst_SongTables::keysetWalkAgreesWithTheDatabase_data()
{
    QTest::addColumn<int>("sort");
    QTest::addColumn<QString>("search");
    QTest::addColumn<QString>("order");
    QTest::addColumn<QString>("where");
    QTest::newRow("id") << int(SongSort::Id) << QString() << QStringLiteral("id")
                        << QStringLiteral("artist_id BETWEEN 10 AND 12");
    QTest::newRow("name") << int(SongSort::Name) << QString()
                          << QStringLiteral("name_normalized, id")
                          << QStringLiteral("artist_id BETWEEN 10 AND 12");
    QTest::newRow("artist") << int(SongSort::Artist) << QString()
                            << QStringLiteral("artist_id, name_normalized, id")
                            << QStringLiteral("artist_id BETWEEN 10 AND 12");
    QTest::newRow("created") << int(SongSort::Created) << QString()
                             << QStringLiteral("created_at, id")
                             << QStringLiteral("artist_id BETWEEN 10 AND 12");
    QTest::newRow("search, hostile")
        << int(SongSort::Id) << QStringLiteral("password=") << QStringLiteral("id")
        << QStringLiteral("name_normalized LIKE '%password=%'");
}

void tst_SongTables::keysetWalkAgreesWithTheDatabase()
{
    QFETCH(int, sort);
    QFETCH(QString, search);
    QFETCH(QString, order);
    QFETCH(QString, where);
    PageRequest req;
    req.sort = SongSort(sort);
    req.limit = 7;
    req.filter.search = search;
    if (search.isEmpty()) {
        req.filter.artistId = 11;
        where = QStringLiteral("artist_id = 11");
    }
    QList<qint64> walked;
    for (int guard = 0; guard < 100; ++guard) {
        const SongPage page = m_browser.page(*m_conn, req);
        for (const Song &s : page.songs)
            walked << s.id;
        if (page.nextCursor.isEmpty())
            break;
        req.anchor = PageAnchor::After;
        req.key = SongCursor::decode(page.nextCursor).key;
    }
    const QStringList expected
        = TestEnv::psql(
              QStringLiteral("SELECT id FROM tracks WHERE %1 ORDER BY %2").arg(where, order),
              m_db.dbname)
              .split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QVERIFY(!expected.isEmpty());
    QStringList got;
    for (qint64 id : walked)
        got << QString::number(id);
    QCOMPARE(got, expected);
}

void tst_SongTables::counts()
{
    // The estimate reads the plain table's own reltuples (it has no partitions).
    const SongCount estimate = m_repo.count(*m_conn, {}, false);
    QCOMPARE(estimate.value, 200000);
    QVERIFY(!estimate.exact);
    QCOMPARE(m_repo.count(*m_conn, {}, true).value, 200000);
    SongFilter f;
    f.search = QStringLiteral("🎵 DÉJÀ");
    const SongCount searched = m_repo.count(*m_conn, f, true);
    QCOMPARE(searched.value, 40);
    QVERIFY(searched.exact);
}

void tst_SongTables::jumpsUseThePlainTablesHistogram()
{
    // The fixture is analysed: the histogram of a plain table (pg_stats.inherited false) serves.
    QList<QByteArray> params;
    const QByteArray sql = m_browser.histogramSql(SongSort::Id, &params);
    QVERIFY(m_conn->exec(sql, songsql::toParams(params)).rows() > 10);
    const SongPage middle = m_browser.pageAtFraction(*m_conn, SongSort::Id, {}, 0.5, 10);
    QCOMPARE(middle.songs.size(), 10);
    QVERIFY2(qAbs(middle.songs.first().id - 100000) < 5000,
             qPrintable(QString::number(middle.songs.first().id)));
    SongKey key;
    key.id = 50000;
    QVERIFY(qAbs(*m_browser.estimateFraction(*m_conn, SongSort::Id, key) - 0.25) < 0.03);
    const SongPage month = m_browser.pageAtMonth(*m_conn, 2024, 7, {}, 5);
    QCOMPARE(month.songs.size(), 5);
    QCOMPARE(formatUtcMicros(month.songs.first().createdAtUs).left(7), QStringLiteral("2024-07"));
}

void tst_SongTables::songByIdAndDetails()
{
    const std::optional<Song> s = m_repo.songById(*m_conn, 750);
    QVERIFY(s);
    QCOMPARE(s->name, QStringLiteral("password=hunter2 host=evil.example"));
    QCOMPARE(s->albumId, std::optional<qint64>(75));
    QCOMPARE(s->artistId, std::optional<qint64>(8));
    QVERIFY(s->filePath.endsWith(QLatin1String("password=hunter2 host=evil.example.flac")));
    // What tracks does not have reads as absent, not as made-up values.
    QVERIFY(!s->trackNumber && !s->discNumber && !s->fileSize && !s->rating && !s->updatedAtUs);
    QCOMPARE(s->playCount, 0);
    QCOMPARE(formatUtcMicros(s->createdAtUs).left(10), QStringLiteral("2023-01-05"));

    const QList<SongWithDetails> d = m_repo.songsWithAlbumAndArtist(*m_conn, {1, 750, 999999});
    QCOMPARE(d.size(), 2);
    QCOMPARE(d.at(1).albumName, QStringLiteral("Album 75"));
    QCOMPARE(d.at(1).artistName, QStringLiteral("Artist 8"));
}

void tst_SongTables::writesAreRefused_data()
{
    QTest::addColumn<bool>("dryRun");
    QTest::newRow("live") << false;
    QTest::newRow("dry run") << true;
}

void tst_SongTables::writesAreRefused()
{
    QFETCH(bool, dryRun);
    SessionConfig s;
    s.dryRun = dryRun;
    SongRepository repo(s, kNext);
    try {
        repo.renameSong(*m_conn, 1, QStringLiteral("x"));
        QFAIL("rename was not refused");
    } catch (const std::invalid_argument &e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(QLatin1String("melodee-next")), e.what());
    }
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, repo.deleteSong(*m_conn, 1));
    QVERIFY(repo.recorded().isEmpty());
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT name FROM tracks WHERE id = 1"), m_db.dbname),
             QStringLiteral("Sunrise 1"));
}

void tst_SongTables::offsetConditionsOnlyNameExistingColumns()
{
    const SongRepository::OffsetPage p = m_repo.songsPaginated(
        *m_conn, 10, 5, {{QStringLiteral("album_id"), QStringLiteral("3")}});
    QCOMPARE(p.total.value, 10);
    QCOMPARE(p.songs.size(), 0);
    QVERIFY_THROWS_EXCEPTION(
        std::invalid_argument,
        m_repo.songsPaginated(
            *m_conn, 0, 5, {{QStringLiteral("play_count"), QStringLiteral("0")}}));
}

void tst_SongTables::serviceReadsWithoutTheCache()
{
    DatabaseConfig db = m_db;
    db.maxOpenConns = 1;
    auto pool = std::make_shared<ConnectionPool>(db, SessionConfig());
    // Nothing listens there: asked, the cache would say Unavailable. On melodee-next the service
    // never asks it, so the lookup is Disabled.
    RedisConfig redis;
    redis.address = QStringLiteral("127.0.0.1:%1").arg(TestEnv::freeLoopbackPort());
    const SongService service(pool, SessionConfig(), std::make_shared<SongCache>(redis), kNext);
    const SongDetails d = service.details(250).result();
    QVERIFY(d.song);
    QCOMPARE(d.song->name, QStringLiteral("It's \"quoted\" \\ back"));
    QCOMPARE(d.cache, SongCache::Lookup::Disabled);
}

QTEST_GUILESS_MAIN(tst_SongTables)
#include "tst_songtables.moc"
