#include "partitionsview.h"

#include "schemanotice.h"

#include "async/whenfinished.h"
#include "partitionsdriftpanel.h"
#include "session/connectionsession.h"
#include "widgets/changewithoutrepaint.h"
#include "widgets/errorbanner.h"
#include "widgets/partitiontimeline.h"
#include "widgets/sqleditor.h"

#include <async/task.h>
#include <i18n/numberformat.h>
#include <util/logging.h>

#include <QComboBox>
#include <QDateEdit>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>

namespace melodee {

namespace {

QString noPreviewTitle()
{
    return PartitionsView::tr("Preview: choose an action above; nothing runs until you apply it.");
}

// A preview and the partitions it was planned on, read by the same worker.
struct PlannedMove
{
    QList<PartitionedTableInfo> tables;
    MovePreview preview;
};

} // namespace

QStringList PartitionsView::partitionLayout(const QList<PartitionedTableInfo> &tables)
{
    QStringList layout;
    for (const PartitionedTableInfo &t : tables) {
        for (const PartitionInfo &p : t.partitions)
            layout << t.table + QLatin1Char('\t') + p.name + QLatin1Char('\t') + p.bounds;
    }
    return layout;
}

PartitionsView::PartitionsView(ConnectionSession *session, QWidget *parent)
    : ViewPage(ViewId::Partitions, session, parent)
{
    m_pool.setMaxThreadCount(1);
    m_banner = new ErrorBanner(this);
    m_summary = new QLabel(this);
    m_summary->setWordWrap(true);

    m_reloadButton = new QPushButton(tr("&Reload"), this);
    m_reloadButton->setShortcut(QKeySequence::Refresh);
    m_shading = new QComboBox(this);
    m_shading->addItem(tr("Shade by rows"));
    m_shading->addItem(tr("Shade by size"));
    // The value is the years shown; inverted so that dragging right zooms in, as everywhere.
    m_zoom = new QSlider(Qt::Horizontal, this);
    m_zoom->setRange(1, 10);
    m_zoom->setInvertedAppearance(true);
    m_zoom->setInvertedControls(true);
    m_zoom->setMaximumWidth(140);
    m_zoom->setToolTip(tr("Zoom: right shows fewer years, left more (Ctrl+wheel on the timeline)"));
    m_zoomLabel = new QLabel(this);
    m_through = new QDateEdit(this);
    m_through->setDisplayFormat(QStringLiteral("yyyy-MM"));
    m_through->setCalendarPopup(true);
    m_createButton = new QPushButton(tr("&Create partitions through…"), this);
    m_createButton->setToolTip(tr("Preview the partitions missing up to the chosen month"));
    m_moveButton = new QPushButton(tr("&Move rows out of default"), this);
    m_moveButton->setToolTip(tr("Preview creating the months the default partition's rows belong "
                                "to and moving them there (row counts checked)"));
    m_viewsButton = new QPushButton(tr("Refresh &views"), this);
    m_viewsButton->setToolTip(tr("Preview REFRESH MATERIALIZED VIEW CONCURRENTLY of the count "
                                 "views"));
    m_checkButton = new QPushButton(tr("Chec&k"), this);
    m_checkButton->setToolTip(tr("Compare every partition with its parent: indexes, constraints, "
                                 "privileges, storage options; last vacuum and analyze; bloat "
                                 "estimate. Reads only."));
    m_keep = new QSpinBox(this);
    m_keep->setRange(0, 120);
    m_keep->setSpecialValueText(tr("no retention"));
    m_keep->setSuffix(tr(" months kept"));
    m_keep->setToolTip(tr("Draw the retention horizon: `melodee partitions retention --keep N` "
                          "detaches and drops the hatched partitions before it"));

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_reloadButton);
    bar->addWidget(m_shading);
    bar->addWidget(new QLabel(tr("Zoom:"), this));
    bar->addWidget(m_zoom);
    bar->addWidget(m_zoomLabel);
    bar->addWidget(m_keep);
    bar->addStretch();
    // The actions on a row of their own: on one row with the view controls they asked for more
    // width than 1024 pixels and the window grew to fit them.
    auto *actions = new QHBoxLayout;
    actions->addStretch();
    actions->addWidget(m_through);
    actions->addWidget(m_createButton);
    actions->addWidget(m_moveButton);
    actions->addWidget(m_viewsButton);
    actions->addWidget(m_checkButton);

