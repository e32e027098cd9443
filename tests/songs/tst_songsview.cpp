#include "songsdemodb.h"
#include "testenv.h"

#include <models/songtablemodel.h>
#include <pool/connectionpool.h>
#include <session/connectionsession.h>
#include <views/songsview.h>

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QDir>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QTimer>

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
    void cleanup();
    void scrollToBottomShowsMaxId();
    void pages_data();
    void pages();
    void searchBox();
    void detailsThroughCache();
    void deleteDialogNamesTheSongAndDefaultsToNo();
    void actionsFollowTheSelection_data();
    void actionsFollowTheSelection();
    void renameAndDelete();
    void headerClicksReverseTheSort();
    void unsortableHeaderSaysWhy_data();
    void unsortableHeaderSaysWhy();
    void lastRowLabelAndSortKeepTheCount();
    void columnWidthsStayPut();
    void everyColumnIsInView_data();
    void everyColumnIsInView();
    void connectionsOpenAheadOfJumps();
    void pageJumpsLayOutNothingAgain();
    void screenshot();

private:
    qint64 psqlNumber(const QString &sql) const
    {
        return TestEnv::psql(sql, m_db.dbname).trimmed().toLongLong();
    }
    bool waitLoaded(int row);
    void selectRow(int row);

    DatabaseConfig m_db;
    AppConfig m_config;
    ConnectionSession *m_session = nullptr;
    SongsView *m_view = nullptr;
};

void tst_SongsView::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
    m_db = test::createDemoDatabase(QStringLiteral("songsview"), 20000);
    AppConfig &config = m_config;
    config.database = m_db;
    config.redis.enabled = TestEnv::hasRedis();
    config.redis.address = QStringLiteral("127.0.0.1:%1").arg(TestEnv::redisPort());
    config.redis.keyPrefix = QStringLiteral("tst_songsview:%1:").arg(m_db.dbname);
    m_session = new ConnectionSession(this);
    m_session->connectTo(config);
    m_view = new SongsView(m_session);
    new QAbstractItemModelTester(
        m_view->model(), QAbstractItemModelTester::FailureReportingMode::QtTest, m_view);
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

// Whatever a test left behind (a filter, a disconnect, a confirmer), the next one starts on the
// whole connected library.
void tst_SongsView::cleanup()
{
    m_view->setConfirmer({});
    bool reset = false;
    for (QLineEdit *filter : m_view->findChildren<QLineEdit *>()) {
        if (filter->objectName().endsWith(QLatin1String("Filter")) && !filter->text().isEmpty()) {
            filter->clear();
            reset = true;
        }
    }
    if (!m_session->isConnected()) {
        m_session->connectTo(m_config);
        reset = true;
    }
    if (reset)
        QTRY_VERIFY_WITH_TIMEOUT(m_view->model()->rowCount() > 15000, 30000);
}

bool tst_SongsView::waitLoaded(int row)
{
    SongTableModel *model = m_view->model();
    // Asking for the row (data()) queues its block; the wait ends when it is there.
    return QTest::qWaitFor(
        [&] {
            return row < model->rowCount()
                   && model->data(model->index(row, 0), SongTableModel::LoadedRole).toBool();
        },
        30000);
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
    // The one reset came after the last key: it already searches the whole word.
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

void tst_SongsView::actionsFollowTheSelection_data()
{
    QTest::addColumn<QString>("change");
    QTest::newRow("search that leaves the song out") << QStringLiteral("search");
    QTest::newRow("album filter that leaves the song out") << QStringLiteral("album");
    QTest::newRow("disconnect") << QStringLiteral("disconnect");
}

// Once the selected song is no longer in the list (a search, a filter, a disconnect), the details
// pane, Rename and Delete must not act on it any more.
void tst_SongsView::actionsFollowTheSelection()
{
    QFETCH(QString, change);
    QVERIFY(waitLoaded(0));
    QSignalSpy shown(m_view, &SongsView::detailsShown);
    selectRow(7);
    QVERIFY(shown.wait(30000));
    const qint64 id = shown.last().first().toLongLong();
    const QString name = TestEnv::psql(
        QStringLiteral("SELECT name FROM melodee_songs WHERE id = %1").arg(id), m_db.dbname);
    QVERIFY(m_view->detailsLabel()->text().contains(QStringLiteral("ID: %1").arg(id)));
    QVERIFY(m_view->renameButton()->isEnabled());
    QVERIFY(m_view->deleteButton()->isEnabled());

    QLineEdit *album = m_view->findChild<QLineEdit *>(QStringLiteral("albumFilter"));
    if (change == QLatin1String("search")) {
        m_view->searchEdit()->setText(QStringLiteral("zzqqxxnotasong"));
    } else if (change == QLatin1String("album")) {
        QVERIFY(album);
        album->setText(QStringLiteral("999999"));
    } else {
        m_session->disconnectFromServer();
    }
    QTRY_VERIFY_WITH_TIMEOUT(
        !m_view->detailsLabel()->text().contains(QStringLiteral("ID: %1").arg(id)), 30000);

    // The actions are off and do nothing now.
    QVERIFY(!m_view->renameButton()->isEnabled());
    QVERIFY(!m_view->deleteButton()->isEnabled());
    QVERIFY(m_view->nameEdit()->text().isEmpty());
    m_view->setConfirmer([](const QString &) { return true; });
    QVERIFY(!m_view->renameSelected(QStringLiteral("Must not be renamed")));
    QVERIFY(!m_view->deleteSelected());

    cleanup(); // the whole library again: the song is back in the list, unchanged
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT name FROM melodee_songs WHERE id = %1").arg(id),
                           m_db.dbname),
             name);
}

