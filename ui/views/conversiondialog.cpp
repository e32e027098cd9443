#include "conversiondialog.h"

#include "async/whenfinished.h"
#include "migrationsummary.h"
#include "models/conversionfindingsmodel.h"
#include "session/connectionsession.h"
#include "widgets/errorbanner.h"
#include "widgets/sqleditor.h"

#include <async/task.h>
#include <db/dberror.h>
#include <db/pgconnection.h>
#include <partitions/partitionmaintenance.h>

#include <QCheckBox>
#include <QDateTime>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTime>
#include <QVBoxLayout>

namespace melodee {

namespace {

// The plan of request, or the stored plan of a conversion of the table already started. Reads
// only. Cancelled at once on a stop.
ConversionReview
review(const AppConfig &config, const ConversionRequest &request, std::stop_token stop)
{
    auto conn = PartitionMaintenance::openSession(config);
    const std::stop_callback onStop(stop, [&conn] { conn->cancel(); });
    ConversionReview out = TableConversion(config).review(*conn, request);
    if (stop.stop_requested())
        throw DbError::cancelled(QStringLiteral("plan the conversion to partitions"),
                                 request.table);
    return out;
}

} // namespace

ConversionDialog::ConversionDialog(ConnectionSession *session, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
{
    setWindowTitle(tr("Convert a table to monthly partitions"));
    m_pool.setMaxThreadCount(1);
    m_banner = new ErrorBanner(this);
    m_table = new QLineEdit(this);
    m_table->setPlaceholderText(tr("A plain table in the current schema, e.g. tracks"));
    m_column = new QLineEdit(this);
    m_column->setPlaceholderText(tr("A timestamptz, timestamp or date column, e.g. created_at"));
    m_planButton = new QPushButton(tr("&Plan (dry run)"), this);
    m_planButton->setToolTip(tr("Read the catalog and show what the conversion will do; "
                                "nothing is changed"));
    auto *form = new QFormLayout;
    form->addRow(tr("&Table:"), m_table);
    form->addRow(tr("Partition &column:"), m_column);
    auto *planRow = new QHBoxLayout;
    planRow->addLayout(form, 1);
    planRow->addWidget(m_planButton, 0, Qt::AlignBottom);

    m_hash = new QLabel(this);
    m_hash->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_hash->setWordWrap(true);
    m_sql = new SqlEditor(this);
    m_sql->setReadOnly(true);
    m_findings = new ConversionFindingsModel(this);
    m_findingsView = new QTableView(this);
    m_findingsView->setModel(m_findings);
    m_findingsView->verticalHeader()->hide();
    m_findingsView->setWordWrap(true);
    m_findingsView->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_findingsView->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_sql);
    split->addWidget(m_findingsView);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    m_reviewed = new QCheckBox(tr("I &reviewed this plan"), this);
    m_reviewer = new QLineEdit(this);
    m_reviewer->setPlaceholderText(tr("Reviewer name (recorded with the plan's hash)"));
    m_reviewer->setClearButtonEnabled(true);
    m_applyButton = new QPushButton(tr("&Apply"), this);
    m_applyButton->setToolTip(tr("Convert exactly the reviewed plan (refused if it changed)"));
    m_cancelButton = new QPushButton(tr("Cancel"), this);
    m_progress = new QProgressBar(this);
    QSizePolicy progressPolicy = m_progress->sizePolicy();
    progressPolicy.setRetainSizeWhenHidden(true);
    m_progress->setSizePolicy(progressPolicy);
    m_progress->hide();
    auto *reviewRow = new QHBoxLayout;
    reviewRow->addWidget(m_reviewed);
    reviewRow->addWidget(m_reviewer, 1);
    reviewRow->addWidget(m_applyButton);
    reviewRow->addWidget(m_progress, 1);
    reviewRow->addWidget(m_cancelButton);

    m_log = new QPlainTextEdit(this);
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(5000);
    m_log->setMaximumHeight(120);
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_log->setPlaceholderText(tr("Progress: batches copied, verification, retries of the swap"));

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_banner);
    layout->addLayout(planRow);
    layout->addWidget(m_hash);
    layout->addWidget(split, 1);
    layout->addLayout(reviewRow);
    layout->addWidget(m_log);

