#include "testenv.h"

#include <charts/timeserieschart.h>
#include <i18n/translator.h>
#include <models/activitymodel.h>
#include <pool/connectionpool.h>
#include <session/connectionsession.h>
#include <views/activitypanel.h>
#include <views/dashboardview.h>

#include <QCheckBox>
#include <QDir>
#include <QElapsedTimer>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLayout>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSplitter>
#include <QTableView>
#include <QTest>

using namespace melodee;
using namespace melodee::test;
using namespace std::chrono_literals;

class tst_DashboardView : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void pausesWhileHidden();
    void healthBadge();
    void loadTestShowsResults();
    void loadTestCancels();
    void runtimeSettingsReachThePool();
    void p99FollowsTheLoad();
    void fitsTheWindow_data();
    void fitsTheWindow();
    void screenshotDuringLoadTest();

private:
    AppConfig config(int maxOpen = 8) const;
};

AppConfig tst_DashboardView::config(int maxOpen) const
{
    AppConfig c;
    c.database = TestEnv::superuser();
    c.database.maxOpenConns = maxOpen;
    c.database.maxIdleConns = maxOpen;
    return c;
}

void tst_DashboardView::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
}

void tst_DashboardView::pausesWhileHidden()
{
    ConnectionSession session;
    session.connectTo(config());
    DashboardView view(&session);
    view.setSampleInterval(50ms);
    QVERIFY(!view.isSampling()); // not shown yet: nothing to sample for
    view.setActive(true);
    QVERIFY(view.isSampling());
    QTRY_VERIFY(view.sampleCount() >= 4);

    view.setActive(false);
    QVERIFY(!view.isSampling());
    // Sampling is the timer's work on this thread: with it stopped, events add no sample.
    const qint64 paused = view.sampleCount();
    QCoreApplication::processEvents();
    QCOMPARE(view.sampleCount(), paused);

    view.setActive(true);
    QTRY_VERIFY(view.sampleCount() >= paused + 4);
    QCOMPARE(view.history().size(), int(view.sampleCount()));

    session.disconnectFromServer();
    QVERIFY(!view.isSampling());
}

void tst_DashboardView::healthBadge()
{
    ConnectionSession session;
    DashboardView view(&session);
    auto *badge = view.findChild<QLabel *>(QStringLiteral("healthBadge"));
    QVERIFY(badge);
    QCOMPARE(badge->text(), QStringLiteral("Not connected"));
    session.connectTo(config());
    QTRY_VERIFY2(badge->text().startsWith(QStringLiteral("healthy")), qPrintable(badge->text()));
    QVERIFY(badge->text().contains(session.displayName()));
}

void tst_DashboardView::loadTestShowsResults()
{
    ConnectionSession session;
    session.connectTo(config(4));
    DashboardView view(&session);
    view.setSampleInterval(100ms);
    view.setActive(true);
    QSignalSpy finished(&view, &DashboardView::loadTestFinished);
    view.startLoadTest(8, 1.0);
    QVERIFY(view.isLoadTestRunning());
    QVERIFY(finished.wait(20000));
    const QString text = view.loadTestResultText();
    QVERIFY2(text.contains(QStringLiteral("ops/s")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral(", 0 errors")), qPrintable(text));
    QVERIFY2(!text.startsWith(QStringLiteral("Cancelled")), qPrintable(text));
    // 8 workers on 4 connections must have waited, and the samples taken during the run saw it.
    QVERIFY(session.pool()->stats().totalAcquires > 100);
    QVERIFY(session.pool()->stats().waitCount > 0);
    view.setActive(false);
    double peakWaits = 0;
    int peakInUse = 0;
    for (const QPointF &p : view.history().series(&PoolSample::waitsPerSecond))
        peakWaits = std::max(peakWaits, p.y());
    for (const QPointF &p : view.history().series(&PoolSample::inUse))
        peakInUse = std::max(peakInUse, int(p.y()));
    QVERIFY2(peakWaits > 0, "no waits/s sample above 0 during the load test");
    QVERIFY(peakInUse > 0 && peakInUse <= 4);
}