// The confirmation names the song (and its artist and album), and Enter answers No.
void tst_SongsView::deleteDialogNamesTheSongAndDefaultsToNo()
{
    QVERIFY(waitLoaded(0));
    QSignalSpy shown(m_view, &SongsView::detailsShown);
    selectRow(6);
    QVERIFY(shown.wait(30000));
    const qint64 id = shown.last().first().toLongLong();
    const QStringList expected
        = TestEnv::psql(
              QStringLiteral(
                  "SELECT s.name, a.name, al.name FROM melodee_songs s JOIN melodee_artists a "
                  "ON a.id = s.artist_id JOIN melodee_albums al ON al.id = s.album_id "
                  "WHERE s.id = %1")
                  .arg(id),
              m_db.dbname)
              .split(QLatin1Char('|'));
    QCOMPARE(expected.size(), 3);

    QString text;
    bool defaultIsNo = false;
    bool answered = false;
    // The real dialog: answered with Enter as soon as it is open.
    QTimer poll;
    connect(&poll, &QTimer::timeout, this, [&] {
        auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
        if (!box || answered)
            return;
        answered = true;
        text = box->text();
        QAbstractButton *const byDefault = box->defaultButton();
        defaultIsNo = byDefault != nullptr
                      && (byDefault == box->button(QMessageBox::No)
                          || byDefault == box->button(QMessageBox::Cancel));
        QTest::keyClick(box, Qt::Key_Return);
    });
    poll.start(10);
    m_view->setConfirmer({});
    QSignalSpy written(m_view, &SongsView::writeFinished);
    m_view->deleteSelected();
    poll.stop();
    QVERIFY(answered);
    for (const QString &part : expected)
        QVERIFY2(text.contains(part), qPrintable(text));
    QVERIFY2(defaultIsNo, "Enter in the delete confirmation must not delete");
    QCOMPARE(written.count(), 0);
    QCOMPARE(psqlNumber(QStringLiteral("SELECT count(*) FROM melodee_songs WHERE id = %1").arg(id)),
             1);
}

