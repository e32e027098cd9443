#include "testenv.h"
#include "vitalsload.h"

#include <charts/timeserieschart.h>
#include <i18n/translator.h>
#include <models/activitymodel.h>
#include <models/lockwaitmodel.h>
#include <models/partitionvacuummodel.h>
#include <session/connectionsession.h>
#include <views/dashboardview.h>
#include <views/vitalspanel.h>
#include <widgets/errorbanner.h>

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QLocale>
#include <QScrollArea>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

#include <memory>
#include <optional>

using namespace melodee;
using namespace melodee::test;
using namespace std::chrono_literals;

class tst_VitalsPanel : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void showsTheServersVitals();
    void pausesWhileHidden();
    void fitsTheSmallestWindow();
    void disconnectClears();
    void failureGoesToTheBanner();
    void screenshot();

private:
    int rowOfWait(int pid) const;

    DatabaseConfig m_db;
    std::unique_ptr<ConnectionSession> m_session;
    std::unique_ptr<DashboardView> m_view;
    VitalsPanel *m_panel = nullptr;
    std::unique_ptr<QAbstractItemModelTester> m_lockTester;
    std::unique_ptr<QAbstractItemModelTester> m_partTester;
};

void tst_VitalsPanel::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
    m_db = TestEnv::freshDatabase(QStringLiteral("vitalspanel"));
    QVERIFY(Translator::install(qApp, QLocale(QLocale::English)));
    TestEnv::psql(
        QStringLiteral(
            "CREATE TABLE vp_plain (id int PRIMARY KEY, v text);"
            "INSERT INTO vp_plain SELECT g, 'x' FROM generate_series(1, 1000) g;"
            "CREATE TABLE vp_load (id int PRIMARY KEY, v text);"
            "INSERT INTO vp_load SELECT g, 'x' FROM generate_series(1, 1000) g;"
            "CREATE TABLE melodee_songs (id bigint, created_at timestamptz NOT NULL, n text)"
            " PARTITION BY RANGE (created_at);"
            "CREATE TABLE melodee_songs_p202611 PARTITION OF melodee_songs"
            " FOR VALUES FROM ('2026-11-01 00:00+00') TO ('2026-12-01 00:00+00')"
            " WITH (autovacuum_enabled = off);"
            "CREATE TABLE melodee_songs_p202612 PARTITION OF melodee_songs"
            " FOR VALUES FROM ('2026-12-01 00:00+00') TO ('2027-01-01 00:00+00')"
            " WITH (autovacuum_enabled = off);"
            "CREATE TABLE melodee_songs_default PARTITION OF melodee_songs DEFAULT;"
            "INSERT INTO melodee_songs SELECT g, '2026-11-15 00:00+00', 'x'"
            " FROM generate_series(1, 20000) g;"
            "INSERT INTO melodee_songs SELECT g, '2026-12-02 00:00+00', 'x'"
            " FROM generate_series(1, 3000) g;"
            "DELETE FROM melodee_songs WHERE id <= 8000 AND created_at < '2026-12-01';"
            "DELETE FROM melodee_songs WHERE id <= 500 AND created_at >= '2026-12-01';"),
        m_db.dbname);
}

