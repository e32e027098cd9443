#include "partitionsview.h"

#include "async/backgroundtask.h"
#include "async/cancelhandle.h"
#include "session/connectionsession.h"
#include "widgets/changewithoutrepaint.h"
#include "widgets/errorbanner.h"
#include "widgets/partitiontimeline.h"
#include "widgets/sqleditor.h"

#include <db/pgconnection.h>
#include <migrate/migrationengine.h>
#include <util/englishcount.h>

#include <QComboBox>
#include <QDateEdit>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSlider>
#include <QSplitter>
#include <QVBoxLayout>

namespace melodee {

namespace {

std::unique_ptr<PgConnection> openMaintenanceSession(const AppConfig &config)
{
    auto conn = PgConnection::open(config.database);
    conn->setUsePreparedStatements(false);
    const auto ms = [](Duration d) {
        return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
    };
    conn->exec(
        QStringLiteral("SET lock_timeout = '%1ms'").arg(ms(config.migrate.lockTimeout)).toUtf8());
    conn->exec(QStringLiteral("SET statement_timeout = '%1ms'")
                   .arg(ms(config.migrate.statementTimeout))
                   .toUtf8());
    return conn;
}

} // namespace

PartitionsView::PartitionsView(ConnectionSession *session, QWidget *parent)
    : ViewPage(ViewId::Partitions, session, parent)
    , m_cancel(std::make_shared<CancelHandle>())
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
    m_zoom = new QSlider(Qt::Horizontal, this);
    m_zoom->setRange(1, 10);
    m_zoom->setValue(2);
    m_zoom->setMaximumWidth(140);
    m_zoom->setToolTip(tr("Zoom: years shown at once (Ctrl+wheel on the timeline)"));
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

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_reloadButton);
    bar->addWidget(m_shading);
    bar->addWidget(new QLabel(tr("Zoom:"), this));
    bar->addWidget(m_zoom);
    bar->addWidget(m_zoomLabel);
    bar->addStretch();
    bar->addWidget(m_through);
    bar->addWidget(m_createButton);
    bar->addWidget(m_moveButton);
    bar->addWidget(m_viewsButton);

    m_timeline = new PartitionTimeline(this);

    m_previewTitle = new QLabel(tr("Preview: choose an action above; nothing runs until you "
                                   "apply it."),
                                this);
    QFont bold = m_previewTitle->font();
    bold.setBold(true);
    m_previewTitle->setFont(bold);
    m_preview = new SqlEditor(this);
    m_applyButton = new QPushButton(tr("&Apply"), this);
    m_discardButton = new QPushButton(tr("Discard"), this);
    m_cancelButton = new QPushButton(tr("Cancel"), this);
    m_cancelButton->setShortcut(QKeySequence(Qt::Key_Escape));
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setTextVisible(true);
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
    previewSplit->addWidget(m_preview);
    previewSplit->addWidget(m_log);
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
    layout->addLayout(bar);
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
    connect(m_applyButton, &QPushButton::clicked, this, &PartitionsView::applyPreview);
    connect(m_discardButton, &QPushButton::clicked, this, &PartitionsView::discardPreview);
    connect(m_cancelButton, &QPushButton::clicked, this, &PartitionsView::cancel);
    connect(
        session, &ConnectionSession::connectionChanged, this, &PartitionsView::onConnectionChanged);
    onConnectionChanged();
}

PartitionsView::~PartitionsView()
{
    m_cancel->cancel(true);
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
    m_tables.clear();
    m_timeline->setTables({});
    discardPreview();
    m_banner->clear();
    const AppConfig &config = session()->config();
    m_timeline->setPremakeMonths(config.migrate.premakeMonths);
    m_through->setDate(QDate::currentDate().addMonths(config.migrate.premakeMonths + 6));
    m_summary->setText(session()->isConnected() ? tr("Loading…") : tr("Not connected."));
    markStale();
    updateActions();
}

void PartitionsView::setBusy(bool busy, const QString &what)
{
    m_busy = busy;
    if (busy)
        m_cancel->reset();
    changeWithoutRepaint(m_progress, [&] {
        m_progress->setRange(0, busy ? 0 : 1);
        m_progress->setValue(busy ? 0 : 1);
        m_progress->setFormat(busy ? what : QString());
    });
    updateActions();
}

void PartitionsView::updateActions()
{
    const bool ready = !m_busy && session()->isConnected();
    m_reloadButton->setEnabled(ready);
    m_createButton->setEnabled(ready);
    m_moveButton->setEnabled(ready);
    m_viewsButton->setEnabled(ready);
    m_through->setEnabled(ready);
    m_applyButton->setEnabled(ready && m_action != Action::None);
    m_discardButton->setEnabled(!m_busy && m_action != Action::None);
    m_cancelButton->setEnabled(m_busy);
}

