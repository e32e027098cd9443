#include "library/songquery.h"

#include <QJsonDocument>
#include <QTest>

using namespace melodee;

class tst_SongQuery : public QObject
{
    Q_OBJECT
private slots:
    void cursorRoundTrip_data();
    void cursorRoundTrip();
    void cursorRejects_data();
    void cursorRejects();
    void escapeLike_data();
    void escapeLike();
    void utcMicros_data();
    void utcMicros();
    void songJson();
    void songJsonRejects_data();
    void songJsonRejects();
};

void tst_SongQuery::cursorRoundTrip_data()
{
    QTest::addColumn<int>("sort");
    QTest::addColumn<qint64>("id");
    QTest::addColumn<QString>("name");
    QTest::addColumn<qint64>("artist");
    QTest::addColumn<qint64>("created");
    QTest::newRow("id") << int(SongSort::Id) << qint64(9999999) << QString() << qint64(0)
                        << qint64(0);
    QTest::newRow("id max") << int(SongSort::Id) << std::numeric_limits<qint64>::max() << QString()
                            << qint64(0) << qint64(0);
    QTest::newRow("name unicode") << int(SongSort::Name) << qint64(5)
                                  << QStringLiteral("東京 \"q\" \\") << qint64(0) << qint64(0);
    QTest::newRow("name empty") << int(SongSort::Name) << qint64(1) << QString() << qint64(0)
                                << qint64(0);
    QTest::newRow("artist") << int(SongSort::Artist) << qint64(77) << QStringLiteral("abc")
                            << qint64(123456) << qint64(0);
    QTest::newRow("created micros exact") << int(SongSort::Created) << qint64(3) << QString()
                                          << qint64(0) << qint64(1764243296123457);
    QTest::newRow("created before 1970")
        << int(SongSort::Created) << qint64(3) << QString() << qint64(0) << qint64(-86400000001);
}

void tst_SongQuery::cursorRoundTrip()
{
    QFETCH(int, sort);
    QFETCH(qint64, id);
    QFETCH(QString, name);
    QFETCH(qint64, artist);
    QFETCH(qint64, created);
    SongCursor c;
    c.sort = SongSort(sort);
    c.key.id = id;
    c.key.nameNormalized = name;
    c.key.artistId = artist;
    c.key.createdAtUs = created;
    const QString token = c.encode();
    QVERIFY(token.startsWith(songSortName(c.sort) + QLatin1Char(':')));
    // URL- and shell-safe: no '+', '/', '=' or spaces.
    QVERIFY(!token.contains(QLatin1Char('+')) && !token.contains(QLatin1Char('/'))
            && !token.contains(QLatin1Char('=')) && !token.contains(QLatin1Char(' ')));
    const SongCursor back = SongCursor::decode(token);
    QCOMPARE(int(back.sort), sort);
    QCOMPARE(back.key.id, id);
    if (c.sort == SongSort::Name || c.sort == SongSort::Artist)
        QCOMPARE(back.key.nameNormalized, name);
    if (c.sort == SongSort::Artist)
        QCOMPARE(back.key.artistId, artist);
    if (c.sort == SongSort::Created)
        QCOMPARE(back.key.createdAtUs, created);
}

void tst_SongQuery::cursorRejects_data()
{
    QTest::addColumn<QString>("token");
    QTest::newRow("empty") << QString();
    QTest::newRow("no colon") << QStringLiteral("id");
    QTest::newRow("unknown sort") << QStringLiteral("rating:WyIxIl0");
    QTest::newRow("not base64") << QStringLiteral("id:***");
    QTest::newRow("not json") << QStringLiteral("id:")
                                     + QString::fromLatin1(QByteArray("nope").toBase64());
    QTest::newRow("object not array")
        << QStringLiteral("id:") + QString::fromLatin1(QByteArray("{}").toBase64());
    QTest::newRow("wrong arity") << QStringLiteral("name:")
                                        + QString::fromLatin1(QByteArray("[\"1\"]").toBase64());
    QTest::newRow("id not integer")
        << QStringLiteral("id:") + QString::fromLatin1(QByteArray("[\"x1\"]").toBase64());
    QTest::newRow("id as number") << QStringLiteral("id:")
                                         + QString::fromLatin1(QByteArray("[1]").toBase64());
    // Converting these to qint64 would be undefined behaviour.
    QTest::newRow("artist id out of range")
        << QStringLiteral("artist:")
               + QString::fromLatin1(QByteArray(R"([1e300,"x","1"])").toBase64());
    QTest::newRow("artist id fraction")
        << QStringLiteral("artist:")
               + QString::fromLatin1(QByteArray(R"([1.5,"x","1"])").toBase64());
}