    m_timeline = new PartitionTimeline(this);

    // Wrapped, and never asking for width: a long summary must not widen the window.
    m_previewTitle = new QLabel(noPreviewTitle(), this);
    m_previewTitle->setObjectName(QStringLiteral("previewTitle"));
    m_previewTitle->setWordWrap(true);
    m_previewTitle->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);

    QFont bold = m_previewTitle->font();
    bold.setBold(true);
    m_previewTitle->setFont(bold);
    m_preview = new SqlEditor(this);
    m_applyButton = new QPushButton(tr("&Apply"), this);
    m_discardButton = new QPushButton(tr("Discard"), this);
    m_cancelButton = new QPushButton(tr("Cancel"), this);
    m_cancelButton->setShortcut(QKeySequence(Qt::Key_Escape));
    // Shown only while something runs; its place is kept so nothing jumps.
    m_progress = new QProgressBar(this);
    m_progress->setTextVisible(true);
    QSizePolicy keep = m_progress->sizePolicy();
    keep.setRetainSizeWhenHidden(true);
    m_progress->setSizePolicy(keep);
    m_progress->hide();
    m_log = new QPlainTextEdit(this);
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(5000);
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_log->setPlaceholderText(tr("Log of maintenance runs"));

    auto *previewPane = new QWidget(this);
    auto *pl = new QVBoxLayout(previewPane);
    pl->setContentsMargins(0, 0, 0, 0);
    pl->addWidget(m_previewTitle);
    auto *previewSplit = new QSplitter(Qt::Horizontal, previewPane);
    m_driftPanel = new PartitionsDriftPanel(this);
    m_sideTabs = new QTabWidget(this);
    m_sideTabs->addTab(m_log, tr("Log"));
    m_sideTabs->addTab(m_driftPanel, tr("Drift"));
    previewSplit->addWidget(m_preview);
    previewSplit->addWidget(m_sideTabs);
    previewSplit->setStretchFactor(0, 3);
    previewSplit->setStretchFactor(1, 2);
    pl->addWidget(previewSplit, 1);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_applyButton);
    buttons->addWidget(m_discardButton);
    buttons->addWidget(m_progress, 1);
    buttons->addWidget(m_cancelButton);
    pl->addLayout(buttons);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_timeline);
    split->addWidget(previewPane);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_banner);
    layout->addWidget(new SchemaNotice(SchemaNotice::Scope::Partitions, session, this));
    layout->addLayout(bar);
    layout->addLayout(actions);
    layout->addWidget(m_summary);
    layout->addWidget(split, 1);

    connect(m_reloadButton, &QPushButton::clicked, this, &PartitionsView::reload);
    connect(m_shading, &QComboBox::currentIndexChanged, this, [this](int i) {
        m_timeline->setShading(i == 1 ? PartitionTimeline::Shading::Size
                                      : PartitionTimeline::Shading::Rows);
    });
    connect(m_zoom, &QSlider::valueChanged, m_timeline, &PartitionTimeline::setVisibleYears);
    connect(m_timeline, &PartitionTimeline::visibleYearsChanged, this, [this](int years) {
        m_zoom->setValue(years);
        m_zoomLabel->setText(tr("%n year(s)", nullptr, years));
    });
    m_zoomLabel->setText(tr("%n year(s)", nullptr, m_timeline->visibleYears()));
    m_zoom->setValue(m_timeline->visibleYears());
    connect(m_createButton, &QPushButton::clicked, this, [this] {
        previewCreateThrough(Month::fromDate(m_through->date()));
    });
    connect(m_moveButton, &QPushButton::clicked, this, &PartitionsView::previewMoveDefault);
    connect(m_viewsButton, &QPushButton::clicked, this, &PartitionsView::previewRefreshViews);
    connect(m_checkButton, &QPushButton::clicked, this, &PartitionsView::checkDrift);
    connect(m_keep, &QSpinBox::valueChanged, this, &PartitionsView::setRetentionMonths);
    connect(m_applyButton, &QPushButton::clicked, this, &PartitionsView::applyPreview);
    connect(m_discardButton, &QPushButton::clicked, this, &PartitionsView::discardPreview);
    connect(m_cancelButton, &QPushButton::clicked, this, &PartitionsView::cancel);
    connect(
        session, &ConnectionSession::connectionChanged, this, &PartitionsView::onConnectionChanged);
    onConnectionChanged();
}

