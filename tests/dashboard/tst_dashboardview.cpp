#include "testenv.h"

#include <pool/connectionpool.h>
#include <session/connectionsession.h>
#include <views/dashboardview.h>

#include <QDir>
#include <QLabel>
#include <QSignalSpy>
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
    const qint64 paused = view.sampleCount();
    QTest::qWait(400);
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
    QTest::qWait(300);
    QVERIFY(view.isLoadTestRunning());
    view.cancelLoadTest();
    QVERIFY(finished.wait(10000));
    QVERIFY2(view.loadTestResultText().startsWith(QStringLiteral("Cancelled")),
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

// Writes the docs screenshot when MELODEE_SCREENSHOT_DIR is set; always checks the grab.
void tst_DashboardView::screenshotDuringLoadTest()
{
    ConnectionSession session;
    session.connectTo(config(4));
    DashboardView view(&session);
    view.resize(1200, 860);
    view.show();
    view.setSampleInterval(250ms);
    view.setActive(true);
    QTest::qWait(1500); // a quiet baseline before the load
    QSignalSpy finished(&view, &DashboardView::loadTestFinished);
    view.startLoadTest(16, 4.0);
    QVERIFY(finished.wait(30000));
    QTest::qWait(1000);
    const QPixmap shot = view.grab();
    QVERIFY(!shot.isNull());
    const QByteArray dir = qgetenv("MELODEE_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        QVERIFY(
            shot.save(QDir(QString::fromLocal8Bit(dir)).filePath(QStringLiteral("dashboard.png"))));
}

QTEST_MAIN(tst_DashboardView)
#include "tst_dashboardview.moc"