    connect(m_planButton, &QPushButton::clicked, this, &ConversionDialog::plan);
    connect(m_applyButton, &QPushButton::clicked, this, &ConversionDialog::apply);
    connect(m_cancelButton, &QPushButton::clicked, this, &ConversionDialog::cancel);
    connect(m_reviewed, &QCheckBox::toggled, this, &ConversionDialog::updateActions);
    connect(m_reviewer, &QLineEdit::textChanged, this, &ConversionDialog::updateActions);
    // A plan belongs to the table and column it was made for.
    connect(m_table, &QLineEdit::textEdited, this, &ConversionDialog::forgetPlan);
    connect(m_column, &QLineEdit::textEdited, this, &ConversionDialog::forgetPlan);
    connect(m_session, &ConnectionSession::connectionChanged, this, &ConversionDialog::forgetPlan);
    m_confirmer = [this](const QStringList &steps) {
        return askToPassProductionGuard(this, steps);
    };
    resize(980, 620);
    updateActions();
}

ConversionDialog::~ConversionDialog()
{
    m_work.cancel();
    m_pool.waitForDone();
}

QString ConversionDialog::logText() const
{
    return m_log->toPlainText();
}

void ConversionDialog::appendLog(const QString &line)
{
    m_log->appendPlainText(QStringLiteral("%1  %2").arg(
        QTime::currentTime().toString(QStringLiteral("HH:mm:ss")), line));
}

void ConversionDialog::reject()
{
    // Closing while a conversion runs would leave it without a window to report to: cancel
    // first (it stays resumable).
    if (m_busy) {
        cancel();
        return;
    }
    QDialog::reject();
}

void ConversionDialog::setBusy(bool busy, const QString &what)
{
    m_busy = busy;
    if (busy) {
        m_progress->setRange(0, 0);
        m_progress->setFormat(what);
    }
    m_progress->setVisible(busy);
    updateActions();
}

bool ConversionDialog::canApply() const
{
    return !m_busy && m_session->isConnected() && m_plan && m_reviewed->isChecked()
           && !m_reviewer->text().trimmed().isEmpty();
}

void ConversionDialog::updateActions()
{
    const bool connected = m_session->isConnected();
    m_table->setEnabled(!m_busy);
    m_column->setEnabled(!m_busy);
    m_planButton->setEnabled(!m_busy && connected);
    m_reviewed->setEnabled(!m_busy && m_plan.has_value());
    m_reviewer->setEnabled(!m_busy);
    m_applyButton->setEnabled(canApply());
    m_cancelButton->setEnabled(m_busy);
}

void ConversionDialog::forgetPlan()
{
    if (m_busy)
        return;
    m_plan.reset();
    m_inProgress = false;
    m_reviewed->setChecked(false);
    m_sql->setSql(QString());
    m_findings->clear();
    m_hash->clear();
    updateActions();
}

void ConversionDialog::plan()
{
    if (m_busy || !m_session->isConnected())
        return;
    forgetPlan();
    m_banner->clear();
    ConversionRequest request;
    request.table = m_table->text().trimmed();
    request.column = m_column->text().trimmed();
    request.premakeMonths = m_session->config().migrate.premakeMonths;
    request.now = QDateTime::currentDateTimeUtc();
    setBusy(true, tr("Planning…"));
    const AppConfig config = m_session->config();
    const QFuture<ConversionReview> future = startTask(
        &m_pool, [config, request](std::stop_token stop) { return review(config, request, stop); });
    m_work = QFuture<void>(future);
    whenFinished(this, future, [this, request](const TaskOutcome<ConversionReview> &r) {
        setBusy(false);
        if (!r.ok()) {
            if (r.cancelled) {
                appendLog(tr("planning cancelled"));
            } else {
                m_banner->showError(tr("No plan: %1").arg(r.error), r.details);
                appendLog(tr("error: %1").arg(r.error));
            }
            emit planFinished(false);
            return;
        }
        m_plan = r.value->plan;
        m_inProgress = r.value->state.has_value();
        m_request = request;
        m_sql->setSql(m_plan->script());
        m_findings->setPlan(*m_plan);
        m_hash->setText(m_inProgress
                            ? tr("Plan %1, in progress: Apply resumes it.").arg(m_plan->hash())
                            : tr("Plan %1: %n month partition(s) and a default.",
                                 nullptr,
                                 int(m_plan->months.size()))
                                  .arg(m_plan->hash()));
        appendLog(
            tr("dry run: plan %1 for %2 by %3").arg(m_plan->hash(), m_plan->table, m_plan->column));
        updateActions();
        emit planFinished(true);
    });
}

