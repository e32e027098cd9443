#include "testenv.h"

#include <charts/timeserieschart.h>
#include <db/dberror.h>
#include <db/pgconnection.h>
#include <i18n/translator.h>
#include <models/replicalagmodel.h>
#include <pool/replicarouter.h>
#include <session/connectionsession.h>
#include <views/dashboardview.h>
#include <views/replicalagpanel.h>

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QChartView>
#include <QDir>
#include <QLineSeries>
#include <QScrollArea>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

#include <memory>

using namespace melodee;
using namespace melodee::test;
using namespace std::chrono_literals;

// The Dashboard's Replica lag panel over a real streaming replica (replica-fixture.sh): replay
// paused while the primary writes takes the replica out of the rotation with its lag over
// database.max_replica_lag, and resumed brings it back; a replica that is down or a primary
// listed as a replica is named as such; names never carry a password; nothing connects without
// replicas or while the page is hidden.
class tst_ReplicaLagPanel : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void withoutReplicasNothingConnects();
    void lagTakesTheReplicaOutAndBack();
    void downAndPrimaryAreNamedWithoutPasswords();
    void pausesWhileHidden();
    void fitsTheSmallestWindow();
    void screenshot();

private:
    static QString replicaDsn();
    static void setReplay(bool paused);
    static void writeOnPrimary();
    // Builds the Dashboard on the fixture's primary with these replicas.
    void open(const QStringList &replicas, Duration maxLag);
    QString state(int row) const;
    QStringList seriesNames() const;
    double maxCharted(int series) const;

    std::unique_ptr<ConnectionSession> m_session;
    std::unique_ptr<DashboardView> m_view;
    ReplicaLagPanel *m_panel = nullptr;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

QString tst_ReplicaLagPanel::replicaDsn()
{
    return QStringLiteral("host=127.0.0.1 port=%1").arg(TestEnv::replicaPort());
}

void tst_ReplicaLagPanel::setReplay(bool paused)
{
    PgConnection::open(TestEnv::replicaServer(TestEnv::replicaPort()))
        ->exec(paused ? "SELECT pg_wal_replay_pause()" : "SELECT pg_wal_replay_resume()");
}

void tst_ReplicaLagPanel::writeOnPrimary()
{
    PgConnection::open(TestEnv::replicaServer(TestEnv::replicaPrimaryPort()))
        ->exec("INSERT INTO lag_panel_probe VALUES (1, now()::text) ON CONFLICT (id) DO UPDATE "
               "SET note = excluded.note");
}

void tst_ReplicaLagPanel::open(const QStringList &replicas, Duration maxLag)
{
    AppConfig config;
    config.database = TestEnv::replicaServer(TestEnv::replicaPrimaryPort());
    config.database.replicas = replicas;
    config.database.maxReplicaLag = maxLag;
    config.database.maxOpenConns = 4;
    m_session = std::make_unique<ConnectionSession>();
    m_session->connectTo(config);
    m_view = std::make_unique<DashboardView>(m_session.get());
    m_view->resize(1200, 900);
    m_panel = m_view->findChild<ReplicaLagPanel *>();
    QVERIFY(m_panel);
    m_panel->setSampleInterval(200ms);
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_panel->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
}

QString tst_ReplicaLagPanel::state(int row) const
{
    return m_panel->model()->index(row, ReplicaLagModel::State).data().toString();
}

QStringList tst_ReplicaLagPanel::seriesNames() const
{
    QStringList names;
    auto *view = m_panel->chart() ? m_panel->chart()->findChild<QChartView *>() : nullptr;
    if (view)
        for (const QAbstractSeries *s : view->chart()->series())
            names << s->name();
    return names;
}

double tst_ReplicaLagPanel::maxCharted(int series) const
{
    auto *view = m_panel->chart()->findChild<QChartView *>();
    const auto *line = qobject_cast<const QLineSeries *>(view->chart()->series().at(series));
    double top = -1;
    for (const QPointF &p : line->points())
        top = std::max(top, p.y());
    return top;
}

void tst_ReplicaLagPanel::initTestCase()
{
    MELODEE_REQUIRE_REPLICA();
    QVERIFY(Translator::install(qApp, QLocale(QLocale::English)));
    PgConnection::open(TestEnv::replicaServer(TestEnv::replicaPrimaryPort()))
        ->exec("CREATE TABLE IF NOT EXISTS lag_panel_probe (id int PRIMARY KEY, note text)");
}

void tst_ReplicaLagPanel::init()
{
    setReplay(false);
}

void tst_ReplicaLagPanel::cleanup()
{
    m_tester.reset();
    m_view.reset();
    m_session.reset();
    // Whatever happened, the replica replays again: other tests share the fixture.
    try {
        setReplay(false);
    } catch (const DbError &e) {
        QFAIL(qPrintable(QStringLiteral("could not resume replay: %1").arg(e.toString())));
    }
}

