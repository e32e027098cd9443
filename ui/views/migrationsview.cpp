#include "migrationsview.h"

#include "schemanotice.h"

#include "async/whenfinished.h"
#include "conversiondialog.h"
#include "migrationsummary.h"
#include "models/migrationlistmodel.h"
#include "session/connectionsession.h"
#include "widgets/changewithoutrepaint.h"
#include "widgets/errorbanner.h"
#include "widgets/sqleditor.h"

#include <async/task.h>
#include <util/logging.h>

#include <QCheckBox>
#include <QDateTime>
#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSaveFile>
#include <QShortcut>
#include <QSplitter>
#include <QTableView>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace melodee {

MigrationsView::MigrationsView(ConnectionSession *session, QWidget *parent)
    : ViewPage(ViewId::Migrations, session, parent)
{
    // One worker: the migrator's operations are sequential by nature (one advisory lock holder).
    m_pool.setMaxThreadCount(1);
    m_model = new MigrationListModel(this);

    m_banner = new ErrorBanner(this);
    m_summary = new QLabel(this);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // The summary grows with the facts it lists: it wraps rather than widen the window.
    m_summary->setWordWrap(true);

    m_refreshButton = new QPushButton(tr("&Refresh"), this);
    m_refreshButton->setShortcut(QKeySequence::Refresh);
    m_dryRunButton = new QPushButton(tr("&Dry run"), this);
    m_dryRunButton->setToolTip(tr("Plan every pending statement, grouped by phase, without "
                                  "writing anything (Ctrl+D)"));
    m_dryRunButton->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
    m_rehearseButton = new QPushButton(tr("Re&hearse"), this);
    // Says why Rehearse is disabled, next to it (a tooltip alone is found too late).
    m_rehearseHint = new QLabel(this);
    m_rehearseHint->setForegroundRole(QPalette::PlaceholderText);
    m_exportButton = new QPushButton(tr("&Export plan…"), this);
    m_exportButton->setToolTip(tr("Save the reviewable plan file with its hash, for "
                                  "`melodee migrate --plan FILE`"));
    m_convertButton = new QPushButton(tr("C&onvert a table to monthly partitions…"), this);
    m_convertButton->setToolTip(tr("Plan, review and apply the online conversion of a plain "
                                   "table into monthly partitions (`melodee partitions convert`)"));
    m_cancelButton = new QPushButton(tr("Cancel"), this);
    m_cancelButton->setShortcut(QKeySequence(Qt::Key_Escape));

    auto *actions = new QHBoxLayout;
    actions->addWidget(m_refreshButton);
    actions->addWidget(m_dryRunButton);
    actions->addWidget(m_rehearseButton);
    actions->addWidget(m_rehearseHint);
    actions->addWidget(m_exportButton);
    actions->addWidget(m_convertButton);
    actions->addStretch();
    actions->addWidget(m_cancelButton);

    m_table = new QTableView(this);
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    setUpColumns(m_table);

    m_sqlPane = new MigrationSqlPane(this);

    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_table);
    split->addWidget(m_sqlPane);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);

    m_reviewed = new QCheckBox(tr("I &reviewed this plan"), this);
    m_reviewer = new QLineEdit(this);
    m_reviewer->setPlaceholderText(tr("Reviewer name (recorded in the history)"));
    m_reviewer->setClearButtonEnabled(true);
    m_applyButton = new QPushButton(tr("&Apply"), this);
    m_applyButton->setToolTip(tr("Apply exactly the reviewed plan (refused if it changed)"));
    m_progress = new QProgressBar(this);
    m_progress->setTextVisible(true);
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    // Shown only while something runs; its place stays reserved so Apply does not move.
    QSizePolicy progressPolicy = m_progress->sizePolicy();
    progressPolicy.setRetainSizeWhenHidden(true);
    m_progress->setSizePolicy(progressPolicy);
    m_progress->hide();
    auto *review = new QHBoxLayout;
    review->addWidget(m_reviewed);
    review->addWidget(m_reviewer, 1);
    review->addWidget(m_applyButton);
    review->addWidget(m_progress, 1);

    m_log = new QPlainTextEdit(this);
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(5000);
    m_log->setPlaceholderText(tr("Live log: statements as they run, lock waits and retries"));
    m_log->setMaximumHeight(140);
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_banner);
    layout->addWidget(new SchemaNotice(SchemaNotice::Scope::Migrations, session, this));
    layout->addLayout(actions);
    layout->addWidget(m_summary);
    layout->addWidget(split, 1);
    layout->addLayout(review);
    layout->addWidget(m_log);

    connect(m_refreshButton, &QPushButton::clicked, this, &MigrationsView::refresh);
    connect(m_dryRunButton, &QPushButton::clicked, this, &MigrationsView::dryRun);
    connect(m_rehearseButton, &QPushButton::clicked, this, &MigrationsView::rehearse);
    connect(m_exportButton, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(
            this, tr("Export plan"), QStringLiteral("melodee-plan.sql"), tr("SQL plan (*.sql)"));
        if (!path.isEmpty())
            exportPlanTo(path);
    });
    connect(m_applyButton, &QPushButton::clicked, this, &MigrationsView::apply);
    connect(m_convertButton, &QPushButton::clicked, this, &MigrationsView::openConversion);
    connect(m_cancelButton, &QPushButton::clicked, this, &MigrationsView::cancel);
    connect(m_reviewed, &QCheckBox::toggled, this, &MigrationsView::updateActions);
    connect(m_reviewer, &QLineEdit::textChanged, this, &MigrationsView::updateActions);
    connect(m_table->selectionModel(),
            &QItemSelectionModel::selectionChanged,
            this,
            &MigrationsView::onSelectionChanged);
    connect(
        session, &ConnectionSession::connectionChanged, this, &MigrationsView::onConnectionChanged);

    m_confirmer = [this](const QStringList &steps) {
        return askToPassProductionGuard(this, steps);
    };
    onConnectionChanged();
}

