#pragma once

#include <partitions/tableconversion.h>

#include <QDialog>
#include <QFuture>
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

namespace melodee {

class ConnectionSession;
class ConversionFindingsModel;
class ErrorBanner;
class SqlEditor;

// Converts a plain table into monthly partitions of one column from the desktop app: the
// dry-run plan of `melodee partitions convert` computed on a worker thread, shown as the SQL of
// every phase, the findings (keys and foreign keys, what happens to them and why) and the plan's
// hash; then applied under a reviewer's name, with the production guard's confirmation, progress
// and cancel. A conversion already started on the database is shown with its stored plan and
// resumed by Apply.
class ConversionDialog : public QDialog
{
    Q_OBJECT

public:
    explicit ConversionDialog(ConnectionSession *session, QWidget *parent = nullptr);
    ~ConversionDialog() override;

    // Asked before applying in production; gets what the conversion drops and widens, returns
    // true to allow it. The default asks with a message box.
    using GuardConfirmer = std::function<bool(const QStringList &steps)>;
    void setGuardConfirmer(GuardConfirmer confirmer) { m_confirmer = std::move(confirmer); }

    // Actions (also bound to the buttons) so tests drive the same code.
    void plan();
    void apply();
    void cancel();

    bool isBusy() const { return m_busy; }
    bool canApply() const;
    const std::optional<ConversionPlan> &currentPlan() const { return m_plan; }
    QLineEdit *tableEdit() const { return m_table; }
    QLineEdit *columnEdit() const { return m_column; }
    SqlEditor *sqlEditor() const { return m_sql; }
    ConversionFindingsModel *findingsModel() const { return m_findings; }
    QLabel *hashLabel() const { return m_hash; }
    QCheckBox *reviewedCheck() const { return m_reviewed; }
    QLineEdit *reviewerEdit() const { return m_reviewer; }
    QPushButton *applyButton() const { return m_applyButton; }
    QProgressBar *progressBar() const { return m_progress; }
    ErrorBanner *banner() const { return m_banner; }
    QString logText() const;

signals:
    void planFinished(bool ok);
    void applyFinished(bool ok);

protected:
    void reject() override;

private:
    void setBusy(bool busy, const QString &what = {});
    void updateActions();
    void forgetPlan();
    void appendLog(const QString &line);
    void onProgress(const ConversionProgress &progress);
    // What the production guard asks to confirm for the shown plan.
    QStringList guardSteps() const;

    ConnectionSession *m_session = nullptr;
    ErrorBanner *m_banner = nullptr;
    QLineEdit *m_table = nullptr;
    QLineEdit *m_column = nullptr;
    QPushButton *m_planButton = nullptr;
    QLabel *m_hash = nullptr;
    SqlEditor *m_sql = nullptr;
    ConversionFindingsModel *m_findings = nullptr;
    QTableView *m_findingsView = nullptr;
    QCheckBox *m_reviewed = nullptr;
    QLineEdit *m_reviewer = nullptr;
    QPushButton *m_applyButton = nullptr;
    QPushButton *m_cancelButton = nullptr;
    QProgressBar *m_progress = nullptr;
    QPlainTextEdit *m_log = nullptr;

    std::optional<ConversionPlan> m_plan;
    ConversionRequest m_request; // the one m_plan was made from
    bool m_inProgress = false;   // m_plan is a started conversion's, read from its state row
    bool m_busy = false;
    QThreadPool m_pool;
    QFuture<void> m_work;
    GuardConfirmer m_confirmer;
};

} // namespace melodee
