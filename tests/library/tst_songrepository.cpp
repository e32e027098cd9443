#include "db/dberror.h"
#include "db/pgconnection.h"
#include "db/transaction.h"
#include "library/songrepository.h"
#include "songlibraryfixture.h"
#include "testenv.h"

#include <QTest>

#include <libpq-fe.h>

using namespace melodee;
using namespace melodee::test;

namespace {

constexpr int kBulkSongs = 20000;

} // namespace

// Songs by id, the OFFSET page, songs with their names joined, and the writes.
class tst_SongRepository : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void counts();
    void estimateWithNewPartition_data();
    void estimateWithNewPartition();
    void offsetPaginatedCompat();
    void offsetRejectsUnknownColumn_data();
    void offsetRejectsUnknownColumn();
    void withAlbumAndArtist();
    void songByIdNotFound();
    void renameAndDelete();
    void writesCommitOrJoinTheCallersTransaction_data();
    void writesCommitOrJoinTheCallersTransaction();
    void dryRunRecords();
    void badInput_data();
    void badInput();

private:
    QString nameOf(qint64 id) const
    {
        return TestEnv::psql(QStringLiteral("SELECT name FROM melodee_songs WHERE id = %1").arg(id),
                             m_db.dbname);
    }

    DatabaseConfig m_db;
    std::unique_ptr<PgConnection> m_conn;
    SongRepository m_repo{SessionConfig()};
};

void tst_SongRepository::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
    m_db = createSongLibrary(QStringLiteral("songrepo"), kBulkSongs);
    m_conn = PgConnection::open(m_db);
}

void tst_SongRepository::counts()
{
    const qint64 total = kBulkSongs + 8;
    const SongCount exact = m_repo.count(*m_conn, {}, true);
    QCOMPARE(exact.value, total);
    QVERIFY(exact.exact);
    const SongCount estimate = m_repo.count(*m_conn, {}, false);
    QVERIFY(!estimate.exact);
    QVERIFY2(qAbs(estimate.value - total) <= total / 100,
             qPrintable(QString::number(estimate.value)));
    SongFilter f;
    f.artistId = 17;
    const SongCount fe = m_repo.count(*m_conn, f, false);
    QVERIFY(!fe.exact);
    // The planner's guess for one artist of 200: well within a factor of three.
    QVERIFY2(fe.value > kBulkSongs / 600 && fe.value < kBulkSongs / 66,
             qPrintable(QString::number(fe.value)));
    QCOMPARE(m_repo.count(*m_conn, f, true).value, kBulkSongs / 200);
    // A new, never analysed partition: estimateWithNewPartition (it drops its partition again).
}

void tst_SongRepository::estimateWithNewPartition_data()
{
    QTest::addColumn<int>("rows");
    QTest::addColumn<bool>("analyse");
    // A never-analysed partition has reltuples = -1 and relpages = 0 even after rows arrive.
    QTest::newRow("empty, never analysed") << 0 << false;
    QTest::newRow("loaded, never analysed") << 10000 << false;
    QTest::newRow("loaded, analysed") << 10000 << true;
}

void tst_SongRepository::estimateWithNewPartition()
{
    QFETCH(int, rows);
    QFETCH(bool, analyse);
    const qint64 before = kBulkSongs + 8;
    // autovacuum off so nothing analyses the partition behind the test's back.
    TestEnv::psql(
        QStringLiteral("CREATE TABLE melodee_songs_2026_08 PARTITION OF melodee_songs "
                       "FOR VALUES FROM ('2026-08-01 00:00:00+00') TO ('2026-09-01 00:00:00+00') "
                       "WITH (autovacuum_enabled = false)"),
        m_db.dbname);
    struct Drop
    {
        QString db;
        ~Drop() { TestEnv::psql(QStringLiteral("DROP TABLE melodee_songs_2026_08"), db); }
    } drop{m_db.dbname};
    if (rows > 0)
        TestEnv::psql(
            QStringLiteral("INSERT INTO melodee_songs (id, name, name_normalized, "
                           "album_id, artist_id, created_at) "
                           "SELECT 1000000 + g, 'Song ' || md5(g::text), "
                           "'song ' || md5(g::text), 1 + g % 1000, 1 + g % 200, "
                           "timestamptz '2026-08-01 00:00:00+00' + g * interval '1 minute' "
                           "FROM generate_series(1, %1) g")
                .arg(rows),
            m_db.dbname);
    if (analyse)
        TestEnv::psql(QStringLiteral("ANALYZE melodee_songs_2026_08"), m_db.dbname);
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT reltuples < 0 FROM pg_class "
                                          "WHERE relname = 'melodee_songs_2026_08'"),
                           m_db.dbname),
             analyse ? QStringLiteral("f") : QStringLiteral("t"));
    const qint64 expected = before + rows;
    const SongCount estimate = m_repo.count(*m_conn, {}, false);
    QVERIFY(!estimate.exact);
    // An unanalysed partition's rows are guessed from its size, so allow half of them; a partition
    // counted as empty would still miss by all of its rows.
    const qint64 slack = expected / 100 + (analyse ? 0 : rows / 2);
    QVERIFY2(qAbs(estimate.value - expected) <= slack,
             qPrintable(QStringLiteral("estimate %1, expected %2 +- %3")
                            .arg(estimate.value)
                            .arg(expected)
                            .arg(slack)));
    QCOMPARE(m_repo.count(*m_conn, {}, true).value, expected);
}

