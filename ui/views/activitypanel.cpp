#include "activitypanel.h"

#include <async/task.h>
#include <models/activitymodel.h>
#include <pool/connectionpool.h>
#include <widgets/errorbanner.h>

#include <QAction>
#include <QCheckBox>
#include <QClipboard>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollBar>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace melodee {

namespace {

constexpr int kMinimumRows = 5;

QString nameOf(const ServerSession &s)
{
    if (!s.application.isEmpty())
        return s.application;
    return s.backendType.isEmpty() ? QStringLiteral("?") : s.backendType;
}

} // namespace

ActivityPanel::ActivityPanel(QWidget *parent)
    : QGroupBox(tr("Server activity"), parent)
{
    setObjectName(QStringLiteral("activityPanel"));
    m_timer.setInterval(std::chrono::seconds(2));
    connect(&m_timer, &QTimer::timeout, this, &ActivityPanel::refresh);
    m_actionThreads.setMaxThreadCount(1);

    m_model = new ActivityModel(this);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("activityTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setWordWrap(false);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setColumnHidden(ActivityModel::Database, true);

    m_banner = new ErrorBanner(this);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("activitySummary"));
    m_summary->setTextFormat(Qt::PlainText);
    m_allDatabases = new QCheckBox(tr("All databases"), this);
    m_allDatabases->setToolTip(tr("Also list sessions of other databases and the server's "
                                  "background processes"));
    m_refreshButton = new QPushButton(tr("Refresh"), this);

    m_cancelAction = new QAction(tr("Cancel query"), this);
    m_cancelAction->setToolTip(tr("Ask the server to cancel the selected session's running query "
                                  "(pg_cancel_backend)"));
    m_cancelAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
    m_cancelAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_terminateAction = new QAction(tr("Terminate session…"), this);
    m_terminateAction->setToolTip(
        tr("End the selected session and its connection (pg_terminate_backend)"));
    m_terminateAction->setShortcut(QKeySequence::Delete);
    m_terminateAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_copyQueryAction = new QAction(tr("Copy query"), this);
    m_table->addAction(m_cancelAction);
    m_table->addAction(m_terminateAction);
    m_cancelButton = new QPushButton(m_cancelAction->text(), this);
    m_cancelButton->setObjectName(QStringLiteral("cancelBackendButton"));
    m_cancelButton->setToolTip(m_cancelAction->toolTip());
    m_terminateButton = new QPushButton(m_terminateAction->text(), this);
    m_terminateButton->setObjectName(QStringLiteral("terminateBackendButton"));
    m_terminateButton->setToolTip(m_terminateAction->toolTip());

    // The summary on a line of its own: a long one wraps instead of running into the controls.
    m_summary->setWordWrap(true);
    auto *top = new QHBoxLayout;
    top->addWidget(m_allDatabases);
    top->addStretch(1);
    top->addWidget(m_refreshButton);
    top->addWidget(m_cancelButton);
    top->addWidget(m_terminateButton);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addLayout(top);
    layout->addWidget(m_banner);
    layout->addWidget(m_table, 1);
    // Real rows at any window size: the Dashboard's splitter cannot squeeze it below five.
    m_table->setMinimumHeight(m_table->horizontalHeader()->sizeHint().height()
                              + kMinimumRows * m_table->verticalHeader()->defaultSectionSize()
                              + m_table->horizontalScrollBar()->sizeHint().height()
                              + 2 * m_table->frameWidth());

    connect(m_cancelAction, &QAction::triggered, this, &ActivityPanel::cancelSelected);
    connect(m_terminateAction, &QAction::triggered, this, &ActivityPanel::terminateSelected);
    connect(m_cancelButton, &QPushButton::clicked, this, &ActivityPanel::cancelSelected);
    connect(m_terminateButton, &QPushButton::clicked, this, &ActivityPanel::terminateSelected);
    connect(m_refreshButton, &QPushButton::clicked, this, &ActivityPanel::refreshSoon);
    connect(m_copyQueryAction, &QAction::triggered, this, [this] {
        if (const ServerSession *s = m_model->sessionAt(m_model->rowOfPid(selectedPid())))
            QGuiApplication::clipboard()->setText(s->query);
    });
    connect(m_allDatabases, &QCheckBox::toggled, this, &ActivityPanel::setAllDatabases);
    connect(m_table, &QWidget::customContextMenuRequested, this, &ActivityPanel::showContextMenu);
    connect(m_table->selectionModel(),
            &QItemSelectionModel::selectionChanged,
            this,
            &ActivityPanel::updateActions);
    connect(m_model, &ActivityModel::snapshotChanged, this, &ActivityPanel::updateSummary);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &ActivityPanel::updateActions);
    updateSummary();
    updateActions();
}

ActivityPanel::~ActivityPanel()
{
    // The refresh runs on the pool's workers and the pool waits for them when it goes; the
    // cancel sends PQcancel, so that is quick.
    abandonRefresh();
    m_actionThreads.waitForDone();
}