void tst_DashboardView::loadTestCancels()
{
    ConnectionSession session;
    session.connectTo(config(2));
    DashboardView view(&session);
    QSignalSpy finished(&view, &DashboardView::loadTestFinished);
    view.startLoadTest(4, 120.0);
    QVERIFY(view.isLoadTestRunning());
    // Under way: the workers hold both connections.
    QTRY_VERIFY_WITH_TIMEOUT(session.pool()->stats().totalAcquires > 50, 30000);
    QElapsedTimer timer;
    timer.start();
    view.cancelLoadTest(); // cancels the future; the workers see its stop token
    QVERIFY(finished.wait(10000));
    QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
    QVERIFY(!view.isLoadTestRunning());
    QVERIFY2(view.loadTestResultText().startsWith(QStringLiteral("Cancelled after ")),
             qPrintable(view.loadTestResultText()));
    QVERIFY2(view.loadTestResultText().contains(QStringLiteral(" ops/s")),
             qPrintable(view.loadTestResultText()));
}

void tst_DashboardView::runtimeSettingsReachThePool()
{
    ConnectionSession session;
    session.connectTo(config(8));
    DashboardView view(&session);
    view.setSampleInterval(50ms);
    view.setActive(true);
    view.applyPoolSettings(3, 1);
    QTRY_COMPARE(session.pool()->stats().maxOpenConnections, 3);
    QTRY_VERIFY(view.history().size() > 0 && view.history().last().maxOpen == 3
                && view.history().last().maxIdle == 1);
}

// The p99 chart shows the acquires of each second: up while a load test runs, and back to 0 in
// the quiet seconds after it (not the run's latency for the rest of the pool's life).
void tst_DashboardView::p99FollowsTheLoad()
{
    ConnectionSession session;
    session.connectTo(config(2));
    DashboardView view(&session);
    view.setSampleInterval(100ms);
    view.setActive(true);
    QSignalSpy finished(&view, &DashboardView::loadTestFinished);
    view.startLoadTest(8, 1.0);
    QVERIFY(finished.wait(30000));
    double peak = 0;
    for (const QPointF &p : view.history().series(&PoolSample::acquireP99Us))
        peak = std::max(peak, p.y());
    QVERIFY2(peak > 0, "no p99 above 0 while the load test ran");
    // Nothing acquires now (the health check every 10 s aside): the newest seconds read 0.
    const qint64 atEnd = view.sampleCount();
    QTRY_VERIFY_WITH_TIMEOUT(view.sampleCount() >= atEnd + 3, 30000);
    QTRY_VERIFY_WITH_TIMEOUT(
        view.history().last().acquires == 0 && view.history().last().acquireP99Us == 0.0, 30000);
}

void tst_DashboardView::fitsTheWindow_data()
{
    QTest::addColumn<QSize>("size");
    QTest::newRow("1024x640") << QSize(1024, 640);
    QTest::newRow("1280x800") << QSize(1280, 800);
    QTest::newRow("1920x1080") << QSize(1920, 1080);
    QTest::newRow("4K") << QSize(3840, 2160);
}

