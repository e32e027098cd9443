#include "vitalspanel.h"

#include "viewpage.h"

#include <charts/timeserieschart.h>
#include <i18n/numberformat.h>
#include <models/activitymodel.h>
#include <models/lockwaitmodel.h>
#include <models/partitionvacuummodel.h>
#include <pool/connectionpool.h>
#include <session/connectionsession.h>
#include <widgets/errorbanner.h>

#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QResizeEvent>
#include <QScrollBar>
#include <QTableView>
#include <QVBoxLayout>

#include <cmath>

namespace melodee {

namespace {

constexpr double kWindowSeconds = 300;
constexpr size_t kHistory = 600; // 10 min at the fastest interval tests use; 20 min at 2 s
constexpr int kTableRows = 4;
// A chart is readable from 260 px (its own minimum) plus the grid spacing.
constexpr int kChartColumnWidth = 275;

QTableView *makeTable(QAbstractItemModel *model, const QString &name, QWidget *parent)
{
    auto *table = new QTableView(parent);
    table->setObjectName(name);
    table->setModel(model);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->setWordWrap(false);
    table->setTextElideMode(Qt::ElideRight);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
    table->setMinimumHeight(table->horizontalHeader()->sizeHint().height()
                            + kTableRows * table->verticalHeader()->defaultSectionSize()
                            + table->horizontalScrollBar()->sizeHint().height()
                            + 2 * table->frameWidth());
    table->setMaximumHeight(table->minimumHeight() * 2);
    return table;
}

QLabel *makeLabel(const QString &name, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(name);
    label->setTextFormat(Qt::PlainText); // names and queries come from the server
    label->setWordWrap(true);
    return label;
}

// An application name from the server as one short line.
QString nameOf(const QString &application)
{
    return application.isEmpty() ? QStringLiteral("?") : ActivityModel::elideQuery(application, 40);
}

} // namespace

VitalsPanel::VitalsPanel(ConnectionSession *session, ViewPage *page, QWidget *parent)
    : QGroupBox(tr("Server vital signs"), parent)
    , m_session(session)
{
    setObjectName(QStringLiteral("vitalsPanel"));
    m_timer.setInterval(std::chrono::seconds(2));
    connect(&m_timer, &QTimer::timeout, this, &VitalsPanel::sampleNow);

    m_tx = new TimeSeriesChart(
        tr("Transactions per second"), {tr("commit"), tr("rollback")}, tr("1/s"), this);
    m_tuplesOut = new TimeSeriesChart(
        tr("Tuples out per second"), {tr("returned"), tr("fetched")}, tr("1/s"), this);
    m_tuplesIn = new TimeSeriesChart(tr("Tuples in per second"),
                                     {tr("inserted"), tr("updated"), tr("deleted")},
                                     tr("1/s"),
                                     this);
    m_blocks = new TimeSeriesChart(
        tr("Block I/O per second"), {tr("read (disk)"), tr("hit (cache)")}, tr("blocks/s"), this);
    m_chartGrid = new QGridLayout;

    m_banner = new ErrorBanner(this);
    m_sessions = makeLabel(QStringLiteral("vitalsSessions"), this);
    m_oldest = makeLabel(QStringLiteral("vitalsOldestTransaction"), this);
    m_lockTitle = makeLabel(QStringLiteral("vitalsLockTitle"), this);
    m_partTitle = makeLabel(QStringLiteral("vitalsPartitionTitle"), this);
    m_lockModel = new LockWaitModel(this);
    m_partModel = new PartitionVacuumModel(this);
    m_lockTable = makeTable(m_lockModel, QStringLiteral("vitalsLockTable"), this);
    m_partTable = makeTable(m_partModel, QStringLiteral("vitalsPartitionTable"), this);

    auto *locks = new QVBoxLayout;
    locks->addWidget(m_lockTitle);
    locks->addWidget(m_lockTable, 1);
    auto *parts = new QVBoxLayout;
    parts->addWidget(m_partTitle);
    parts->addWidget(m_partTable, 1);
    auto *tables = new QHBoxLayout;
    tables->addLayout(locks, 1);
    tables->addLayout(parts, 1);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_banner);
    layout->addLayout(m_chartGrid);
    layout->addWidget(m_sessions);
    layout->addWidget(m_oldest);
    layout->addLayout(tables);
    arrangeCharts(2);

