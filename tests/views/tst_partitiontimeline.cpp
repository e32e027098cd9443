#include <widgets/partitiontimeline.h>

#include <QElapsedTimer>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QScrollBar>
#include <QTest>
#include <QWheelEvent>

#include <cstdio>

using namespace melodee;

class tst_PartitionTimeline : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void hitTest_data();
    void hitTest();
    void paintsOnlyVisibleBlocks_data();
    void paintsOnlyVisibleBlocks();
    void zoomIsClamped_data();
    void zoomIsClamped();
    void markerNamesNeverCollide_data();
    void markerNamesNeverCollide();
    void retentionAndDriftMarks_data();
    void retentionAndDriftMarks();
    void wheelUpZoomsIn();
    void paintBenchmark();
    void paintJson();

private:
    PartitionTimeline *make();
    QList<PartitionedTableInfo> m_tables;
    const QDateTime m_now{QDate(2026, 11, 27), QTime(12, 0), Qt::UTC};
    static constexpr int kPartitions = 240; // 20 years a lane: more than any view shows
    static constexpr int kGapIndex = 100;   // a month left out of lane 0
};

namespace {

QDateTime monthStart(const Month &m)
{
    return QDateTime(m.firstDay(), QTime(0, 0), Qt::UTC);
}

} // namespace

void tst_PartitionTimeline::initTestCase()
{
    // Two lanes of 240 monthly partitions ending at the premake horizon; lane 0 has a gap and a
    // default partition holding rows.
    const Month last = Month::fromDate(m_now.date()).addMonths(5);
    const Month first = last.addMonths(-(kPartitions - 1));
    for (int lane = 0; lane < 2; ++lane) {
        PartitionedTableInfo t;
        t.table = lane == 0 ? QStringLiteral("melodee_songs") : QStringLiteral("melodee_albums");
        t.exists = true;
        t.hasDefault = true;
        t.defaultRows = lane == 0 ? 42 : 0;
        t.monthsAhead = 5;
        for (int i = 0; i < kPartitions; ++i) {
            const Month m = first.addMonths(i);
            if (lane == 0 && i == kGapIndex) {
                t.gaps << std::make_pair(monthStart(m), monthStart(m.addMonths(1)));
                continue;
            }
            PartitionInfo p;
            p.name = monthPartitionName(t.table, m);
            p.from = monthStart(m);
            p.to = monthStart(m.addMonths(1));
            p.estimatedRows = 1000 + i * 37;
            p.totalBytes = (1000 + i * 37) * 300;
            t.partitions << p;
        }
        PartitionInfo def;
        def.name = defaultPartitionName(t.table);
        def.isDefault = true;
        def.totalBytes = 8192;
        t.partitions << def;
        m_tables << t;
    }
}

PartitionTimeline *tst_PartitionTimeline::make()
{
    auto *w = new PartitionTimeline;
    w->resize(1280, 260);
    w->setNow(m_now);
    w->setPremakeMonths(6);
    w->setTables(m_tables);
    w->show();
    return w;
}

void tst_PartitionTimeline::hitTest_data()
{
    QTest::addColumn<QString>("target");
    QTest::addColumn<int>("lane");
    QTest::addColumn<int>("years");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("tooltipContains");
    const int P = PartitionTimeline::Hit::Partition;
    QTest::newRow("lane 0, newest partition") << "last" << 0 << 2 << P << "melodee_songs_2027_04";
    QTest::newRow("lane 1, newest partition") << "last" << 1 << 2 << P << "melodee_albums_2027_04";
    QTest::newRow("lane 1, zoomed out to 10 years, oldest in view")
        << "first" << 1 << 10 << P << "from";
    QTest::newRow("lane 0, one year, first in view") << "first" << 0 << 1 << P << "rows";
    QTest::newRow("gap") << "gap" << 0 << 2 << int(PartitionTimeline::Hit::Gap)
                         << "Gap in melodee_songs";
    QTest::newRow("default with rows")
        << "default" << 0 << 2 << int(PartitionTimeline::Hit::Default) << "42 rows";
    QTest::newRow("empty default")
        << "default" << 1 << 2 << int(PartitionTimeline::Hit::Default) << "0 rows";
    QTest::newRow("lane label") << "label" << 1 << 2 << int(PartitionTimeline::Hit::Label)
                                << QStringLiteral("%1 month partitions").arg(kPartitions);
    QTest::newRow("axis above lanes")
        << "axis" << -1 << 2 << int(PartitionTimeline::Hit::None) << "";
}