void tst_ReplicaLagPanel::withoutReplicasNothingConnects()
{
    open({}, 5s);
    m_view->show();
    m_view->setActive(true);
    QCOMPARE(m_panel->noteText(),
             QStringLiteral("No read replicas configured (database.replicas)."));
    QVERIFY(!m_panel->chart());
    QVERIFY(!m_panel->isSampling());
    QCOMPARE(m_panel->model()->rowCount(), 0);
    QCoreApplication::processEvents();
    m_panel->sampleNow();
    QCOMPARE(m_panel->sampleCount(), 0);
    // One line, not a box of empty charts.
    QVERIFY2(m_panel->height() < 120, qPrintable(QString::number(m_panel->height())));

    m_session->disconnectFromServer();
    QCOMPARE(m_panel->noteText(), QStringLiteral("Not connected"));
}

void tst_ReplicaLagPanel::lagTakesTheReplicaOutAndBack()
{
    open({replicaDsn()}, 1s);
    m_view->show();
    m_view->setActive(true);
    QVERIFY(m_panel->isSampling());
    QCOMPARE(m_panel->chart()->limit(), 1.0);
    QTRY_COMPARE_WITH_TIMEOUT(state(0), QStringLiteral("in rotation"), 15000);
    QVERIFY(m_panel->noteText().isEmpty());

    // Replay stops while the primary writes: the lag grows past 1 s.
    setReplay(true);
    writeOnPrimary();
    QTRY_VERIFY_WITH_TIMEOUT(state(0) == QStringLiteral("out of rotation (lagging)")
                                 && m_panel->model()->replicas().at(0).lagSeconds.value_or(0) > 1.0,
                             15000);
    const ReplicaStatus lagging = m_panel->model()->replicas().at(0);
    QVERIFY2(lagging.reason.contains(QStringLiteral("max_replica_lag")),
             qPrintable(lagging.reason));
    QCOMPARE(m_panel->model()->index(0, ReplicaLagModel::Reason).data().toString(), lagging.reason);
    // The chart shows the lag over the limit.
    QTRY_VERIFY_WITH_TIMEOUT(maxCharted(0) > 1.0, 5000);
    // What the panel shows is the router's verdict, the one reads are routed by.
    QSignalSpy sampled(m_panel, &ReplicaLagPanel::sampled);
    QVERIFY(sampled.wait(5000));
    const ReplicaStatus shown = m_panel->model()->replicas().at(0);
    const ReplicaStatus routed = m_session->router()->replicaStatus().at(0);
    QVERIFY(shown.lookedAtMs > 0 && shown.lookedAtMs <= routed.lookedAtMs);
    if (shown.lookedAtMs == routed.lookedAtMs)
        QCOMPARE(shown.inRotation, routed.inRotation);

    // Replaying again: back in the rotation, the line back under the limit.
    setReplay(false);
    QTRY_COMPARE_WITH_TIMEOUT(state(0), QStringLiteral("in rotation"), 15000);
    QVERIFY(m_panel->model()->replicas().at(0).lagSeconds.value_or(99) <= 1.0);
    QVERIFY(m_panel->historySize(0) >= 3);
}

void tst_ReplicaLagPanel::downAndPrimaryAreNamedWithoutPasswords()
{
    const int closed = TestEnv::closedLoopbackPort();
    QVERIFY(closed > 0);
    const QStringList replicas{
        QStringLiteral("host=127.0.0.1 port=%1 password='s3cr\\'et pass=word'")
            .arg(TestEnv::replicaPort()),
        QStringLiteral("postgresql://postgres:hunter2@127.0.0.1:%1/postgres").arg(closed),
        QStringLiteral("host=127.0.0.1 port=%1").arg(TestEnv::replicaPrimaryPort())};
    open(replicas, 5s);
    m_view->setActive(true);
    // Until the router's first look each row says it is checking.
    QTRY_VERIFY_WITH_TIMEOUT(state(0) != QStringLiteral("checking…")
                                 && state(1) != QStringLiteral("checking…")
                                 && state(2) != QStringLiteral("checking…"),
                             15000);
    QCOMPARE(state(0), QStringLiteral("in rotation"));
    QCOMPARE(state(1), QStringLiteral("out of rotation (down)"));
    QVERIFY(!m_panel->model()->replicas().at(1).reason.isEmpty());
    QCOMPARE(state(2), QStringLiteral("out of rotation (not a replica)"));
    QVERIFY2(m_panel->model()->replicas().at(2).reason.contains(QStringLiteral("not a replica")),
             qPrintable(m_panel->model()->replicas().at(2).reason));
    const QStringList expected{QStringLiteral("127.0.0.1:%1").arg(TestEnv::replicaPort()),
                               QStringLiteral("127.0.0.1:%1").arg(closed),
                               QStringLiteral("127.0.0.1:%1").arg(TestEnv::replicaPrimaryPort())};
    QCOMPARE(seriesNames().mid(0, 3), expected);
    for (int row = 0; row < 3; ++row) {
        QCOMPARE(m_panel->model()->index(row, ReplicaLagModel::Replica).data().toString(),
                 expected.at(row));
        for (int column = 0; column < ReplicaLagModel::ColumnCount; ++column) {
            const QString text
                = m_panel->model()->index(row, column).data().toString()
                  + m_panel->model()->index(row, column).data(Qt::ToolTipRole).toString();
            QVERIFY2(!text.contains(QStringLiteral("s3cr"))
                         && !text.contains(QStringLiteral("hunter2")),
                     qPrintable(text));
        }
    }
    for (const QString &name : seriesNames())
        QVERIFY2(!name.contains(QStringLiteral("s3cr"))
                     && !name.contains(QStringLiteral("hunter2")),
                 qPrintable(name));
    // Only a replica with a known lag draws a line.
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->historySize(0) >= 2, 15000);
    QCOMPARE(m_panel->historySize(1), 0);
    QCOMPARE(m_panel->historySize(2), 0);
}