void PartitionsView::reload()
{
    if (m_busy || !session()->isConnected())
        return;
    setBusy(true, tr("Reading partitions…"));
    const AppConfig config = session()->config();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    auto cancel = m_cancel;
    runInBackground(
        this,
        &m_pool,
        [config, now, cancel] {
            auto conn = openMaintenanceSession(config);
            CancelHandle::Scope scope(*cancel, conn.get());
            return listPartitions(*conn, config.session, now, false);
        },
        [this, now](const TaskOutcome<QList<PartitionedTableInfo>> &r) {
            setBusy(false);
            if (!r.ok()) {
                m_banner->showError(tr("Could not read the partitions: %1").arg(r.error),
                                    r.details);
                m_summary->setText(tr("Could not load."));
                emit loaded(false);
                return;
            }
            markFresh();
            m_tables = *r.value;
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
            emit loaded(true);
        });
}

void PartitionsView::showPreview(Action action, const QString &title, const QStringList &statements)
{
    m_action = statements.isEmpty() ? Action::None : action;
    m_previewTitle->setText(title);
    m_preview->setSql(statements.isEmpty()
                          ? QString()
                          : statements.join(QStringLiteral(";\n")) + QLatin1Char(';'));
    updateActions();
}

void PartitionsView::discardPreview()
{
    m_plans.clear();
    m_action = Action::None;
    m_previewTitle->setText(
        tr("Preview: choose an action above; nothing runs until you apply it."));
    m_preview->setSql(QString());
    updateActions();
}

void PartitionsView::previewCreateThrough(const Month &month)
{
    const Month current = Month::fromDate(QDateTime::currentDateTimeUtc().date());
    if (!month.isValid() || month < current) {
        m_banner->showError(tr("Choose a month from %1 on; \"%2\" is in the past (older months "
                               "are created by `melodee partitions maintain --from`).")
                                .arg(current.toString(), month.toString()));
        emit previewReady(false);
        return;
    }
    previewMaintenance(Action::CreateThrough, month.index() - current.index() + 1);
}

void PartitionsView::previewMoveDefault()
{
    previewMaintenance(Action::MoveDefault, 1);
}

void PartitionsView::previewMaintenance(Action action, int premake)
{
    if (m_busy || !session()->isConnected())
        return;
    setBusy(true, tr("Planning…"));
    m_banner->clear();
    const AppConfig config = session()->config();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    auto cancel = m_cancel;
    runInBackground(
        this,
        &m_pool,
        [config, now, premake, cancel] {
            auto conn = openMaintenanceSession(config);
            CancelHandle::Scope scope(*cancel, conn.get());
            return planMaintenance(*conn, config.session, now, premake, std::nullopt);
        },
        [this, action, premake](const TaskOutcome<QList<MaintenancePlan>> &r) {
            setBusy(false);
            if (!r.ok()) {
                m_banner->showError(tr("Could not plan: %1").arg(r.error), r.details);
                emit previewReady(false);
                return;
            }
            QList<MaintenancePlan> plans = *r.value;
            if (action == Action::MoveDefault) {
                plans.removeIf([](const MaintenancePlan &p) { return p.defaultRows == 0; });
            }
            m_plans = plans;
            QStringList statements;
            QStringList what;
            for (const MaintenancePlan &p : std::as_const(plans)) {
                statements << QStringLiteral("-- %1: create %2, move %3 out of the default "
                                             "partition, in one transaction\nBEGIN")
                                  .arg(p.table,
                                       englishCount(p.create.size(),
                                                    QStringLiteral("partition"),
                                                    QStringLiteral("partitions")),
                                       englishCount(p.defaultRows,
                                                    QStringLiteral("row"),
                                                    QStringLiteral("rows")));
                statements << p.statements;
                statements << QStringLiteral("COMMIT");
                what << tr("%1: %2 new, %n row(s) to move",
                           nullptr,
                           int(qMin<qint64>(p.defaultRows, INT_MAX)))
                            .arg(p.table)
                            .arg(p.create.size());
            }
            if (plans.isEmpty()) {
                showPreview(Action::None,
                            action == Action::MoveDefault
                                ? tr("Nothing to do: the default partitions are empty.")
                                : tr("Nothing to do: partitions already cover the next %n "
                                     "month(s).",
                                     nullptr,
                                     premake),
                            {});
                m_banner->showInfo(m_previewTitle->text());
            } else {
                showPreview(action,
                            tr("Preview (%1). Apply runs exactly this; row counts are compared "
                               "and the transaction rolls back if they differ.")
                                .arg(what.join(QLatin1String("; "))),
                            statements);
            }
            emit previewReady(true);
        });
}

