#include "sleeper.h"
#include "testenv.h"

#include <i18n/translator.h>
#include <models/activitymodel.h>
#include <pool/connectionpool.h>
#include <session/connectionsession.h>
#include <views/activitypanel.h>
#include <views/dashboardview.h>
#include <widgets/errorbanner.h>

#include <QAbstractButton>
#include <QAbstractItemModelTester>
#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QLabel>
#include <QMessageBox>
#include <QSignalSpy>
#include <QTableView>
#include <QTcpServer>
#include <QTest>
#include <QTimer>
#include <QUuid>

#include <functional>
#include <memory>
#include <vector>

using namespace melodee;
using namespace melodee::test;
using namespace std::chrono_literals;

namespace {

QString uniqueName(const char *prefix)
{
    return QLatin1String(prefix) + QUuid::createUuid().toString(QUuid::Id128).left(10);
}

// Answers the Terminate confirmation from inside its exec(): polls for the box, hands its text to
// `seen`, then presses the button for `answer`.
void answerConfirmation(ActivityPanel *panel,
                        QMessageBox::StandardButton answer,
                        std::shared_ptr<QString> seen)
{
    auto *timer = new QTimer(panel);
    timer->setInterval(20);
    QObject::connect(timer, &QTimer::timeout, panel, [timer, panel, answer, seen] {
        auto *box = panel->findChild<QMessageBox *>(QStringLiteral("terminateConfirmation"));
        if (!box || !box->isVisible())
            return;
        *seen = box->text();
        timer->stop();
        timer->deleteLater();
        box->button(answer)->click();
    });
    timer->start();
}

} // namespace

class tst_ActivityPanel : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void showsSessionsOursHighlighted();
    void pollsOnlyWhileShown();
    void selectionSurvivesRefresh();
    void cancelFromPanel();
    void terminateAsksFirst_data();
    void terminateAsksFirst();
    void errorsGoToTheBanner();
    void allDatabases();
    void disconnectClears();
    void destroyWhileRefreshWaits();
    void refreshErrorsShownOnce();

private:
    bool selectPid(int pid);

    DatabaseConfig m_db;
    std::unique_ptr<ConnectionSession> m_session;
    std::unique_ptr<DashboardView> m_view;
    ActivityPanel *m_panel = nullptr;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

void tst_ActivityPanel::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
    m_db = TestEnv::freshDatabase(QStringLiteral("activitypanel"));
    // As melodee-admin does at start, so the summary (and the docs screenshot) has English plurals.
    QVERIFY(Translator::install(qApp, QLocale(QLocale::English)));
}

void tst_ActivityPanel::init()
{
    AppConfig config;
    config.database = m_db;
    config.database.maxOpenConns = 4;
    m_session = std::make_unique<ConnectionSession>();
    m_session->connectTo(config);
    m_view = std::make_unique<DashboardView>(m_session.get());
    m_view->resize(1200, 900);
    m_panel = m_view->activityPanel();
    QVERIFY(m_panel);
    m_panel->setRefreshInterval(100ms);
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_panel->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
}

void tst_ActivityPanel::cleanup()
{
    m_tester.reset();
    m_view.reset();
    m_session.reset();
}

bool tst_ActivityPanel::selectPid(int pid)
{
    const int row = m_panel->model()->rowOfPid(pid);
    if (row < 0)
        return false;
    m_panel->table()->selectRow(row);
    return m_panel->selectedPid() == pid;
}

