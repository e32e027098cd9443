#include "async/task.h"
#include "db/dberror.h"
#include "db/pgconnection.h"
#include "library/demodata.h"
#include "library/namenormalizer.h"
#include "libraryschema.h"
#include "testenv.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QTest>
#include <QThreadPool>

#include <atomic>
#include <csignal>
#include <optional>

using namespace melodee;
using namespace melodee::test;

class tst_DemoData : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void loadsDeterministically();
    void cancelRollsBack_data();
    void cancelRollsBack();
    void appendsWithoutCollisions();
    void badOptions_data();
    void badOptions();
    void cliInterruptRollsBack_data();
    void cliInterruptRollsBack();
    void cliSongsPaging();

private:
    QString fingerprint(const QString &db);
    static QString indexes(const QString &db);
    static QString dsn(const DatabaseConfig &db);
};

QString tst_DemoData::dsn(const DatabaseConfig &db)
{
    return QStringLiteral("host=%1 port=%2 user=postgres dbname=%3 sslmode=disable")
        .arg(db.host)
        .arg(db.port)
        .arg(db.dbname);
}

// The indexes of the three library tables with their definitions, plus, per table, how many of
// its partitions lack one of the parent's indexes or hold an invalid index: what a load must leave
// exactly as it found it (the load may add partitions, which get the parent's indexes).
QString tst_DemoData::indexes(const QString &db)
{
    return TestEnv::psql(
        QStringLiteral(
            "SELECT string_agg(indexdef, E'\\n' ORDER BY indexname) FROM pg_indexes "
            "WHERE schemaname = 'public' "
            "AND tablename IN ('melodee_songs', 'melodee_albums', 'melodee_artists') "
            "UNION ALL "
            "SELECT p.relname || ': ' || count(*) FILTER (WHERE (SELECT count(*) FROM pg_index i "
            "WHERE i.indrelid = h.inhrelid AND i.indisvalid) < (SELECT count(*) FROM pg_index i "
            "WHERE i.indrelid = h.inhparent)) || ' partitions miss an index' "
            "FROM pg_inherits h JOIN pg_class p ON p.oid = h.inhparent "
            "WHERE p.relname IN ('melodee_songs', 'melodee_albums') GROUP BY p.relname"),
        db);
}

void tst_DemoData::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
}

// Everything but the timestamps the database sets itself.
QString tst_DemoData::fingerprint(const QString &db)
{
    return TestEnv::psql(
        QStringLiteral("SELECT md5(string_agg(concat_ws('|', id, api_key, name, name_normalized, "
                       "album_id, artist_id, duration, track_number, file_path, file_size, rating, "
                       "created_at), ',' ORDER BY id)) FROM melodee_songs"),
        db);
}

void tst_DemoData::loadsDeterministically()
{
    DemoDataOptions o;
    o.songs = 5000;
    o.months = 6;
    o.seed = 42;
    o.endMonth = QStringLiteral("2025-06");
    QStringList prints;
    for (int run = 0; run < 2; ++run) {
        const DatabaseConfig db = createLibraryDatabase(QStringLiteral("demo"), {});
        auto conn = PgConnection::open(db);
        const QString indexesBefore = indexes(db.dbname);
        QList<DemoDataProgress> progress;
        const DemoDataResult r
            = DemoDataLoader(SessionConfig(), o).load(*conn, {}, [&](const DemoDataProgress &p) {
                  progress << p;
              });
        QVERIFY(r.analyzed);
        QCOMPARE(r.songs, 5000);
        // Into empty tables the secondary indexes are built after the COPY (six on songs, two on
        // albums, one on artists) and come back exactly as the migrations created them.
        QCOMPARE(r.indexesDeferred, 9);
        QCOMPARE(indexes(db.dbname), indexesBefore);
        QVERIFY2(indexesBefore.contains(QLatin1String("melodee_songs: 0 partitions miss")),
                 qPrintable(indexesBefore));
        QVERIFY(indexesBefore.contains(QLatin1String("songs_name_trgm_idx")));
        QCOMPARE(r.artists, o.effectiveArtists());
        QCOMPARE(r.albums, r.artists * o.albumsPerArtist);
        QVERIFY(r.rowsPerSecond > 0);
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.last().rowsDone, r.artists + r.albums + r.songs);
        QCOMPARE(TestEnv::psql(QStringLiteral("SELECT count(*) FROM melodee_songs"), db.dbname),
                 QStringLiteral("5000"));
        // Every month of the window holds songs, in its own partition, none in the default one.
        QCOMPARE(TestEnv::psql(QStringLiteral("SELECT count(DISTINCT tableoid) FROM melodee_songs"),
                               db.dbname),
                 QStringLiteral("6"));
        QCOMPARE(
            TestEnv::psql(QStringLiteral("SELECT count(*) FROM melodee_songs_default"), db.dbname),
            QStringLiteral("0"));
        QCOMPARE(TestEnv::psql(QStringLiteral(
                                   "SELECT min(created_at) >= '2025-01-01 00:00:00+00' AND "
                                   "max(created_at) < '2025-07-01 00:00:00+00' FROM melodee_songs"),
                               db.dbname),
                 QStringLiteral("t"));
        // Songs point at existing albums and artists; album totals match their songs.
        QCOMPARE(TestEnv::psql(
                     QStringLiteral(
                         "SELECT count(*) FROM melodee_songs s LEFT JOIN melodee_albums a "
                         "ON a.id = s.album_id WHERE a.id IS NULL OR a.artist_id <> s.artist_id"),
                     db.dbname),
                 QStringLiteral("0"));
        QCOMPARE(TestEnv::psql(
                     QStringLiteral(
                         "SELECT count(*) FROM melodee_albums a WHERE song_count <> "
                         "(SELECT count(*) FROM melodee_songs s WHERE s.album_id = a.id) "
                         "OR duration <> (SELECT coalesce(sum(duration), 0) FROM melodee_songs s "
                         "WHERE s.album_id = a.id)"),
                     db.dbname),
                 QStringLiteral("0"));
        // name_normalized is exactly what normalizeName() gives.
        PgResult names = conn->exec("SELECT name, name_normalized FROM melodee_songs UNION ALL "
                                    "SELECT name, name_normalized FROM melodee_artists");
        for (int i = 0; i < names.rows(); ++i)
            QCOMPARE(names.text(i, 1), normalizeName(names.text(i, 0)));
        // Statistics are there for the estimate and the scrollbar.
        QCOMPARE(TestEnv::psql(QStringLiteral("SELECT count(*) > 0 FROM pg_stats WHERE tablename = "
                                              "'melodee_songs' AND inherited"),
                               db.dbname),
                 QStringLiteral("t"));
        prints << fingerprint(db.dbname);
    }
    QCOMPARE(prints.at(0), prints.at(1));
    QVERIFY(!prints.at(0).isEmpty());
}