    connect(
        session, &ConnectionSession::connectionChanged, this, &VitalsPanel::onConnectionChanged);
    connect(page, &ViewPage::activeChanged, this, &VitalsPanel::setActive);
    onConnectionChanged();
    setActive(page->isActive());
}

VitalsPanel::~VitalsPanel()
{
    // The pool waits for its run() work when it goes; the cancel sends PQcancel.
    m_inFlight.cancel();
}

QList<TimeSeriesChart *> VitalsPanel::charts() const
{
    return {m_tx, m_tuplesOut, m_tuplesIn, m_blocks};
}

void VitalsPanel::setSampleInterval(std::chrono::milliseconds interval)
{
    m_timer.setInterval(interval);
}

void VitalsPanel::onConnectionChanged()
{
    // A sample of the old server must not land in the new server's history.
    m_inFlight.cancel();
    m_inFlight = QFuture<VitalsSample>();
    ++m_generation;
    m_pool = m_session->pool();
    m_tablePrefix = m_session->config().session.tablePrefix;
    m_last.reset();
    m_lastRates = {};
    m_history.clear();
    m_originUs = 0;
    m_error.clear();
    m_banner->clear();
    m_lockModel->setWaits({});
    m_partModel->setPartitions({});
    m_sessions->setText(m_pool ? tr("Reading the server's statistics…") : tr("Not connected"));
    m_oldest->clear();
    m_lockTitle->setText(tr("Lock waits"));
    m_partTitle->setText(tr("Autovacuum on partitions"));
    redrawCharts();
    setActive(m_active);
}

void VitalsPanel::setActive(bool active)
{
    m_active = active;
    if (active && m_pool) {
        sampleNow(); // a fresh point at once; the gap while hidden stays visible on the axis
        m_timer.start();
    } else {
        m_timer.stop();
    }
}

void VitalsPanel::sampleNow()
{
    if (!m_pool || (m_inFlight.isRunning() && !m_inFlight.isCanceled()))
        return;
    ++m_started;
    const ServerVitals vitals(m_tablePrefix);
    m_inFlight = m_pool->run([vitals](PgConnection &conn) { return vitals.sample(conn); });
    whenFinished(
        this, m_inFlight, [this, generation = m_generation](const TaskOutcome<VitalsSample> &o) {
            // An answer that was already on its way when the connection changed is the old
            // server's.
            if (generation == m_generation)
                onSampled(o);
        });
}

void VitalsPanel::onSampled(const TaskOutcome<VitalsSample> &o)
{
    if (o.cancelled)
        return;
    ++m_finished;
    if (!o.ok()) {
        const QString text = tr("Could not read the server's statistics: %1").arg(o.error);
        // The same failure every 2 s: shown once, so closing the banner keeps it closed.
        if (text != m_error)
            m_banner->showError(text, o.details);
        m_error = text;
        emit sampled(false);
        return;
    }
    if (!m_error.isEmpty()) {
        m_banner->clear();
        m_error.clear();
    }
    const VitalsSample &s = *o.value;
    if (m_last) {
        m_lastRates = ServerVitals::rates(*m_last, s);
        if (s.serverTimeUs < m_last->serverTimeUs)
            m_history.clear(); // the server's clock went back: the old points would lie ahead
    }
    if (m_history.empty() && m_originUs == 0)
        m_originUs = s.serverTimeUs;
    if (m_lastRates.valid) {
        m_history.push_back({double(s.serverTimeUs - m_originUs) / 1e6, m_lastRates});
        while (m_history.size() > kHistory)
            m_history.pop_front();
    }
    m_last = s;
    showFacts(s);
    redrawCharts();
    emit sampled(true);
}

QList<double> VitalsPanel::historyTimes() const
{
    QList<double> times;
    times.reserve(qsizetype(m_history.size()));
    for (const Point &p : m_history)
        times.append(p.t);
    return times;
}

QString VitalsPanel::sessionsText() const
{
    return m_sessions->text();
}

QString VitalsPanel::oldestTransactionText() const
{
    return m_oldest->text();
}