void PartitionsView::previewRefreshViews()
{
    if (m_busy || !session()->isConnected())
        return;
    setBusy(true, tr("Planning…"));
    m_banner->clear();
    const AppConfig config = session()->config();
    auto cancel = m_cancel;
    runInBackground(
        this,
        &m_pool,
        [config, cancel] {
            auto conn = openMaintenanceSession(config);
            CancelHandle::Scope scope(*cancel, conn.get());
            // The views MigrationEngine::refreshViews() refreshes, if they exist yet.
            QStringList out;
            for (const QString &v :
                 {config.session.tablePrefix + QStringLiteral("library_totals"),
                  config.session.tablePrefix + QStringLiteral("artist_counts")}) {
                const PgResult r
                    = conn->exec("SELECT to_regclass($1) IS NOT NULL", {PgParam(v.toUtf8())});
                if (!r.toBool(0, 0))
                    throw DbError(QStringLiteral("refresh views"),
                                  v,
                                  QStringLiteral("materialized view %1 does not exist yet: run "
                                                 "the migrations first")
                                      .arg(v));
                out << QStringLiteral("REFRESH MATERIALIZED VIEW CONCURRENTLY %1").arg(v);
            }
            return out;
        },
        [this](const TaskOutcome<QStringList> &r) {
            setBusy(false);
            if (!r.ok()) {
                m_banner->showError(tr("Could not plan: %1").arg(r.error), r.details);
                emit previewReady(false);
                return;
            }
            showPreview(Action::RefreshViews,
                        tr("Preview: refresh the count views concurrently (readers are not "
                           "blocked)."),
                        *r.value);
            emit previewReady(true);
        });
}

void PartitionsView::applyPreview()
{
    if (m_busy || m_action == Action::None || !session()->isConnected())
        return;
    const Action action = m_action;
    const AppConfig config = session()->config();
    const QList<MaintenancePlan> plans = m_plans;
    auto cancel = m_cancel;
    setBusy(true, tr("Applying…"));
    m_banner->clear();
    appendLog(tr("applying: %1").arg(m_previewTitle->text()));
    QPointer<PartitionsView> self(this);
    runInBackground(
        this,
        &m_pool,
        [config, plans, action, cancel, self] {
            QStringList lines;
            if (action == Action::RefreshViews) {
                MigrationEngine engine(config);
                engine.connect();
                CancelHandle::Scope scope(*cancel, engine.connection());
                return engine.refreshViews(true);
            }
            auto conn = openMaintenanceSession(config);
            CancelHandle::Scope scope(*cancel, conn.get());
            const auto log = [self](const QString &m) {
                QMetaObject::invokeMethod(
                    self,
                    [self, m] {
                        if (self)
                            self->appendLog(m);
                    },
                    Qt::QueuedConnection);
            };
            for (const MaintenanceResult &res :
                 runMaintenance(*conn, plans, config.migrate.retries, log)) {
                lines << tr("%1: created %2, moved %3 out of the default partition (rows before "
                            "%4, after %5)")
                             .arg(res.table,
                                  tr("%n partition(s)", nullptr, res.created),
                                  tr("%n row(s)", nullptr, int(qMin<qint64>(res.moved, INT_MAX))))
                             .arg(res.countBefore)
                             .arg(res.countAfter);
            }
            return lines;
        },
        [this](const TaskOutcome<QStringList> &r) {
            setBusy(false);
            if (r.ok()) {
                for (const QString &l : *r.value)
                    appendLog(l);
                m_banner->showInfo(r.value->join(QLatin1Char('\n')));
                discardPreview();
            } else {
                appendLog(tr("failed: %1").arg(r.error));
                m_banner->showError(tr("Not applied: %1").arg(r.error), r.details);
            }
            const bool ok = r.ok();
            connect(
                this,
                &PartitionsView::loaded,
                this,
                [this, ok] { emit applied(ok); },
                Qt::SingleShotConnection);
            reload();
        });
}

void PartitionsView::cancel()
{
    if (!m_busy)
        return;
    // A real server-side cancel (PQcancel): the running statement fails, its transaction rolls
    // back, and nothing is half-applied.
    m_cancel->cancel(true);
    appendLog(tr("cancel sent to the server"));
}

} // namespace melodee