void tst_DemoData::cancelRollsBack_data()
{
    QTest::addColumn<bool>("throughFuture");
    QTest::newRow("stop token") << false;
    QTest::newRow("cancelled future") << true;
}

// Stopped in the middle of the songs, the load rolls back completely and says it was cancelled;
// through a task, cancelling its future is what stops it.
void tst_DemoData::cancelRollsBack()
{
    QFETCH(bool, throughFuture);
    const DatabaseConfig db = createLibraryDatabase(QStringLiteral("democancel"), {});
    auto conn = PgConnection::open(db);
    DemoDataOptions o;
    o.songs = 200000;
    o.months = 3;
    o.endMonth = QStringLiteral("2025-03");
    const qint64 prelude = o.effectiveArtists() * (1 + o.albumsPerArtist);
    const QString indexesBefore = indexes(db.dbname);
    DemoDataLoader loader(SessionConfig(), o);
    std::optional<DbError> error;
    if (throughFuture) {
        std::atomic<qint64> rowsDone{0};
        QThreadPool pool;
        QFuture<DemoDataResult> load = startTask(&pool, [&](std::stop_token stop) {
            return loader.load(
                *conn, stop, [&](const DemoDataProgress &p) { rowsDone = p.rowsDone; });
        });
        QVERIFY(
            QTest::qWaitFor([&] { return rowsDone.load() > prelude || load.isFinished(); }, 60000));
        QVERIFY2(!load.isFinished(), "the load ended before it could be cancelled");
        load.cancel();
        // Finished once the work has returned; what a cancelled task throws is dropped with it.
        QTRY_VERIFY_WITH_TIMEOUT(load.isFinished(), 60000);
        QVERIFY(load.isCanceled());
        QCOMPARE(load.resultCount(), 0);
    } else {
        std::stop_source stop;
        try {
            loader.load(*conn, stop.get_token(), [&](const DemoDataProgress &p) {
                if (p.rowsDone > prelude) // stop in the middle of the songs
                    stop.request_stop();
            });
        } catch (const DbError &e) {
            error = e;
        }
    }
    if (!throughFuture) {
        QVERIFY(error);
        QVERIFY2(error->isCancelled(), qPrintable(error->toString()));
    }
    for (const char *t : {"melodee_artists", "melodee_albums", "melodee_songs"})
        QCOMPARE(TestEnv::psql(QStringLiteral("SELECT count(*) FROM %1").arg(QLatin1String(t)),
                               db.dbname),
                 QStringLiteral("0"));
    // The indexes dropped for the load came back with the rollback.
    QCOMPARE(indexes(db.dbname), indexesBefore);
    // The connection is usable afterwards and a new load works.
    o.songs = 100;
    QVERIFY(DemoDataLoader(SessionConfig(), o).load(*conn).analyzed);
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT count(*) FROM melodee_songs"), db.dbname),
             QStringLiteral("100"));
}

