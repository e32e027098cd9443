#include "songsdemodb.h"
#include "testenv.h"

#include <models/songtablemodel.h>
#include <session/connectionsession.h>
#include <views/songsview.h>

#include <QDir>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

using namespace melodee;
using melodee::test::TestEnv;

// The Songs view on a demo library: the scrollbar reaches the real last row, the page controls
// move the same table, the search box narrows it, and the details panel reads through the cache
// and renames/deletes with confirmation.
class tst_SongsView : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void scrollToBottomShowsMaxId();
    void pages_data();
    void pages();
    void searchBox();
    void detailsThroughCache();
    void renameAndDelete();
    void headerClicksReverseTheSort();
    void screenshot();

private:
    qint64 psqlNumber(const QString &sql) const
    {
        return TestEnv::psql(sql, m_db.dbname).trimmed().toLongLong();
    }
    bool waitLoaded(int row);
    void selectRow(int row);

    DatabaseConfig m_db;
    ConnectionSession *m_session = nullptr;
    SongsView *m_view = nullptr;
};

void tst_SongsView::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
    m_db = test::createDemoDatabase(QStringLiteral("songsview"), 20000);
    AppConfig config;
    config.database = m_db;
    config.redis.enabled = TestEnv::hasRedis();
    config.redis.address = QStringLiteral("127.0.0.1:%1").arg(TestEnv::redisPort());
    config.redis.keyPrefix = QStringLiteral("tst_songsview:%1:").arg(m_db.dbname);
    m_session = new ConnectionSession(this);
    m_session->connectTo(config);
    m_view = new SongsView(m_session);
    m_view->resize(1280, 720);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view));
    QTRY_VERIFY_WITH_TIMEOUT(m_view->model()->rowCount() > 0, 30000);
    QVERIFY(waitLoaded(0));
}

void tst_SongsView::cleanupTestCase()
{
    delete m_view;
}

bool tst_SongsView::waitLoaded(int row)
{
    SongTableModel *model = m_view->model();
    for (int i = 0; i < 1500; ++i) {
        if (row < model->rowCount()
            && model->data(model->index(row, 0), SongTableModel::LoadedRole).toBool())
            return true;
        QTest::qWait(20);
    }
    return false;
}

void tst_SongsView::selectRow(int row)
{
    m_view->table()->setCurrentIndex(m_view->model()->index(row, 0));
}

void tst_SongsView::scrollToBottomShowsMaxId()
{
    QTableView *table = m_view->table();
    table->scrollToBottom();
    QCOMPARE(table->verticalScrollBar()->value(), table->verticalScrollBar()->maximum());
    const int last = m_view->model()->rowCount() - 1;
    // The view asks for the rows it paints; the last one arrives from the end of the index.
    QVERIFY(waitLoaded(last));
    QCOMPARE(table->indexAt(QPoint(1, table->viewport()->height() - 2)).row(), last);
    QCOMPARE(m_view->model()->data(m_view->model()->index(last, 0)).toLongLong(),
             psqlNumber(QStringLiteral("SELECT max(id) FROM melodee_songs")));
    QCOMPARE(m_view->currentPage(), m_view->pageCountEstimate() - 1);
}

void tst_SongsView::pages_data()
{
    QTest::addColumn<int>("pageSize");
    QTest::addColumn<int>("page");
    QTest::addColumn<int>("expectedPage");
    QTest::newRow("first") << 50 << 0 << 0;
    QTest::newRow("third of 50") << 50 << 3 << 3;
    QTest::newRow("deep") << 100 << 150 << 150;
    QTest::newRow("past the end clamps") << 100 << 100000 << -1;
    QTest::newRow("negative clamps") << 100 << -5 << 0;
}

void tst_SongsView::pages()
{
    QFETCH(int, pageSize);
    QFETCH(int, page);
    QFETCH(int, expectedPage);
    m_view->setPageSize(pageSize);
    m_view->goToPage(page);
    const int want = expectedPage < 0 ? m_view->pageCountEstimate() - 1 : expectedPage;
    QCOMPARE(m_view->currentPage(), want);
    QVERIFY(m_view->pageLabel()->text().contains(QStringLiteral("page %1 of").arg(want + 1)));
    QVERIFY(waitLoaded(m_view->table()->currentIndex().row()));
}