PartitionsView::~PartitionsView()
{
    // The worker holds the connection and posts progress to this view: stop it and wait.
    m_running.cancel();
    m_pool.waitForDone();
}

QString PartitionsView::viewTitle()
{
    return tr("Partitions");
}

QString PartitionsView::title() const
{
    return viewTitle();
}

QString PartitionsView::previewText() const
{
    return m_preview->toPlainText();
}

QString PartitionsView::previewTitle() const
{
    return m_previewTitle->text();
}

QString PartitionsView::logText() const
{
    return m_log->toPlainText();
}

void PartitionsView::appendLog(const QString &line)
{
    m_log->appendPlainText(QStringLiteral("%1  %2").arg(
        QTime::currentTime().toString(QStringLiteral("HH:mm:ss")), line));
}

void PartitionsView::onConnectionChanged()
{
    // Whatever runs belongs to the previous connection: abandon it.
    m_running.cancel();
    setBusy(Task::None);
    m_tables.clear();
    m_timeline->setTables({});
    m_timeline->setDriftFindings({});
    m_driftPanel->clear();
    discardPreview();
    m_banner->clear();
    const AppConfig &config = session()->config();
    m_timeline->setPremakeMonths(config.migrate.premakeMonths);
    m_through->setDate(QDate::currentDate().addMonths(config.migrate.premakeMonths + 6));
    m_summary->setText(session()->isConnected() ? tr("Loading…") : tr("Not connected."));
    markStale();
    updateActions();
}

void PartitionsView::setBusy(Task task, const QString &what)
{
    m_task = task;
    m_busy = task != Task::None;
    changeWithoutRepaint(m_progress, [&] {
        // Indeterminate until an apply reports its steps.
        m_progress->setRange(0, 0);
        m_progress->setValue(0);
        m_progress->setFormat(what);
    });
    m_progress->setVisible(m_busy);
    updateActions();
}

void PartitionsView::updateActions()
{
    const bool ready = !m_busy && session()->isConnected();
    m_reloadButton->setEnabled(ready);
    m_createButton->setEnabled(ready);
    m_moveButton->setEnabled(ready);
    m_viewsButton->setEnabled(ready);
    m_checkButton->setEnabled(ready);
    m_through->setEnabled(ready);
    m_applyButton->setEnabled(ready && m_action != Action::None);
    m_discardButton->setEnabled(!m_busy && m_action != Action::None);
    m_cancelButton->setEnabled(m_busy);
}

void PartitionsView::reload()
{
    if (m_busy || !session()->isConnected())
        return;
    setBusy(Task::Reload, tr("Reading partitions…"));
    const AppConfig config = session()->config();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    auto future = startTask(&m_pool, [config, now](std::stop_token stop) {
        return PartitionMaintenance(config, stop).list(now, false);
    });
    m_running = QFuture<void>(future);
    whenFinished(this, future, [this, now](const TaskOutcome<QList<PartitionedTableInfo>> &r) {
        if (r.cancelled)
            return;
        setBusy(Task::None);
        if (!r.ok()) {
            m_banner->showError(tr("Could not read the partitions: %1").arg(r.error), r.details);
            m_summary->setText(tr("Could not load."));
            emit loaded(false);
            return;
        }
        markFresh();
        showTables(*r.value, now);
        emit loaded(true);
    });
}

