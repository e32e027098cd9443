#pragma once

#include "viewpage.h"

#include <partitions/partitiondrift.h>
#include <partitions/partitionmover.h>

#include <QFuture>
#include <QList>
#include <QThreadPool>

class QComboBox;
class QDateEdit;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSlider;
class QSpinBox;
class QTabWidget;

namespace melodee {

class ErrorBanner;
class PartitionTimeline;
class PartitionsDriftPanel;
class SqlEditor;

// The partition timeline plus maintenance with the migrations' discipline: every action first
// shows exactly the statements it will run (preview), then applies them on a worker thread. The
// work is PartitionMaintenance's, the same the command line runs; this view starts it and shows
// its progress. Cancel stops it on the server. Moves next to a non-empty default partition run in
// batches (PartitionMover), each its own transaction: a cancel keeps the batches done, and the
// next apply resumes. Check compares every partition with its parent (drift panel and marks on
// the timeline); the retention horizon is drawn for the months to keep.
class PartitionsView : public ViewPage
{
    Q_OBJECT

public:
    enum class Action { None, CreateThrough, MoveDefault, RefreshViews };
    Q_ENUM(Action)

    explicit PartitionsView(ConnectionSession *session, QWidget *parent = nullptr);
    ~PartitionsView() override;
    // The navigation shows it before the view is built.
    static QString viewTitle();
    QString title() const override;

    void reload();
    void previewCreateThrough(const Month &month);
    void previewMoveDefault();
    void previewRefreshViews();
    void applyPreview();
    void discardPreview();
    void cancel();
    void checkDrift();
    void setRetentionMonths(int months);

    // Rows per batch when rows move out of a default partition.
    static constexpr qint64 kBatchRows = 10000;

    bool isBusy() const override { return m_busy; }
    Action pendingAction() const { return m_action; }
    QString previewText() const;
    QString previewTitle() const;
    QString logText() const;
    PartitionTimeline *timeline() const { return m_timeline; }
    QPushButton *applyButton() const { return m_applyButton; }
    QPushButton *cancelButton() const { return m_cancelButton; }
    QProgressBar *progressBar() const { return m_progress; }
    QSlider *zoomSlider() const { return m_zoom; }
    ErrorBanner *banner() const { return m_banner; }
    PartitionsDriftPanel *driftPanel() const { return m_driftPanel; }
    QPushButton *checkButton() const { return m_checkButton; }
    QTabWidget *sideTabs() const { return m_sideTabs; }
    const QList<PartitionedTableInfo> &tables() const { return m_tables; }

signals:
    void loaded(bool ok);
    void previewReady(bool ok);
    void applied(bool ok);
    void checked(bool ok);
    // Each step of a running apply, as the log shows it.
    void progressed(const QString &line);

protected:
    void load() override { reload(); }

private:
    enum class Task { None, Reload, Preview, Apply, Check };

    // What a plan or a check depends on: every partition's table, name and bounds, in order.
    // Rows and sizes change all the time and are left out.
    static QStringList partitionLayout(const QList<PartitionedTableInfo> &tables);

    void onConnectionChanged();
    void setBusy(Task task, const QString &what = {});
    void updateActions();
    void appendLog(const QString &line);
    void onProgress(const MaintenanceProgress &progress);
    void showPreview(Action action, const QString &title, const QString &sql);
    void previewMaintenance(Action action, const MaintenanceRequest &request);
    // Shows a list of partitions read from the server. A preview or a check made on another
    // list no longer describes what the user sees: the preview is discarded and the check
    // cleared, so that Apply never runs statements planned for partitions that are gone.
    void showTables(const QList<PartitionedTableInfo> &tables, const QDateTime &now);
    void finishApply(bool ok);

    PartitionTimeline *m_timeline = nullptr;
    ErrorBanner *m_banner = nullptr;
    QLabel *m_summary = nullptr;
    QPushButton *m_reloadButton = nullptr;
    QComboBox *m_shading = nullptr;
    QSlider *m_zoom = nullptr;
    QLabel *m_zoomLabel = nullptr;
    QDateEdit *m_through = nullptr;
    QPushButton *m_createButton = nullptr;
    QPushButton *m_moveButton = nullptr;
    QPushButton *m_viewsButton = nullptr;
    QPushButton *m_checkButton = nullptr;
    QSpinBox *m_keep = nullptr;
    QTabWidget *m_sideTabs = nullptr;
    PartitionsDriftPanel *m_driftPanel = nullptr;
    QLabel *m_previewTitle = nullptr;
    SqlEditor *m_preview = nullptr;
    QPushButton *m_applyButton = nullptr;
    QPushButton *m_discardButton = nullptr;
    QPushButton *m_cancelButton = nullptr;
    QProgressBar *m_progress = nullptr;
    QPlainTextEdit *m_log = nullptr;

    QList<PartitionedTableInfo> m_tables;
    MovePreview m_pending;        // what Apply runs for CreateThrough and MoveDefault
    QStringList m_viewStatements; // what Apply runs for RefreshViews
    QStringList m_previewLayout;  // the partitions m_pending was planned on
    QStringList m_checkLayout;    // the partitions the drift panel's report was made on
    Action m_action = Action::None;
    Task m_task = Task::None;
    bool m_busy = false;
    QFuture<void> m_running;
    QThreadPool m_pool;
};

} // namespace melodee
