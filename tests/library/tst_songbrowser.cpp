#include "db/dberror.h"
#include "db/pgconnection.h"
#include "library/namenormalizer.h"
#include "library/songbrowser.h"
#include "libraryschema.h"
#include "songlibraryfixture.h"
#include "testenv.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QScopeGuard>
#include <QSet>
#include <QTest>

#include <algorithm>

using namespace melodee;
using namespace melodee::test;

namespace {

constexpr int kBulkSongs = 60000;

QList<qint64> ids(const SongPage &page)
{
    QList<qint64> out;
    for (const Song &song : page.songs)
        out << song.id;
    return out;
}

} // namespace

class tst_SongBrowser : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void keysetWalk_data();
    void keysetWalk();
    void explainIndexRangeScans_data();
    void explainIndexRangeScans();
    void createdRangePrunesPartitions();
    void searchUsesTrigramIndex();
    void searchMatchesLiterally_data();
    void searchMatchesLiterally();
    void filters();
    void jumps();
    void descendingPages_data();
    void descendingPages();
    void estimateFraction();
    void histogramIsReusedForItsLifetime_data();
    void histogramIsReusedForItsLifetime();
    void pageSqlIsWhatPageRuns_data();
    void pageSqlIsWhatPageRuns();
    void fractionRequestIsWhatJumpRuns_data();
    void fractionRequestIsWhatJumpRuns();
    void badInput();
    void warmUpCachesFirstPagePlans_data();
    void warmUpCachesFirstPagePlans();

private:
    QList<qint64> referenceIds(SongSort sort, const QString &where = QString())
    {
        return test::referenceIds(*m_conn, sort, where);
    }
    QList<QJsonObject> explain(const PageRequest &req)
    {
        return explainPage(*m_conn, m_browser, req);
    }

    DatabaseConfig m_db;
    std::unique_ptr<PgConnection> m_conn;
    SongBrowser m_browser{SessionConfig()};
};

void tst_SongBrowser::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
    m_db = createSongLibrary(QStringLiteral("library"), kBulkSongs);
    m_conn = PgConnection::open(m_db);
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT count(*) FROM melodee_songs"), m_db.dbname),
             QString::number(kBulkSongs + 8));
}

void tst_SongBrowser::keysetWalk_data()
{
    QTest::addColumn<int>("sort");
    QTest::addColumn<int>("limit");
    QTest::addColumn<QString>("search");
    QTest::addColumn<bool>("descending");
    for (const bool desc : {false, true}) {
        const char *d = desc ? "/desc" : "";
        QTest::addRow("id/997%s", d) << int(SongSort::Id) << 997 << QString() << desc;
        QTest::addRow("name/997%s", d) << int(SongSort::Name) << 997 << QString() << desc;
        QTest::addRow("artist/997%s", d) << int(SongSort::Artist) << 997 << QString() << desc;
        QTest::addRow("created/997%s", d) << int(SongSort::Created) << 997 << QString() << desc;
        QTest::addRow("name/search/3%s", d)
            << int(SongSort::Name) << 3 << QStringLiteral("SAME") << desc;
        QTest::addRow("created/search/1%s", d)
            << int(SongSort::Created) << 1 << QStringLiteral("pure") << desc;
        QTest::addRow("artist/search/2%s", d)
            << int(SongSort::Artist) << 2 << QStringLiteral("name") << desc;
    }
}