void tst_PartitionTimeline::hitTest()
{
    QFETCH(QString, target);
    QFETCH(int, lane);
    QFETCH(int, years);
    QFETCH(int, kind);
    QFETCH(QString, tooltipContains);
    std::unique_ptr<PartitionTimeline> w(make());
    w->setVisibleYears(years);
    QPoint pos;
    int expectIndex = -1;
    if (target == QLatin1String("last")) {
        w->horizontalScrollBar()->setValue(w->horizontalScrollBar()->maximum());
        expectIndex = kPartitions - 1 - (lane == 0 ? 1 : 0);
        pos = w->partitionRect(lane, expectIndex).center();
    } else if (target == QLatin1String("first")) {
        const Month m = w->firstVisibleMonth();
        const Month first = Month::fromDate(m_now.date()).addMonths(5 - (kPartitions - 1));
        // Scrolled to the start, the first month in view precedes every partition.
        expectIndex = qMax(0, m.index() - first.index());
        if (lane == 0 && expectIndex > kGapIndex)
            --expectIndex;
        pos = w->partitionRect(lane, expectIndex).center();
    } else if (target == QLatin1String("gap")) {
        const Month first = Month::fromDate(m_now.date()).addMonths(5 - (kPartitions - 1));
        w->scrollToMonth(first.addMonths(kGapIndex - 3));
        pos = w->gapRect(lane, 0).center();
    } else if (target == QLatin1String("default")) {
        pos = w->defaultRect(lane).center();
    } else if (target == QLatin1String("label")) {
        pos = QPoint(20,
                     PartitionTimeline::kAxisHeight
                         + lane * (PartitionTimeline::kLaneHeight + PartitionTimeline::kLaneGap)
                         + PartitionTimeline::kLaneGap / 2 + PartitionTimeline::kLaneHeight / 2);
    } else {
        pos = QPoint(400, 5);
    }
    const PartitionTimeline::Hit hit = w->hitTest(pos);
    QCOMPARE(int(hit.kind), kind);
    QCOMPARE(hit.lane, lane);
    if (expectIndex >= 0)
        QCOMPARE(hit.index, expectIndex);
    const QString tip = w->toolTipText(hit);
    if (tooltipContains.isEmpty())
        QVERIFY(tip.isEmpty());
    else
        QVERIFY2(tip.contains(tooltipContains), qPrintable(tip));
}

void tst_PartitionTimeline::paintsOnlyVisibleBlocks_data()
{
    QTest::addColumn<int>("years");
    QTest::newRow("1 year") << 1;
    QTest::newRow("2 years") << 2;
    QTest::newRow("5 years") << 5;
    QTest::newRow("10 years") << 10;
}

void tst_PartitionTimeline::paintsOnlyVisibleBlocks()
{
    QFETCH(int, years);
    std::unique_ptr<PartitionTimeline> w(make());
    w->setVisibleYears(years);
    w->scrollToMonth(Month{2020, 1});
    QImage img(w->viewport()->size(), QImage::Format_ARGB32_Premultiplied);
    w->viewport()->render(&img);
    // Two lanes, at most the months in view plus one partly visible month at each edge.
    QVERIFY(w->lastPaintedBlocks() > 0);
    QVERIFY2(w->lastPaintedBlocks() <= 2 * (years * 12 + 2),
             qPrintable(QString::number(w->lastPaintedBlocks())));
}

void tst_PartitionTimeline::zoomIsClamped_data()
{
    QTest::addColumn<int>("requested");
    QTest::addColumn<int>("expected");
    QTest::newRow("zero") << 0 << 1;
    QTest::newRow("one") << 1 << 1;
    QTest::newRow("ten") << 10 << 10;
    QTest::newRow("eleven") << 11 << 10;
    QTest::newRow("negative") << -3 << 1;
}

void tst_PartitionTimeline::zoomIsClamped()
{
    QFETCH(int, requested);
    QFETCH(int, expected);
    std::unique_ptr<PartitionTimeline> w(make());
    w->setVisibleYears(requested);
    QCOMPARE(w->visibleYears(), expected);
}

void tst_PartitionTimeline::markerNamesNeverCollide_data()
{
    QTest::addColumn<QDateTime>("now");
    QTest::addColumn<int>("years");
    QTest::addColumn<int>("premake");
    QTest::addColumn<bool>("nowAtLeftEdge");
    const auto at = [](int y, int m, int d, int h = 0) {
        return QDateTime(QDate(y, m, d), QTime(h, 0), Qt::UTC);
    };
    // Just after New Year the "now" line stands right on the year's name.
    QTest::newRow("2 Jan, 1 year") << at(2027, 1, 2) << 1 << 6 << false;
    QTest::newRow("2 Jan, 2 years") << at(2027, 1, 2) << 2 << 6 << false;
    QTest::newRow("2 Jan, 10 years") << at(2027, 1, 2) << 10 << 6 << false;
    QTest::newRow("1 Jan midnight") << at(2027, 1, 1) << 2 << 6 << false;
    QTest::newRow("31 Dec late") << at(2026, 12, 31, 23) << 1 << 6 << false;
    QTest::newRow("mid-year") << at(2026, 6, 15) << 2 << 6 << false;
    // The horizon one month after now: at 10 years a month is a few pixels.
    QTest::newRow("premake 1, 10 years") << at(2026, 11, 27) << 10 << 1 << false;
    QTest::newRow("premake 1, 1 year") << at(2026, 11, 27) << 1 << 1 << false;
    // Scrolled so that now is at the left edge: its name cannot go left of the line.
    QTest::newRow("now at the edge") << at(2027, 1, 2) << 2 << 1 << true;
    QTest::newRow("now at the edge, 10 years") << at(2027, 1, 2) << 10 << 1 << true;
}

