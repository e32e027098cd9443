#pragma once

#include <activity/serveractivity.h>
#include <async/whenfinished.h>

#include <QFuture>
#include <QGroupBox>
#include <QThreadPool>
#include <QTimer>

#include <chrono>
#include <memory>

class QAction;
class QCheckBox;
class QLabel;
class QPushButton;
class QTableView;

namespace melodee {

class ActivityModel;
class ConnectionPool;
class ErrorBanner;

// The Dashboard's "Server activity" panel: the sessions of the connected database (or of all
// databases) from pg_stat_activity, ours highlighted, with Cancel query and Terminate session.
// Refreshes every 2 s while the Dashboard is visible, on the pool's workers (ConnectionPool::run,
// so a refresh stuck behind a busy pool can be cancelled); never on the GUI thread.
class ActivityPanel : public QGroupBox
{
    Q_OBJECT

public:
    explicit ActivityPanel(QWidget *parent = nullptr);
    ~ActivityPanel() override;

    // nullptr when disconnected.
    void setPool(std::shared_ptr<ConnectionPool> pool);
    // Refreshes periodically only while active (the Dashboard is shown).
    void setActive(bool active);
    void setRefreshInterval(std::chrono::milliseconds interval);
    bool isPolling() const { return m_timer.isActive(); }
    qint64 refreshCount() const { return m_refreshCount; }
    void setAllDatabases(bool all);

    ActivityModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    ErrorBanner *banner() const { return m_banner; }
    // The selected session's pid, or 0.
    int selectedPid() const;

    // Starts a refresh now unless one is in flight.
    void refresh();
    bool isRefreshing() const;
    // As refresh(), but when one is in flight, another follows it (after actions and the
    // Refresh button: the running one may predate the change).
    void refreshSoon();
    void cancelSelected();
    // Asks for confirmation naming the pid and application first.
    void terminateSelected();

signals:
    // After every refresh that was not abandoned; ok is false when it failed.
    void refreshed(bool ok);
    // After every cancel/terminate request finished (or was declined).
    void actionFinished(bool ok);

private:
    void onRefreshFinished(const TaskOutcome<ActivitySnapshot> &outcome);
    void abandonRefresh();
    void updateActions();
    void updateSummary();
    void showContextMenu(const QPoint &pos);
    void runAction(bool terminate, const ServerSession &target);

    std::shared_ptr<ConnectionPool> m_pool;
    bool m_active = false;
    QTimer m_timer;
    QFuture<ActivitySnapshot> m_refresh;
    bool m_refreshAgain = false;
    qint64 m_refreshCount = 0;
    QString m_refreshError;      // the refresh failure the banner shows, if any
    QThreadPool m_actionThreads; // cancel/terminate: one-off, waited for on destruction
    bool m_actionBusy = false;
    bool m_columnsSized = false;

    ActivityModel *m_model = nullptr;
    QTableView *m_table = nullptr;
    ErrorBanner *m_banner = nullptr;
    QLabel *m_summary = nullptr;
    QCheckBox *m_allDatabases = nullptr;
    QPushButton *m_refreshButton = nullptr;
    QPushButton *m_cancelButton = nullptr;
    QPushButton *m_terminateButton = nullptr;
    QAction *m_cancelAction = nullptr;
    QAction *m_terminateAction = nullptr;
    QAction *m_copyQueryAction = nullptr;
};

} // namespace melodee