// Following next cursors from the first page, and prev cursors from the last page, visits every
// row exactly once in the database's own ORDER BY.
void tst_SongBrowser::keysetWalk()
{
    QFETCH(int, sort);
    QFETCH(int, limit);
    QFETCH(QString, search);
    QFETCH(bool, descending);
    PageRequest req;
    req.sort = SongSort(sort);
    req.limit = limit;
    req.filter.search = search;
    req.descending = descending;
    QString where;
    if (!search.isEmpty())
        where = QStringLiteral("name_normalized LIKE '%%1%'").arg(normalizeName(search));
    QList<qint64> expected = referenceIds(req.sort, where);
    // Every sort key ends in the unique id, so descending is exactly the reverse.
    if (descending)
        std::reverse(expected.begin(), expected.end());
    QVERIFY(!expected.isEmpty());

    QList<qint64> forward;
    req.anchor = PageAnchor::First;
    for (int guard = 0; guard < 100000; ++guard) {
        const SongPage p = m_browser.page(*m_conn, req);
        QVERIFY(p.songs.size() <= limit);
        for (const Song &s : p.songs)
            forward << s.id;
        if (p.nextCursor.isEmpty())
            break;
        const SongCursor c = SongCursor::decode(p.nextCursor);
        QCOMPARE(c.sort, req.sort);
        req.anchor = PageAnchor::After;
        req.key = c.key;
    }
    QCOMPARE(forward.size(), expected.size());
    QCOMPARE(forward, expected);

    QList<qint64> backward;
    req.anchor = PageAnchor::Last;
    for (int guard = 0; guard < 100000; ++guard) {
        const SongPage p = m_browser.page(*m_conn, req);
        QList<qint64> ids;
        for (const Song &s : p.songs)
            ids << s.id;
        backward = ids + backward;
        if (p.prevCursor.isEmpty())
            break;
        req.anchor = PageAnchor::Before;
        req.key = SongCursor::decode(p.prevCursor).key;
    }
    QCOMPARE(backward, expected);
}

void tst_SongBrowser::explainIndexRangeScans_data()
{
    QTest::addColumn<int>("sort");
    QTest::addColumn<int>("anchor");
    QTest::addColumn<bool>("artistFilter");
    QTest::addColumn<bool>("descending");
    const auto sorts = namedSorts();
    const auto anchors = namedAnchors();
    for (const bool desc : {false, true}) {
        const char *d = desc ? "/desc" : "";
        for (const auto &s : sorts) {
            for (const auto &a : anchors) {
                QTest::addRow("%s/%s%s", s.first, a.first, d)
                    << int(s.second) << int(a.second) << false << desc;
                QTest::addRow("%s/%s/artist%s", s.first, a.first, d)
                    << int(s.second) << int(a.second) << true << desc;
            }
        }
    }
}

void tst_SongBrowser::explainIndexRangeScans()
{
    QFETCH(int, sort);
    QFETCH(int, anchor);
    QFETCH(bool, artistFilter);
    QFETCH(bool, descending);
    PageRequest req;
    req.sort = SongSort(sort);
    req.anchor = PageAnchor(anchor);
    req.limit = 50;
    req.descending = descending;
    if (artistFilter)
        req.filter.artistId = 17;
    // A key from the middle of the table.
    req.key.id = kBulkSongs / 2;
    req.key.nameNormalized = QStringLiteral("song 8");
    req.key.artistId = 100;
    req.key.createdAtUs = *parseUtcMicros(QStringLiteral("2025-07-01T00:00:00Z"));
    const QList<QJsonObject> nodes = explain(req);
    const QString fullScan = fullScanIn(nodes, m_db.dbname);
    QVERIFY2(fullScan.isEmpty(), qPrintable(fullScan));
    if (!descending)
        return;
    QStringList shape;
    int sorts = 0;
    for (const QJsonObject &n : nodes) {
        const QString type = n.value(QLatin1String("Node Type")).toString();
        shape << type + QLatin1Char(' ') + n.value(QLatin1String("Scan Direction")).toString();
        sorts += type == QLatin1String("Sort") ? 1 : 0;
    }
    if (!artistFilter || req.sort == SongSort::Artist) {
        // Descending reads the same index backwards (forwards for Last/Before, which read
        // against the order): no Sort node of any size.
        QVERIFY2(sorts == 0, qPrintable(shape.join(QStringLiteral(" > "))));
        const bool against = req.anchor == PageAnchor::Last || req.anchor == PageAnchor::Before;
        QVERIFY2(shape.join(QLatin1Char(' '))
                     .contains(against ? QLatin1String("Index Scan Forward")
                                       : QLatin1String("Index Scan Backward")),
                 qPrintable(shape.join(QStringLiteral(" > "))));
        return;
    }
    // An artist filter on the id/name/created orders has no index serving both; the planner sorts
    // the artist's few rows either way. Descending must add nothing to that.
    req.descending = false;
    int ascendingSorts = 0;
    for (const QJsonObject &n : explain(req))
        ascendingSorts += n.value(QLatin1String("Node Type")).toString() == QLatin1String("Sort");
    QVERIFY2(sorts <= ascendingSorts, qPrintable(shape.join(QStringLiteral(" > "))));
}