void tst_PartitionTimeline::markerNamesNeverCollide()
{
    QFETCH(QDateTime, now);
    QFETCH(int, years);
    QFETCH(int, premake);
    QFETCH(bool, nowAtLeftEdge);
    std::unique_ptr<PartitionTimeline> w(make());
    w->setPremakeMonths(premake);
    w->setNow(now);
    w->setVisibleYears(years);
    if (nowAtLeftEdge)
        w->scrollToMonth(Month::fromDate(now.date()));
    const QRect nowTag = w->markerLabelRect(PartitionTimeline::Marker::Now);
    const QRect premakeTag = w->markerLabelRect(PartitionTimeline::Marker::Premake);
    const QList<QRect> years_ = w->yearLabelRects();
    QVERIFY(!years_.isEmpty());
    for (const QRect &y : years_) {
        QVERIFY2(!y.intersects(nowTag),
                 qPrintable(QStringLiteral("year %1,%2 now %3,%4")
                                .arg(y.left())
                                .arg(y.right())
                                .arg(nowTag.left())
                                .arg(nowTag.right())));
        QVERIFY(!y.intersects(premakeTag));
    }
    QVERIFY2(!nowTag.intersects(premakeTag),
             qPrintable(QStringLiteral("now %1..%2 premake %3..%4")
                            .arg(nowTag.left())
                            .arg(nowTag.right())
                            .arg(premakeTag.left())
                            .arg(premakeTag.right())));
    // Both stay in the axis, above the first lane, and "now" is in the month area.
    QVERIFY(nowTag.bottom() < PartitionTimeline::kAxisHeight);
    QVERIFY(premakeTag.bottom() < PartitionTimeline::kAxisHeight);
    QVERIFY(nowTag.left() >= PartitionTimeline::kLabelWidth);
}

void tst_PartitionTimeline::retentionAndDriftMarks_data()
{
    QTest::addColumn<int>("years");
    QTest::addColumn<int>("retention"); // months kept; 0 hides the horizon
    QTest::addColumn<int>("offset");    // the partition's month, relative to the current one
    QTest::addColumn<bool>("drifted");
    QTest::addColumn<bool>("beforeHorizon");
    QTest::newRow("kept, drifted") << 2 << 6 << -2 << true << false;
    QTest::newRow("kept, clean") << 2 << 6 << -2 << false << false;
    QTest::newRow("the horizon's own month is kept") << 2 << 6 << -6 << false << false;
    QTest::newRow("the month before the horizon goes") << 2 << 6 << -7 << false << true;
    QTest::newRow("old and drifted") << 2 << 6 << -12 << true << true;
    QTest::newRow("no retention set") << 2 << 0 << -12 << true << false;
    QTest::newRow("one year, premade month drifted") << 1 << 3 << 4 << true << false;
    QTest::newRow("ten years") << 10 << 24 << -30 << true << true;
}