void tst_VitalsPanel::init()
{
    AppConfig config;
    config.database = m_db;
    config.database.maxOpenConns = 4;
    m_session = std::make_unique<ConnectionSession>();
    m_session->connectTo(config);
    m_view = std::make_unique<DashboardView>(m_session.get());
    m_view->resize(1200, 900);
    m_panel = m_view->findChild<VitalsPanel *>();
    QVERIFY(m_panel);
    m_panel->setSampleInterval(150ms);
    m_lockTester = std::make_unique<QAbstractItemModelTester>(
        m_panel->lockWaitModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_partTester = std::make_unique<QAbstractItemModelTester>(
        m_panel->partitionModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
}

void tst_VitalsPanel::cleanup()
{
    m_lockTester.reset();
    m_partTester.reset();
    m_view.reset();
    m_session.reset();
}

int tst_VitalsPanel::rowOfWait(int pid) const
{
    const QList<LockWait> &waits = m_panel->lockWaitModel()->waits();
    for (int i = 0; i < waits.size(); ++i)
        if (waits.at(i).pid == pid)
            return i;
    return -1;
}

void tst_VitalsPanel::showsTheServersVitals()
{
    // The blocker's transaction begins before any of the load's, so it is the oldest whatever
    // the scheduling: a load transaction begun just before it would otherwise be older, and
    // wait on its lock. Declared first, the load is stopped after the blocker has gone.
    std::optional<TransactionLoad> load;
    auto blocker = PgConnection::open(m_db);
    blocker->exec("BEGIN");
    const auto rollbacks = [this] {
        return TestEnv::psql(QStringLiteral("SELECT xact_rollback FROM pg_stat_database WHERE "
                                            "datname = current_database()"),
                             m_db.dbname)
            .trimmed()
            .toLongLong();
    };
    const qint64 rollbacksBefore = rollbacks();
    load.emplace(m_db, "vp_plain");
    // The load's rollbacks reach the statistics before updates start to wait.
    QTRY_VERIFY_WITH_TIMEOUT(rollbacks() > rollbacksBefore, 20000);
    blocker->exec("LOCK TABLE vp_plain IN SHARE MODE"); // reads go on, updates wait
    const QByteArray hostile = "UPDATE vp_plain SET v = '\"q\" password=secret\nline two "
                               "\xf0\x9f\x8e\xb5' WHERE id = 7";
    Background waiter(m_db, QStringLiteral("vp-waiter"), hostile);

    m_view->show();
    m_view->setActive(true);
    QVERIFY(m_panel->isSampling());
    QTRY_VERIFY_WITH_TIMEOUT(rowOfWait(waiter.pid()) >= 0, 20000);
    const int row = rowOfWait(waiter.pid());
    LockWaitModel *locks = m_panel->lockWaitModel();
    QCOMPARE(locks->index(row, LockWaitModel::Pid).data().toInt(), waiter.pid());
    QCOMPARE(locks->index(row, LockWaitModel::BlockedBy).data().toString(),
             QString::number(blocker->backendPid()));
    QCOMPARE(locks->index(row, LockWaitModel::Application).data().toString(),
             QStringLiteral("vp-waiter"));
    // The query on one line in the table, whole in the tool tip.
    const QString shown = locks->index(row, LockWaitModel::Query).data().toString();
    QVERIFY2(!shown.contains(QLatin1Char('\n')), qPrintable(shown));
    QVERIFY2(shown.contains(QStringLiteral("password=secret line two \U0001F3B5")),
             qPrintable(shown));
    QCOMPARE(locks->index(row, LockWaitModel::Query).data(Qt::ToolTipRole).toString(),
             ActivityModel::plainToolTip(QString::fromUtf8(hostile)));
    QVERIFY(locks->index(row, LockWaitModel::BlockedBy)
                .data(Qt::ToolTipRole)
                .toString()
                .contains(QLatin1String("idle in transaction")));

    // The blocker is the oldest transaction, and the sessions line counts it.
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->oldestTransactionText().contains(
                                 QStringLiteral("pid %1 ").arg(blocker->backendPid())),
                             20000);
    QVERIFY2(m_panel->sessionsText().contains(QLatin1String("idle in transaction")),
             qPrintable(m_panel->sessionsText()));
    QVERIFY2(m_panel->sessionsText().contains(m_db.dbname), qPrintable(m_panel->sessionsText()));

    // The partitions, most dead tuples first; the default partition is one too.
    PartitionVacuumModel *parts = m_panel->partitionModel();
    QTRY_VERIFY_WITH_TIMEOUT(parts->rowCount() == 3
                                 && parts->partitions().first().partition
                                        == QLatin1String("melodee_songs_p202611")
                                 && parts->partitions().first().deadTuples >= 8000,
                             20000);
    QCOMPARE(parts->index(0, PartitionVacuumModel::LastAutovacuum).data().toString(),
             QStringLiteral("never"));

    // Rates under load; every chart drew what it was given.
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->lastRates().valid && m_panel->lastRates().commits > 0
                                 && m_panel->lastRates().rollbacks > 0,
                             30000);
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->historySize() >= 3, 30000);
    for (TimeSeriesChart *chart : m_panel->charts()) {
        for (int i = 0; i < chart->seriesCount(); ++i)
            QCOMPARE(chart->pointCount(i), m_panel->historySize());
        QCOMPARE(chart->xLabels().last(), QStringLiteral("now"));
    }
    // Labels are in the chart's locale ("1,200" in English).
    QVERIFY2(QLocale().toDouble(m_panel->charts().first()->yLabels().last()) > 0,
             qPrintable(m_panel->charts().first()->yLabels().join(QLatin1Char(' '))));

    blocker->exec("ROLLBACK");
    QTRY_VERIFY_WITH_TIMEOUT(waiter.done(), 20000);
    QTRY_VERIFY_WITH_TIMEOUT(rowOfWait(waiter.pid()) < 0, 20000);
    load->stop();
    QCOMPARE(load->errors(), 0);
}

