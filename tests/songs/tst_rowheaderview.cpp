// RowHeaderView paints what QHeaderView paints, without QHeaderView's per-paint bit array of
// every section.
#include <widgets/rowheaderview.h>

#include <QFont>
#include <QHeaderView>
#include <QImage>
#include <QScrollBar>
#include <QStandardItemModel>
#include <QStyleOptionHeader>
#include <QTableView>
#include <QTest>

#include <algorithm>

using namespace melodee;

namespace {

// The row header QTableView makes for itself.
class StockHeader : public QHeaderView
{
public:
    explicit StockHeader(QWidget *parent)
        : QHeaderView(Qt::Vertical, parent)
    {
        setSectionsClickable(true);
        setHighlightSections(true);
    }
};

// A header whose style option for a section the test can read.
template<typename Header>
class Exposed : public Header
{
public:
    using Header::Header;
    QStyle::State stateOf(int logicalIndex) const
    {
        QStyleOptionHeader option;
        this->initStyleOption(&option);
        this->initStyleOptionForIndex(&option, logicalIndex);
        return option.state;
    }
};

// The state of each section on screen, as the header would paint it now.
template<typename Header>
QList<int> visibleStates(const Header *header)
{
    QList<int> states;
    const int first = header->visualIndexAt(0);
    const int last = header->visualIndexAt(header->viewport()->height() - 1);
    for (int v = std::max(first, 0); v <= (last < 0 ? header->count() - 1 : last); ++v)
        states << int(header->stateOf(header->logicalIndex(v)));
    return states;
}

} // namespace

class tst_RowHeaderView : public QObject
{
    Q_OBJECT

private slots:
    void paintsWhatQHeaderViewPaints_data();
    void paintsWhatQHeaderViewPaints();
};

void tst_RowHeaderView::paintsWhatQHeaderViewPaints_data()
{
    QTest::addColumn<int>("rows");
    QTest::addColumn<int>("selected"); // -1: nothing selected
    QTest::addColumn<int>("scrollTo"); // the row at the top
    QTest::addColumn<int>("hidden");   // -1: none hidden
    QTest::addColumn<int>("boldRow");  // a row whose header data has a bold FontRole, or -1
    QTest::newRow("nothing selected") << 200 << -1 << 0 << -1 << -1;
    QTest::newRow("a row selected") << 200 << 3 << 0 << -1 << -1;
    QTest::newRow("selected below the top") << 200 << 125 << 120 << -1 << -1;
    QTest::newRow("selected row scrolled away") << 200 << 2 << 150 << -1 << -1;
    QTest::newRow("fewer rows than fit: an empty area") << 4 << 1 << 0 << -1 << -1;
    QTest::newRow("a hidden row") << 200 << 5 << 0 << 2 << -1;
    QTest::newRow("a section's own font") << 200 << -1 << 0 << -1 << 6;
    QTest::newRow("one row") << 1 << 0 << 0 << -1 << -1;
}

// Each header is painted in the same table, one after the other, and the pixels and the style
// options of the sections on screen (selected, intersecting the selection) compared.
void tst_RowHeaderView::paintsWhatQHeaderViewPaints()
{
    QFETCH(int, rows);
    QFETCH(int, selected);
    QFETCH(int, scrollTo);
    QFETCH(int, hidden);
    QFETCH(int, boldRow);
    QStandardItemModel model(rows, 2);
    for (int r = 0; r < rows; ++r) {
        model.setItem(r, 0, new QStandardItem(QStringLiteral("song %1").arg(r)));
        model.setHeaderData(r, Qt::Vertical, QString::number(r + 1));
    }
    if (boldRow >= 0) {
        QFont bold;
        bold.setBold(true);
        model.setHeaderData(boldRow, Qt::Vertical, bold, Qt::FontRole);
    }
    QTableView table;
    table.setModel(&model);
    table.setSelectionBehavior(QAbstractItemView::SelectRows);
    table.resize(400, 300);
    table.show();
    QVERIFY(QTest::qWaitForWindowExposed(&table));
    const auto setUp = [&] {
        table.verticalHeader()->setDefaultSectionSize(22);
        table.verticalHeader()->setMinimumWidth(60);
        if (hidden >= 0)
            table.setRowHidden(hidden, true);
        if (selected >= 0)
            table.selectRow(selected);
        table.verticalScrollBar()->setValue(scrollTo);
        QCoreApplication::processEvents();
    };
    auto *stockHeader = new Exposed<StockHeader>(&table);
    table.setVerticalHeader(stockHeader);
    setUp();
    const QImage stock = stockHeader->grab().toImage(); // the paint reads the selection
    const QList<int> stockStates = visibleStates(stockHeader);

    auto *ourHeader = new Exposed<RowHeaderView>(&table);
    table.setVerticalHeader(ourHeader);
    setUp();
    QCOMPARE(ourHeader->count(), rows);
    const QImage ours = ourHeader->grab().toImage();
    QCOMPARE(visibleStates(ourHeader), stockStates);
    QCOMPARE(ours.size(), stock.size());
    QCOMPARE(ours, stock);
}

QTEST_MAIN(tst_RowHeaderView)
#include "tst_rowheaderview.moc"
