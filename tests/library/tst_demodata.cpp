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
    void stagedLoadMatchesOneSession();
    void rowsAddedDuringAStagedLoadAreKept();
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
    static QString partitionShape(const QString &db);
    static QString stagingLeftovers(const QString &db);
    static DemoDataLoader stagedLoader(const DatabaseConfig &db, const DemoDataOptions &o);
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

// Every partition of the songs table with its indexes and constraints, each index marked with
// whether it is attached to the parent's: what a partition looks like however it was filled.
QString tst_DemoData::partitionShape(const QString &db)
{
    return TestEnv::psql(
        QStringLiteral(
            "SELECT string_agg(line, E'\\n' ORDER BY line) FROM ("
            "SELECT p.relname || ' ' || pg_get_expr(p.relpartbound, p.oid) || ' ' || "
            "       p.relpersistence::text || ' ' || coalesce(p.reloptions::text, '') AS line "
            "FROM pg_inherits h JOIN pg_class p ON p.oid = h.inhrelid "
            "WHERE h.inhparent = 'melodee_songs'::regclass "
            "UNION ALL "
            "SELECT pg_get_indexdef(i.indexrelid) || ' attached=' || "
            "       EXISTS (SELECT 1 FROM pg_inherits x WHERE x.inhrelid = i.indexrelid) "
            "FROM pg_index i JOIN pg_inherits h ON h.inhrelid = i.indrelid "
            "WHERE h.inhparent = 'melodee_songs'::regclass "
            "UNION ALL "
            "SELECT c.conrelid::regclass || ' ' || c.conname || ' ' || pg_get_constraintdef(c.oid) "
            "FROM pg_constraint c JOIN pg_inherits h ON h.inhrelid = c.conrelid "
            "WHERE h.inhparent = 'melodee_songs'::regclass) x"),
        db);
}

// Staging schemas and advisory locks a staged load may have left.
QString tst_DemoData::stagingLeftovers(const QString &db)
{
    return TestEnv::psql(
        QStringLiteral("SELECT (SELECT count(*) FROM pg_namespace WHERE nspname LIKE "
                       "'%demo_load') || '|' || (SELECT count(*) FROM pg_locks WHERE locktype = "
                       "'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = "
                       "current_database()))"),
        db);
}

