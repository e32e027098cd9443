#include "library/namenormalizer.h"
#include "libraryschema.h"
#include "songsdemodb.h"
#include "testenv.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStringDecoder>
#include <QTemporaryDir>
#include <QTest>

using namespace melodee;
using namespace melodee::test;

namespace {

// Song ids of the hostile names start here; plain songs sit on both sides so every page of one
// hostile song has a next page.
constexpr qint64 kFirstHostile = 101;

struct RawRun
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

// Runs `melodee` with arguments given as raw bytes: through /bin/sh, so an argument can hold bytes
// that are not UTF-8 (QProcess would encode a QString argument as valid UTF-8).
RawRun runRaw(const QList<QByteArray> &args)
{
    QByteArray script = "exec \"$0\"";
    QStringList shArgs{QStringLiteral("-c"), QString(), TestEnv::cliPath()};
    for (int i = 0; i < args.size(); ++i) {
        // Each argument is printf'd from octal escapes into its own variable, byte for byte.
        QByteArray octal;
        for (const char c : args.at(i))
            octal += '\\' + QByteArray::number(uchar(c), 8).rightJustified(3, '0');
        script.prepend("a" + QByteArray::number(i) + "=$(printf '" + octal + "x'); a"
                       + QByteArray::number(i) + "=${a" + QByteArray::number(i) + "%x}; ");
        script += " \"$a" + QByteArray::number(i) + '"';
    }
    shArgs[1] = QString::fromLatin1(script);
    QProcess p;
    p.start(QStringLiteral("/bin/sh"), shArgs);
    RawRun r;
    if (!p.waitForFinished(60000)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

QList<QByteArray> utf8(const QStringList &args)
{
    QList<QByteArray> out;
    for (const QString &a : args)
        out << a.toUtf8();
    return out;
}

// Checks what a --json run printed: valid UTF-8, one line, one JSON object. Returns the object.
QJsonObject parseJsonLine(const RawRun &r, QString *problem)
{
    QStringDecoder decode(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = decode(r.out);
    if (decode.hasError()) {
        *problem = QStringLiteral("stdout is not valid UTF-8: %1")
                       .arg(QString::fromLatin1(r.out.toHex()));
        return {};
    }
    if (!r.out.endsWith('\n') || r.out.count('\n') != 1) {
        *problem = QStringLiteral("stdout is not exactly one line: %1").arg(text);
        return {};
    }
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(r.out, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) {
        *problem
            = QStringLiteral("stdout is not a JSON object (%1): %2").arg(error.errorString(), text);
        return {};
    }
    return doc.object();
}

// A data tag for a name: its printable ASCII, at most 24 characters.
QString printable(const QString &name)
{
    QString tag;
    for (const QChar c : name) {
        if (c.unicode() >= 0x20 && c.unicode() < 0x7f)
            tag += c;
    }
    return tag.left(24);
}

QList<QJsonObject> songsOf(const QJsonObject &page)
{
    QList<QJsonObject> out;
    for (const QJsonValue &v : page.value(QLatin1String("songs")).toArray())
        out << v.toObject();
    return out;
}

} // namespace

// `melodee songs` and `melodee demo-data` print JSON built from values: whatever a name holds,
// every --json output parses, gives the name back exactly and keeps the cursors.
class tst_SongsCli : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void hostileNames_data();
    void hostileNames();
    void invalidUtf8Arguments_data();
    void invalidUtf8Arguments();
    void demoDataEmitJson_data();
    void demoDataEmitJson();
    void descending_data();
    void descending();

private:
    RawRun songs(const QStringList &args) const;
    static QStringList hostileNameList();

    DatabaseConfig m_db;
};

QStringList tst_SongsCli::hostileNameList()
{
    return {
        QStringLiteral("password=x"),
        QStringLiteral("secret: y"),
        QStringLiteral("Secret: Love"),
        QStringLiteral("passwd: 'it''s' here"),
        QStringLiteral("\"password\": \"hunter2\", \"secret\":\"z\""),
        QStringLiteral("postgres://user:pw@host/db"),
        QStringLiteral("She said \"hi\" and 'bye'"),
        QStringLiteral("back\\slash \\\" \\\\ \\u0041"),
        QStringLiteral("line one\nline two\r\nthree\ttab"),
        QStringLiteral("bell\x01 and escape\x1b[31m red"),
        QString::fromUtf8("🎸 guitar 𝄞 clef 😀"),
        QString::fromUtf8("\xef\xbf\xbd replacement love"),
        QString(255, QLatin1Char('x')).replace(0, 2, QString::fromUtf8("😀")),
    };
}

RawRun tst_SongsCli::songs(const QStringList &args) const
{
    return runRaw(
        utf8(QStringList{QStringLiteral("songs")} + args
             + QStringList{QStringLiteral("--json"), QStringLiteral("--dsn"), dsnFor(m_db)}));
}

void tst_SongsCli::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
    m_db = createLibraryDatabase(QStringLiteral("songscli"), months(Month{2025, 1}, 1));
    // The names travel as hex so psql never interprets them.
    QString sql = QStringLiteral(
        "INSERT INTO melodee_songs (id, name, name_normalized, artist_id, created_at) "
        "SELECT g, 'Plain ' || g, 'plain ' || g, 1 + g % 5, "
        "'2025-01-02 00:00:00+00'::timestamptz + g * interval '1 minute' FROM "
        "generate_series(1, 100) g;\n"
        "INSERT INTO melodee_songs (id, name, name_normalized, artist_id, created_at) "
        "SELECT g, 'Plain ' || g, 'plain ' || g, 1 + g % 5, '2025-01-03 00:00:00+00' FROM "
        "generate_series(200, 260) g;\n");
    const QStringList names = hostileNameList();
    for (int i = 0; i < names.size(); ++i) {
        sql += QStringLiteral("INSERT INTO melodee_songs (id, name, name_normalized, created_at) "
                              "VALUES (%1, convert_from(decode('%2', 'hex'), 'UTF8'), "
                              "convert_from(decode('%3', 'hex'), 'UTF8'), "
                              "'2025-01-02 12:00:00+00');\n")
                   .arg(kFirstHostile + i)
                   .arg(QString::fromLatin1(names.at(i).toUtf8().toHex()),
                        QString::fromLatin1(
                            truncateCodePoints(normalizeName(names.at(i)), 255).toUtf8().toHex()));
    }
    sql += QStringLiteral("ANALYZE melodee_songs;");
    TestEnv::psql(sql, m_db.dbname);
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT count(*) FROM melodee_songs WHERE id >= %1 AND "
                                          "id < 200")
                               .arg(kFirstHostile),
                           m_db.dbname),
             QString::number(names.size()));
}