void tst_SongBrowser::createdRangePrunesPartitions()
{
    PageRequest req;
    req.sort = SongSort::Created;
    req.filter.createdFromUs = *parseUtcMicros(QStringLiteral("2025-03-01"));
    req.filter.createdToUs = *parseUtcMicros(QStringLiteral("2025-04-01"));
    for (PageAnchor a : {PageAnchor::First, PageAnchor::Last}) {
        req.anchor = a;
        QCOMPARE(relationsIn(explain(req)), QSet<QString>{QStringLiteral("melodee_songs_2025_03")});
    }
    // The keyset bound prunes too: after a key in November only November and December remain.
    req.filter = {};
    req.anchor = PageAnchor::After;
    req.key.createdAtUs = *parseUtcMicros(QStringLiteral("2025-11-20"));
    req.key.id = 1;
    const QSet<QString> relations = relationsIn(explain(req));
    QVERIFY2(!relations.contains(QStringLiteral("melodee_songs_2025_01"))
                 && relations.contains(QStringLiteral("melodee_songs_2025_11")),
             qPrintable(QStringList(relations.values()).join(QLatin1Char(','))));
}

void tst_SongBrowser::searchUsesTrigramIndex()
{
    // A rare term: a fragment of one md5 name.
    const QString name = TestEnv::psql(
        QStringLiteral("SELECT name_normalized FROM melodee_songs WHERE id = 12345"), m_db.dbname);
    PageRequest req;
    req.sort = SongSort::Name;
    req.filter.search = name.mid(8, 10).toUpper();
    // At 60k rows a seq scan of a 5k-row partition is honestly cheaper, so ask whether the
    // statement *can* use the trigram index (the bound LIKE pattern is indexable); the bench shows
    // the planner picking it on its own at 1M+ rows.
    m_conn->exec("SET enable_seqscan = off");
    const QList<QJsonObject> nodes = explain(req);
    m_conn->exec("RESET enable_seqscan");
    bool trigram = false;
    for (const QJsonObject &n : nodes) {
        if (n.value(QLatin1String("Node Type")).toString() == QLatin1String("Bitmap Index Scan")
            && n.value(QLatin1String("Index Cond")).toString().contains(QLatin1String("~~")))
            trigram = true;
    }
    QVERIFY(trigram);
    QVERIFY2(fullScanIn(nodes, m_db.dbname).isEmpty(), qPrintable(fullScanIn(nodes, m_db.dbname)));
    const SongPage p = m_browser.page(*m_conn, req);
    QCOMPARE(p.songs.size(), 1);
    QCOMPARE(p.songs.first().id, 12345);
}

void tst_SongBrowser::searchMatchesLiterally_data()
{
    QTest::addColumn<QString>("term");
    QTest::addColumn<QList<qint64>>("ids");
    const qint64 b = kBulkSongs;
    QTest::newRow("percent is literal") << QStringLiteral("100%") << QList<qint64>{b + 5};
    QTest::newRow("underscore is literal") << QStringLiteral("pure_love") << QList<qint64>{b + 5};
    QTest::newRow("backslash is literal") << QStringLiteral("k\\s") << QList<qint64>{b + 7};
    QTest::newRow("accent-insensitive") << QStringLiteral("BEYONCÉ") << QList<qint64>{b + 4};
    QTest::newRow("cjk") << QStringLiteral("東京") << QList<qint64>{b + 8};
    QTest::newRow("quote is data")
        << QStringLiteral("'; DROP TABLE melodee_songs; --") << QList<qint64>{};
    QTest::newRow("spaces collapse")
        << QStringLiteral("  same    NAME ") << QList<qint64>{b + 1, b + 2, b + 3};
}