void tst_DemoData::appendsWithoutCollisions()
{
    const DatabaseConfig db
        = createLibraryDatabase(QStringLiteral("demoappend"), months(Month{2025, 1}, 2));
    auto conn = PgConnection::open(db);
    // A row inserted with an explicit id that the sequence never saw.
    TestEnv::psql(
        QStringLiteral("INSERT INTO melodee_songs (id, name, name_normalized, created_at) "
                       "VALUES (5, 'x', 'x', '2025-01-05 00:00:00+00')"),
        db.dbname);
    DemoDataOptions o;
    o.songs = 300;
    o.months = 2;
    o.endMonth = QStringLiteral("2025-02");
    const QString indexesBefore = indexes(db.dbname);
    try {
        // A table that holds a row keeps its indexes during the load.
        QCOMPARE(DemoDataLoader(SessionConfig(), o).load(*conn).indexesDeferred, 0);
        QCOMPARE(DemoDataLoader(SessionConfig(), o).load(*conn).indexesDeferred, 0); // same seed
    } catch (const std::exception &e) {
        QFAIL(e.what());
    }
    QCOMPARE(indexes(db.dbname), indexesBefore);
    QCOMPARE(
        TestEnv::psql(
            QStringLiteral(
                "SELECT count(*), count(DISTINCT id), count(DISTINCT api_key) FROM melodee_songs"),
            db.dbname),
        QStringLiteral("601|601|601"));
    // A later plain insert continues after the loaded ids.
    TestEnv::psql(QStringLiteral("INSERT INTO melodee_songs (name, name_normalized, created_at) "
                                 "VALUES ('y', 'y', '2025-01-05 00:00:00+00')"),
                  db.dbname);
    QCOMPARE(
        TestEnv::psql(QStringLiteral("SELECT count(DISTINCT id) FROM melodee_songs"), db.dbname),
        QStringLiteral("602"));
}

void tst_DemoData::badOptions_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("songs text") << QStringList{QStringLiteral("--songs"), QStringLiteral("lots")}
                                << QStringLiteral("lots");
    QTest::newRow("negative songs")
        << QStringList{QStringLiteral("--songs"), QStringLiteral("-5")} << QStringLiteral("-5");
    QTest::newRow("months zero") << QStringList{QStringLiteral("--months"), QStringLiteral("0")}
                                 << QStringLiteral("--months 0");
    QTest::newRow("albums zero") << QStringList{QStringLiteral("--albums-per-artist"),
                                                QStringLiteral("0")}
                                 << QStringLiteral("--albums-per-artist 0");
    QTest::newRow("end month") << QStringList{QStringLiteral("--end-month"),
                                              QStringLiteral("2025-13")}
                               << QStringLiteral("2025-13");
    QTest::newRow("seed") << QStringList{QStringLiteral("--seed"), QStringLiteral("x1")}
                          << QStringLiteral("x1");
}

void tst_DemoData::badOptions()
{
    QFETCH(QStringList, args);
    QFETCH(QString, mentions);
    const auto r = TestEnv::runCli(QStringList{QStringLiteral("demo-data"),
                                               QStringLiteral("--dsn"),
                                               QStringLiteral("host=127.0.0.1 port=1")}
                                   + args);
    QCOMPARE(r.exitCode, 3);
    QVERIFY2(r.err.contains(mentions), qPrintable(r.err));
}

void tst_DemoData::cliInterruptRollsBack_data()
{
    QTest::addColumn<int>("signal");
    QTest::newRow("SIGINT (Ctrl+C)") << int(SIGINT);
    QTest::newRow("SIGKILL (kill -9)") << int(SIGKILL);
}