void tst_ActivityPanel::showsSessionsOursHighlighted()
{
    const QString app = uniqueName("tst-panel-");
    Sleeper sleeper(m_db, app);
    m_view->show();
    m_view->setActive(true);
    QVERIFY(m_panel->isPolling());
    ActivityModel *model = m_panel->model();
    QTRY_VERIFY_WITH_TIMEOUT(model->rowOfPid(sleeper.pid()) >= 0
                                 && model->sessionAt(model->rowOfPid(sleeper.pid()))->state
                                        == QLatin1String("active"),
                             10000);
    const int row = model->rowOfPid(sleeper.pid());
    QCOMPARE(model->index(row, ActivityModel::Application).data().toString(), app);
    QCOMPARE(model->index(row, ActivityModel::WaitEvent).data().toString(),
             QStringLiteral("Timeout: PgSleep"));
    QVERIFY(model->index(row, ActivityModel::Query)
                .data()
                .toString()
                .contains(QLatin1String("pg_sleep(30)")));
    QVERIFY(!model->index(row, 0).data(ActivityModel::OursRole).toBool());
    QVERIFY(!model->index(row, 0).data(Qt::BackgroundRole).isValid());

    // Our refreshing connection is listed and highlighted.
    const int self = model->rowOfPid(model->snapshot().selfPid);
    QVERIFY(self >= 0);
    QVERIFY(model->index(self, 0).data(ActivityModel::OursRole).toBool());
    QVERIFY(model->index(self, 0).data(Qt::BackgroundRole).isValid());

    auto *summary = m_panel->findChild<QLabel *>(QStringLiteral("activitySummary"));
    QVERIFY(summary);
    QVERIFY2(summary->text().contains(m_db.dbname), qPrintable(summary->text()));
    QVERIFY2(summary->text().contains(QLatin1String("of ours")), qPrintable(summary->text()));
    QVERIFY2(summary->text().contains(QLatin1String("background processes")),
             qPrintable(summary->text()));
    // Only this database by default.
    QVERIFY(m_panel->table()->isColumnHidden(ActivityModel::Database));
    for (int r = 0; r < model->rowCount(); ++r)
        QCOMPARE(model->sessionAt(r)->database, m_db.dbname);

    // The docs screenshot when MELODEE_SCREENSHOT_DIR is set; the grab is checked always.
    m_panel->table()->selectRow(row);
    const QPixmap shot = m_panel->grab();
    QVERIFY(!shot.isNull());
    const QByteArray dir = qgetenv("MELODEE_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        QVERIFY(shot.save(
            QDir(QString::fromLocal8Bit(dir)).filePath(QStringLiteral("dashboard-activity.png"))));
}

void tst_ActivityPanel::pollsOnlyWhileShown()
{
    // Never shown: nothing polls, nothing runs.
    QVERIFY(!m_panel->isPolling());
    QVERIFY(!m_panel->isRefreshing());
    QCoreApplication::processEvents();
    QCOMPARE(m_panel->refreshCount(), 0);

    m_view->setActive(true);
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->refreshCount() >= 3, 30000);
    m_view->setActive(false);
    QVERIFY(!m_panel->isPolling());
    // A refresh already under way may still land; after it nothing starts another.
    QTRY_VERIFY_WITH_TIMEOUT(!m_panel->isRefreshing(), 30000);
    const qint64 paused = m_panel->refreshCount();
    QCoreApplication::processEvents();
    QVERIFY(!m_panel->isRefreshing());
    QCOMPARE(m_panel->refreshCount(), paused);

    m_view->setActive(true);
    QTRY_VERIFY(m_panel->refreshCount() >= paused + 3);
}

void tst_ActivityPanel::selectionSurvivesRefresh()
{
    Sleeper first(m_db, uniqueName("tst-first-"));
    m_view->setActive(true);
    QTRY_VERIFY_WITH_TIMEOUT(selectPid(first.pid()), 10000);
    QSignalSpy reset(m_panel->model(), &QAbstractItemModel::modelReset);
    QSignalSpy refreshed(m_panel, &ActivityPanel::refreshed);

    // Sessions come and go around the selected one.
    auto second = std::make_unique<Sleeper>(m_db, uniqueName("tst-second-"));
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->model()->rowOfPid(second->pid()) >= 0, 10000);
    second.reset(); // cancels and closes
    QTRY_VERIFY_WITH_TIMEOUT(refreshed.count() >= 5, 10000);
    QCOMPARE(m_panel->selectedPid(), first.pid());
    QCOMPARE(reset.count(), 0);
    for (const QList<QVariant> &args : std::as_const(refreshed))
        QVERIFY(args.at(0).toBool());
}

void tst_ActivityPanel::cancelFromPanel()
{
    const QString app = uniqueName("tst-cancelme-");
    Sleeper sleeper(m_db, app);
    m_view->setActive(true);
    QTRY_VERIFY_WITH_TIMEOUT(
        m_panel->model()->rowOfPid(sleeper.pid()) >= 0
            && m_panel->model()->sessionAt(m_panel->model()->rowOfPid(sleeper.pid()))->state
                   == QLatin1String("active"),
        10000);
    QVERIFY(selectPid(sleeper.pid()));
    auto *button = m_panel->findChild<QAbstractButton *>(QStringLiteral("cancelBackendButton"));
    QVERIFY(button && button->isEnabled());
    QSignalSpy finished(m_panel, &ActivityPanel::actionFinished);
    button->click();
    QVERIFY(finished.wait(10000));
    QVERIFY(finished.at(0).at(0).toBool());
    QTRY_VERIFY_WITH_TIMEOUT(sleeper.done(), 10000);
    QCOMPARE(sleeper.sqlState(), QStringLiteral("57014"));
    QVERIFY(!m_panel->banner()->isError());
    QVERIFY2(m_panel->banner()->message().contains(
                 QStringLiteral("Cancel sent to pid %1 (%2)").arg(sleeper.pid()).arg(app)),
             qPrintable(m_panel->banner()->message()));
    // Cancel leaves the session: the row stays, now idle.
    QTRY_VERIFY_WITH_TIMEOUT(
        m_panel->model()->sessionAt(m_panel->model()->rowOfPid(sleeper.pid()))->state
            == QLatin1String("idle"),
        10000);
}