// The view as the main window gives it room at these sizes: charts keep readable axes (they
// scroll rather than shrink), the activity table shows at least five rows, the "All databases"
// box stands clear of the summary.
void tst_DashboardView::fitsTheWindow()
{
    QFETCH(QSize, size);
    ConnectionSession session;
    session.connectTo(config());
    DashboardView view(&session);
    // The page's share of a window of that size: minus navigation, menu, status bar, log dock.
    view.resize(size.width() - 140, size.height() - 200);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.setActive(true);
    QTRY_VERIFY_WITH_TIMEOUT(view.activityPanel()->model()->rowCount() > 0, 30000);

    for (TimeSeriesChart *chart : view.charts()) {
        QVERIFY2(chart->height() >= 190, qPrintable(QString::number(chart->height())));
        QVERIFY2(chart->width() >= 260, qPrintable(QString::number(chart->width())));
        QCOMPARE(chart->xLabels().last(), QStringLiteral("now"));
        for (const QString &label : chart->yLabels())
            QVERIFY2(!label.contains(QLatin1Char('e')), qPrintable(label));
    }
    QTableView *table = view.activityPanel()->table();
    const int rows = (table->viewport()->height()) / table->verticalHeader()->defaultSectionSize();
    QVERIFY2(rows >= 5, qPrintable(QString::number(rows)));
    // What does not fit scrolls, and can be reached.
    QScrollArea *scroll = view.scrollArea();
    if (scroll->widget()->minimumSizeHint().height() > scroll->viewport()->height())
        QVERIFY(scroll->verticalScrollBar()->maximum() > 0);

    auto *all = view.activityPanel()->findChild<QCheckBox *>();
    auto *summary = view.activityPanel()->findChild<QLabel *>(QStringLiteral("activitySummary"));
    QVERIFY(all && summary);
    QVERIFY(all->width() >= all->sizeHint().width());
    const QRect allRect(all->mapTo(&view, QPoint(0, 0)), all->size());
    const QRect summaryRect(summary->mapTo(&view, QPoint(0, 0)), summary->size());
    QVERIFY(!allRect.intersects(summaryRect));
}

// Writes the docs screenshot when MELODEE_SCREENSHOT_DIR is set; always checks the grab.
void tst_DashboardView::screenshotDuringLoadTest()
{
    // The English plural forms, as the app loads them at start ("4 sessions", not "session(s)").
    QVERIFY(Translator::install(qApp, QLocale(QLocale::English)));
    ConnectionSession session;
    session.connectTo(config(4));
    DashboardView view(&session);
    view.resize(1366, 768);
    view.show();
    view.setSampleInterval(250ms);
    view.setActive(true);
    QTRY_VERIFY_WITH_TIMEOUT(view.sampleCount() >= 6, 30000); // a quiet baseline
    QSignalSpy finished(&view, &DashboardView::loadTestFinished);
    view.startLoadTest(16, 4.0);
    QVERIFY(finished.wait(30000));
    const qint64 atEnd = view.sampleCount();
    QTRY_VERIFY_WITH_TIMEOUT(view.sampleCount() >= atEnd + 4, 30000); // and the calm after it
    // At 1366x768 the scrolled area shows the charts whole, the server activity below them; the
    // pool controls and the vitals are further down the scrolled area.
    auto *scroll = view.findChild<QScrollArea *>(QStringLiteral("dashboardScroll"));
    auto *splitter = view.findChild<QSplitter *>(QStringLiteral("dashboardSplitter"));
    QVERIFY(scroll && splitter);
    // The first group box is the pool settings, under the charts.
    int controlsTop = scroll->widget()->height();
    for (const QGroupBox *box : scroll->widget()->findChildren<QGroupBox *>())
        controlsTop = qMin(controlsTop, box->mapTo(scroll->widget(), QPoint(0, 0)).y());
    scroll->verticalScrollBar()->setValue(0);
    const int top = controlsTop - scroll->widget()->layout()->spacing();
    splitter->setSizes({top, splitter->height() - splitter->handleWidth() - top});
    const auto chartsWhole = [&] {
        for (const TimeSeriesChart *chart : scroll->widget()->findChildren<TimeSeriesChart *>()) {
            const QRect r(chart->mapTo(scroll->viewport(), QPoint(0, 0)), chart->size());
            if (chart->mapTo(scroll->widget(), QPoint(0, 0)).y() < controlsTop
                && !scroll->viewport()->rect().contains(r))
                return false;
        }
        return true;
    };
    QTRY_VERIFY(chartsWhole());
    const QPixmap shot = view.grab();
    QVERIFY(!shot.isNull());
    const QByteArray dir = qgetenv("MELODEE_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        QVERIFY(
            shot.save(QDir(QString::fromLocal8Bit(dir)).filePath(QStringLiteral("dashboard.png"))));
}

QTEST_MAIN(tst_DashboardView)
#include "tst_dashboardview.moc"
