#pragma once

#include "viewpage.h"

#include <partitions/partitionmanager.h>

#include <QDateTime>
#include <QList>
#include <QThreadPool>

#include <memory>

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
class CancelHandle;

// The partition timeline plus maintenance with the migrations' discipline: every action first
// shows exactly the statements it will run (preview), then applies them on a worker thread.
// Cancel sends a real server-side cancel; maintenance runs per table in one transaction, so a
// cancelled run changes nothing.
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
    QString logText() const;
    PartitionTimeline *timeline() const { return m_timeline; }
    QPushButton *applyButton() const { return m_applyButton; }
    ErrorBanner *banner() const { return m_banner; }
    const QList<PartitionedTableInfo> &tables() const { return m_tables; }

signals:
    void loaded(bool ok);
    void previewReady(bool ok);
    void applied(bool ok);

protected:
    void load() override { reload(); }

private:
    void onConnectionChanged();
    void setBusy(bool busy, const QString &what = {});
    void updateActions();
    void appendLog(const QString &line);
    void showPreview(Action action, const QString &title, const QStringList &statements);
    void previewMaintenance(Action action, int premake);

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
    QList<MaintenancePlan> m_plans;
    Action m_action = Action::None;
    bool m_busy = false;
    QThreadPool m_pool;
    std::shared_ptr<CancelHandle> m_cancel;
};

} // namespace melodee