void tst_PartitionTimeline::retentionAndDriftMarks()
{
    QFETCH(int, years);
    QFETCH(int, retention);
    QFETCH(int, offset);
    QFETCH(bool, drifted);
    QFETCH(bool, beforeHorizon);
    std::unique_ptr<PartitionTimeline> w(make());
    w->setVisibleYears(years);
    const Month month = Month::fromDate(m_now.date()).addMonths(offset);
    w->scrollToMonth(month.addMonths(-years * 6));
    const int lane = 1; // no gap: month now+5 is the last index
    const int index = kPartitions - 1 - 5 + offset;
    const QRect block = w->partitionRect(lane, index);
    QVERIFY(!block.isEmpty());
    const QString name = monthPartitionName(QStringLiteral("melodee_albums"), month);
    QImage plain(w->viewport()->size(), QImage::Format_ARGB32_Premultiplied);
    w->viewport()->render(&plain);

    w->setRetentionMonths(retention);
    QHash<QString, QStringList> findings;
    // Another partition's finding changes nothing here.
    findings.insert(QStringLiteral("melodee_albums_1999_01"), {QStringLiteral("other")});
    if (drifted)
        findings.insert(name, {QStringLiteral("storage options differ: fillfactor=70")});
    w->setDriftFindings(findings);
    QImage marked(w->viewport()->size(), QImage::Format_ARGB32_Premultiplied);
    w->viewport()->render(&marked);

    const QRect mark = w->driftMarkRect(lane, index);
    QCOMPARE(!mark.isEmpty(), drifted && block.width() >= 6);
    if (!mark.isEmpty()) {
        QVERIFY(block.contains(mark));
        // The triangle fills the mark's top right corner.
        QCOMPARE(marked.pixelColor(mark.right() - 1, mark.top() + 1), QColor(0xef, 0x6c, 0x00));
    }
    // The block is hatched exactly when it ends on or before the horizon (its edges left out:
    // the horizon's line runs along them).
    bool changed = false;
    for (int y = block.top(); y <= block.bottom(); ++y) {
        for (int x = block.left() + 2; x <= block.right() - 2; ++x) {
            if (!mark.contains(x, y) && plain.pixel(x, y) != marked.pixel(x, y))
                changed = true;
        }
    }
    QCOMPARE(changed, beforeHorizon);
    const QString tip = w->toolTipText(w->hitTest(block.topLeft() + QPoint(2, block.height() - 3)));
    QVERIFY2(tip.contains(name), qPrintable(tip));
    QCOMPARE(tip.contains(QLatin1String("fillfactor=70")), drifted);
    QCOMPARE(tip.contains(QLatin1String("retention horizon")), beforeHorizon);
    if (retention > 0) {
        const QRect keep = w->markerLabelRect(PartitionTimeline::Marker::Retention);
        QVERIFY(!keep.intersects(w->markerLabelRect(PartitionTimeline::Marker::Now)));
        QVERIFY(!keep.intersects(w->markerLabelRect(PartitionTimeline::Marker::Premake)));
    }
}

void tst_PartitionTimeline::wheelUpZoomsIn()
{
    // Ctrl+wheel away from the user shows fewer years, as the zoom slider dragged right does.
    std::unique_ptr<PartitionTimeline> w(make());
    w->setVisibleYears(5);
    const QPoint pos = w->viewport()->rect().center();
    QWheelEvent up(pos,
                   w->viewport()->mapToGlobal(pos),
                   QPoint(),
                   QPoint(0, 120),
                   Qt::NoButton,
                   Qt::ControlModifier,
                   Qt::NoScrollPhase,
                   false);
    QCoreApplication::sendEvent(w->viewport(), &up);
    QCOMPARE(w->visibleYears(), 4);
}

void tst_PartitionTimeline::paintBenchmark()
{
    std::unique_ptr<PartitionTimeline> w(make());
    w->setVisibleYears(10);
    QImage img(w->viewport()->size(), QImage::Format_ARGB32_Premultiplied);
    QBENCHMARK
    {
        w->viewport()->render(&img);
    }
}

void tst_PartitionTimeline::paintJson()
{
    // One frame of the 10-year view (the most blocks) against the reference: rendering a plain
    // widget of the same size, i.e. what any repaint costs before the timeline draws anything.
    std::unique_ptr<PartitionTimeline> w(make());
    w->setVisibleYears(10);
    QWidget plain;
    plain.resize(w->viewport()->size());
    plain.setAutoFillBackground(true);
    QImage img(w->viewport()->size(), QImage::Format_ARGB32_Premultiplied);
    const auto time = [&img](QWidget *target) {
        for (int i = 0; i < 5; ++i)
            target->render(&img);
        const int frames = 100;
        QElapsedTimer t;
        t.start();
        for (int i = 0; i < frames; ++i)
            target->render(&img);
        return double(t.nsecsElapsed()) / frames / 1e6;
    };
    const double timeline = time(w->viewport());
    const double reference = time(&plain);
    const QJsonObject o{{QStringLiteral("benchmark"), QStringLiteral("partition_timeline_paint")},
                        {QStringLiteral("partitions_per_lane"), kPartitions},
                        {QStringLiteral("lanes"), 2},
                        {QStringLiteral("visible_years"), 10},
                        {QStringLiteral("painted_blocks"), w->lastPaintedBlocks()},
                        {QStringLiteral("width"), w->viewport()->width()},
                        {QStringLiteral("height"), w->viewport()->height()},
                        {QStringLiteral("timeline_ms_per_frame"), timeline},
                        {QStringLiteral("reference_plain_widget_ms_per_frame"), reference},
                        {QStringLiteral("frame_budget_ms"), 1000.0 / 60}};
    std::printf("%s\n", QJsonDocument(o).toJson(QJsonDocument::Compact).constData());
    std::fflush(stdout);
}

QTEST_MAIN(tst_PartitionTimeline)
#include "tst_partitiontimeline.moc"