MigrationsView::~MigrationsView()
{
    waitForWork();
}

void MigrationsView::waitForWork()
{
    m_work.cancel();
    m_pool.waitForDone();
}

QString MigrationsView::viewTitle()
{
    return tr("Migrations");
}

QString MigrationsView::title() const
{
    return viewTitle();
}

void MigrationsView::setDestructiveConfirmer(DestructiveConfirmer confirmer)
{
    m_confirmer = std::move(confirmer);
}

QString MigrationsView::logText() const
{
    return m_log->toPlainText();
}

void MigrationsView::appendLog(const QString &line)
{
    m_log->appendPlainText(QStringLiteral("%1  %2").arg(
        QTime::currentTime().toString(QStringLiteral("HH:mm:ss")), line));
}

void MigrationsView::onConnectionChanged()
{
    m_model->setStates({});
    m_plan.reset();
    m_migrations.clear();
    m_sqlPane->clear();
    m_banner->clear();
    m_reviewed->setChecked(false);
    m_summary->setText(session()->isConnected() ? tr("Loading…") : tr("Not connected."));
    markStale();
    updateActions();
}

void MigrationsView::setBusy(bool busy, const QString &what)
{
    m_busy = busy;
    changeWithoutRepaint(m_progress, [&] {
        if (busy) {
            m_progress->setRange(0, 0); // busy until the number of statements is known
            m_progress->setFormat(what);
        } else if (m_progress->maximum() == 0) {
            // A load or plan has no statement count: show it as done.
            m_progress->setRange(0, 1);
            m_progress->setValue(1);
            m_progress->setFormat(QString());
        }
        m_progress->setVisible(busy);
    });
    updateActions();
}

bool MigrationsView::canApply() const
{
    return !m_busy && session()->isConnected() && m_plan && !m_plan->isEmpty()
           && m_reviewed->isChecked() && !m_reviewer->text().trimmed().isEmpty();
}

void MigrationsView::updateActions()
{
    const bool connected = session()->isConnected();
    m_refreshButton->setEnabled(!m_busy && connected);
    m_dryRunButton->setEnabled(!m_busy && connected);
    m_rehearseButton->setEnabled(!m_busy && connected && m_plan && !m_plan->isEmpty());
    const QString why = rehearseBlockedReason(connected, m_busy, m_plan);
    m_rehearseHint->setText(why);
    m_rehearseHint->setVisible(!why.isEmpty());
    m_rehearseButton->setToolTip(why.isEmpty() ? tr("Run the pending transactional migrations in "
                                                    "one transaction and roll it back; each "
                                                    "statement's locks, rewrites and time show "
                                                    "beside it")
                                               : why);
    m_exportButton->setEnabled(!m_busy && m_plan.has_value());
    m_convertButton->setEnabled(connected);
    m_reviewed->setEnabled(!m_busy && m_plan && !m_plan->isEmpty());
    m_reviewer->setEnabled(!m_busy);
    m_applyButton->setEnabled(canApply());
    m_cancelButton->setEnabled(m_busy);
    if (!m_applyButton->isEnabled() && !m_busy) {
        m_applyButton->setToolTip(!m_plan || m_plan->isEmpty()
                                      ? tr("Nothing to apply")
                                      : tr("Tick \"I reviewed this plan\" and enter your name"));
    } else {
        m_applyButton->setToolTip(tr("Apply exactly the reviewed plan (refused if it changed)"));
    }
}