QStringList ConversionDialog::guardSteps() const
{
    QStringList steps;
    for (const ConversionForeignKey &fk : m_plan->foreignKeys) {
        if (fk.direction == ConversionForeignKey::Direction::Incoming)
            steps << tr("foreign key %1 (%2 -> %3): %4")
                         .arg(fk.name, fk.table, fk.references, fk.action);
    }
    for (const ConversionKey &key : m_plan->keys) {
        if (key.newColumns != key.columns)
            steps << tr("key %1 widened to (%2)")
                         .arg(key.name, key.newColumns.join(QLatin1String(", ")));
    }
    steps << tr("%1 renamed to %2, the partitioned copy renamed to %1")
                 .arg(m_plan->table, m_plan->oldTable);
    return steps;
}

void ConversionDialog::apply()
{
    if (!canApply())
        return;
    const AppConfig config = m_session->config();
    const QString reviewer = m_reviewer->text().trimmed();
    if (config.migrate.environment == Environment::Production) {
        const QStringList steps = guardSteps();
        if (!m_confirmer || !m_confirmer(steps)) {
            appendLog(tr("apply refused by the production guard"));
            m_banner->showError(tr("Not converted: the production guard needs confirmation for "
                                   "%1")
                                    .arg(steps.join(QLatin1String("; "))));
            return;
        }
        appendLog(tr("production guard: confirmed by %1").arg(reviewer));
    }
    setBusy(true, tr("Converting…"));
    m_banner->clear();
    appendLog(tr("convert %1 by %2, plan %3, reviewed by %4")
                  .arg(m_plan->table, m_plan->column, m_plan->hash(), reviewer));
    const ConversionRequest request = m_request;
    const QString reviewedHash = m_plan->hash();
    ConversionOptions options;
    options.reviewer = reviewer;
    // The view outlives its work (the destructor cancels and waits).
    const TableConversion::ProgressFn progress = [this](const ConversionProgress &p) {
        QMetaObject::invokeMethod(
            this, [this, p] { onProgress(p); }, Qt::QueuedConnection);
    };
    const QFuture<ConversionResult> future = startTask(&m_pool, [=](std::stop_token stop) mutable {
        auto conn = PartitionMaintenance::openSession(config);
        const std::stop_callback onStop(stop, [&conn] { conn->cancel(); });
        TableConversion conversion(config);
        conversion.setProgress(progress);
        options.stop = stop;
        return conversion.applyReviewed(
            *conn, conversion.review(*conn, request), reviewedHash, options);
    });
    m_work = QFuture<void>(future);
    whenFinished(this, future, [this](const TaskOutcome<ConversionResult> &r) {
        setBusy(false);
        m_reviewed->setChecked(false);
        if (r.ok()) {
            const QString text = tr("%1 converted (plan %2): %3 rows in %n month(s) verified; the "
                                    "old table is %4.",
                                    nullptr,
                                    r.value->months)
                                     .arg(r.value->table, r.value->hash)
                                     .arg(r.value->rowsVerified)
                                     .arg(m_plan ? m_plan->oldTable : QString());
            appendLog(text);
            m_banner->showInfo(text);
        } else if (r.cancelled) {
            appendLog(tr("conversion cancelled; Plan and Apply again to resume it"));
            m_banner->showInfo(tr("Conversion cancelled. Nothing was swapped; the rows copied "
                                  "so far are kept, and applying the plan again resumes it."));
        } else {
            appendLog(tr("conversion failed: %1").arg(r.error));
            m_banner->showError(tr("Conversion failed: %1").arg(r.error), r.details);
        }
        emit applyFinished(r.ok());
    });
}

void ConversionDialog::onProgress(const ConversionProgress &p)
{
    if (!m_busy)
        return;
    appendLog(p.message);
    if (p.phase == QLatin1String("copy") && p.copyEnd > 0) {
        m_progress->setRange(0, 1000);
        m_progress->setValue(int(1000 * p.copiedThrough / p.copyEnd));
        m_progress->setFormat(tr("copying: %p%"));
    } else if (p.phase == QLatin1String("verify")) {
        m_progress->setRange(0, 0);
        m_progress->setFormat(tr("verifying…"));
    } else if (p.phase == QLatin1String("swap")) {
        m_progress->setRange(0, 0);
        m_progress->setFormat(tr("swapping…"));
    }
}

void ConversionDialog::cancel()
{
    if (!m_busy)
        return;
    m_work.cancel();
    appendLog(tr("cancel requested"));
}

} // namespace melodee
