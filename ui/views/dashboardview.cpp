#include "dashboardview.h"

#include "activitypanel.h"
#include "replicalagpanel.h"
#include "vitalspanel.h"

#include <async/task.h>
#include <charts/timeserieschart.h>
#include <i18n/numberformat.h>
#include <pool/connectionpool.h>
#include <session/connectionsession.h>
#include <session/workers.h>

#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QThreadPool>
#include <QVBoxLayout>

namespace melodee {

namespace {

constexpr double kWindowSeconds = 300; // 5 minutes at 1 Hz = the history's capacity

// The load test blocks a thread for its whole run: not one of the network pool's.
QThreadPool *loadTestThreads()
{
    static QThreadPool pool;
    return &pool;
}

} // namespace

DashboardView::DashboardView(ConnectionSession *session, QWidget *parent)
    : ViewPage(ViewId::Dashboard, session, parent)
{
    m_timer.setInterval(std::chrono::seconds(1));
    connect(&m_timer, &QTimer::timeout, this, &DashboardView::sampleNow);

    auto *layout = new QVBoxLayout(this);
    m_badge = new QLabel(this);
    m_badge->setObjectName(QStringLiteral("healthBadge"));
    m_badge->setTextFormat(Qt::PlainText);
    m_badge->setWordWrap(true); // a degraded reason can be long
    m_badge->setMargin(4);
    layout->addWidget(m_badge);

    // Charts and controls scroll; the splitter gives the rest to the activity table.
    auto *content = new QWidget(this);
    auto *contentLayout = new QVBoxLayout(content);
    contentLayout->setContentsMargins(0, 0, 0, 0);
    auto *grid = new QGridLayout;
    m_connections = new TimeSeriesChart(
        tr("Connections"),
        {tr("open"), tr("in use"), tr("idle"), tr("max open"), tr("max idle")},
        QString(), // the title says what is counted; a long axis title would be cut
        content);
    m_waits = new TimeSeriesChart(tr("Waits per second"), {tr("waits/s")}, tr("1/s"), content);
    m_waitTime = new TimeSeriesChart(tr("Average wait"), {tr("avg wait")}, tr("ms"), content);
    m_latency = new TimeSeriesChart(
        tr("Acquire latency p99 (each second)"), {tr("p99")}, tr("ms"), content);
    grid->addWidget(m_connections, 0, 0);
    grid->addWidget(m_waits, 0, 1);
    grid->addWidget(m_waitTime, 1, 0);
    grid->addWidget(m_latency, 1, 1);
    contentLayout->addLayout(grid, 1);

    auto *controls = new QHBoxLayout;
    auto *settings = new QGroupBox(tr("Pool settings (runtime)"), content);
    auto *settingsForm = new QFormLayout(settings);
    m_maxOpenEdit = new QSpinBox(settings);
    m_maxOpenEdit->setRange(0, 10000);
    m_maxOpenEdit->setSpecialValueText(tr("unlimited"));
    m_maxIdleEdit = new QSpinBox(settings);
    m_maxIdleEdit->setRange(0, 10000);
    m_applyButton = new QPushButton(tr("Apply"), settings);
    settingsForm->addRow(tr("Max open"), m_maxOpenEdit);
    settingsForm->addRow(tr("Max idle"), m_maxIdleEdit);
    settingsForm->addRow(m_applyButton);
    connect(m_applyButton, &QPushButton::clicked, this, [this] {
        applyPoolSettings(m_maxOpenEdit->value(), m_maxIdleEdit->value());
    });
    controls->addWidget(settings);

    auto *load = new QGroupBox(tr("Load test (acquire, SELECT 1, release)"), content);
    auto *loadForm = new QFormLayout(load);
    m_workersEdit = new QSpinBox(load);
    m_workersEdit->setRange(1, 256);
    m_workersEdit->setValue(16);
    m_secondsEdit = new QDoubleSpinBox(load);
    m_secondsEdit->setRange(0.5, 600);
    m_secondsEdit->setValue(10);
    m_secondsEdit->setSuffix(tr(" s"));
    auto *buttons = new QHBoxLayout;
    m_runButton = new QPushButton(tr("Run load test"), load);
    m_cancelButton = new QPushButton(tr("Cancel"), load);
    m_cancelButton->setEnabled(false);
    buttons->addWidget(m_runButton);
    buttons->addWidget(m_cancelButton);
    m_loadResult = new QLabel(load);
    m_loadResult->setObjectName(QStringLiteral("loadTestResult"));
    m_loadResult->setTextFormat(Qt::PlainText);
    m_loadResult->setWordWrap(true);
    loadForm->addRow(tr("Workers"), m_workersEdit);
    loadForm->addRow(tr("Duration"), m_secondsEdit);
    loadForm->addRow(buttons);
    loadForm->addRow(m_loadResult);
    connect(m_runButton, &QPushButton::clicked, this, [this] {
        startLoadTest(m_workersEdit->value(), m_secondsEdit->value());
    });
    connect(m_cancelButton, &QPushButton::clicked, this, &DashboardView::cancelLoadTest);
    controls->addWidget(load, 1);
    contentLayout->addLayout(controls);
    contentLayout->addWidget(new VitalsPanel(session, this, content));
    contentLayout->addWidget(new ReplicaLagPanel(session, this, content));

    m_scroll = new QScrollArea(this);
    m_scroll->setObjectName(QStringLiteral("dashboardScroll"));
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_scroll->setWidget(content);
    m_scroll->setMinimumHeight(120);

    m_activity = new ActivityPanel(this);
    m_splitter = new QSplitter(Qt::Vertical, this);
    m_splitter->setObjectName(QStringLiteral("dashboardSplitter"));
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(m_scroll);
    m_splitter->addWidget(m_activity);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    layout->addWidget(m_splitter, 1);

    connect(
        session, &ConnectionSession::connectionChanged, this, &DashboardView::onConnectionChanged);
    connect(session->health(), &HealthMonitor::reportChanged, this, &DashboardView::onHealthReport);
    connect(session->health(), &HealthMonitor::targetCleared, this, [this] {
        m_badge->setText(tr("Not connected"));
        m_badge->setStyleSheet(QString());
    });
    onConnectionChanged();
}

DashboardView::~DashboardView()
{
    // The load test holds its own pool reference and stops at once when cancelled.
    m_loadTest.cancel();
}

QList<TimeSeriesChart *> DashboardView::charts() const
{
    return {m_connections, m_waits, m_waitTime, m_latency};
}

QString DashboardView::viewTitle()
{
    return tr("Dashboard");
}

QString DashboardView::title() const
{
    return viewTitle();
}

void DashboardView::setSampleInterval(std::chrono::milliseconds interval)
{
    m_timer.setInterval(interval);
}

void DashboardView::activeChangedEvent(bool active)
{
    m_activity->setActive(active);
    if (active && m_pool) {
        sampleNow(); // fresh point at once; the gap while hidden stays visible on the x axis
        m_timer.start();
    } else {
        m_timer.stop();
    }
}

void DashboardView::onConnectionChanged()
{
    m_pool = session()->pool();
    m_activity->setPool(m_pool);
    m_rates.reset();
    m_history.clear();
    const DatabaseConfig &db = session()->config().database;
    m_maxIdle = db.maxIdleConns;
    m_maxOpenEdit->setValue(db.maxOpenConns);
    m_maxIdleEdit->setValue(db.maxIdleConns);
    const bool connected = bool(m_pool);
    m_applyButton->setEnabled(connected);
    m_runButton->setEnabled(connected && !isLoadTestRunning());
    if (!connected) {
        m_timer.stop();
        m_badge->setText(tr("Not connected"));
        m_badge->setStyleSheet(QString());
    } else {
        m_badge->setText(tr("Checking %1 …").arg(session()->displayName()));
        if (isActive()) {
            sampleNow();
            m_timer.start();
        }
    }
    redrawCharts();
}

void DashboardView::sampleNow()
{
    if (!m_pool)
        return;
    // stats() only copies counters under the pool's mutex: no network, fine on the GUI thread.
    const PoolStats stats = m_pool->stats();
    const LatencyCounts latency = m_pool->acquireLatencyCounts();
    const qint64 elapsed = m_sinceLast.isValid() ? m_sinceLast.nsecsElapsed() : 0;
    m_sinceLast.start();
    m_history.append(m_rates.add(stats, latency, elapsed, m_maxIdle));
    ++m_sampleCount;
    redrawCharts();
    emit sampled();
}

void DashboardView::redrawCharts()
{
    m_connections->setPoints(0, m_history.series(&PoolSample::open));
    m_connections->setPoints(1, m_history.series(&PoolSample::inUse));
    m_connections->setPoints(2, m_history.series(&PoolSample::idle));
    m_connections->setPoints(3, m_history.series(&PoolSample::maxOpen));
    m_connections->setPoints(4, m_history.series(&PoolSample::maxIdle));
    m_waits->setPoints(0, m_history.series(&PoolSample::waitsPerSecond));
    m_waitTime->setPoints(0, m_history.series(&PoolSample::avgWaitMs));
    QList<QPointF> p99 = m_history.series(&PoolSample::acquireP99Us);
    for (QPointF &p : p99)
        p.setY(p.y() / 1000.0);
    m_latency->setPoints(0, p99);
    const double end = m_history.size() > 0 ? m_history.last().tSeconds : 0;
    for (TimeSeriesChart *chart : {m_connections, m_waits, m_waitTime, m_latency})
        chart->setWindow(end, kWindowSeconds);
}

void DashboardView::onHealthReport(const HealthReport &report)
{
    QString text = tr("%1: %2").arg(report.statusName(), session()->displayName());
    if (report.status == HealthStatus::Healthy)
        text += tr(" — %1 ms round trip").arg(formatDecimal(report.latencyMs, 1));
    else if (!report.message.isEmpty())
        text += QStringLiteral(" — ") + report.message;
    m_badge->setText(text);
    const char *colour = report.status == HealthStatus::Healthy    ? "#2e7d32"
                         : report.status == HealthStatus::Degraded ? "#ef6c00"
                                                                   : "#c62828";
    m_badge->setStyleSheet(
        QStringLiteral("QLabel { color: white; background: %1; border-radius: 4px; }")
            .arg(QLatin1String(colour)));
}

void DashboardView::applyPoolSettings(int maxOpen, int maxIdle)
{
    if (!m_pool)
        return;
    m_maxIdle = maxIdle;
    // Shrinking closes connections (a network round trip), so not on the GUI thread. Nothing
    // waits for it: the next sample shows the new limits.
    (void)startTask(networkThreadPool(), [pool = m_pool, maxOpen, maxIdle](std::stop_token) {
        pool->setMaxOpenConns(maxOpen);
        pool->setMaxIdleConns(maxIdle);
    });
}

void DashboardView::startLoadTest(int workers, double seconds)
{
    if (!m_pool || isLoadTestRunning())
        return;
    m_runButton->setEnabled(false);
    m_cancelButton->setEnabled(true);
    m_loadResult->setText(tr("Running %1 workers for %2 s …").arg(workers).arg(seconds));
    // Cancelling the future stops the workers through the token. A cancelled future keeps no
    // result, so what the run measured until then comes back through `measured`.
    auto measured = std::make_shared<std::optional<PoolBenchmarkResult>>();
    m_loadTest = startTask(
        loadTestThreads(), [pool = m_pool, workers, seconds, measured](std::stop_token stop) {
            *measured
                = runPoolBenchmark(*pool, workers, seconds, QByteArrayLiteral("SELECT 1"), stop);
            return measured->value();
        });
    whenFinished(this, m_loadTest, [this, measured](const TaskOutcome<PoolBenchmarkResult> &o) {
        onLoadTestFinished(o, *measured);
    });
}

void DashboardView::cancelLoadTest()
{
    m_loadTest.cancel();
}

QString DashboardView::loadTestResultText() const
{
    return m_loadResult->text();
}

void DashboardView::onLoadTestFinished(const TaskOutcome<PoolBenchmarkResult> &o,
                                       const std::optional<PoolBenchmarkResult> &measured)
{
    m_cancelButton->setEnabled(false);
    m_runButton->setEnabled(bool(m_pool));
    if (!measured) {
        m_loadResult->setText(o.cancelled ? tr("Cancelled before it started")
                                          : tr("Load test failed: %1").arg(o.error));
        emit loadTestFinished();
        return;
    }
    const PoolBenchmarkResult &r = *measured;
    const bool cancelled = r.cancelled || o.cancelled;
    QString text = tr("%1%2 ops in %3 s: %4 ops/s, latency p50 %5 ms, p99 %6 ms, %7 errors")
                       .arg(cancelled ? tr("Cancelled after ") : QString(),
                            formatCount(r.ops),
                            formatDecimal(r.seconds, 2),
                            formatDecimal(r.opsPerSec, 0),
                            formatDecimal(r.p50Us / 1000.0, 3),
                            formatDecimal(r.p99Us / 1000.0, 3),
                            formatCount(r.errors));
    if (!r.firstError.isEmpty())
        text += tr("\nFirst error: %1").arg(r.firstError);
    m_loadResult->setText(text);
    emit loadTestFinished();
}

} // namespace melodee