void PartitionsView::showTables(const QList<PartitionedTableInfo> &tables, const QDateTime &now)
{
    const QStringList layout = partitionLayout(tables);
    if ((m_action == Action::CreateThrough || m_action == Action::MoveDefault)
        && layout != m_previewLayout) {
        discardPreview();
        m_previewTitle->setText(tr("The partitions changed since this preview was made (another "
                                   "session?). Nothing was applied: preview again."));
        appendLog(m_previewTitle->text());
    }
    if (!m_driftPanel->report().items.isEmpty() && layout != m_checkLayout) {
        m_timeline->setDriftFindings({});
        m_driftPanel->clear(
            tr("The partitions changed since the last check: press Check to check them again."));
    }
    m_tables = tables;
    m_timeline->setNow(now);
    m_timeline->setTables(m_tables);
    QStringList parts;
    for (const PartitionedTableInfo &t : std::as_const(m_tables)) {
        if (!t.exists) {
            parts << tr("%1: not created yet (run the migrations)").arg(t.table);
            continue;
        }
        QString s = tr("%1: %2, %3, %4")
                        .arg(t.table,
                             tr("%n partition(s)",
                                nullptr,
                                int(t.partitions.size() - (t.hasDefault ? 1 : 0))),
                             tr("%n month(s) ahead", nullptr, t.monthsAhead),
                             tr("%n gap(s)", nullptr, int(t.gaps.size())));
        if (t.defaultRows > 0)
            s += QStringLiteral(", <b style='color:#ef6c00'>%1</b>")
                     .arg(tr("%n row(s) in the default partition",
                             nullptr,
                             int(qMin<qint64>(t.defaultRows, INT_MAX))));
        if (!t.nextMonthCovered)
            s += QStringLiteral(", <b style='color:#d32f2f'>%1</b>")
                     .arg(tr("next month not covered"));
        parts << s;
    }
    m_summary->setText(parts.join(QStringLiteral(" · ")));
}

void PartitionsView::showPreview(Action action, const QString &title, const QString &sql)
{
    m_action = sql.isEmpty() ? Action::None : action;
    m_previewTitle->setText(title);
    m_preview->setSql(sql);
    updateActions();
}

void PartitionsView::discardPreview()
{
    m_pending = {};
    m_viewStatements.clear();
    m_previewLayout.clear();
    m_action = Action::None;
    m_previewTitle->setText(noPreviewTitle());
    m_preview->setSql(QString());
    updateActions();
}

void PartitionsView::previewCreateThrough(const Month &month)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const Month current = Month::fromDate(now.date());
    if (!month.isValid() || month < current) {
        m_banner->showError(tr("Choose a month from %1 on; \"%2\" is in the past (older months "
                               "are created by `melodee partitions maintain --from`).")
                                .arg(current.toString(), month.toString()));
        emit previewReady(false);
        return;
    }
    MaintenanceRequest request;
    request.now = now;
    request.premakeMonths = month.index() - current.index() + 1;
    try {
        PartitionMaintenance::checkRequest(request, now);
    } catch (const PartitionError &e) {
        m_banner->showError(tr("Not planned: %1.").arg(e.message()));
        emit previewReady(false);
        return;
    }
    previewMaintenance(Action::CreateThrough, request);
}

void PartitionsView::previewMoveDefault()
{
    MaintenanceRequest request;
    request.now = QDateTime::currentDateTimeUtc();
    request.premakeMonths = 1;
    request.scope = MaintenanceRequest::Scope::DefaultRowsOnly;
    previewMaintenance(Action::MoveDefault, request);
}