void tst_SongQuery::cursorRejects()
{
    QFETCH(QString, token);
    try {
        SongCursor::decode(token);
        QFAIL("accepted a bad cursor");
    } catch (const std::invalid_argument &e) {
        QVERIFY2(QString::fromUtf8(e.what()).startsWith(QStringLiteral("invalid cursor")),
                 e.what());
    }
}

void tst_SongQuery::escapeLike_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");
    QTest::newRow("plain") << QStringLiteral("abc") << QStringLiteral("abc");
    QTest::newRow("percent") << QStringLiteral("100%") << QStringLiteral("100\\%");
    QTest::newRow("underscore") << QStringLiteral("a_b") << QStringLiteral("a\\_b");
    QTest::newRow("backslash") << QStringLiteral("a\\b") << QStringLiteral("a\\\\b");
    QTest::newRow("quote untouched") << QStringLiteral("it's") << QStringLiteral("it's");
}

void tst_SongQuery::escapeLike()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    QCOMPARE(melodee::escapeLike(input), expected);
}

void tst_SongQuery::utcMicros_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("micros");
    QTest::addColumn<bool>("valid");
    QTest::newRow("epoch") << QStringLiteral("1970-01-01T00:00:00.000000Z") << qint64(0) << true;
    QTest::newRow("fraction") << QStringLiteral("2026-11-27T10:13:48.123456Z")
                              << qint64(1795774428123456) << true;
    QTest::newRow("month") << QStringLiteral("2026-02") << qint64(1769904000000000) << true;
    QTest::newRow("date") << QStringLiteral("2026-02-03") << qint64(1770076800000000) << true;
    QTest::newRow("bad month") << QStringLiteral("2026-13") << qint64(0) << false;
    QTest::newRow("bad day") << QStringLiteral("2026-02-30") << qint64(0) << false;
    QTest::newRow("other zone") << QStringLiteral("2026-02-03T00:00:00+05:00") << qint64(0)
                                << false;
    QTest::newRow("garbage") << QStringLiteral("yesterday") << qint64(0) << false;
}

void tst_SongQuery::utcMicros()
{
    QFETCH(QString, text);
    QFETCH(qint64, micros);
    QFETCH(bool, valid);
    const auto parsed = parseUtcMicros(text);
    QCOMPARE(parsed.has_value(), valid);
    if (valid) {
        QCOMPARE(*parsed, micros);
        QCOMPARE(*parseUtcMicros(formatUtcMicros(micros)), micros);
    }
}

void tst_SongQuery::songJson()
{
    Song s;
    s.id = 42;
    s.apiKey = QStringLiteral("0b0c5f0e-1111-4222-8333-444455556666");
    s.name = QStringLiteral("Café \"del\" Mar");
    s.nameNormalized = QStringLiteral("cafe \"del\" mar");
    s.albumId = 7;
    s.durationMs = 215000;
    s.trackNumber = 3;
    s.fileSize = 9000000000LL;
    s.playCount = 12;
    s.rating = 5;
    s.createdAtUs = 1795774428123456;
    s.updatedAtUs = 1795774428123457;
    const auto back = Song::fromJson(s.toJson());
    QVERIFY(back.has_value());
    QVERIFY(*back == s);
}

void tst_SongQuery::songJsonRejects_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("empty object") << QByteArray("{}");
    QTest::newRow("id as string") << QByteArray(
        R"({"id":"1","name":"a","play_count":0,"created_at":"2026-01-01T00:00:00Z"})");
    QTest::newRow("fractional id") << QByteArray(
        R"({"id":1.5,"name":"a","play_count":0,"created_at":"2026-01-01T00:00:00Z"})");
    QTest::newRow("bad time") << QByteArray(
        R"({"id":1,"name":"a","play_count":0,"created_at":"soon"})");
    QTest::newRow("album wrong type") << QByteArray(
        R"({"id":1,"name":"a","play_count":0,"album_id":"x","created_at":"2026-01-01T00:00:00Z"})");
    // Converting 1e300 to qint64 would be undefined behaviour.
    QTest::newRow("id out of range") << QByteArray(
        R"({"id":1e300,"name":"a","play_count":0,"created_at":"2026-01-01T00:00:00Z"})");
    // Not track 2 after wrapping around 2^32.
    QTest::newRow("track number out of int range") << QByteArray(
        R"({"id":1,"name":"a","play_count":0,"track_number":4294967298,"created_at":"2026-01-01T00:00:00Z"})");
}

void tst_SongQuery::songJsonRejects()
{
    QFETCH(QByteArray, json);
    QVERIFY(!Song::fromJson(QJsonDocument::fromJson(json).object()).has_value());
}

QTEST_GUILESS_MAIN(tst_SongQuery)
#include "tst_songquery.moc"