void tst_SongsView::renameAndDelete()
{
    QVERIFY(waitLoaded(0));
    QSignalSpy shown(m_view, &SongsView::detailsShown);
    selectRow(3);
    QVERIFY(shown.wait(30000));
    const qint64 id = shown.last().first().toLongLong();
    QSignalSpy written(m_view, &SongsView::writeFinished);
    // A real title with quotes; the screenshot at the end shows it.
    const QString title = QStringLiteral("Don't Stop Me Now (Live at Wembley '86)");
    m_view->renameSelected(title);
    QVERIFY(written.wait(30000));
    QVERIFY(written.last().first().toBool());
    QCOMPARE(TestEnv::psql(QStringLiteral("SELECT name FROM melodee_songs WHERE id = %1").arg(id),
                           m_db.dbname),
             title);
    QVERIFY(waitLoaded(3));
    QCOMPARE(
        m_view->model()->data(m_view->model()->index(3, SongTableModel::NameColumn)).toString(),
        title);

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
    QVERIFY(!m_view->deleteSelected());
    QVERIFY(asked.contains(QString::number(victim)));
    QCOMPARE(written.count(), 0);
    QCOMPARE(
        psqlNumber(QStringLiteral("SELECT count(*) FROM melodee_songs WHERE id = %1").arg(victim)),
        1);
    m_view->setConfirmer([](const QString &) { return true; });
    QVERIFY(m_view->deleteSelected());
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

void tst_SongsView::unsortableHeaderSaysWhy_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<bool>("sortable");
    QTest::newRow("ID") << int(SongTableModel::IdColumn) << true;
    QTest::newRow("Name") << int(SongTableModel::NameColumn) << true;
    QTest::newRow("Artist ID") << int(SongTableModel::ArtistColumn) << true;
    QTest::newRow("Album ID") << int(SongTableModel::AlbumColumn) << false;
    QTest::newRow("Duration") << int(SongTableModel::DurationColumn) << false;
    QTest::newRow("Created") << int(SongTableModel::CreatedColumn) << true;
}

// A header that sorts shows the arrow; one that cannot says so (tooltip, and a status message
// when clicked) instead of doing nothing.
void tst_SongsView::unsortableHeaderSaysWhy()
{
    QFETCH(int, column);
    QFETCH(bool, sortable);
    QHeaderView *header = m_view->table()->horizontalHeader();
    SongTableModel *model = m_view->model();
    QVERIFY(header->isSortIndicatorShown());
    const QString tip = model->headerData(column, Qt::Horizontal, Qt::ToolTipRole).toString();
    QVERIFY2(tip.contains(sortable ? QLatin1String("Click to sort") : QLatin1String("cannot")),
             qPrintable(tip));
    m_view->statusLabel()->clear();
    const SongSort before = model->songSort();
    const int x = header->sectionViewportPosition(column) + header->sectionSize(column) / 2;
    QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, header->height() / 2));
    const QString status = m_view->statusLabel()->text();
    if (sortable) {
        QCOMPARE(header->sortIndicatorSection(), column);
        QCOMPARE(SongTableModel::columnForSort(model->songSort()), column);
        QVERIFY2(!status.contains(QLatin1String("cannot")), qPrintable(status));
    } else {
        QCOMPARE(model->songSort(), before);
        QCOMPARE(header->sortIndicatorSection(), SongTableModel::columnForSort(before));
        const QString title = model->headerData(column, Qt::Horizontal, Qt::DisplayRole).toString();
        QVERIFY2(status.contains(QStringLiteral("\"%1\" cannot be sorted").arg(title)),
                 qPrintable(status));
    }
    // Back to id order, ascending, for the next test.
    model->sort(SongTableModel::IdColumn, Qt::AscendingOrder);
    header->setSortIndicator(SongTableModel::IdColumn, Qt::AscendingOrder);
    QVERIFY(waitLoaded(0));
}

// Last labels the final row with the count: "about N" while only the estimate is known, the
// exact number once counted; and a new sort keeps the exact count (the rows are the same).
void tst_SongsView::lastRowLabelAndSortKeepTheCount()
{
    SongTableModel *model = m_view->model();
    model->sort(SongTableModel::IdColumn, Qt::AscendingOrder);
    model->refresh(); // counts again: the estimate first
    QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() > 0, 30000);
    QVERIFY(!model->countIsExact());
    const auto lastLabel = [model] {
        return model->headerData(model->rowCount() - 1, Qt::Vertical, Qt::DisplayRole).toString();
    };
    m_view->goToPage(m_view->pageCountEstimate() - 1);
    QCOMPARE(lastLabel(), QStringLiteral("about %1").arg(QLocale().toString(model->rowCount())));
    QVERIFY2(m_view->pageLabel()->text().contains(QLatin1String("of about")),
             qPrintable(m_view->pageLabel()->text()));
    model->countExactly();
    QTRY_VERIFY_WITH_TIMEOUT(model->countIsExact(), 30000);
    const qint64 exact = psqlNumber(QStringLiteral("SELECT count(*) FROM melodee_songs"));
    QCOMPARE(model->count(), exact);
    QCOMPARE(lastLabel(), QLocale().toString(exact));
    QCOMPARE(model->headerData(0, Qt::Vertical, Qt::DisplayRole).toString(), QStringLiteral("1"));
    for (const int column : {int(SongTableModel::NameColumn),
                             int(SongTableModel::CreatedColumn),
                             int(SongTableModel::IdColumn)}) {
        for (const Qt::SortOrder order : {Qt::DescendingOrder, Qt::AscendingOrder}) {
            QSignalSpy counts(model, &SongTableModel::countChanged);
            model->sort(column, order);
            QVERIFY(model->countIsExact());
            QCOMPARE(model->count(), exact);
            QCOMPARE(model->rowCount(), int(exact));
            for (const QList<QVariant> &c : counts) // never a step back to "unknown"
                QCOMPARE(c.at(0).toLongLong(), exact);
            QCOMPARE(lastLabel(), QLocale().toString(exact));
        }
    }
    QVERIFY2(m_view->pageLabel()->text().contains(QLatin1String("page")), "page label");
    QVERIFY(!m_view->pageLabel()->text().contains(QLatin1String("about")));
    QVERIFY(waitLoaded(0));
}