void tst_SongBrowser::searchMatchesLiterally()
{
    QFETCH(QString, term);
    QFETCH(QList<qint64>, ids);
    PageRequest req;
    req.sort = SongSort::Id;
    req.filter.search = term;
    QList<qint64> got;
    for (const Song &s : m_browser.page(*m_conn, req).songs)
        got << s.id;
    QCOMPARE(got, ids);
}

void tst_SongBrowser::filters()
{
    PageRequest req;
    req.sort = SongSort::Name;
    req.limit = 1000;
    req.filter.artistId = 17;
    const SongPage p = m_browser.page(*m_conn, req);
    QCOMPARE(p.songs.size(), kBulkSongs / 200);
    for (const Song &s : p.songs)
        QCOMPARE(s.artistId.value_or(-1), 17);
    req.filter = {};
    req.filter.albumId = 2;
    req.sort = SongSort::Id;
    QList<qint64> ids;
    for (const Song &s : m_browser.page(*m_conn, req).songs)
        ids << s.id;
    QCOMPARE(ids, referenceIds(SongSort::Id, QStringLiteral("album_id = 2")));
    req.filter = {};
    req.filter.createdFromUs = *parseUtcMicros(QStringLiteral("2025-12-31T23:59:59.999999Z"));
    const SongPage last = m_browser.page(*m_conn, req);
    QCOMPARE(last.songs.size(), 1);
    QCOMPARE(last.songs.first().id, kBulkSongs + 7);
    QCOMPARE(last.songs.first().createdAtUs, *req.filter.createdFromUs);
}

void tst_SongBrowser::jumps()
{
    // Fraction: the page lands near that share of the id range, never on a short page at the end.
    const SongPage mid = m_browser.pageAtFraction(*m_conn, SongSort::Id, {}, 0.5, 50);
    QCOMPARE(mid.songs.size(), 50);
    QVERIFY(qAbs(mid.songs.first().id - kBulkSongs / 2) < kBulkSongs / 20);
    QVERIFY(!mid.prevCursor.isEmpty() && !mid.nextCursor.isEmpty());
    const SongPage end = m_browser.pageAtFraction(*m_conn, SongSort::Name, {}, 0.9999, 50);
    QCOMPARE(end.songs.size(), 50);
    const SongPage last = m_browser.pageAtFraction(*m_conn, SongSort::Created, {}, 1.0, 50);
    QCOMPARE(last.songs.last().id, kBulkSongs + 7);
    QVERIFY(last.nextCursor.isEmpty());
    const SongPage first = m_browser.pageAtFraction(*m_conn, SongSort::Artist, {}, 0.0, 50);
    QCOMPARE(first.songs.first().id, referenceIds(SongSort::Artist).first());
    for (double f : {0.1, 0.25, 0.5, 0.75, 0.9}) {
        for (SongSort s : {SongSort::Name, SongSort::Artist, SongSort::Created}) {
            const SongPage p = m_browser.pageAtFraction(*m_conn, s, {}, f, 20);
            const QList<qint64> ref = referenceIds(s);
            const double at = double(ref.indexOf(p.songs.first().id)) / ref.size();
            QVERIFY2(
                qAbs(at - f) < 0.05,
                qPrintable(
                    QStringLiteral("%1 at %2 landed at %3").arg(songSortName(s)).arg(f).arg(at)));
        }
    }
    // Month: the first song created in June 2025.
    const SongPage june = m_browser.pageAtMonth(*m_conn, 2025, 6, {}, 10);
    QCOMPARE(formatUtcMicros(june.songs.first().createdAtUs).left(7), QStringLiteral("2025-06"));
    QCOMPARE(
        june.songs.first().id,
        TestEnv::psql(QStringLiteral("SELECT id FROM melodee_songs WHERE created_at >= "
                                     "'2025-06-01 00:00:00+00' ORDER BY created_at, id LIMIT 1"),
                      m_db.dbname)
            .toLongLong());
    // Song: the page starts at it in any sort.
    for (SongSort s : {SongSort::Id, SongSort::Name, SongSort::Artist, SongSort::Created}) {
        const SongPage p = m_browser.pageAtSong(*m_conn, s, 4242, {}, 5);
        QCOMPARE(p.songs.first().id, 4242);
    }
    try {
        m_browser.pageAtSong(*m_conn, SongSort::Name, 99999999, {}, 5);
        QFAIL("missing song accepted");
    } catch (const DbError &e) {
        QVERIFY(e.isNotFound());
    }
}