DemoDataLoader tst_DemoData::stagedLoader(const DatabaseConfig &db, const DemoDataOptions &o)
{
    DemoDataLoader loader(SessionConfig(), o);
    loader.setConnectionOpener([db] { return PgConnection::open(db); });
    return loader;
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

// Three sessions fill the months into staging tables and one transaction swaps them in: the
// library is row for row the one a single session loads, and every partition has the indexes,
// keys and constraints it would have had, attached to the parent's.
void tst_DemoData::stagedLoadMatchesOneSession()
{
    DemoDataOptions o;
    o.songs = 20000;
    o.months = 7;
    o.seed = 9;
    o.endMonth = QStringLiteral("2025-06");
    QStringList prints;
    QStringList shapes;
    for (const int jobs : {1, 3}) {
        o.jobs = jobs;
        const DatabaseConfig db = createLibraryDatabase(QStringLiteral("demostaged"), {});
        auto conn = PgConnection::open(db);
        const QString indexesBefore = indexes(db.dbname);
        // A setting on an empty month partition survives its replacement.
        TestEnv::psql(QStringLiteral("CREATE TABLE melodee_songs_2025_03 PARTITION OF "
                                     "melodee_songs FOR VALUES FROM ('2025-03-01 00:00:00+00') "
                                     "TO ('2025-04-01 00:00:00+00') WITH (fillfactor = 90)"),
                      db.dbname);
        QList<DemoDataProgress> progress;
        const DemoDataResult r = stagedLoader(db, o).load(
            *conn, {}, [&](const DemoDataProgress &p) { progress << p; });
        QCOMPARE(r.jobs, jobs);
        QCOMPARE(r.songs, 20000);
        QCOMPARE(r.indexesDeferred, 9);
        QVERIFY(r.analyzed);
        QCOMPARE(progress.last().rowsDone, r.artists + r.albums + r.songs);
        QCOMPARE(indexes(db.dbname), indexesBefore);
        QCOMPARE(stagingLeftovers(db.dbname), QStringLiteral("0|0"));
        QCOMPARE(TestEnv::psql(QStringLiteral("SELECT count(*) > 0 FROM pg_stats WHERE tablename = "
                                              "'melodee_songs' AND inherited"),
                               db.dbname),
                 QStringLiteral("t"));
        prints << fingerprint(db.dbname)
                      + TestEnv::psql(QStringLiteral("SELECT md5(string_agg(concat_ws('|', id, "
                                                     "name, artist_id, created_at), ',' ORDER BY "
                                                     "id)) FROM melodee_albums"),
                                      db.dbname);
        shapes << partitionShape(db.dbname);
    }
    QCOMPARE(prints.at(1), prints.at(0));
    QCOMPARE(shapes.at(1), shapes.at(0));
    QVERIFY2(shapes.at(0).contains(QLatin1String("melodee_songs_2025_01_pkey")),
             qPrintable(shapes.at(0)));
    QVERIFY(!shapes.at(0).contains(QLatin1String("attached=f")));
    QVERIFY2(shapes.at(0).contains(QLatin1String("{fillfactor=90}")), qPrintable(shapes.at(0)));
}

// A song inserted while a staged load runs keeps the month partitions from being replaced: the
// load fails, says why, and leaves that song and nothing else.
void tst_DemoData::rowsAddedDuringAStagedLoadAreKept()
{
    const DatabaseConfig db = createLibraryDatabase(QStringLiteral("demoraced"), {});
    auto conn = PgConnection::open(db);
    DemoDataOptions o;
    o.songs = 100000;
    o.months = 3;
    o.jobs = 2;
    o.endMonth = QStringLiteral("2025-03");
    const qint64 prelude = o.effectiveArtists() * (1 + o.albumsPerArtist);
    bool inserted = false;
    std::optional<DbError> error;
    try {
        stagedLoader(db, o).load(*conn, {}, [&](const DemoDataProgress &p) {
            if (!inserted && p.rowsDone > prelude) {
                TestEnv::psql(QStringLiteral("INSERT INTO melodee_songs (name, name_normalized, "
                                             "created_at) VALUES ('kept', 'kept', "
                                             "'2025-02-10 00:00:00+00')"),
                              db.dbname);
                inserted = true;
            }
        });
    } catch (const DbError &e) {
        error = e;
    }
    QVERIFY(inserted);
    QVERIFY(error);
    QVERIFY2(error->toString().contains(QLatin1String("rows were added")),
             qPrintable(error->toString()));
    QCOMPARE(
        TestEnv::psql(QStringLiteral("SELECT string_agg(name, ',') FROM melodee_songs"), db.dbname),
        QStringLiteral("kept"));
    for (const char *t : {"melodee_artists", "melodee_albums"})
        QCOMPARE(TestEnv::psql(QStringLiteral("SELECT count(*) FROM %1").arg(QLatin1String(t)),
                               db.dbname),
                 QStringLiteral("0"));
    QCOMPARE(stagingLeftovers(db.dbname), QStringLiteral("0|0"));
}

void tst_DemoData::cancelRollsBack_data()
{
    QTest::addColumn<bool>("throughFuture");
    QTest::addColumn<int>("jobs");
    QTest::newRow("stop token") << false << 1;
    QTest::newRow("cancelled future") << true << 1;
    QTest::newRow("stop token, staged") << false << 3;
    QTest::newRow("cancelled future, staged") << true << 3;
}

// Stopped in the middle of the songs, the load rolls back completely and says it was cancelled;
// through a task, cancelling its future is what stops it.
void tst_DemoData::cancelRollsBack()
{
    QFETCH(bool, throughFuture);
    QFETCH(int, jobs);
    const DatabaseConfig db = createLibraryDatabase(QStringLiteral("democancel"), {});
    auto conn = PgConnection::open(db);
    DemoDataOptions o;
    o.songs = 200000;
    o.months = 3;
    o.jobs = jobs;
    o.endMonth = QStringLiteral("2025-03");
    const qint64 prelude = o.effectiveArtists() * (1 + o.albumsPerArtist);
    const QString indexesBefore = indexes(db.dbname);
    DemoDataLoader loader = stagedLoader(db, o);
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
    // The indexes dropped for the load came back with the rollback; no staged month is left.
    QCOMPARE(indexes(db.dbname), indexesBefore);
    QCOMPARE(stagingLeftovers(db.dbname), QStringLiteral("0|0"));
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
        // A table that holds a row keeps its indexes during the load, and its songs are loaded
        // in the one session: there is no empty month partition to swap.
        const DemoDataResult first = stagedLoader(db, o).load(*conn);
        QCOMPARE(first.indexesDeferred, 0);
        QCOMPARE(first.jobs, 1);
        QCOMPARE(stagedLoader(db, o).load(*conn).indexesDeferred, 0); // same seed
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
    QTest::addColumn<QString>("jobs");
    QTest::newRow("SIGINT (Ctrl+C)") << int(SIGINT) << QStringLiteral("1");
    QTest::newRow("SIGKILL (kill -9)") << int(SIGKILL) << QStringLiteral("1");
    QTest::newRow("SIGINT, staged") << int(SIGINT) << QStringLiteral("2");
    QTest::newRow("SIGKILL, staged") << int(SIGKILL) << QStringLiteral("2");
}

// Interrupted while the songs stream in, with its indexes set aside: whether the CLI rolls back
// itself (SIGINT) or dies on the spot (SIGKILL, the server aborts the transaction when the
// connection drops), no row stays and every index is back. Staged months a killed load committed
// stay in its staging schema, outside the library, until the next load drops them.
void tst_DemoData::cliInterruptRollsBack()
{
    QFETCH(int, signal);
    QFETCH(QString, jobs);
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
             QStringLiteral("2025-02"),
             QStringLiteral("--jobs"),
             jobs});
    QVERIFY(p.waitForStarted());
    // Wait until the songs are streaming, then interrupt as Ctrl+C would.
    const auto songsCopied = [&] {
        return TestEnv::psql(QStringLiteral("SELECT coalesce(max(c.tuples_processed), 0) FROM "
                                            "pg_stat_progress_copy c WHERE c.datname = '%1' AND "
                                            "c.command = 'COPY FROM' AND c.tuples_processed > "
                                            "0 AND c.relid NOT IN ('melodee_artists'::regclass, "
                                            "'melodee_albums'::regclass)")
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
    if (signal == SIGINT)
        QCOMPARE(stagingLeftovers(db.dbname), QStringLiteral("0|0"));
    // The next load works and leaves no staging schema behind.
    QProcess next;
    next.start(TestEnv::cliPath(),
               {QStringLiteral("demo-data"),
                QStringLiteral("--dsn"),
                dsn(db),
                QStringLiteral("--songs"),
                QStringLiteral("100"),
                QStringLiteral("--months"),
                QStringLiteral("2"),
                QStringLiteral("--end-month"),
                QStringLiteral("2025-02"),
                QStringLiteral("--jobs"),
                jobs});
    QVERIFY(next.waitForFinished(60000));
    QCOMPARE(next.exitCode(), 0);
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT count(*) FROM melodee_songs"), db.dbname),
             QStringLiteral("100"));
    QCOMPARE(stagingLeftovers(db.dbname), QStringLiteral("0|0"));
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
