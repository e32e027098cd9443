#include "testenv.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace melodee;
using namespace melodee::test;

// `melodee inspect` and `melodee songs` on a melodee-next database (the fixture's 200k tracks,
// some with hostile names), run as the built binary.
class tst_CliInspect : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void inspectJson();
    void inspectText();
    void inspectErrorIsJson();
    void songsOverTracks_data();
    void songsOverTracks();
    void songsSearchFindsHostileNames_data();
    void songsSearchFindsHostileNames();
    void songsCount();
    void partitionsListSaysMelodeeNext();

private:
    QJsonObject runJson(const QStringList &args, int expectedExit = 0);
    QString m_dsn;
    QTemporaryDir m_home;
};

void tst_CliInspect::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
    const DatabaseConfig db = TestEnv::melodeeNextDatabase(QStringLiteral("cli_next"));
    m_dsn = QStringLiteral("host=%1 port=%2 user=postgres dbname=%3 sslmode=disable")
                .arg(db.host)
                .arg(db.port)
                .arg(db.dbname);
}

QJsonObject tst_CliInspect::runJson(const QStringList &args, int expectedExit)
{
    const TestEnv::CliResult r = TestEnv::runCli(
        args + QStringList{QStringLiteral("--dsn"), m_dsn, QStringLiteral("--json")},
        TestEnv::isolatedEnv(m_home.path()));
    if (r.exitCode != expectedExit)
        qWarning("exit %d, stderr: %s", r.exitCode, qPrintable(r.err));
    [&] {
        QCOMPARE(r.exitCode, expectedExit);
    }();
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(r.out.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError)
        qWarning(
            "not one JSON document (%s): %s", qPrintable(error.errorString()), qPrintable(r.out));
    [&] {
        QCOMPARE(error.error, QJsonParseError::NoError);
    }();
    return doc.object();
}

void tst_CliInspect::inspectJson()
{
    const QJsonObject o = runJson({QStringLiteral("inspect")});
    QVERIFY(!QTest::currentTestFailed());
    QCOMPARE(o.value(QLatin1String("kind")).toString(), QStringLiteral("melodee-next"));
    QVERIFY(o.value(QLatin1String("version")).isNull());
    QJsonObject tracks;
    for (const QJsonValue &v : o.value(QLatin1String("tables")).toArray())
        if (v.toObject().value(QLatin1String("name")).toString() == QLatin1String("tracks"))
            tracks = v.toObject();
    QCOMPARE(tracks.value(QLatin1String("estimated_rows")).toInteger(), 200000);
    QCOMPARE(tracks.value(QLatin1String("partitioned")).toBool(), false);
    QCOMPARE(tracks.value(QLatin1String("indexes")).toArray().size(), 10);
    QCOMPARE(tracks.value(QLatin1String("referenced_by"))
                 .toArray()
                 .at(0)
                 .toObject()
                 .value(QLatin1String("table"))
                 .toString(),
             QStringLiteral("playlist_tracks"));
    QVERIFY(!o.value(QLatin1String("not_available")).toArray().isEmpty());
}

void tst_CliInspect::inspectText()
{
    const TestEnv::CliResult r = TestEnv::runCli(
        {QStringLiteral("inspect"), QStringLiteral("--details"), QStringLiteral("--dsn"), m_dsn},
        TestEnv::isolatedEnv(m_home.path()));
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.startsWith(QLatin1String("schema: melodee-next (")), qPrintable(r.out));
    QVERIFY(r.out.contains(QLatin1String("not available on this schema:")));
    QVERIFY(r.out.contains(QLatin1String("partition maintenance")));
    QVERIFY(r.out.contains(QLatin1String("index idx_tracks_name_normalized_gin (gin")));
    QVERIFY(
        r.out.contains(QLatin1String("referenced by playlist_tracks.fk_playlist_tracks_track")));
    const QStringList lines = r.out.split(QLatin1Char('\n'));
    bool tracksRow = false;
    for (const QString &l : lines)
        if (l.startsWith(QLatin1String("tracks ")))
            tracksRow = l.contains(QLatin1String(" 200000 ")) && l.endsWith(QLatin1String("  no"));
    QVERIFY2(tracksRow, qPrintable(r.out));
}

void tst_CliInspect::inspectErrorIsJson()
{
    // A database that does not exist: the error is one JSON document too.
    const TestEnv::CliResult r = TestEnv::runCli(
        {QStringLiteral("inspect"),
         QStringLiteral("--dsn"),
         QStringLiteral("host=%1 port=%2 user=postgres dbname=no_such_db_inspect sslmode=disable")
             .arg(TestEnv::pgHost())
             .arg(TestEnv::pgPort()),
         QStringLiteral("--json")},
        TestEnv::isolatedEnv(m_home.path()));
    QCOMPARE(r.exitCode, 1);
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QVERIFY2(
        o.value(QLatin1String("error")).toString().contains(QLatin1String("no_such_db_inspect")),
        qPrintable(r.out));
    QCOMPARE(o.value(QLatin1String("exit_code")).toInt(), 1);
}