void tst_ReplicaLagPanel::pausesWhileHidden()
{
    open({replicaDsn()}, 5s);
    // Never shown: nothing sampled.
    QVERIFY(!m_panel->isSampling());
    QCoreApplication::processEvents();
    QCOMPARE(m_panel->sampleCount(), 0);

    m_view->setActive(true);
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->historySize(0) >= 3, 15000);
    m_view->setActive(false);
    QVERIFY(!m_panel->isSampling());
    const qint64 samples = m_panel->sampleCount();
    const int points = m_panel->historySize(0);
    // Seven intervals pass hidden: nothing is sampled.
    QSignalSpy sampled(m_panel, &ReplicaLagPanel::sampled);
    QVERIFY(!sampled.wait(1500));
    QCOMPARE(m_panel->sampleCount(), samples);
    QCOMPARE(m_panel->historySize(0), points);

    // Shown again: a sample at once.
    m_view->setActive(true);
    QCOMPARE(m_panel->sampleCount(), samples + 1);
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->historySize(0) > points, 15000);
}

void tst_ReplicaLagPanel::fitsTheSmallestWindow()
{
    open(
        {replicaDsn(), QStringLiteral("host=127.0.0.1 port=%1").arg(TestEnv::closedLoopbackPort())},
        5s);
    // The Dashboard's share of a 1024×640 window: it scrolls, nothing is squeezed.
    m_view->resize(1024 - 140, 640 - 200);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
    m_view->setActive(true);
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->sampleCount() >= 1, 15000);
    QCoreApplication::processEvents();
    QVERIFY(m_panel->width() <= m_view->scrollArea()->viewport()->width());
    QVERIFY2(m_panel->chart()->height() >= 190,
             qPrintable(QString::number(m_panel->chart()->height())));
    QVERIFY(m_panel->chart()->width() >= 260);
    QVERIFY(m_panel->table()->height() >= m_panel->table()->minimumHeight());
    // Both rows fit without scrolling the table.
    QVERIFY(m_panel->table()->rowViewportPosition(1) + m_panel->table()->rowHeight(1)
            <= m_panel->table()->viewport()->height());
}

// Writes docs/screenshots/dashboard-replicas.png when MELODEE_SCREENSHOT_DIR is set; always
// checks the grab.
void tst_ReplicaLagPanel::screenshot()
{
    open(
        {replicaDsn(), QStringLiteral("host=127.0.0.1 port=%1").arg(TestEnv::replicaPrimaryPort())},
        2s);
    m_panel->setSampleInterval(500ms);
    m_view->resize(1366 - 140, 768 - 200);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
    m_view->setActive(true);
    // A replica that falls 5 s behind, leaves the rotation, then catches up: it replays a
    // write, and the lag grows from there once replay is paused and the primary writes again.
    // One point per look of the router, which looks every second here.
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->historySize(0) >= 15, 60000);
    writeOnPrimary();
    const int written = m_panel->historySize(0);
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->historySize(0) >= written + 2, 30000);
    setReplay(true);
    writeOnPrimary();
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->model()->replicas().at(0).lagSeconds.value_or(0) > 5.0,
                             30000);
    setReplay(false);
    QTRY_COMPARE_WITH_TIMEOUT(state(0), QStringLiteral("in rotation"), 15000);
    const int caughtUp = m_panel->historySize(0);
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->historySize(0) >= caughtUp + 5, 30000);
    m_view->scrollArea()->ensureWidgetVisible(m_panel);
    const QPixmap shot = m_panel->grab();
    QVERIFY(!shot.isNull());
    QVERIFY(shot.width() >= 600 && shot.height() >= 300);
    const QByteArray dir = qgetenv("MELODEE_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        QVERIFY(shot.save(
            QDir(QString::fromLocal8Bit(dir)).filePath(QStringLiteral("dashboard-replicas.png"))));
}

QTEST_MAIN(tst_ReplicaLagPanel)
#include "tst_replicalagpanel.moc"
