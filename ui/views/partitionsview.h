#pragma once

#include "viewpage.h"

#include <partitions/partitionmaintenance.h>

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

namespace melodee {

class ErrorBanner;
class PartitionTimeline;
class SqlEditor;

// The partition timeline plus maintenance with the migrations' discipline: every action first
// shows exactly the statements it will run (preview), then applies them on a worker thread. The
// work is PartitionMaintenance's, the same the command line runs; this view starts it and shows
// its progress. Cancel stops it on the server; maintenance runs per table in one transaction, so
// a cancelled table is left as it was.
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
    const QList<PartitionedTableInfo> &tables() const { return m_tables; }

signals:
    void loaded(bool ok);
    void previewReady(bool ok);
    void applied(bool ok);
    // Each step of a running apply, as the log shows it.
    void progressed(const QString &line);

protected:
    void load() override { reload(); }

private:
    enum class Task { None, Reload, Preview, Apply };

    void onConnectionChanged();
    void setBusy(Task task, const QString &what = {});
    void updateActions();
    void appendLog(const QString &line);
    void onProgress(const MaintenanceProgress &progress);
    void showPreview(Action action, const QString &title, const QString &sql);
    void previewMaintenance(Action action, const MaintenanceRequest &request);
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
    QLabel *m_previewTitle = nullptr;
    SqlEditor *m_preview = nullptr;
    QPushButton *m_applyButton = nullptr;
    QPushButton *m_discardButton = nullptr;
    QPushButton *m_cancelButton = nullptr;
    QProgressBar *m_progress = nullptr;
    QPlainTextEdit *m_log = nullptr;

    QList<PartitionedTableInfo> m_tables;
    MaintenancePreview m_pending; // what Apply runs for CreateThrough and MoveDefault
    QStringList m_viewStatements; // what Apply runs for RefreshViews
    Action m_action = Action::None;
    Task m_task = Task::None;
    bool m_busy = false;
    QFuture<void> m_running;
    QThreadPool m_pool;
};

} // namespace melodee