void ActivityPanel::setPool(std::shared_ptr<ConnectionPool> pool)
{
    abandonRefresh();
    m_pool = std::move(pool);
    m_model->clear();
    m_columnsSized = false;
    m_banner->clear();
    m_refreshError.clear();
    if (m_active && m_pool) {
        refresh();
        m_timer.start();
    } else {
        m_timer.stop();
    }
    updateSummary();
    updateActions();
}

void ActivityPanel::setActive(bool active)
{
    m_active = active;
    if (active && m_pool) {
        refresh();
        m_timer.start();
    } else {
        m_timer.stop();
    }
}

void ActivityPanel::setRefreshInterval(std::chrono::milliseconds interval)
{
    m_timer.setInterval(interval);
}

void ActivityPanel::setAllDatabases(bool all)
{
    if (m_allDatabases->isChecked() != all) {
        m_allDatabases->setChecked(all); // comes back here through toggled()
        return;
    }
    m_table->setColumnHidden(ActivityModel::Database, !all);
    abandonRefresh();
    refreshSoon();
}

int ActivityPanel::selectedPid() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return 0;
    const ServerSession *s = m_model->sessionAt(rows.first().row());
    return s ? s->pid : 0;
}

bool ActivityPanel::isRefreshing() const
{
    return m_refresh.isRunning() && !m_refresh.isCanceled();
}

void ActivityPanel::refresh()
{
    if (!m_pool || isRefreshing())
        return;
    m_refreshAgain = false;
    const auto scope = m_allDatabases->isChecked() ? ServerActivity::Scope::AllDatabases
                                                   : ServerActivity::Scope::CurrentDatabase;
    // A plain pointer: the pool waits for its run() work before it goes, and a task that held
    // the last reference would destroy the pool on the pool's own thread.
    ConnectionPool *pool = m_pool.get();
    m_refresh = m_pool->run([pool, scope](PgConnection &conn) {
        return ServerActivity::snapshot(conn, scope, pool->backendPids());
    });
    whenFinished(
        this, m_refresh, [this](const TaskOutcome<ActivitySnapshot> &o) { onRefreshFinished(o); });
}

void ActivityPanel::refreshSoon()
{
    // A refresh under way began before what the caller changed; run one more after it rather
    // than show a list that still has a terminated session for another 2 s.
    if (isRefreshing())
        m_refreshAgain = true;
    else
        refresh();
}

void ActivityPanel::abandonRefresh()
{
    // Its result may belong to another pool or scope; the cancel stops the query on the server
    // and its outcome arrives marked cancelled.
    m_refresh.cancel();
    m_refresh = QFuture<ActivitySnapshot>();
}

void ActivityPanel::onRefreshFinished(const TaskOutcome<ActivitySnapshot> &o)
{
    if (o.cancelled)
        return;
    ++m_refreshCount;
    if (o.ok()) {
        const int selected = selectedPid();
        m_model->setSnapshot(*o.value);
        // When the selected session ended, the view moves the selection to a neighbour; a
        // destructive action must not silently retarget, so select nothing instead.
        if (selected > 0 && m_model->rowOfPid(selected) < 0)
            m_table->selectionModel()->clear();
        if (!m_columnsSized && m_model->rowCount() > 0) {
            // Once per connection: widths that follow every refresh would make the table jump.
            m_columnsSized = true;
            m_table->resizeColumnsToContents();
            for (int c = 0; c < ActivityModel::Query; ++c)
                m_table->setColumnWidth(c, std::min(m_table->columnWidth(c), 260));
        }
        if (!m_refreshError.isEmpty()) {
            if (m_banner->message() == m_refreshError)
                m_banner->clear();
            m_refreshError.clear();
        }
        emit refreshed(true);
    } else {
        const QString text = tr("Could not read the server's sessions: %1").arg(o.error);
        // Every 2 s the same failure: show it once, so closing the banner keeps it closed.
        if (text != m_refreshError)
            m_banner->showError(text, o.details);
        m_refreshError = text;
        emit refreshed(false);
    }
    if (m_refreshAgain)
        refresh();
}

void ActivityPanel::updateActions()
{
    const bool enabled = m_pool && !m_actionBusy && selectedPid() > 0;
    m_cancelAction->setEnabled(enabled);
    m_terminateAction->setEnabled(enabled);
    m_cancelButton->setEnabled(enabled);
    m_terminateButton->setEnabled(enabled);
    m_copyQueryAction->setEnabled(selectedPid() > 0);
    m_refreshButton->setEnabled(bool(m_pool));
}