void tst_SongBrowser::descendingPages_data()
{
    QTest::addColumn<int>("sort");
    QTest::newRow("id") << int(SongSort::Id);
    QTest::newRow("name") << int(SongSort::Name);
    QTest::newRow("artist") << int(SongSort::Artist);
    QTest::newRow("created") << int(SongSort::Created);
}

// The first and last pages of a descending order, its neighbours and a jump, against the
// database's own ORDER BY ... DESC.
void tst_SongBrowser::descendingPages()
{
    QFETCH(int, sort);
    const SongSort s = SongSort(sort);
    QList<qint64> ref = referenceIds(s);
    std::reverse(ref.begin(), ref.end());
    PageRequest req;
    req.sort = s;
    req.limit = 50;
    req.descending = true;
    req.anchor = PageAnchor::First;
    const SongPage first = m_browser.page(*m_conn, req);
    QCOMPARE(ids(first), ref.mid(0, 50));
    QVERIFY(first.prevCursor.isEmpty());
    QVERIFY(!first.nextCursor.isEmpty());
    req.anchor = PageAnchor::After;
    req.key = SongCursor::decode(first.nextCursor).key;
    QCOMPARE(ids(m_browser.page(*m_conn, req)), ref.mid(50, 50));

    req.anchor = PageAnchor::Last;
    const SongPage last = m_browser.page(*m_conn, req);
    QCOMPARE(ids(last), ref.mid(ref.size() - 50));
    QVERIFY(last.nextCursor.isEmpty());
    req.anchor = PageAnchor::Before;
    req.key = SongCursor::decode(last.prevCursor).key;
    QCOMPARE(ids(m_browser.page(*m_conn, req)), ref.mid(ref.size() - 100, 50));

    // Jumps are fractions of the descending order.
    QCOMPARE(ids(m_browser.pageAtFraction(*m_conn, s, {}, 0.0, 20, true)), ref.mid(0, 20));
    QCOMPARE(ids(m_browser.pageAtFraction(*m_conn, s, {}, 1.0, 20, true)),
             ref.mid(ref.size() - 20));
    for (double f : {0.1, 0.5, 0.9}) {
        const SongPage p = m_browser.pageAtFraction(*m_conn, s, {}, f, 20, true);
        QCOMPARE(p.songs.size(), 20);
        const qsizetype at = ref.indexOf(p.songs.first().id);
        QVERIFY(at >= 0);
        QCOMPARE(ids(p), ref.mid(at, 20));
        QVERIFY2(qAbs(double(at) / ref.size() - f) < 0.05,
                 qPrintable(QStringLiteral("%1 desc at %2 landed at %3")
                                .arg(songSortName(s))
                                .arg(f)
                                .arg(double(at) / ref.size())));
    }
}