void tst_ActivityPanel::terminateAsksFirst_data()
{
    QTest::addColumn<bool>("accept");
    QTest::addColumn<bool>("viaKey");
    QTest::newRow("declined, button") << false << false;
    QTest::newRow("declined, Del key") << false << true;
    QTest::newRow("accepted, button") << true << false;
}

void tst_ActivityPanel::terminateAsksFirst()
{
    QFETCH(bool, accept);
    QFETCH(bool, viaKey);
    const QString app = uniqueName("tst-terminateme-");
    Sleeper sleeper(m_db, app);
    m_view->show();
    m_view->setActive(true);
    QTRY_VERIFY_WITH_TIMEOUT(selectPid(sleeper.pid()), 10000);
    // From here on only the refresh that follows the action can update the list.
    m_panel->setRefreshInterval(std::chrono::hours(1));

    auto seen = std::make_shared<QString>();
    answerConfirmation(m_panel, accept ? QMessageBox::Yes : QMessageBox::Cancel, seen);
    QSignalSpy finished(m_panel, &ActivityPanel::actionFinished);
    auto *button = m_panel->findChild<QAbstractButton *>(QStringLiteral("terminateBackendButton"));
    QVERIFY(button && button->isEnabled());
    if (viaKey) {
        QApplication::setActiveWindow(m_view.get());
        m_panel->table()->setFocus();
        QVERIFY(QTest::qWaitForWindowActive(m_view.get()));
        QTest::keyClick(m_panel->table(), Qt::Key_Delete); // returns after the box was answered
    } else {
        button->click();
    }
    QVERIFY2(
        seen->contains(
            QStringLiteral("Terminate session %1 (%2, user postgres)").arg(sleeper.pid()).arg(app)),
        qPrintable(*seen));
    QVERIFY(finished.count() == 1 || finished.wait(10000));
    QCOMPARE(finished.at(0).at(0).toBool(), accept);

    if (!accept) {
        // Declined: nothing was sent, the session still sleeps.
        QCOMPARE(TestEnv::psql(QStringLiteral("SELECT state FROM pg_stat_activity WHERE pid = %1")
                                   .arg(sleeper.pid())),
                 QStringLiteral("active"));
        QVERIFY(!sleeper.done());
        QVERIFY(m_panel->model()->rowOfPid(sleeper.pid()) >= 0);
        QCOMPARE(m_panel->selectedPid(), sleeper.pid());
        return;
    }
    QTRY_VERIFY_WITH_TIMEOUT(sleeper.done(), 10000);
    QVERIFY(sleeper.broken());
    QVERIFY2(m_panel->banner()->message().contains(
                 QStringLiteral("Terminated pid %1 (%2)").arg(sleeper.pid()).arg(app)),
             qPrintable(m_panel->banner()->message()));
    QTRY_COMPARE_WITH_TIMEOUT(m_panel->model()->rowOfPid(sleeper.pid()), -1, 10000);
    QCOMPARE(m_panel->selectedPid(), 0);
    QVERIFY(!button->isEnabled()); // nothing selected any more
}

void tst_ActivityPanel::errorsGoToTheBanner()
{
    auto sleeper = std::make_unique<Sleeper>(m_db, uniqueName("tst-vanish-"));
    const int pid = sleeper->pid();
    m_view->setActive(true);
    QTRY_VERIFY_WITH_TIMEOUT(selectPid(pid), 10000);
    // Freeze the list, then let the session end behind the panel's back.
    m_view->setActive(false);
    QTRY_VERIFY_WITH_TIMEOUT(!m_panel->isRefreshing(), 30000);
    QVERIFY(selectPid(pid));
    sleeper.reset();
    QTRY_VERIFY_WITH_TIMEOUT(TestEnv::psql(QStringLiteral("SELECT count(*) FROM pg_stat_activity "
                                                          "WHERE pid = %1")
                                               .arg(pid))
                                 == QLatin1String("0"),
                             10000);

    QSignalSpy finished(m_panel, &ActivityPanel::actionFinished);
    m_panel->cancelSelected();
    QVERIFY(finished.wait(10000));
    QVERIFY(!finished.at(0).at(0).toBool());
    ErrorBanner *banner = m_panel->banner();
    QVERIFY(banner->isError());
    QVERIFY2(
        banner->message().contains(QStringLiteral("Could not cancel the query of pid %1").arg(pid)),
        qPrintable(banner->message()));
    QVERIFY2(banner->message().contains(QLatin1String("it has ended or never existed")),
             qPrintable(banner->message()));
    QVERIFY2(banner->details().contains(QLatin1String("SQLSTATE: P0002")),
             qPrintable(banner->details()));
}