void tst_SongRepository::offsetPaginatedCompat()
{
    const auto p = m_repo.songsPaginated(*m_conn, 100, 10, {});
    QCOMPARE(p.songs.size(), 10);
    QCOMPARE(p.songs.first().id, 101);
    QCOMPARE(p.total.value, kBulkSongs + 8);
    QVERIFY(p.total.exact);
    const auto byArtist
        = m_repo.songsPaginated(*m_conn,
                                0,
                                5,
                                {{QStringLiteral("artist_id"), QStringLiteral("3")},
                                 {QStringLiteral("album_id"), QStringLiteral("2")}});
    QVERIFY(byArtist.total.value >= 5);
    for (const Song &s : byArtist.songs) {
        QCOMPARE(*s.artistId, 3);
        QCOMPARE(*s.albumId, 2);
    }
    const auto nulls
        = m_repo.songsPaginated(*m_conn, 0, 5, {{QStringLiteral("artist_id"), std::nullopt}});
    QCOMPARE(nulls.total.value, 1);
    QCOMPARE(nulls.songs.first().id, kBulkSongs + 3);
    // Values are bound, never spliced into SQL.
    const auto injected = m_repo.songsPaginated(
        *m_conn, 0, 5, {{QStringLiteral("name"), QStringLiteral("x' OR '1'='1")}});
    QCOMPARE(injected.total.value, 0);
}
void tst_SongRepository::offsetRejectsUnknownColumn_data()
{
    QTest::addColumn<QString>("column");
    QTest::newRow("unknown") << QStringLiteral("genre");
    QTest::newRow("sql text") << QStringLiteral("1=1 OR id");
    QTest::newRow("quoted") << QStringLiteral("\"id\"");
    QTest::newRow("qualified") << QStringLiteral("s.id");
}
void tst_SongRepository::offsetRejectsUnknownColumn()
{
    QFETCH(QString, column);
    try {
        m_repo.songsPaginated(*m_conn, 0, 5, {{column, QStringLiteral("1")}});
        QFAIL("accepted a column outside the whitelist");
    } catch (const std::invalid_argument &e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(column), e.what());
    }
}
void tst_SongRepository::withAlbumAndArtist()
{
    const QList<SongWithDetails> rows
        = m_repo.songsWithAlbumAndArtist(*m_conn, {kBulkSongs + 3, 5, 99999999, 5, 1});
    QCOMPARE(rows.size(), 3); // the unknown id is absent, the duplicate appears once
    QCOMPARE(rows.at(0).id, 1);
    QCOMPARE(rows.at(0).artistName, QStringLiteral("Artist 2"));
    QCOMPARE(rows.at(0).albumName, QStringLiteral("Album 2"));
    QCOMPARE(rows.at(1).id, 5);
    QCOMPARE(rows.at(2).id, kBulkSongs + 3);
    QVERIFY(rows.at(2).artistName.isEmpty()); // no artist: kept, names empty
    QVERIFY(m_repo.songsWithAlbumAndArtist(*m_conn, {}).isEmpty());
    // One binary array parameter however many ids.
    QList<qint64> many;
    for (qint64 i = 1; i <= kBulkSongs; ++i)
        many << i;
    QCOMPARE(m_repo.songsWithAlbumAndArtist(*m_conn, many).size(), kBulkSongs);
}
void tst_SongRepository::songByIdNotFound()
{
    const auto found = m_repo.songById(*m_conn, kBulkSongs + 4);
    QVERIFY(found);
    QCOMPARE(found->name, QStringLiteral("Beyoncé Halo"));
    QCOMPARE(formatUtcMicros(found->createdAtUs), QStringLiteral("2025-03-01T00:00:00.000000Z"));
    try {
        m_repo.songById(*m_conn, 99999999);
        QFAIL("no error for a missing song");
    } catch (const DbError &e) {
        QVERIFY(e.isNotFound());
        QCOMPARE(e.operation(), QStringLiteral("songs.byId"));
        QCOMPARE(e.table(), QStringLiteral("melodee_songs"));
        QVERIFY(e.toString().contains(QLatin1String("record not found")));
    }
    SessionConfig lenient;
    lenient.ignoreNotFoundError = true;
    QVERIFY(!SongRepository(lenient).songById(*m_conn, 99999999).has_value());
}
void tst_SongRepository::renameAndDelete()
{
    const qint64 id = kBulkSongs + 6;
    QCOMPARE(m_repo.renameSong(*m_conn, id, QStringLiteral("  Ça   Ira  ")), 1);
    const Song s = *m_repo.songById(*m_conn, id);
    QCOMPARE(s.name, QStringLiteral("Ça   Ira"));
    QCOMPARE(s.nameNormalized, QStringLiteral("ca ira"));
    QVERIFY(s.updatedAtUs.has_value());
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT count(*) FROM melodee_songs WHERE "
                                          "name_normalized = 'ca ira'"),
                           m_db.dbname),
             QStringLiteral("1"));
    QCOMPARE(m_repo.deleteSong(*m_conn, id), 1);
    SessionConfig lenient;
    lenient.ignoreNotFoundError = true;
    QVERIFY(!SongRepository(lenient).songById(*m_conn, id));
    try {
        m_repo.deleteSong(*m_conn, id);
        QFAIL("deleting a missing song succeeded silently");
    } catch (const DbError &e) {
        QVERIFY(e.isNotFound());
    }
    QCOMPARE(SongRepository(lenient).deleteSong(*m_conn, id), 0);
    // Put it back for the other tests' totals.
    TestEnv::psql(
        QStringLiteral("INSERT INTO melodee_songs (id, name, name_normalized, album_id, "
                       "artist_id, created_at) VALUES (%1, '100x Pure Love', '100x pure love', "
                       "2, 3, '2025-03-01 00:00:00+00')")
            .arg(id),
        m_db.dbname);
}
void tst_SongRepository::dryRunRecords()
{
    SessionConfig dry;
    dry.dryRun = true;
    SongRepository repo(dry);
    QCOMPARE(repo.renameSong(*m_conn, 1, QStringLiteral("Dry Name")), 0);
    QCOMPARE(repo.deleteSong(*m_conn, 2), 0);
    const QList<RecordedStatement> rec = repo.recorded();
    QCOMPARE(rec.size(), 2);
    QVERIFY(rec.at(0).sql.startsWith(QLatin1String("UPDATE \"melodee_songs\" SET name = $2")));
    QCOMPARE(
        rec.at(0).params,
        (QStringList{QStringLiteral("1"), QStringLiteral("Dry Name"), QStringLiteral("dry name")}));
    QVERIFY(rec.at(1).sql.startsWith(QLatin1String("DELETE FROM \"melodee_songs\"")));
    QCOMPARE(rec.at(1).params, QStringList{QStringLiteral("2")});
    // Nothing changed.
    QVERIFY(m_repo.songById(*m_conn, 1)->name.startsWith(QLatin1String("Song ")));
    QVERIFY(m_repo.songById(*m_conn, 2).has_value());
    repo.clearRecorded();
    QVERIFY(repo.recorded().isEmpty());
}
void tst_SongRepository::writesCommitOrJoinTheCallersTransaction_data()
{
    QTest::addColumn<bool>("skipDefaultTransaction");
    QTest::newRow("default transaction") << false;
    QTest::newRow("skip_default_transaction") << true;
}