// The ID column (and every other) keeps its width across pages, sorts and searches, and is wide
// enough for a ten-digit id.
void tst_SongsView::columnWidthsStayPut()
{
    QTableView *table = m_view->table();
    SongTableModel *model = m_view->model();
    QList<int> widths;
    for (int c = 0; c < SongTableModel::ColumnCount; ++c)
        widths << table->columnWidth(c);
    QVERIFY(widths.at(SongTableModel::IdColumn)
            > table->fontMetrics().horizontalAdvance(QLocale().toString(9999999999LL)));
    const int rowHeaderX = table->columnViewportPosition(SongTableModel::IdColumn);
    const auto check = [&](const char *step) {
        for (int c = 0; c < widths.size(); ++c) {
            // The name takes the room the others leave, which the row header's width changes.
            if (c == SongTableModel::NameColumn)
                continue;
            QVERIFY2(table->columnWidth(c) == widths.at(c),
                     qPrintable(QStringLiteral("%1: column %2 is %3 px, was %4")
                                    .arg(QLatin1String(step))
                                    .arg(c)
                                    .arg(table->columnWidth(c))
                                    .arg(widths.at(c))));
        }
        QCOMPARE(table->columnViewportPosition(SongTableModel::IdColumn), rowHeaderX);
    };
    m_view->goToPage(5);
    QVERIFY(waitLoaded(table->currentIndex().row()));
    check("page 6");
    m_view->goToPage(m_view->pageCountEstimate() - 1);
    QVERIFY(waitLoaded(model->rowCount() - 1));
    check("last page");
    model->sort(SongTableModel::NameColumn, Qt::DescendingOrder);
    QVERIFY(waitLoaded(0));
    check("sorted by name");
    model->sort(SongTableModel::IdColumn, Qt::AscendingOrder);
    table->horizontalHeader()->setSortIndicator(SongTableModel::IdColumn, Qt::AscendingOrder);
    m_view->goToPage(0);
    QVERIFY(waitLoaded(0));
    check("first page");
}

void tst_SongsView::everyColumnIsInView_data()
{
    QTest::addColumn<QSize>("size");
    QTest::newRow("1024x640") << QSize(1024, 640);
    QTest::newRow("1366x768") << QSize(1366, 768);
    QTest::newRow("3840x2160") << QSize(3840, 2160);
}

// The name column takes the width the others leave: the last column ends inside the view and
// the name keeps a readable width, also after a sort resets the model.
void tst_SongsView::everyColumnIsInView()
{
    QFETCH(QSize, size);
    m_view->resize(size);
    QTRY_COMPARE(m_view->size(), size);
    QTableView *table = m_view->table();
    const auto check = [&](const char *step) {
        QCoreApplication::processEvents();
        const int last = SongTableModel::CreatedColumn;
        const int right = table->columnViewportPosition(last) + table->columnWidth(last);
        QVERIFY2(right <= table->viewport()->width(),
                 qPrintable(QStringLiteral("%1: the last column ends at %2, the view at %3")
                                .arg(QLatin1String(step))
                                .arg(right)
                                .arg(table->viewport()->width())));
        QVERIFY2(table->columnWidth(SongTableModel::NameColumn)
                     >= table->fontMetrics().horizontalAdvance(QStringLiteral("M")) * 12,
                 qPrintable(QString::number(table->columnWidth(SongTableModel::NameColumn))));
    };
    check("shown");
    m_view->model()->sort(SongTableModel::NameColumn, Qt::AscendingOrder);
    QVERIFY(waitLoaded(0));
    check("sorted by name");
    m_view->model()->sort(SongTableModel::IdColumn, Qt::AscendingOrder);
    table->horizontalHeader()->setSortIndicator(SongTableModel::IdColumn, Qt::AscendingOrder);
    QVERIFY(waitLoaded(0));
    check("sorted by id");
}