void MigrationsView::refresh()
{
    startRefresh(false);
}

void MigrationsView::dryRun()
{
    startRefresh(true);
}

void MigrationsView::startRefresh(bool thenDryRun)
{
    if (m_busy || !session()->isConnected())
        return;
    setBusy(true, thenDryRun ? tr("Planning…") : tr("Loading…"));
    m_banner->clear();
    MigrationRequest request;
    request.migrationDir = m_migrationDir;
    request.now = QDateTime::currentDateTimeUtc();
    request.liveFacts = true; // lint against the connected database's catalog and sessions
    const AppConfig config = session()->config();
    const MigrationProgress progress = progressToGui();
    const QFuture<MigrationSnapshot> future
        = startTask(&m_pool, [config, request, progress](std::stop_token stop) {
              MigrationWorkflow workflow(config, request, progress);
              return workflow.snapshot(stop);
          });
    m_work = QFuture<void>(future);
    whenFinished(this, future, [this, thenDryRun](const TaskOutcome<MigrationSnapshot> &r) {
        setBusy(false);
        if (r.cancelled) {
            appendLog(tr("cancelled"));
        } else if (!r.ok()) {
            m_banner->showError(tr("Could not read the migrations: %1").arg(r.error), r.details);
            appendLog(tr("error: %1").arg(r.error));
            m_summary->setText(tr("Could not load."));
            updateActions();
        } else {
            applySnapshot(*r.value);
            if (thenDryRun) {
                showVersion(0);
                QStringList phases;
                for (const PlannedMigration &pm : m_plan->migrations)
                    phases << QStringLiteral("%1 %2")
                                  .arg(pm.migration.phase)
                                  .arg(phaseName(pm.migration.phase));
                phases.removeDuplicates();
                appendLog(tr("dry run: %n migration(s), %1 statements, phases %2, plan %3",
                             nullptr,
                             int(m_plan->migrations.size()))
                              .arg(m_plan->statementCount())
                              .arg(phases.isEmpty() ? tr("none") : phases.join(QLatin1String(", ")),
                                   m_plan->hash()));
            }
        }
        if (thenDryRun)
            emit dryRunFinished();
        emit refreshed();
    });
}

MigrationProgress MigrationsView::progressToGui()
{
    // The view outlives its work (the destructor cancels and waits), so `this` is a valid
    // context for the queued calls.
    MigrationProgress p;
    p.step = [this](MigrationStep step) {
        QMetaObject::invokeMethod(
            this, [this, step] { onStep(step); }, Qt::QueuedConnection);
    };
    p.log = [this](const QString &m) {
        QMetaObject::invokeMethod(
            this, [this, m] { appendLog(m); }, Qt::QueuedConnection);
    };
    p.statement = [this](int version, int index, int count, const QString &sql) {
        QMetaObject::invokeMethod(
            this, [=, this] { onStatement(version, index, count, sql); }, Qt::QueuedConnection);
    };
    return p;
}

void MigrationsView::onStep(MigrationStep step)
{
    if (!m_busy)
        return;
    if (step == MigrationStep::Locking)
        appendLog(tr("taking the migration lock"));
    if (m_progress->maximum() == 0) {
        changeWithoutRepaint(m_progress, [&] {
            m_progress->setFormat(migrationStepName(step) + QStringLiteral("…"));
        });
    }
}

void MigrationsView::applySnapshot(const MigrationSnapshot &s)
{
    const int selected = m_table->currentIndex().isValid()
                             ? m_model
                                   ->data(m_model->index(m_table->currentIndex().row(), 0),
                                          MigrationListModel::VersionRole)
                                   .toInt()
                             : -1;
    const QString oldHash = m_plan ? m_plan->hash() : QString();
    m_migrations = s.migrations;
    m_plan = s.plan;
    m_target = s.target;
    markFresh();
    m_model->setStates(s.states);
    fitColumns(m_table);
    // A reviewed tick belongs to one plan: a different plan needs a new review.
    if (m_plan->hash() != oldHash)
        m_reviewed->setChecked(false);
    // A plan traced by a rehearsal keeps its traces; another plan starts without.
    if (m_plan->hash() != m_tracedHash) {
        m_tracedHash.clear();
        m_sqlPane->setTraces({});
    }
    const QString text = migrationPlanSummary(*m_plan, m_target);
    m_summary->setText(text);
    const int row = selected >= 0 ? m_model->rowForVersion(selected) : -1;
    if (selected == 0 && m_model->hasPlanRow())
        m_table->selectRow(0);
    else if (row >= 0)
        m_table->selectRow(row);
    else if (m_model->rowCount() > 0)
        m_table->selectRow(0);
    updateActions();
}