void ActivityPanel::updateSummary()
{
    if (!m_pool) {
        m_summary->setText(tr("Not connected"));
        return;
    }
    const ActivitySnapshot &s = m_model->snapshot();
    if (!s.serverNow.isValid()) {
        m_summary->setText(tr("Reading sessions…"));
        return;
    }
    QStringList parts;
    parts << (s.allDatabases
                  ? tr("%n session(s) on the server", nullptr, m_model->rowCount())
                  : tr("%n session(s) in %1", nullptr, m_model->rowCount()).arg(s.database));
    parts << tr("%n of ours (highlighted)", nullptr, m_model->oursCount());
    if (s.hiddenCount > 0)
        parts << tr("%n more in other databases or background processes", nullptr, s.hiddenCount);
    m_summary->setText(parts.join(QStringLiteral(" · ")));
}

void ActivityPanel::showContextMenu(const QPoint &pos)
{
    const QModelIndex index = m_table->indexAt(pos);
    if (!index.isValid())
        return;
    m_table->selectRow(index.row());
    QMenu menu(this);
    menu.addAction(m_cancelAction);
    menu.addAction(m_terminateAction);
    menu.addSeparator();
    menu.addAction(m_copyQueryAction);
    menu.exec(m_table->viewport()->mapToGlobal(pos));
}

void ActivityPanel::cancelSelected()
{
    const ServerSession *s = m_model->sessionAt(m_model->rowOfPid(selectedPid()));
    if (!s)
        return;
    runAction(false, *s);
}

void ActivityPanel::terminateSelected()
{
    const ServerSession *s = m_model->sessionAt(m_model->rowOfPid(selectedPid()));
    if (!s || !m_pool || m_actionBusy)
        return;
    // A copy: refreshes go on while the question is open and may drop the row.
    const ServerSession target = *s;
    QString text = tr("Terminate session %1 (%2, user %3)?\n\nIts connection is closed and a "
                      "transaction in progress is rolled back.")
                       .arg(target.pid)
                       .arg(nameOf(target), target.user);
    if (target.ours)
        text += QStringLiteral("\n\n")
                + tr("This is a connection of this application's own pool; the pool opens a new "
                     "one when needed.");
    QMessageBox box(QMessageBox::Warning,
                    tr("Terminate session"),
                    text,
                    QMessageBox::Yes | QMessageBox::Cancel,
                    this);
    box.setObjectName(QStringLiteral("terminateConfirmation"));
    box.button(QMessageBox::Yes)->setText(tr("Terminate"));
    box.setDefaultButton(QMessageBox::Cancel);
    if (box.exec() != QMessageBox::Yes) {
        emit actionFinished(false);
        return;
    }
    runAction(true, target);
}

void ActivityPanel::runAction(bool terminate, const ServerSession &target)
{
    if (!m_pool || m_actionBusy)
        return;
    m_actionBusy = true;
    updateActions();
    const int pid = target.pid;
    const BackendKey key = BackendKey::of(target);
    const QString name = nameOf(target);
    // The key carries the backend start the admin saw: a pid the server has reused since is
    // refused, not signalled.
    const QFuture<BackendSignalResult> action
        = startTask(&m_actionThreads, [pool = m_pool, key, terminate](std::stop_token) {
              const ServerActivity activity(*pool);
              return terminate ? activity.terminate(key) : activity.cancel(key);
          });
    whenFinished(
        this, action, [this, terminate, pid, name](const TaskOutcome<BackendSignalResult> &r) {
            m_actionBusy = false;
            updateActions();
            m_refreshError.clear(); // the banner shows this outcome now
            if (!r.ok()) {
                m_banner->showError(
                    terminate
                        ? tr("Could not terminate pid %1 (%2): %3").arg(pid).arg(name, r.error)
                        : tr("Could not cancel the query of pid %1 (%2): %3")
                              .arg(pid)
                              .arg(name, r.error),
                    r.details);
                refreshSoon();
                emit actionFinished(false);
                return;
            }
            const BackendSignalResult &res = *r.value;
            using Outcome = BackendSignalResult::Outcome;
            switch (res.outcome) {
            case Outcome::Signalled:
                m_banner->showInfo(
                    terminate ? tr("Terminated pid %1 (%2).").arg(pid).arg(name)
                              : tr("Cancel sent to pid %1 (%2): its running query ends with an "
                                   "error.")
                                    .arg(pid)
                                    .arg(name));
                break;
            case Outcome::NothingToCancel:
                m_banner->showInfo(tr("pid %1 (%2) is %3 and runs no query: nothing to cancel.")
                                       .arg(pid)
                                       .arg(name, res.stateBefore));
                break;
            case Outcome::ClosedOwnConnection:
                m_banner->showInfo(
                    tr("pid %1 was an idle connection of our own pool; the pool closed it.")
                        .arg(pid));
                break;
            case Outcome::StillRunning:
                m_banner->showError(
                    tr("Terminate sent to pid %1 (%2), but it had not exited after 5 s.")
                        .arg(pid)
                        .arg(name));
                break;
            }
            refreshSoon();
            emit actionFinished(res.outcome != Outcome::StillRunning);
        });
}

} // namespace melodee