void PartitionsView::previewMaintenance(Action action, const MaintenanceRequest &request)
{
    if (m_busy || !session()->isConnected())
        return;
    setBusy(Task::Preview, tr("Planning…"));
    m_banner->clear();
    const AppConfig config = session()->config();
    auto future = startTask(&m_pool, [config, request](std::stop_token stop) {
        PartitionMaintenance maintenance(config, stop);
        PlannedMove planned;
        // The list first: the plan sees at least these partitions, and the timeline shows them.
        planned.tables = maintenance.list(request.now, false);
        MoveRequest move;
        move.maintenance = request;
        move.batchRows = kBatchRows;
        planned.preview = PartitionMover(maintenance).preview(move);
        return planned;
    });
    m_running = QFuture<void>(future);
    whenFinished(this, future, [this, action, request](const TaskOutcome<PlannedMove> &r) {
        if (r.cancelled)
            return;
        setBusy(Task::None);
        if (!r.ok()) {
            m_banner->showError(tr("Could not plan: %1").arg(r.error), r.details);
            emit previewReady(false);
            return;
        }
        showTables(r.value->tables, request.now);
        const MovePreview &preview = r.value->preview;
        for (const QString &note : preview.notes)
            appendLog(note);
        if (preview.isEmpty()) {
            discardPreview();
            m_previewTitle->setText(
                action == Action::MoveDefault
                    ? tr("Nothing to do: no row in a default partition can move.")
                    : tr("Nothing to do: partitions already cover the next %n month(s).",
                         nullptr,
                         request.premakeMonths));
            m_banner->showInfo(m_previewTitle->text());
            emit previewReady(true);
            return;
        }
        QStringList what;
        for (const MaintenancePlan &p : preview.direct.plans)
            what << tr("%1: %2 new, %n row(s) to move",
                       nullptr,
                       int(qMin<qint64>(p.rowsToMove, INT_MAX)))
                        .arg(p.table)
                        .arg(p.create.size());
        for (const MoveTablePlan &p : preview.tables)
            what << tr("%1: %2 new, %n row(s) to move in batches",
                       nullptr,
                       int(qMin<qint64>(p.rowsToMove, INT_MAX)))
                        .arg(p.table)
                        .arg(p.months.size());
        m_pending = preview;
        m_previewLayout = partitionLayout(r.value->tables);
        showPreview(action,
                    tr("Preview (%1). Apply runs exactly this. Next to an empty default partition "
                       "one transaction per table, rolled back if row counts differ; next to a "
                       "non-empty one, batches of %2 rows that a cancel keeps and a new apply "
                       "resumes.")
                        .arg(what.join(QLatin1String("; ")))
                        .arg(kBatchRows),
                    preview.script());
        emit previewReady(true);
    });
}

void PartitionsView::previewRefreshViews()
{
    if (m_busy || !session()->isConnected())
        return;
    setBusy(Task::Preview, tr("Planning…"));
    m_banner->clear();
    const AppConfig config = session()->config();
    auto future = startTask(&m_pool, [config](std::stop_token stop) {
        return PartitionMaintenance(config, stop).previewRefreshViews();
    });
    m_running = QFuture<void>(future);
    whenFinished(this, future, [this](const TaskOutcome<QStringList> &r) {
        if (r.cancelled)
            return;
        setBusy(Task::None);
        if (!r.ok()) {
            m_banner->showError(tr("Could not plan: %1").arg(r.error), r.details);
            emit previewReady(false);
            return;
        }
        m_viewStatements = *r.value;
        showPreview(Action::RefreshViews,
                    tr("Preview: refresh the count views concurrently (readers are not "
                       "blocked)."),
                    m_viewStatements.join(QStringLiteral(";\n")) + QLatin1Char(';'));
        emit previewReady(true);
    });
}