// The view reads several blocks and the details at once; once its first rows are in, and again
// whenever it is shown, the pool opens connections for that ahead of need, so a jump never waits
// for one to open and warm up.
void tst_SongsView::connectionsOpenAheadOfJumps()
{
    const std::shared_ptr<ConnectionPool> pool = m_session->pool();
    const int want = m_view->connectionsAhead();
    QTRY_VERIFY(pool->stats().idle >= want);
    // Idle connections go after conn_max_idle_time; here they are closed at once.
    const int maxIdle = pool->maxIdleConns();
    pool->setMaxIdleConns(0);
    QCOMPARE(pool->stats().idle, 0);
    pool->setMaxIdleConns(maxIdle);
    const qint64 aheadBefore = pool->stats().openedAhead;
    m_view->setActive(false);
    QCOMPARE(pool->stats().openedAhead, aheadBefore);
    m_view->setActive(true);
    QTRY_VERIFY(pool->stats().idle >= want);
    QVERIFY(pool->stats().openedAhead > aheadBefore);
}

namespace {
// Counts the layout requests a widget receives: each one lays it out again.
class LayoutRequests : public QObject
{
public:
    explicit LayoutRequests(QWidget *widget) { widget->installEventFilter(this); }
    int count = 0;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::LayoutRequest)
            ++count;
        return QObject::eventFilter(watched, event);
    }
};
} // namespace

// A page jump repaints the page label, the rows and the details; it never lays out the window
// again, which cost every jump a few milliseconds in a full main window.
void tst_SongsView::pageJumpsLayOutNothingAgain()
{
    m_view->setPageSize(10);
    m_view->goToPage(0);
    QVERIFY(waitLoaded(0));
    QTRY_VERIFY(m_view->detailsLabel()->text().contains(QStringLiteral("ID:")));
    // The count (whose label may widen) is in and nothing else is loading.
    QTRY_VERIFY(m_view->model()->isIdle());
    QCoreApplication::processEvents();
    const LayoutRequests requests(m_view);
    const int labelWidth = m_view->pageLabel()->width();
    for (const int page : {9, 900, 99, 1, 600}) {
        m_view->goToPage(page);
        const int row = m_view->table()->currentIndex().row();
        QCOMPARE(row, page * 10);
        QVERIFY(waitLoaded(row));
        const QString id = QStringLiteral("ID: %1").arg(
            m_view->model()->data(m_view->model()->index(row, 0)).toLongLong());
        QTRY_VERIFY(m_view->detailsLabel()->text().contains(id));
        QCoreApplication::processEvents();
        QVERIFY(m_view->pageLabel()->text().contains(QStringLiteral("page %1 of").arg(page + 1)));
        QCOMPARE(m_view->pageLabel()->width(), labelWidth);
    }
    QCOMPARE(requests.count, 0);
}

void tst_SongsView::screenshot()
{
    const QString dir = qEnvironmentVariable("MELODEE_SCREENSHOT_DIR");
    if (dir.isEmpty())
        QSKIP("set MELODEE_SCREENSHOT_DIR to write the screenshot");
    // The size of the README's screenshots.
    m_view->resize(1366, 768);
    QTRY_COMPARE(m_view->size(), QSize(1366, 768));
    m_view->table()->scrollToTop();
    QVERIFY(waitLoaded(0));
    QSignalSpy shown(m_view, &SongsView::detailsShown);
    selectRow(0);
    QVERIFY(shown.wait(30000));
    QTRY_VERIFY(m_view->detailsLabel()->text().contains(QLatin1String("Cache:")));
    // The rows the larger window shows have arrived.
    QVERIFY(waitLoaded(m_view->table()->rowAt(m_view->table()->viewport()->height() - 1)));
    QVERIFY(QDir().mkpath(dir));
    QVERIFY(m_view->grab().save(QDir(dir).filePath(QStringLiteral("songs.png"))));
}

QTEST_MAIN(tst_SongsView)
#include "tst_songsview.moc"