// A write stands alone and is committed when it returns; inside the caller's transaction it is
// part of it, and goes with its rollback.
void tst_SongRepository::writesCommitOrJoinTheCallersTransaction()
{
    QFETCH(bool, skipDefaultTransaction);
    SessionConfig session;
    session.skipDefaultTransaction = skipDefaultTransaction;
    const SongRepository repo(session);
    const qint64 id = 42;
    const QString before = nameOf(id);

    QCOMPARE(repo.renameSong(*m_conn, id, QStringLiteral("Committed Name")), 1);
    QCOMPARE(PQtransactionStatus(m_conn->handle()), PQTRANS_IDLE);
    QCOMPARE(nameOf(id), QStringLiteral("Committed Name")); // seen from another session

    {
        Transaction outer(*m_conn, session);
        QCOMPARE(repo.renameSong(*m_conn, id, QStringLiteral("Rolled Back")), 1);
        QCOMPARE(repo.deleteSong(*m_conn, id + 1), 1);
        QCOMPARE(PQtransactionStatus(m_conn->handle()), PQTRANS_INTRANS);
        outer.rollback();
    }
    QCOMPARE(nameOf(id), QStringLiteral("Committed Name"));
    QVERIFY(!nameOf(id + 1).isEmpty());
    QCOMPARE(repo.renameSong(*m_conn, id, before), 1);
}

void tst_SongRepository::badInput_data()
{
    QTest::addColumn<QString>("name");
    QTest::newRow("blank") << QStringLiteral("   ");
    QTest::newRow("empty") << QString();
    QTest::newRow("256 characters") << QString(256, QLatin1Char('x'));
    QTest::newRow("256 emoji") << QString::fromUtf8("😀").repeated(256);
}

void tst_SongRepository::badInput()
{
    QFETCH(QString, name);
    const QString before = nameOf(1);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, m_repo.renameSong(*m_conn, 1, name));
    QCOMPARE(nameOf(1), before);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, m_repo.songsPaginated(*m_conn, -1, 10, {}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, m_repo.songsPaginated(*m_conn, 0, 0, {}));
}

QTEST_GUILESS_MAIN(tst_SongRepository)
#include "tst_songrepository.moc"
