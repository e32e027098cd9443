#pragma once

#include "migrationsqlpane.h"
#include "viewpage.h"

#include <migrate/migrationworkflow.h>

#include <QFuture>
#include <QList>
#include <QThreadPool>

#include <functional>
#include <optional>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTableView;
class QTreeWidget;

namespace melodee {

class ConversionDialog;
class ErrorBanner;
class MigrationListModel;

// The migration review screen: every migration with its status, the exact SQL with lint findings
// and the production guard's decisions on their lines, dry run, rehearsal, plan export and an
// apply that needs a named reviewer. The work is MigrationWorkflow's (the same run as `melodee
// migrate`), started on a worker thread; the view renders its progress and can cancel it.
class MigrationsView : public ViewPage
{
    Q_OBJECT

public:
    explicit MigrationsView(ConnectionSession *session, QWidget *parent = nullptr);
    ~MigrationsView() override;
    // The navigation shows it before the view is built.
    static QString viewTitle();
    QString title() const override;

    // Asked before applying steps the production guard stops (destructive, unclassified or
    // irreversible); gets their descriptions, returns true to allow them. The default asks with a
    // message box.
    using DestructiveConfirmer = std::function<bool(const QStringList &steps)>;
    void setDestructiveConfirmer(DestructiveConfirmer confirmer);
    // Admin migrations to review beside the built-ins (as `melodee migrate --dir`).
    void setMigrationDir(const QString &dir) { m_migrationDir = dir; }

    // Actions (also bound to the buttons) so tests and shortcuts drive the same code.
    void refresh();
    void dryRun();
    void rehearse();
    bool exportPlanTo(const QString &path);
    void apply();
    void cancel();
    // Opens "Convert a table to monthly partitions…" (non-modal, deleted on close).
    ConversionDialog *openConversion();

    bool isBusy() const override { return m_busy; }
    bool canApply() const;
    const std::optional<Plan> &plan() const { return m_plan; }
    MigrationListModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    SqlEditor *sqlEditor() const { return m_sqlPane->editor(); }
    QTreeWidget *findingsList() const { return m_sqlPane->findings(); }
    QCheckBox *reviewedCheck() const { return m_reviewed; }
    QLineEdit *reviewerEdit() const { return m_reviewer; }
    QPushButton *applyButton() const { return m_applyButton; }
    QPushButton *rehearseButton() const { return m_rehearseButton; }
    QPushButton *convertButton() const { return m_convertButton; }
    QLabel *rehearseHint() const { return m_rehearseHint; }
    MigrationSqlPane *sqlPane() const { return m_sqlPane; }
    QProgressBar *progressBar() const { return m_progress; }
    QString logText() const;
    ErrorBanner *banner() const { return m_banner; }
    // Shows the SQL of the migration with this version (0: the pending plan).
    void showVersion(int version);

signals:
    void refreshed();
    void dryRunFinished();
    void rehearseFinished(bool ok);
    void applyFinished(bool ok);

protected:
    void load() override { refresh(); }

private:
    void onConnectionChanged();
    void setBusy(bool busy, const QString &what = {});
    void updateActions();
    void onSelectionChanged();
    void appendLog(const QString &line);
    void startRefresh(bool thenDryRun);
    void applySnapshot(const MigrationSnapshot &s);
    void onStatement(int version, int index, int count, const QString &sql);
    void onStep(MigrationStep step);
    // Progress callbacks that hand each event to the GUI thread.
    MigrationProgress progressToGui();
    void waitForWork();

    MigrationListModel *m_model = nullptr;
    QTableView *m_table = nullptr;
    MigrationSqlPane *m_sqlPane = nullptr;
    QLabel *m_summary = nullptr;
    ErrorBanner *m_banner = nullptr;
    QPushButton *m_refreshButton = nullptr;
    QPushButton *m_dryRunButton = nullptr;
    QPushButton *m_rehearseButton = nullptr;
    QLabel *m_rehearseHint = nullptr;
    QPushButton *m_exportButton = nullptr;
    QPushButton *m_convertButton = nullptr;
    QPushButton *m_applyButton = nullptr;
    QPushButton *m_cancelButton = nullptr;
    QCheckBox *m_reviewed = nullptr;
    QLineEdit *m_reviewer = nullptr;
    QProgressBar *m_progress = nullptr;
    QPlainTextEdit *m_log = nullptr;

    QList<Migration> m_migrations;
    std::optional<Plan> m_plan;
    QString m_target;
    QString m_migrationDir;
    QString m_tracedHash; // the plan the shown rehearsal traces belong to
    bool m_busy = false;
    int m_doneStatements = 0;
    QThreadPool m_pool;
    QFuture<void> m_work; // the running workflow call; cancel() stops it
    DestructiveConfirmer m_confirmer;
};

} // namespace melodee