void tst_CliInspect::songsOverTracks_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<qint64>("firstId");
    QTest::newRow("id order") << QStringList{QStringLiteral("--limit"), QStringLiteral("5")}
                              << qint64(1);
    QTest::newRow("id order, descending")
        << QStringList{QStringLiteral("--desc"), QStringLiteral("--limit"), QStringLiteral("5")}
        << qint64(200000);
    QTest::newRow("last page") << QStringList{QStringLiteral("--last"),
                                              QStringLiteral("--limit"),
                                              QStringLiteral("5")}
                               << qint64(199996);
    QTest::newRow("jump to an id") << QStringList{QStringLiteral("--id"),
                                                  QStringLiteral("150000"),
                                                  QStringLiteral("--limit"),
                                                  QStringLiteral("3")}
                                   << qint64(150000);
    QTest::newRow("created order") << QStringList{QStringLiteral("--sort"),
                                                  QStringLiteral("created"),
                                                  QStringLiteral("--limit"),
                                                  QStringLiteral("3")}
                                   << qint64(1);
    QTest::newRow("album filter") << QStringList{QStringLiteral("--album"),
                                                 QStringLiteral("777"),
                                                 QStringLiteral("--limit"),
                                                 QStringLiteral("20")}
                                  << qint64(7761);
}

void tst_CliInspect::songsOverTracks()
{
    QFETCH(QStringList, args);
    QFETCH(qint64, firstId);
    const QJsonObject o = runJson(QStringList{QStringLiteral("songs")} + args);
    QVERIFY(!QTest::currentTestFailed());
    const QJsonArray songs = o.value(QLatin1String("songs")).toArray();
    QVERIFY2(!songs.isEmpty(), qPrintable(QJsonDocument(o).toJson()));
    const QJsonObject first = songs.first().toObject();
    QCOMPARE(first.value(QLatin1String("id")).toInteger(), firstId);
    // tracks' relative_path stands for the file path; columns tracks lacks are absent or null.
    QVERIFY2(!first.value(QLatin1String("file_path")).toString().isEmpty(),
             qPrintable(QJsonDocument(first).toJson()));
    QVERIFY(first.value(QLatin1String("track_number")).isNull()
            || first.value(QLatin1String("track_number")).isUndefined());
    if (args.contains(QLatin1String("--album")))
        QCOMPARE(songs.size(), 10);
}

void tst_CliInspect::songsSearchFindsHostileNames_data()
{
    QTest::addColumn<QString>("search");
    QTest::addColumn<QString>("name");
    QTest::newRow("password=") << QStringLiteral("password=hunter2")
                               << QStringLiteral("password=hunter2 host=evil.example");
    QTest::newRow("accents and emoji")
        << QStringLiteral("DÉJÀ vu") << QStringLiteral("🎵 Déjà Vu 🎶");
    QTest::newRow("newline") << QStringLiteral("first line second")
                             << QStringLiteral("First line\nSecond line");
    QTest::newRow("like metacharacters")
        << QStringLiteral("100% _wild_") << QStringLiteral("100% _wild_ \\% card");
    QTest::newRow("quotes") << QStringLiteral("it's \"quoted\"")
                            << QStringLiteral("It's \"quoted\" \\ back");
}

void tst_CliInspect::songsSearchFindsHostileNames()
{
    QFETCH(QString, search);
    QFETCH(QString, name);
    const QJsonObject o = runJson({QStringLiteral("songs"),
                                   QStringLiteral("--search"),
                                   search,
                                   QStringLiteral("--limit"),
                                   QStringLiteral("100")});
    QVERIFY(!QTest::currentTestFailed());
    const QJsonArray songs = o.value(QLatin1String("songs")).toArray();
    // 400 of the 200k tracks carry one of ten hostile names: 40 each.
    QCOMPARE(songs.size(), 40);
    for (const QJsonValue &v : songs)
        QCOMPARE(v.toObject().value(QLatin1String("name")).toString(), name);
}

void tst_CliInspect::songsCount()
{
    QJsonObject o = runJson({QStringLiteral("songs"), QStringLiteral("count")});
    QVERIFY(!QTest::currentTestFailed());
    QCOMPARE(o.value(QLatin1String("count")).toInteger(), 200000);
    QCOMPARE(o.value(QLatin1String("exact")).toBool(), false);
    o = runJson({QStringLiteral("songs"), QStringLiteral("count"), QStringLiteral("--exact")});
    QCOMPARE(o.value(QLatin1String("count")).toInteger(), 200000);
    QCOMPARE(o.value(QLatin1String("exact")).toBool(), true);
    o = runJson({QStringLiteral("songs"),
                 QStringLiteral("count"),
                 QStringLiteral("--exact"),
                 QStringLiteral("--artist"),
                 QStringLiteral("5")});
    QCOMPARE(o.value(QLatin1String("count")).toInteger(), 100);
}

void tst_CliInspect::partitionsListSaysMelodeeNext()
{
    // Our partitioned tables are missing there, but migrating is not the advice to give.
    const TestEnv::CliResult r = TestEnv::runCli(
        {QStringLiteral("partitions"), QStringLiteral("list"), QStringLiteral("--dsn"), m_dsn},
        TestEnv::isolatedEnv(m_home.path()));
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.out.contains(QLatin1String("melodee_songs: not a partitioned table (this database "
                                          "holds melodee-next's schema")),
             qPrintable(r.out));
    QVERIFY2(!r.out.contains(QLatin1String("run melodee migrate")), qPrintable(r.out));

    const QJsonObject o = runJson({QStringLiteral("partitions"), QStringLiteral("list")});
    QVERIFY(!QTest::currentTestFailed());
    const QJsonArray notes = o.value(QLatin1String("notes")).toArray();
    QCOMPARE(notes.size(), 1);
    QVERIFY(notes.at(0).toString().contains(QLatin1String("melodee-next")));
    for (const QJsonValue &t : o.value(QLatin1String("tables")).toArray())
        QCOMPARE(t.toObject().value(QLatin1String("exists")).toBool(), false);
}

QTEST_GUILESS_MAIN(tst_CliInspect)
#include "tst_cliinspect.moc"