void VitalsPanel::showFacts(const VitalsSample &s)
{
    // The states an admin reads first, always shown; the rarer ones only when present.
    const QStringList always{QStringLiteral("active"), QStringLiteral("idle")};
    QStringList parts;
    for (const QString &state : always)
        parts << tr("%1 %2").arg(formatCount(s.sessionsIn(state)), state);
    for (const SessionStateCount &c : s.sessionStates) {
        if (!always.contains(c.state))
            parts << tr("%1 %2").arg(formatCount(c.count),
                                     c.state.isEmpty() ? tr("(not visible)") : c.state);
    }
    m_sessions->setText(tr("Sessions in %1: %2 (%3)")
                            .arg(ActivityModel::elideQuery(s.database, 60),
                                 formatCount(s.sessions),
                                 parts.join(QStringLiteral(" · "))));

    if (const auto &t = s.oldestTransaction) {
        QString text
            = tr("Oldest transaction: %1, pid %2 (%3, %4)")
                  .arg(ActivityModel::formatDuration(qint64(std::llround(t->ageSeconds * 1000))),
                       QString::number(t->pid),
                       nameOf(t->application),
                       t->state.isEmpty() ? tr("state hidden") : t->state);
        if (t->xminAge >= 0)
            text += tr(", holds back cleanup of rows from the last %1 transactions")
                        .arg(formatCount(t->xminAge));
        if (!t->query.isEmpty())
            text += tr(": %1").arg(ActivityModel::elideQuery(t->query, 80));
        m_oldest->setText(text);
    } else {
        m_oldest->setText(tr("Oldest transaction: none open"));
    }

    m_lockModel->setWaits(s.lockWaits);
    m_lockTitle->setText(
        s.lockWaits.isEmpty()
            ? tr("Lock waits: none")
            : tr("Lock waits: %n session(s) waiting", nullptr, int(s.lockWaits.size())));
    m_partModel->setPartitions(s.partitions);
    m_partTitle->setText(
        tr("Autovacuum on partitions of %1*: %2 partitions, %3 dead tuples, %4 VACUUM running")
            .arg(ActivityModel::elideQuery(m_tablePrefix, 30),
                 formatCount(s.partitionCount),
                 formatCount(s.deadTuples),
                 formatCount(s.vacuumsRunning)));
}

void VitalsPanel::redrawCharts()
{
    const auto series = [this](double VitalsRates::*field) {
        QList<QPointF> points;
        points.reserve(qsizetype(m_history.size()));
        for (const Point &p : m_history)
            points.append(QPointF(p.t, p.rates.*field));
        return points;
    };
    m_tx->setPoints(0, series(&VitalsRates::commits));
    m_tx->setPoints(1, series(&VitalsRates::rollbacks));
    m_tuplesOut->setPoints(0, series(&VitalsRates::returned));
    m_tuplesOut->setPoints(1, series(&VitalsRates::fetched));
    m_tuplesIn->setPoints(0, series(&VitalsRates::inserted));
    m_tuplesIn->setPoints(1, series(&VitalsRates::updated));
    m_tuplesIn->setPoints(2, series(&VitalsRates::deleted));
    m_blocks->setPoints(0, series(&VitalsRates::blocksRead));
    m_blocks->setPoints(1, series(&VitalsRates::blocksHit));
    const double end = m_history.empty() ? 0 : m_history.back().t;
    for (TimeSeriesChart *chart : charts())
        chart->setWindow(end, kWindowSeconds);
}

void VitalsPanel::arrangeCharts(int columns)
{
    if (columns == m_columns)
        return;
    m_columns = columns;
    const QList<TimeSeriesChart *> all = charts();
    for (TimeSeriesChart *chart : all)
        m_chartGrid->removeWidget(chart);
    for (int i = 0; i < all.size(); ++i)
        m_chartGrid->addWidget(all.at(i), i / columns, i % columns);
    for (int c = 0; c < 4; ++c)
        m_chartGrid->setColumnStretch(c, c < columns ? 1 : 0);
    // The wrapping labels give the panel a height-for-width, and a scroll area sizing its content
    // by height-for-width would squeeze the charts below their own minimum: say it outright.
    setMinimumHeight(0);
    layout()->activate();
    setMinimumHeight(minimumSizeHint().height());
}

void VitalsPanel::resizeEvent(QResizeEvent *event)
{
    QGroupBox::resizeEvent(event);
    // Four charts in a row when they fit at a readable width, else two by two (or one column).
    const int width = event->size().width();
    arrangeCharts(width >= 4 * kChartColumnWidth ? 4 : width >= 2 * kChartColumnWidth ? 2 : 1);
}

} // namespace melodee