void tst_SongBrowser::estimateFraction()
{
    SongKey k;
    k.id = kBulkSongs / 4;
    QVERIFY(qAbs(*m_browser.estimateFraction(*m_conn, SongSort::Id, k) - 0.25) < 0.02);
    k.createdAtUs = *parseUtcMicros(QStringLiteral("2025-07-01"));
    const double created = *m_browser.estimateFraction(*m_conn, SongSort::Created, k);
    QVERIFY2(created > 0.45 && created < 0.6, qPrintable(QString::number(created)));
    k.nameNormalized = QStringLiteral("song 8");
    const double name = *m_browser.estimateFraction(*m_conn, SongSort::Name, k);
    QVERIFY2(qAbs(name - 0.5) < 0.05, qPrintable(QString::number(name)));
}

namespace {

QStringList g_histogramReads;

// Every statement is logged as slow while the test's threshold is 1 ns; this keeps the histogram
// reads among them.
void keepHistogramReads(QtMsgType, const QMessageLogContext &context, const QString &message)
{
    if (QLatin1String(context.category) == QLatin1String("melodee.sql.slow")
        && message.contains(QLatin1String("songs.histogram")))
        g_histogramReads << message;
}

} // namespace

void tst_SongBrowser::histogramIsReusedForItsLifetime_data()
{
    QTest::addColumn<int>("lifetimeMs");
    QTest::addColumn<QList<int>>("sorts"); // one jump, then one scrollbar position, per entry
    QTest::addColumn<int>("reads");
    const int id = int(SongSort::Id), name = int(SongSort::Name);
    QTest::newRow("default lifetime, one sort: read once")
        << int(SongBrowser::kDefaultHistogramLifetime.count()) << QList<int>{id, id, id} << 1;
    QTest::newRow("default lifetime, two sorts: once each")
        << int(SongBrowser::kDefaultHistogramLifetime.count()) << QList<int>{id, name, id, name}
        << 2;
    QTest::newRow("zero lifetime: read every time") << 0 << QList<int>{id, id, id} << 6;
}

void tst_SongBrowser::histogramIsReusedForItsLifetime()
{
    QFETCH(int, lifetimeMs);
    QFETCH(QList<int>, sorts);
    QFETCH(int, reads);
    SongBrowser browser{SessionConfig()};
    browser.setHistogramLifetime(std::chrono::milliseconds(lifetimeMs));
    SongBrowser uncached{SessionConfig()};
    uncached.setHistogramLifetime(std::chrono::milliseconds(0));
    const auto threshold = m_conn->slowThreshold();
    m_conn->setSlowThreshold(Duration(1));
    g_histogramReads.clear();
    const QtMessageHandler previous = qInstallMessageHandler(keepHistogramReads);
    QList<SongPage> pages;
    QList<double> positions;
    {
        // Also when a read throws: the later tests log as usual on their usual threshold.
        const auto restore = qScopeGuard([&] {
            qInstallMessageHandler(previous);
            m_conn->setSlowThreshold(threshold);
        });
        for (const int s : sorts) {
            pages << browser.pageAtFraction(*m_conn, SongSort(s), {}, 0.37, 20);
            positions << *browser.estimateFraction(
                *m_conn, SongSort(s), SongKey::of(pages.last().songs.first()));
        }
    }
    QCOMPARE(g_histogramReads.size(), reads);
    // What a kept histogram gives is what reading it again gives.
    QVERIFY(!pages.first().songs.isEmpty());
    for (int i = 0; i < sorts.size(); ++i) {
        const SongSort s = SongSort(sorts.at(i));
        QCOMPARE(ids(pages.at(i)), ids(uncached.pageAtFraction(*m_conn, s, {}, 0.37, 20)));
        QCOMPARE(positions.at(i),
                 *uncached.estimateFraction(*m_conn, s, SongKey::of(pages.at(i).songs.first())));
    }
}

// The benchmark times pageSql() under EXPLAIN as "the statement page() runs"; hold it to that.
void tst_SongBrowser::pageSqlIsWhatPageRuns_data()
{
    QTest::addColumn<int>("sort");
    QTest::addColumn<int>("anchor");
    QTest::addColumn<QString>("search");
    const auto sorts = namedSorts();
    const auto anchors = namedAnchors();
    for (const auto &s : sorts)
        for (const auto &a : anchors)
            QTest::addRow("%s/%s", s.first, a.first) << int(s.second) << int(a.second) << QString();
    QTest::newRow("name/first/search")
        << int(SongSort::Name) << int(PageAnchor::First) << QStringLiteral("Pure_Love");
    QTest::newRow("name/after/search accented")
        << int(SongSort::Name) << int(PageAnchor::After) << QStringLiteral("BEYONCÉ");
}