void tst_ActivityPanel::allDatabases()
{
    Sleeper elsewhere(TestEnv::superuser(), uniqueName("tst-otherdb-"));
    m_view->setActive(true);
    QSignalSpy refreshed(m_panel, &ActivityPanel::refreshed);
    QVERIFY(refreshed.wait(10000));
    QCOMPARE(m_panel->model()->rowOfPid(elsewhere.pid()), -1);
    QVERIFY(m_panel->model()->snapshot().hiddenCount >= 1);

    m_panel->setAllDatabases(true);
    QVERIFY(!m_panel->table()->isColumnHidden(ActivityModel::Database));
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->model()->rowOfPid(elsewhere.pid()) >= 0, 10000);
    const int row = m_panel->model()->rowOfPid(elsewhere.pid());
    QCOMPARE(m_panel->model()->index(row, ActivityModel::Database).data().toString(),
             QStringLiteral("postgres"));
    QCOMPARE(m_panel->model()->snapshot().hiddenCount, 0);

    m_panel->setAllDatabases(false);
    QTRY_COMPARE_WITH_TIMEOUT(m_panel->model()->rowOfPid(elsewhere.pid()), -1, 10000);
}

void tst_ActivityPanel::disconnectClears()
{
    m_view->setActive(true);
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->model()->rowCount() > 0, 10000);
    m_session->disconnectFromServer();
    QCOMPARE(m_panel->model()->rowCount(), 0);
    QVERIFY(!m_panel->isPolling());
    auto *summary = m_panel->findChild<QLabel *>(QStringLiteral("activitySummary"));
    QCOMPARE(summary->text(), QStringLiteral("Not connected"));
}

void tst_ActivityPanel::destroyWhileRefreshWaits()
{
    // Every connection taken: the refresh waits for one (up to the 30 s acquire timeout), and
    // so does the Dashboard's vital signs sample.
    std::shared_ptr<ConnectionPool> pool = m_session->pool();
    std::vector<PooledConnection> held;
    for (int i = 0; i < 4; ++i)
        held.push_back(pool->acquire());
    m_view->setActive(true);
    QTRY_COMPARE(pool->stats().pendingWaiters, 2);
    QElapsedTimer t;
    t.start();
    m_tester.reset();
    m_view.reset(); // cancels the waiting refresh and must neither hang nor throw
    QVERIFY2(t.elapsed() < 10000, qPrintable(QString::number(t.elapsed())));
    QTRY_COMPARE(pool->stats().pendingWaiters, 0);
    held.clear();
}

void tst_ActivityPanel::refreshErrorsShownOnce()
{
    // A port nobody listens on: every refresh fails at once with "connection refused".
    QTcpServer closed;
    QVERIFY(closed.listen(QHostAddress::LocalHost));
    AppConfig config;
    config.database = m_db;
    config.database.port = closed.serverPort();
    closed.close();
    m_tester.reset();
    m_view.reset();
    m_session->connectTo(config);
    m_view = std::make_unique<DashboardView>(m_session.get());
    m_panel = m_view->activityPanel();
    m_panel->setRefreshInterval(50ms);
    QSignalSpy refreshed(m_panel, &ActivityPanel::refreshed);
    m_view->setActive(true);
    QVERIFY(refreshed.wait(10000));
    QVERIFY(!refreshed.at(0).at(0).toBool());
    ErrorBanner *banner = m_panel->banner();
    QVERIFY(banner->isError());
    QVERIFY2(banner->message().startsWith(QLatin1String("Could not read the server's sessions")),
             qPrintable(banner->message()));
    QCOMPARE(m_panel->model()->rowCount(), 0);

    // The admin closes it; the same failure every 50 ms does not bring it back.
    banner->clear();
    QTRY_VERIFY_WITH_TIMEOUT(refreshed.count() >= 4, 10000);
    QVERIFY(banner->message().isEmpty());
    for (const QList<QVariant> &args : std::as_const(refreshed))
        QVERIFY(!args.at(0).toBool());
    // The last refresh failed and kept its exception: destroying the view must not rethrow it.
    m_view.reset();
}

QTEST_MAIN(tst_ActivityPanel)
#include "tst_activitypanel.moc"