// Interrupted while the songs stream in, with its indexes set aside: whether the CLI rolls back
// itself (SIGINT) or dies on the spot (SIGKILL, the server aborts the transaction when the
// connection drops), no row stays and every index is back.
void tst_DemoData::cliInterruptRollsBack()
{
    QFETCH(int, signal);
    const DatabaseConfig db = createLibraryDatabase(QStringLiteral("demosigint"), {});
    const QString indexesBefore = indexes(db.dbname);
    QProcess p;
    p.start(TestEnv::cliPath(),
            {QStringLiteral("demo-data"),
             QStringLiteral("--dsn"),
             dsn(db),
             QStringLiteral("--songs"),
             QStringLiteral("2000000"),
             QStringLiteral("--months"),
             QStringLiteral("2"),
             QStringLiteral("--end-month"),
             QStringLiteral("2025-02")});
    QVERIFY(p.waitForStarted());
    // Wait until the songs are streaming, then interrupt as Ctrl+C would.
    const auto songsCopied = [&] {
        return TestEnv::psql(QStringLiteral("SELECT coalesce(max(c.tuples_processed), 0) FROM "
                                            "pg_stat_progress_copy c WHERE c.datname = '%1' AND "
                                            "c.relid = 'melodee_songs'::regclass")
                                 .arg(db.dbname),
                             db.dbname)
            .toLongLong();
    };
    QVERIFY2(QTest::qWaitFor(
                 [&] { return songsCopied() > 10000 || p.state() != QProcess::Running; }, 60000),
             "the demo-data load was never seen streaming songs through COPY");
    QVERIFY(p.state() == QProcess::Running);
    ::kill(pid_t(p.processId()), signal);
    QVERIFY(p.waitForFinished(60000));
    if (signal == SIGINT) {
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 1);
        QVERIFY(QString::fromUtf8(p.readAllStandardError()).contains(QLatin1String("rolled back")));
    } else {
        QCOMPARE(p.exitStatus(), QProcess::CrashExit);
        // The server ends the orphaned backend (and its transaction) when it reads the EOF.
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         return TestEnv::psql(QStringLiteral("SELECT count(*) FROM "
                                                             "pg_stat_activity WHERE datname = "
                                                             "'%1' AND pid <> pg_backend_pid()")
                                                  .arg(db.dbname),
                                              db.dbname)
                                == QLatin1String("0");
                     },
                     60000),
                 "the killed load's backend never went away");
    }
    for (const char *t : {"melodee_artists", "melodee_albums", "melodee_songs"})
        QCOMPARE(TestEnv::psql(QStringLiteral("SELECT count(*) FROM %1").arg(QLatin1String(t)),
                               db.dbname),
                 QStringLiteral("0"));
    QCOMPARE(indexes(db.dbname), indexesBefore);
}

void tst_DemoData::cliSongsPaging()
{
    const DatabaseConfig db = createLibraryDatabase(QStringLiteral("demosongs"), {});
    auto load = TestEnv::runCli({QStringLiteral("demo-data"),
                                 QStringLiteral("--dsn"),
                                 dsn(db),
                                 QStringLiteral("--songs"),
                                 QStringLiteral("500"),
                                 QStringLiteral("--months"),
                                 QStringLiteral("3"),
                                 QStringLiteral("--json")});
    QCOMPARE(load.exitCode, 0);
    QVERIFY(load.out.contains(QLatin1String("\"songs\":500")));
    QSet<qint64> seen;
    QString cursor;
    for (int page = 0; page < 100; ++page) {
        QStringList args{QStringLiteral("songs"),
                         QStringLiteral("--dsn"),
                         dsn(db),
                         QStringLiteral("--sort"),
                         QStringLiteral("name"),
                         QStringLiteral("--limit"),
                         QStringLiteral("120"),
                         QStringLiteral("--json")};
        if (!cursor.isEmpty())
            args << QStringLiteral("--after") << cursor;
        const auto r = TestEnv::runCli(args);
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        for (const QJsonValue &v : o.value(QLatin1String("songs")).toArray())
            seen.insert(qint64(v.toObject().value(QLatin1String("id")).toDouble()));
        cursor = o.value(QLatin1String("next_cursor")).toString();
        if (cursor.isEmpty())
            break;
    }
    QCOMPARE(seen.size(), 500);
    const auto count = TestEnv::runCli({QStringLiteral("songs"),
                                        QStringLiteral("count"),
                                        QStringLiteral("--exact"),
                                        QStringLiteral("--json"),
                                        QStringLiteral("--dsn"),
                                        dsn(db)});
    QCOMPARE(count.exitCode, 0);
    QCOMPARE(count.out.trimmed(), QStringLiteral("{\"count\":500,\"exact\":true}"));
    const auto estimate = TestEnv::runCli(
        {QStringLiteral("songs"), QStringLiteral("count"), QStringLiteral("--dsn"), dsn(db)});
    QVERIFY2(estimate.out.contains(QLatin1String("(estimate)")), qPrintable(estimate.out));
    const auto bad = TestEnv::runCli({QStringLiteral("songs"),
                                      QStringLiteral("--dsn"),
                                      dsn(db),
                                      QStringLiteral("--after"),
                                      QStringLiteral("garbage")});
    QCOMPARE(bad.exitCode, 3);
    QVERIFY(bad.err.contains(QLatin1String("garbage")));
    const auto badSort = TestEnv::runCli({QStringLiteral("songs"),
                                          QStringLiteral("--dsn"),
                                          dsn(db),
                                          QStringLiteral("--sort"),
                                          QStringLiteral("rating")});
    QCOMPARE(badSort.exitCode, 3);
    QVERIFY(badSort.err.contains(QLatin1String("rating")));
}

QTEST_GUILESS_MAIN(tst_DemoData)
#include "tst_demodata.moc"