void tst_SongBrowser::pageSqlIsWhatPageRuns()
{
    QFETCH(int, sort);
    QFETCH(int, anchor);
    QFETCH(QString, search);
    PageRequest req;
    req.sort = SongSort(sort);
    req.anchor = PageAnchor(anchor);
    req.limit = 20;
    req.filter.search = search;
    req.key.id = kBulkSongs / 3;
    req.key.nameNormalized = QStringLiteral("a");
    req.key.artistId = 50;
    req.key.createdAtUs = *parseUtcMicros(QStringLiteral("2025-05-01T00:00:00Z"));
    QCOMPARE(SongBrowser::pageUsesGenericPlan(*m_conn, req), search.isEmpty());
    QList<QByteArray> params;
    const QByteArray sql = m_browser.pageSql(req, &params);
    PgParams p;
    for (const QByteArray &v : params)
        p << v;
    PgResult r = m_conn->exec(sql, p);
    QList<qint64> direct;
    for (int i = 0; i < std::min(r.rows(), req.limit); ++i)
        direct << r.toInt64(i, 0);
    if (req.anchor == PageAnchor::Last || req.anchor == PageAnchor::Before)
        std::reverse(direct.begin(), direct.end());
    QList<qint64> viaPage;
    for (const Song &s : m_browser.page(*m_conn, req).songs)
        viaPage << s.id;
    QVERIFY(!viaPage.isEmpty());
    QCOMPARE(direct, viaPage);
}

void tst_SongBrowser::fractionRequestIsWhatJumpRuns_data()
{
    QTest::addColumn<int>("sort");
    QTest::addColumn<double>("fraction");
    for (const auto &[name, sort] : {std::pair{"id", SongSort::Id},
                                     std::pair{"name", SongSort::Name},
                                     std::pair{"created", SongSort::Created}}) {
        QTest::addRow("%s/0", name) << int(sort) << 0.0;
        QTest::addRow("%s/0.37", name) << int(sort) << 0.37;
        QTest::addRow("%s/0.9999", name) << int(sort) << 0.9999;
        QTest::addRow("%s/1", name) << int(sort) << 1.0;
    }
}

void tst_SongBrowser::fractionRequestIsWhatJumpRuns()
{
    QFETCH(int, sort);
    QFETCH(double, fraction);
    QList<QByteArray> params;
    PgParams p;
    const QByteArray histogram = m_browser.histogramSql(SongSort(sort), &params);
    for (const QByteArray &v : params)
        p << v;
    // initTestCase ANALYZEd, so the jump uses the histogram (about 100 buckets).
    QVERIFY(m_conn->exec(histogram, p).rows() > 50);
    const PageRequest req = m_browser.fractionRequest(*m_conn, SongSort(sort), {}, fraction, 30);
    QCOMPARE(req.anchor,
             fraction <= 0.0   ? PageAnchor::First
             : fraction >= 1.0 ? PageAnchor::Last
                               : PageAnchor::AtOrAfter);
    const SongPage direct = m_browser.page(*m_conn, req);
    const SongPage jump = m_browser.pageAtFraction(*m_conn, SongSort(sort), {}, fraction, 30);
    QCOMPARE(jump.songs.size(), 30);
    if (direct.songs.size() == 30) {
        QCOMPARE(jump.songs.first().id, direct.songs.first().id);
    } else {
        // Less than a page after the key: the jump shows the last full page instead.
        PageRequest last = req;
        last.anchor = PageAnchor::Last;
        QCOMPARE(jump.songs.first().id, m_browser.page(*m_conn, last).songs.first().id);
    }
}