void MigrationsView::onSelectionChanged()
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return;
    showVersion(m_model->data(rows.first(), MigrationListModel::VersionRole).toInt());
}

void MigrationsView::showVersion(int version)
{
    if (version == 0) {
        if (m_model->hasPlanRow() && m_table->currentIndex().row() != 0)
            m_table->selectRow(0);
        if (m_plan)
            m_sqlPane->showPlan(*m_plan);
        return;
    }
    const Migration *migration = nullptr;
    for (const Migration &m : std::as_const(m_migrations)) {
        if (m.version == version)
            migration = &m;
    }
    const PlannedMigration *planned = nullptr;
    if (m_plan) {
        for (const PlannedMigration &pm : m_plan->migrations) {
            if (pm.migration.version == version)
                planned = &pm;
        }
    }
    m_sqlPane->showMigration(version,
                             migration,
                             planned,
                             m_plan ? m_plan->environment : session()->config().migrate.environment,
                             session()->config().session);
}

void MigrationsView::rehearse()
{
    if (m_busy || !session()->isConnected() || !m_plan)
        return;
    setBusy(true, tr("Rehearsing…"));
    m_banner->clear();
    MigrationRequest request;
    request.migrationDir = m_migrationDir;
    request.now = m_plan->now;
    const AppConfig config = session()->config();
    const MigrationProgress progress = progressToGui();
    const QFuture<MigrationRehearsal> future
        = startTask(&m_pool, [config, request, progress](std::stop_token stop) {
              MigrationWorkflow workflow(config, request, progress);
              return workflow.rehearse(stop);
          });
    m_work = QFuture<void>(future);
    whenFinished(this, future, [this](const TaskOutcome<MigrationRehearsal> &r) {
        setBusy(false);
        if (!r.ok()) {
            if (r.cancelled) {
                appendLog(tr("rehearsal cancelled; rolled back"));
            } else {
                m_banner->showError(tr("Rehearsal could not run: %1").arg(r.error), r.details);
                appendLog(tr("rehearsal error: %1").arg(r.error));
            }
            emit rehearseFinished(false);
            return;
        }
        const MigrationRehearsal &res = *r.value;
        // Beside each statement of the plan it rehearsed: locks, rewrites, time and sessions.
        if (m_plan && res.plan.hash() == m_plan->hash()) {
            m_sqlPane->setTraces(res.traces);
            m_tracedHash = m_plan->hash();
            onSelectionChanged();
        }
        QString text = tr("Rehearsed %1 of %n migration(s) in one transaction, rolled back: "
                          "nothing was changed.",
                          nullptr,
                          int(res.plan.migrations.size()))
                           .arg(res.rehearsed);
        if (!res.notRehearsed.isEmpty())
            text += QLatin1Char(' ')
                    + tr("Not rehearsed (non-transactional): %1")
                          .arg(res.notRehearsed.join(QLatin1String(", ")));
        appendLog(text);
        if (!res.failure.isEmpty()) {
            m_banner->showError(tr("Rehearsal failed at V%1").arg(res.failedVersion), res.failure);
            appendLog(tr("rehearsal failed at V%1: %2").arg(res.failedVersion).arg(res.failure));
        } else {
            m_banner->showInfo(text);
        }
        emit rehearseFinished(res.failure.isEmpty());
    });
}

bool MigrationsView::exportPlanTo(const QString &path)
{
    if (!m_plan)
        return false;
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(m_plan->render().toUtf8()) < 0 || !f.commit()) {
        m_banner->showError(tr("Could not write the plan to %1").arg(path), f.errorString());
        return false;
    }
    appendLog(tr("plan %1 written to %2").arg(m_plan->hash(), path));
    m_banner->showInfo(tr("Plan %1 exported to %2. Apply it elsewhere with `melodee migrate "
                          "--plan %2 --reviewer NAME`.")
                           .arg(m_plan->hash(), path));
    return true;
}