void tst_SongsView::searchBox()
{
    SongTableModel *model = m_view->model();
    const QString word = TestEnv::psql(
        QStringLiteral("SELECT w FROM regexp_split_to_table((SELECT name_normalized FROM "
                       "melodee_songs ORDER BY id LIMIT 1), ' ') AS w ORDER BY length(w) DESC, w "
                       "LIMIT 1"),
        m_db.dbname);
    QSignalSpy reset(model, &QAbstractItemModel::modelReset);
    // Typing letter by letter resets the model once, after the debounce.
    for (const QChar c : word)
        QTest::keyClick(m_view->searchEdit(), c.toLatin1());
    QTRY_COMPARE_WITH_TIMEOUT(reset.count(), 1, 5000);
    QTest::qWait(400);
    QCOMPARE(reset.count(), 1);
    QCOMPARE(model->filter().search, word);
    QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() > 0 || model->countIsExact(), 30000);
    if (!model->countIsExact())
        model->countExactly();
    QTRY_VERIFY_WITH_TIMEOUT(model->countIsExact(), 30000);
    QVERIFY(model->rowCount() > 0 && model->rowCount() < 20000);
    QVERIFY(m_view->countLabel()->text().contains(QString::number(model->rowCount()).right(3)));
    m_view->searchEdit()->clear();
    QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() > 15000, 30000);
    QVERIFY(m_view->countLabel()->text().startsWith(QStringLiteral("≈")));
    QVERIFY(waitLoaded(0));
}

void tst_SongsView::detailsThroughCache()
{
    QVERIFY(waitLoaded(0));
    m_view->table()->scrollToTop();
    QSignalSpy shown(m_view, &SongsView::detailsShown);
    selectRow(1);
    QVERIFY(shown.wait(30000));
    const qint64 id = m_view->model()->data(m_view->model()->index(1, 0)).toLongLong();
    QCOMPARE(shown.first().first().toLongLong(), id);
    QString text = m_view->detailsLabel()->text();
    QVERIFY2(text.contains(QStringLiteral("ID: %1").arg(id)), qPrintable(text));
    const QString artist = TestEnv::psql(
        QStringLiteral("SELECT a.name FROM melodee_songs s JOIN melodee_artists a ON a.id = "
                       "s.artist_id WHERE s.id = %1")
            .arg(id),
        m_db.dbname);
    QVERIFY2(text.contains(artist.toHtmlEscaped()), qPrintable(text));
    if (!TestEnv::hasRedis()) {
        QVERIFY(text.contains(QStringLiteral("Cache: disabled")));
        return;
    }
    QVERIFY2(text.contains(QStringLiteral("Cache: miss")), qPrintable(text));
    selectRow(2);
    QVERIFY(shown.wait(30000));
    selectRow(1);
    QVERIFY(shown.wait(30000));
    text = m_view->detailsLabel()->text();
    QVERIFY2(text.contains(QStringLiteral("Cache: hit")), qPrintable(text));
}