void tst_SongBrowser::badInput()
{
    PageRequest req;
    for (int limit : {0, -1, 10001}) {
        req.limit = limit;
        try {
            m_browser.page(*m_conn, req);
            QFAIL("bad limit accepted");
        } catch (const std::invalid_argument &e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QString::number(limit)), e.what());
        }
    }
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             m_browser.pageAtFraction(*m_conn, SongSort::Id, {}, 1.5, 10));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             m_browser.pageAtFraction(*m_conn, SongSort::Id, {}, qQNaN(), 10));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                             m_browser.pageAtMonth(*m_conn, 2025, 13, {}, 10));
}

QTEST_GUILESS_MAIN(tst_SongBrowser)
#include "tst_songbrowser.moc"

void tst_SongBrowser::warmUpCachesFirstPagePlans_data()
{
    QTest::addColumn<bool>("prepare");
    QTest::addColumn<QString>("expect");
    // The four first pages, the histogram and the id order's page at a key, after and before.
    QTest::newRow("prepared statements") << true << QStringLiteral("8 statements, 8 generic");
    QTest::newRow("unnamed statements (transaction pooler)")
        << false << QStringLiteral("0 statements, 0 generic");
}

// A warmed connection's first pages, and a jump in id order, run the very statements the warm-up
// prepared, on generic plans: asking for them prepares no new statement and plans nothing for
// their parameters. (The server may still replan a cached plan that an autovacuum's statistics
// invalidated.)
void tst_SongBrowser::warmUpCachesFirstPagePlans()
{
    QFETCH(bool, prepare);
    QFETCH(QString, expect);
    auto conn = PgConnection::open(m_db);
    conn->setUsePreparedStatements(prepare);
    // As a new pool connection is warmed: by a browser of its own, which has read no histogram.
    SongBrowser(SessionConfig()).warmUp(*conn);
    // The prepared statements, and how many of them ran on generic plans only.
    const auto prepared = [&conn] {
        return conn
            ->exec("SELECT count(*) || ' statements, ' || count(*) FILTER (WHERE generic_plans "
                   ">= 1 AND custom_plans = 0) || ' generic' FROM pg_prepared_statements")
            .text(0, 0);
    };
    QCOMPARE(prepared(), expect);
    for (const auto &[name, sort] : namedSorts()) {
        PageRequest req;
        req.sort = sort;
        req.anchor = PageAnchor::First;
        req.limit = SongBrowser::kDefaultPageRows;
        QList<qint64> ids;
        for (const Song &s : m_browser.page(*conn, req).songs)
            ids << s.id;
        QCOMPARE(ids, referenceIds(sort).mid(0, SongBrowser::kDefaultPageRows));
        QCOMPARE(prepared(), expect);
    }
    // What a jump in id order reads: the page at a key, then the pages after and before it.
    const QList<qint64> reference = referenceIds(SongSort::Id);
    const qint64 middle = reference.at(reference.size() / 2);
    const QList<std::pair<PageAnchor, QList<qint64>>> jumps{
        {PageAnchor::AtOrAfter, reference.mid(reference.size() / 2, SongBrowser::kDefaultPageRows)},
        {PageAnchor::After, reference.mid(reference.size() / 2 + 1, SongBrowser::kDefaultPageRows)},
        {PageAnchor::Before,
         reference.mid(std::max<qsizetype>(0, reference.size() / 2 - SongBrowser::kDefaultPageRows),
                       std::min<qsizetype>(reference.size() / 2, SongBrowser::kDefaultPageRows))},
    };
    for (const auto &[anchor, expectIds] : jumps) {
        PageRequest req;
        req.anchor = anchor;
        req.key.id = middle;
        req.limit = SongBrowser::kDefaultPageRows;
        QList<qint64> ids;
        for (const Song &s : m_browser.page(*conn, req).songs)
            ids << s.id;
        QCOMPARE(ids, expectIds);
        QCOMPARE(prepared(), expect);
    }
}