void tst_VitalsPanel::pausesWhileHidden()
{
    // Never shown: nothing samples.
    QVERIFY(!m_panel->isSampling());
    QCoreApplication::processEvents();
    QCOMPARE(m_panel->startedCount(), 0);

    m_view->setActive(true);
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->historySize() >= 3, 30000);
    m_view->setActive(false);
    QVERIFY(!m_panel->isSampling());
    // A sample under way may still land; after it nothing is sent.
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->sampleCount() == m_panel->startedCount(), 30000);
    QElapsedTimer hidden; // starts after the last sample before it was read on the server
    hidden.start();
    const qint64 started = m_panel->startedCount();
    const int points = m_panel->historySize();
    // Ten intervals pass hidden: no sample arrives, none is sent.
    QSignalSpy sampled(m_panel, &VitalsPanel::sampled);
    QVERIFY(!sampled.wait(1500));
    QCOMPARE(m_panel->startedCount(), started);
    QCOMPARE(m_panel->historySize(), points);

    // Shown again: a sample at once. Its rate spans the hidden time as the server's clock
    // measured it, and the chart's x axis shows the same gap.
    const double hiddenSeconds = double(hidden.elapsed()) / 1000;
    m_view->setActive(true);
    QCOMPARE(m_panel->startedCount(), started + 1);
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->historySize() > points, 30000);
    const VitalsRates rates = m_panel->lastRates();
    // The server's clock and ours may differ in rate by a hair, not by 20 ms over 1.5 s.
    QVERIFY2(rates.valid && rates.seconds >= hiddenSeconds - 0.02,
             qPrintable(QStringLiteral("%1 s hidden, %2 s between the samples")
                            .arg(hiddenSeconds)
                            .arg(rates.seconds)));
    const QList<double> times = m_panel->historyTimes();
    QCOMPARE(times.size(), points + 1);
    QVERIFY(qAbs((times.at(points) - times.at(points - 1)) - rates.seconds) < 1e-6);
    for (TimeSeriesChart *chart : m_panel->charts())
        QCOMPARE(chart->pointCount(0), points + 1);
}

void tst_VitalsPanel::fitsTheSmallestWindow()
{
    // The Dashboard's share of a 1024×640 window: it scrolls, nothing is squeezed.
    m_view->resize(1024 - 140, 640 - 200);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
    m_view->setActive(true);
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->sampleCount() >= 1, 30000);
    QCoreApplication::processEvents();
    QVERIFY(m_panel->width() <= m_view->scrollArea()->viewport()->width());
    for (TimeSeriesChart *chart : m_panel->charts()) {
        QVERIFY2(chart->height() >= 190, qPrintable(QString::number(chart->height())));
        QVERIFY2(chart->width() >= 260, qPrintable(QString::number(chart->width())));
    }
    QVERIFY(m_panel->lockWaitTable()->height() >= m_panel->lockWaitTable()->minimumHeight());
    // Wide enough for four charts in a row at 1366 px and up.
    m_view->resize(1366 - 140, 768 - 200);
    QCoreApplication::processEvents();
    QTRY_COMPARE(m_panel->charts().at(0)->y(), m_panel->charts().at(3)->y());
}