void tst_SongsView::renameAndDelete()
{
    QVERIFY(waitLoaded(0));
    QSignalSpy shown(m_view, &SongsView::detailsShown);
    selectRow(3);
    QVERIFY(shown.wait(30000));
    const qint64 id = shown.last().first().toLongLong();
    QSignalSpy written(m_view, &SongsView::writeFinished);
    m_view->renameSelected(QStringLiteral("Renamed by tst_songsview"));
    QVERIFY(written.wait(30000));
    QVERIFY(written.last().first().toBool());
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT name FROM melodee_songs WHERE id = %1").arg(id),
                           m_db.dbname),
             QStringLiteral("Renamed by tst_songsview"));
    QVERIFY(waitLoaded(3));
    QCOMPARE(
        m_view->model()->data(m_view->model()->index(3, SongTableModel::NameColumn)).toString(),
        QStringLiteral("Renamed by tst_songsview"));

    // Declining the confirmation deletes nothing.
    selectRow(4);
    QVERIFY(shown.wait(30000));
    const qint64 victim = shown.last().first().toLongLong();
    QString asked;
    m_view->setConfirmer([&asked](const QString &text) {
        asked = text;
        return false;
    });
    written.clear();
    m_view->deleteSelected();
    QVERIFY(asked.contains(QString::number(victim)));
    QVERIFY(!written.wait(500));
    QCOMPARE(
        psqlNumber(QStringLiteral("SELECT count(*) FROM melodee_songs WHERE id = %1").arg(victim)),
        1);
    m_view->setConfirmer([](const QString &) { return true; });
    m_view->deleteSelected();
    QVERIFY(written.wait(30000));
    QVERIFY(written.last().first().toBool());
    QCOMPARE(
        psqlNumber(QStringLiteral("SELECT count(*) FROM melodee_songs WHERE id = %1").arg(victim)),
        0);
    QVERIFY(waitLoaded(4));
    QVERIFY(m_view->model()->data(m_view->model()->index(4, 0)).toLongLong() != victim);
}

void tst_SongsView::headerClicksReverseTheSort()
{
    QHeaderView *header = m_view->table()->horizontalHeader();
    SongTableModel *model = m_view->model();
    const auto click = [header](int column) {
        const int x = header->sectionViewportPosition(column) + header->sectionSize(column) / 2;
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, header->height() / 2));
    };
    click(SongTableModel::NameColumn);
    QCOMPARE(model->songSort(), SongSort::Name);
    QCOMPARE(model->sortOrder(), Qt::AscendingOrder);
    click(SongTableModel::NameColumn);
    QCOMPARE(model->songSort(), SongSort::Name);
    QCOMPARE(model->sortOrder(), Qt::DescendingOrder);
    QCOMPARE(header->sortIndicatorOrder(), Qt::DescendingOrder);
    QVERIFY(waitLoaded(0));
    QCOMPARE(model->songAt(0)->id,
             psqlNumber(QStringLiteral("SELECT id FROM melodee_songs ORDER BY name_normalized "
                                       "DESC, id DESC LIMIT 1")));
    // Album has no index: the sort stays, and so does the arrow.
    click(SongTableModel::AlbumColumn);
    QCOMPARE(model->songSort(), SongSort::Name);
    QCOMPARE(model->sortOrder(), Qt::DescendingOrder);
    QCOMPARE(header->sortIndicatorSection(), int(SongTableModel::NameColumn));
    QCOMPARE(header->sortIndicatorOrder(), Qt::DescendingOrder);
    // The last row of the descending order is the first name.
    const int last = model->rowCount() - 1;
    m_view->table()->scrollToBottom();
    QVERIFY(waitLoaded(last));
    QCOMPARE(model->songAt(last)->id,
             psqlNumber(QStringLiteral(
                 "SELECT id FROM melodee_songs ORDER BY name_normalized, id LIMIT 1")));
    // Back to id order for the screenshot.
    click(SongTableModel::IdColumn);
    if (model->sortOrder() != Qt::AscendingOrder)
        click(SongTableModel::IdColumn);
    QCOMPARE(model->songSort(), SongSort::Id);
    QCOMPARE(model->sortOrder(), Qt::AscendingOrder);
    m_view->table()->scrollToTop();
    QVERIFY(waitLoaded(0));
}

void tst_SongsView::screenshot()
{
    const QString dir = qEnvironmentVariable("MELODEE_SCREENSHOT_DIR");
    if (dir.isEmpty())
        QSKIP("set MELODEE_SCREENSHOT_DIR to write the screenshot");
    m_view->table()->scrollToTop();
    QVERIFY(waitLoaded(0));
    QSignalSpy shown(m_view, &SongsView::detailsShown);
    selectRow(0);
    QVERIFY(shown.wait(30000));
    QTest::qWait(200);
    QVERIFY(QDir().mkpath(dir));
    QVERIFY(m_view->grab().save(QDir(dir).filePath(QStringLiteral("songs.png"))));
}

QTEST_MAIN(tst_SongsView)
#include "tst_songsview.moc"