void tst_SongsCli::hostileNames_data()
{
    QTest::addColumn<qint64>("id");
    QTest::addColumn<QString>("name");
    const QStringList names = hostileNameList();
    for (int i = 0; i < names.size(); ++i)
        QTest::addRow("%d: %s", i, qPrintable(printable(names.at(i))))
            << kFirstHostile + i << names.at(i);
}

// Every form of the command on a song with a hostile name: the page starting at it (id and name
// order), the page after it through the printed cursor, a search for it and its count.
void tst_SongsCli::hostileNames()
{
    QFETCH(qint64, id);
    QFETCH(QString, name);
    QString problem;

    const RawRun byId = songs({QStringLiteral("--id"),
                               QString::number(id),
                               QStringLiteral("--limit"),
                               QStringLiteral("1")});
    QCOMPARE(byId.exitCode, 0);
    const QJsonObject page = parseJsonLine(byId, &problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(songsOf(page).size(), 1);
    QCOMPARE(songsOf(page).first().value(QLatin1String("name")).toString(), name);
    QCOMPARE(qint64(songsOf(page).first().value(QLatin1String("id")).toDouble()), id);
    const QString next = page.value(QLatin1String("next_cursor")).toString();
    QVERIFY2(!next.isEmpty(), byId.out.constData());
    QVERIFY(page.contains(QLatin1String("prev_cursor")));

    // The printed cursor leads on to the next song.
    const RawRun after
        = songs({QStringLiteral("--after"), next, QStringLiteral("--limit"), QStringLiteral("1")});
    QCOMPARE(after.exitCode, 0);
    const QJsonObject afterPage = parseJsonLine(after, &problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const qint64 nextId = id + 1 < kFirstHostile + hostileNameList().size() ? id + 1 : 200;
    QCOMPARE(qint64(songsOf(afterPage).value(0).value(QLatin1String("id")).toDouble()), nextId);
    QVERIFY(!afterPage.value(QLatin1String("prev_cursor")).toString().isEmpty());

    // Name order: the cursor carries the hostile normalised name itself.
    const RawRun byName = songs({QStringLiteral("--sort"),
                                 QStringLiteral("name"),
                                 QStringLiteral("--id"),
                                 QString::number(id),
                                 QStringLiteral("--limit"),
                                 QStringLiteral("2")});
    QCOMPARE(byName.exitCode, 0);
    const QJsonObject namePage = parseJsonLine(byName, &problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(songsOf(namePage).value(0).value(QLatin1String("name")).toString(), name);
    // A name at the end of the order has no next page; any other's cursor leads on.
    QVERIFY(namePage.contains(QLatin1String("next_cursor")));
    const QString nameNext = namePage.value(QLatin1String("next_cursor")).toString();
    if (!nameNext.isEmpty()) {
        const RawRun nameAfter = songs(
            {QStringLiteral("--after"), nameNext, QStringLiteral("--limit"), QStringLiteral("1")});
        QCOMPARE(nameAfter.exitCode, 0);
        const QJsonObject nameAfterPage = parseJsonLine(nameAfter, &problem);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QCOMPARE(songsOf(nameAfterPage).size(), 1);
    }

    // Searching for the name finds it.
    const RawRun search = songs(
        {QStringLiteral("--search"), name, QStringLiteral("--limit"), QStringLiteral("20")});
    QCOMPARE(search.exitCode, 0);
    const QJsonObject found = parseJsonLine(search, &problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    bool seen = false;
    for (const QJsonObject &s : songsOf(found))
        seen = seen || s.value(QLatin1String("name")).toString() == name;
    QVERIFY2(seen, search.out.constData());
    QVERIFY(found.contains(QLatin1String("next_cursor")));

    // "songs count" is a subcommand, as the first word after "songs".
    const RawRun counted = songs(
        {QStringLiteral("count"), QStringLiteral("--exact"), QStringLiteral("--search"), name});
    QCOMPARE(counted.exitCode, 0);
    const QJsonObject c = parseJsonLine(counted, &problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY(c.value(QLatin1String("count")).toInteger() >= 1);
    QCOMPARE(c.value(QLatin1String("exact")).toBool(), true);
}

void tst_SongsCli::invalidUtf8Arguments_data()
{
    QTest::addColumn<QList<QByteArray>>("args");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("expectName"); // a name the page must hold, or empty

    const auto cursor = [](const QByteArray &sort, const QByteArray &json) {
        return sort + ':'
               + json.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    };
    // A command line is bytes: what is not UTF-8 decodes to U+FFFD, and that is what is searched.
    QTest::newRow("search with a lone 0xff byte")
        << QList<QByteArray>{"--search", "\xff replacement"} << 0
        << QString::fromUtf8("\xef\xbf\xbd replacement love");
    QTest::newRow("search with a cut multibyte sequence")
        << QList<QByteArray>{"--search", "gui\xc3", "--sort", "name"} << 0 << QString();
    QTest::newRow("search with overlong encoding")
        << QList<QByteArray>{"--search", "\xc0\xaf"} << 0 << QString();
    QTest::newRow("count search with invalid bytes")
        << QList<QByteArray>{"count", "--exact", "--search", "\xfe\xff"} << 0 << QString();
    QTest::newRow("cursor with invalid bytes")
        << QList<QByteArray>{"--after", "id:\xff\xfe"} << 3 << QString();
    QTest::newRow("cursor key with invalid UTF-8 inside the JSON")
        << QList<QByteArray>{"--after", cursor("name", "[\"\xff\xfe\",\"5\"]")} << 3 << QString();
    QTest::newRow("cursor key with a lone surrogate escape")
        << QList<QByteArray>{"--after", cursor("name", "[\"\\ud800 plain\",\"5\"]")} << 0
        << QString();
    QTest::newRow("cursor key with a hostile name")
        << QList<QByteArray>{"--after", cursor("name", "[\"password=x\\\"\\n\",\"5\"]")} << 0
        << QString();
}

// Bytes that are not UTF-8 can reach the command only through its arguments (PostgreSQL stores
// UTF-8): the output must still be one valid JSON document, or a usage error that is one too.
void tst_SongsCli::invalidUtf8Arguments()
{
    QFETCH(QList<QByteArray>, args);
    QFETCH(int, exitCode);
    QFETCH(QString, expectName);
    QList<QByteArray> argv{"songs"};
    argv << args << "--json"
         << "--dsn" << dsnFor(m_db).toUtf8();
    const RawRun r = runRaw(argv);
    QVERIFY2(
        r.exitCode == exitCode,
        qPrintable(QStringLiteral("exit %1: %2").arg(r.exitCode).arg(QString::fromUtf8(r.err))));
    QString problem;
    const QJsonObject o = parseJsonLine(r, &problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    if (exitCode != 0) {
        QVERIFY(r.err.startsWith("error: "));
        QCOMPARE(o.value(QLatin1String("exit_code")).toInt(), exitCode);
        QVERIFY(o.value(QLatin1String("error")).toString().startsWith(QLatin1String("invalid")));
        return;
    }
    if (args.first() == "count") {
        QVERIFY(o.contains(QLatin1String("count")));
        return;
    }
    QVERIFY(o.contains(QLatin1String("next_cursor")));
    if (!expectName.isEmpty()) {
        QCOMPARE(songsOf(o).size(), 1);
        QCOMPARE(songsOf(o).first().value(QLatin1String("name")).toString(), expectName);
    }
}

void tst_SongsCli::demoDataEmitJson_data()
{
    QTest::addColumn<QString>("dirName");
    QTest::newRow("password=") << QStringLiteral("password=x");
    QTest::newRow("secret:") << QStringLiteral("secret: y");
    QTest::newRow("quotes and backslash") << QStringLiteral("q\"uo\\te");
    QTest::newRow("newline") << QStringLiteral("two\nlines");
    QTest::newRow("emoji") << QString::fromUtf8("🎸 dir");
}

// demo-data --emit --json reports the directory it wrote to: a path is data too.
void tst_SongsCli::demoDataEmitJson()
{
    QFETCH(QString, dirName);
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString dir = tmp.filePath(dirName);
    const RawRun r = runRaw(utf8({QStringLiteral("demo-data"),
                                  QStringLiteral("--songs"),
                                  QStringLiteral("20"),
                                  QStringLiteral("--emit"),
                                  dir,
                                  QStringLiteral("--json")}));
    QCOMPARE(r.exitCode, 0);
    QString problem;
    const QJsonObject o = parseJsonLine(r, &problem);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(o.value(QLatin1String("emitted")).toString(), dir);
    QVERIFY(QFile::exists(dir + QStringLiteral("/songs.copy")));
}

void tst_SongsCli::descending_data()
{
    QTest::addColumn<QString>("sort");
    QTest::addColumn<QString>("order"); // the database's own ORDER BY ... DESC
    QTest::addColumn<QString>("where");
    QTest::newRow("id") << "id"
                        << "id DESC" << QString();
    QTest::newRow("name") << "name"
                          << "name_normalized DESC, id DESC" << QString();
    QTest::newRow("artist") << "artist"
                            << "artist_id DESC, name_normalized DESC, id DESC"
                            << "WHERE artist_id IS NOT NULL";
    QTest::newRow("created") << "created"
                             << "created_at DESC, id DESC" << QString();
}

// melodee songs --desc: the first page, the page after its cursor and the last page, against the
// database's ORDER BY ... DESC (hostile names included).
void tst_SongsCli::descending()
{
    QFETCH(QString, sort);
    QFETCH(QString, order);
    QFETCH(QString, where);
    QList<qint64> ref;
    for (const QString &id :
         TestEnv::psql(
             QStringLiteral("SELECT id FROM melodee_songs %1 ORDER BY %2").arg(where, order),
             m_db.dbname)
             .split(QLatin1Char('\n')))
        ref << id.toLongLong();
    QVERIFY(ref.size() > 75);
    QString problem;
    const auto run = [&](const QStringList &extra) {
        const RawRun r = songs(QStringList{QStringLiteral("--sort"),
                                           sort,
                                           QStringLiteral("--desc"),
                                           QStringLiteral("--limit"),
                                           QStringLiteral("25")}
                               + extra);
        return r.exitCode == 0 ? parseJsonLine(r, &problem) : QJsonObject();
    };
    const auto ids = [](const QJsonObject &page) {
        QList<qint64> out;
        for (const QJsonObject &s : songsOf(page))
            out << qint64(s.value(QLatin1String("id")).toDouble());
        return out;
    };
    const QJsonObject first = run({});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(first.value(QLatin1String("descending")).toBool(), true);
    QCOMPARE(ids(first), ref.mid(0, 25));
    const QJsonObject second
        = run({QStringLiteral("--after"), first.value(QLatin1String("next_cursor")).toString()});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(ids(second), ref.mid(25, 25));
    const QJsonObject last = run({QStringLiteral("--last")});
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(ids(last), ref.mid(ref.size() - 25));
    QVERIFY(last.value(QLatin1String("next_cursor")).isNull());

    // A jump --desc cannot honour is a usage error naming the option.
    const RawRun bad
        = songs({QStringLiteral("--desc"), QStringLiteral("--month"), QStringLiteral("2025-01")});
    QCOMPARE(bad.exitCode, 3);
    QVERIFY2(bad.err.contains("--desc"), bad.err.constData());
    const QJsonObject error = QJsonDocument::fromJson(bad.out).object();
    QCOMPARE(error.value(QLatin1String("exit_code")).toInt(), 3);
    QVERIFY(error.value(QLatin1String("error")).toString().contains(QLatin1String("--desc")));
}

QTEST_GUILESS_MAIN(tst_SongsCli)
#include "tst_songscli.moc"