void MigrationsView::apply()
{
    if (!canApply())
        return;
    MigrationRequest request;
    request.migrationDir = m_migrationDir;
    request.reviewer = m_reviewer->text().trimmed();
    request.expectedHash = m_plan->hash();
    request.expectedStatements = m_plan->statements();
    request.now = m_plan->now;
    const GuardReport guard = evaluateGuard(*m_plan);
    if (guard.environmentMismatch()) {
        // Refused by the workflow too; said here before anything starts.
        const QString why = guard.refusal(false, false);
        appendLog(tr("apply refused: %1").arg(why));
        m_banner->showError(tr("Not applied: the history records production, but this "
                               "connection's migrate.environment is %1")
                                .arg(environmentName(guard.environment)),
                            why);
        return;
    }
    if (guard.needsAllowDestructive()) {
        QStringList steps;
        for (const GuardStep &step : guard.steps)
            steps << step.toString();
        if (!m_confirmer || !m_confirmer(steps)) {
            appendLog(tr("apply refused by the production guard: %1")
                          .arg(steps.join(QLatin1String("; "))));
            m_banner->showError(tr("Not applied: the production guard needs confirmation for "
                                   "%1")
                                    .arg(steps.join(QLatin1String("; "))));
            return;
        }
        request.allowDestructive = true;
        appendLog(tr("production guard: steps allowed by %1: %2")
                      .arg(request.reviewer, steps.join(QLatin1String("; "))));
    }
    setBusy(true, tr("Applying…"));
    m_banner->clear();
    m_doneStatements = 0;
    const int total = m_plan->statementCount();
    changeWithoutRepaint(m_progress, [&] {
        m_progress->setRange(0, qMax(1, total));
        m_progress->setValue(0);
        m_progress->setFormat(tr("%v / %m statements"));
    });
    appendLog(tr("apply plan %1 (%2 statements), reviewed by %3")
                  .arg(request.expectedHash)
                  .arg(total)
                  .arg(request.reviewer));
    const AppConfig config = session()->config();
    const MigrationProgress progress = progressToGui();
    const QFuture<MigrationApplyReport> future
        = startTask(&m_pool, [config, request, progress](std::stop_token stop) {
              MigrationWorkflow workflow(config, request, progress);
              return workflow.apply(stop);
          });
    m_work = QFuture<void>(future);
    whenFinished(this, future, [this](const TaskOutcome<MigrationApplyReport> &r) {
        setBusy(false);
        m_reviewed->setChecked(false);
        if (r.ok()) {
            for (const QString &m : r.value->messages)
                appendLog(m);
            const QString text = tr("Applied %n migration(s); database at version %1 (plan %2).",
                                    nullptr,
                                    r.value->applied)
                                     .arg(r.value->finalVersion)
                                     .arg(r.value->planHash);
            appendLog(text);
            m_banner->showInfo(text);
            changeWithoutRepaint(m_progress,
                                 [this] { m_progress->setValue(m_progress->maximum()); });
        } else if (r.cancelled) {
            // A transactional migration rolled back whole; the history says what was applied.
            appendLog(r.error.isEmpty() ? tr("apply cancelled")
                                        : tr("apply stopped: %1").arg(r.error));
            m_banner->showInfo(tr("Apply cancelled. The list below shows what was applied."));
        } else {
            appendLog(tr("apply failed: %1").arg(r.error));
            m_banner->showError(tr("Apply failed: %1").arg(r.error), r.details);
        }
        const bool ok = r.ok();
        // The history changed either way: reload it, then report.
        connect(
            this,
            &MigrationsView::refreshed,
            this,
            [this, ok] { emit applyFinished(ok); },
            Qt::SingleShotConnection);
        refresh();
    });
}

void MigrationsView::onStatement(int version, int index, int count, const QString &sql)
{
    ++m_doneStatements;
    changeWithoutRepaint(m_progress, [this] {
        m_progress->setValue(qMin(m_doneStatements, m_progress->maximum()));
    });
    appendLog(QStringLiteral("[V%1 %2/%3] %4")
                  .arg(version)
                  .arg(index)
                  .arg(count)
                  .arg(sql.simplified().left(140)));
}

ConversionDialog *MigrationsView::openConversion()
{
    auto *dialog = new ConversionDialog(session(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
    return dialog;
}

void MigrationsView::cancel()
{
    if (!m_busy)
        return;
    // A transactional migration rolls back whole; a non-transactional one stops before its next
    // statement, so a statement that commits on its own is never cut off half-way.
    m_work.cancel();
    appendLog(tr("cancel requested"));
}

} // namespace melodee