void PartitionsView::onProgress(const MaintenanceProgress &progress)
{
    appendLog(progress.message);
    if (m_task == Task::Apply && progress.rowsTotal > 0) {
        // Rows can pass INT_MAX: the bar counts thousandths.
        changeWithoutRepaint(m_progress, [&] {
            m_progress->setRange(0, 1000);
            m_progress->setValue(
                int(1000 * qMin(progress.rowsDone, progress.rowsTotal) / progress.rowsTotal));
            m_progress->setFormat(tr("%1 — %2 of %3 rows")
                                      .arg(progress.table,
                                           formatCount(progress.rowsDone),
                                           formatCount(progress.rowsTotal)));
        });
    } else if (m_task == Task::Apply && progress.total > 0) {
        changeWithoutRepaint(m_progress, [&] {
            m_progress->setRange(0, progress.total);
            m_progress->setValue(progress.done);
            m_progress->setFormat(tr("%1 — step %2 of %3")
                                      .arg(progress.table)
                                      .arg(progress.done)
                                      .arg(progress.total));
        });
    }
    emit progressed(progress.message);
}

void PartitionsView::applyPreview()
{
    if (m_busy || m_action == Action::None || !session()->isConnected())
        return;
    const Action action = m_action;
    const AppConfig config = session()->config();
    const MovePreview preview = m_pending;
    const QStringList views = m_viewStatements;
    setBusy(Task::Apply, tr("Applying…"));
    m_banner->clear();
    qCInfo(lcPartitions).noquote()
        << "apply requested in the Partitions view:" << m_previewTitle->text();
    appendLog(tr("applying: %1").arg(m_previewTitle->text()));
    auto future = startTask(&m_pool, [this, config, preview, views, action](std::stop_token stop) {
        PartitionMaintenance maintenance(config, stop);
        // Runs on the worker; the view receives it on its own thread.
        maintenance.setProgress([this](const MaintenanceProgress &p) {
            QMetaObject::invokeMethod(
                this, [this, p] { onProgress(p); }, Qt::QueuedConnection);
        });
        if (action == Action::RefreshViews)
            return maintenance.refreshViews(views);
        QStringList lines;
        for (const MoveResult &res : PartitionMover(maintenance).apply(preview))
            lines << res.summary();
        return lines;
    });
    m_running = QFuture<void>(future);
    whenFinished(this, future, [this](const TaskOutcome<QStringList> &r) {
        if (r.cancelled)
            return;
        setBusy(Task::None);
        if (r.ok()) {
            m_banner->showInfo(r.value->join(QLatin1Char('\n')));
            discardPreview();
        } else {
            appendLog(tr("failed: %1").arg(r.error));
            m_banner->showError(tr("Not applied: %1").arg(r.error), r.details);
        }
        finishApply(r.ok());
    });
}

void PartitionsView::finishApply(bool ok)
{
    connect(
        this,
        &PartitionsView::loaded,
        this,
        [this, ok] { emit applied(ok); },
        Qt::SingleShotConnection);
    reload();
}

void PartitionsView::cancel()
{
    if (!m_busy)
        return;
    const Task task = m_task;
    // The stop cancels the running statement on the server (PQcancel): its transaction rolls
    // back, so nothing is half-applied. What finished before stays (tables, batches), the reload
    // shows it, and a new preview resumes a batched move.
    m_running.cancel();
    qCInfo(lcPartitions) << "cancel requested in the Partitions view";
    appendLog(tr("cancelled: the running statement was stopped on the server and its "
                 "transaction rolled back"));
    setBusy(Task::None);
    if (task == Task::Apply) {
        m_banner->showInfo(tr("Cancelled. Tables and batches finished before the cancel stay "
                              "done; the reload shows what is in the database, and a new "
                              "preview resumes a batched move."));
        finishApply(false);
    } else if (task == Task::Check) {
        emit checked(false);
    } else if (task == Task::Reload) {
        m_summary->setText(tr("Cancelled; press Reload to read the partitions."));
        emit loaded(false);
    } else {
        emit previewReady(false);
    }
}

} // namespace melodee