void tst_VitalsPanel::disconnectClears()
{
    m_view->setActive(true);
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->lastSample().has_value(), 30000);
    m_session->disconnectFromServer();
    QVERIFY(!m_panel->isSampling());
    QVERIFY(!m_panel->lastSample());
    QCOMPARE(m_panel->historySize(), 0);
    QCOMPARE(m_panel->lockWaitModel()->rowCount(), 0);
    QCOMPARE(m_panel->partitionModel()->rowCount(), 0);
    QCOMPARE(m_panel->sessionsText(), QStringLiteral("Not connected"));
}

void tst_VitalsPanel::failureGoesToTheBanner()
{
    // A database that is dropped under the session: every sample fails, the banner says so once.
    const DatabaseConfig doomed = TestEnv::freshDatabase(QStringLiteral("vitalsdoomed"));
    AppConfig config;
    config.database = doomed;
    m_lockTester.reset();
    m_partTester.reset();
    m_view.reset();
    m_session = std::make_unique<ConnectionSession>();
    m_session->connectTo(config);
    m_view = std::make_unique<DashboardView>(m_session.get());
    m_panel = m_view->findChild<VitalsPanel *>();
    QVERIFY(m_panel);
    m_panel->setSampleInterval(150ms);
    m_view->setActive(true);
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->lastSample().has_value(), 30000);
    TestEnv::psql(QStringLiteral("DROP DATABASE %1 WITH (FORCE)").arg(doomed.dbname));
    QSignalSpy failed(m_panel, &VitalsPanel::sampled);
    QTRY_VERIFY_WITH_TIMEOUT(failed.size() >= 2 && !failed.last().at(0).toBool(), 30000);
    QVERIFY2(m_panel->banner()->message().contains(QLatin1String("server's statistics")),
             qPrintable(m_panel->banner()->message()));
    m_view->setActive(false);
}

// Writes the docs screenshot when MELODEE_SCREENSHOT_DIR is set; always checks the grab.
void tst_VitalsPanel::screenshot()
{
    // The load on a table of its own, so the lock below does not stop its rollbacks.
    TransactionLoad load(m_db, "vp_load");
    auto blocker = PgConnection::open(m_db);
    blocker->exec("BEGIN");
    blocker->exec("LOCK TABLE vp_plain IN SHARE MODE");
    Background waiter(
        m_db, QStringLiteral("melodee-import"), "UPDATE vp_plain SET v = 'renamed' WHERE id = 42");
    // A VACUUM caught in its heap scan: a cursor pins a page it must clean.
    auto pin = PgConnection::open(m_db);
    pin->exec("BEGIN");
    pin->exec("DECLARE c CURSOR FOR SELECT * FROM melodee_songs_p202612");
    pin->exec("FETCH 1 FROM c");
    Background vacuum(m_db,
                      QStringLiteral("vp-vacuum"),
                      "VACUUM (FREEZE, DISABLE_PAGE_SKIPPING) melodee_songs_p202612");

    m_view->resize(1366 - 140, 768 - 200);
    // The product's interval: busy sessions flush their statistics about once a second, so
    // shorter intervals see them in steps.
    m_panel->setSampleInterval(2s);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
    m_view->setActive(true);
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->historySize() >= 8 && rowOfWait(waiter.pid()) >= 0
                                 && m_panel->partitionModel()->rowCount() > 0
                                 && m_panel->partitionModel()->partitions().first().vacuuming(),
                             60000);
    m_view->scrollArea()->ensureWidgetVisible(m_panel);
    const QPixmap shot = m_panel->grab();
    QVERIFY(!shot.isNull());
    const QByteArray dir = qgetenv("MELODEE_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        QVERIFY(shot.save(
            QDir(QString::fromLocal8Bit(dir)).filePath(QStringLiteral("dashboard-vitals.png"))));
    pin->exec("ROLLBACK");
    blocker->exec("ROLLBACK");
    QTRY_VERIFY_WITH_TIMEOUT(vacuum.done() && waiter.done(), 20000);
    load.stop();
}

QTEST_MAIN(tst_VitalsPanel)
#include "tst_vitalspanel.moc"
