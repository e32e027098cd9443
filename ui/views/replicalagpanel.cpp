#include "replicalagpanel.h"

#include "viewpage.h"

#include <charts/timeserieschart.h>
#include <config/duration.h>
#include <models/replicalagmodel.h>
#include <pool/replicarouter.h>
#include <session/connectionsession.h>

#include <QDateTime>
#include <QHeaderView>
#include <QLabel>
#include <QScrollBar>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace melodee {

namespace {

constexpr double kWindowSeconds = 300;
constexpr size_t kHistory = 600; // 20 min at 2 s
constexpr int kMaxTableRows = 4;

} // namespace

ReplicaLagPanel::ReplicaLagPanel(ConnectionSession *session, ViewPage *page, QWidget *parent)
    : QGroupBox(tr("Replica lag"), parent)
    , m_session(session)
{
    setObjectName(QStringLiteral("replicaLagPanel"));
    m_timer.setInterval(std::chrono::seconds(2));
    connect(&m_timer, &QTimer::timeout, this, &ReplicaLagPanel::sampleNow);

    m_note = new QLabel(this);
    m_note->setObjectName(QStringLiteral("replicaLagNote"));
    m_note->setTextFormat(Qt::PlainText);
    m_note->setWordWrap(true);
    m_model = new ReplicaLagModel(this);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("replicaLagTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideRight);
    m_table->verticalHeader()->hide();
    // A few rows: the name, state and lag always whole, the reason gets the rest.
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(ReplicaLagModel::Reason,
                                                      QHeaderView::Stretch);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_note);
    layout->addWidget(m_table);

    connect(session,
            &ConnectionSession::connectionChanged,
            this,
            &ReplicaLagPanel::onConnectionChanged);
    connect(page, &ViewPage::activeChanged, this, &ReplicaLagPanel::setActive);
    onConnectionChanged();
    setActive(page->isActive());
}

ReplicaLagPanel::~ReplicaLagPanel() = default;

void ReplicaLagPanel::setSampleInterval(std::chrono::milliseconds interval)
{
    m_timer.setInterval(interval);
}

int ReplicaLagPanel::historySize(int index) const
{
    return index >= 0 && size_t(index) < m_history.size() ? int(m_history[size_t(index)].size())
                                                          : 0;
}

QString ReplicaLagPanel::noteText() const
{
    return m_note->isHidden() ? QString() : m_note->text();
}

void ReplicaLagPanel::onConnectionChanged()
{
    const DatabaseConfig &database = m_session->config().database;
    const bool connected = bool(m_session->pool());
    m_maxLag = database.maxReplicaLag;
    m_router = connected && m_session->router() && m_session->router()->hasReplicas()
                   ? m_session->router()
                   : nullptr;
    m_history.clear();
    QList<ReplicaStatus> rows;
    QStringList names;
    if (m_router) {
        rows = m_router->replicaStatus();
        for (const ReplicaStatus &s : std::as_const(rows))
            names << s.name;
        m_history.resize(size_t(rows.size()));
    }
    m_model->setReplicas(rows);

    delete m_chart;
    m_chart = nullptr;
    if (m_router) {
        m_note->hide();
        m_chart = new TimeSeriesChart(tr("Replay lag per replica"), names, tr("s"), this);
        m_chart->setObjectName(QStringLiteral("replicaLagChart"));
        m_chart->setClockLabels(true);
        static_cast<QVBoxLayout *>(layout())->insertWidget(1, m_chart, 1);
        const int rowsShown = std::clamp(int(rows.size()), 1, kMaxTableRows);
        m_table->setMinimumHeight(m_table->horizontalHeader()->sizeHint().height()
                                  + rowsShown * m_table->verticalHeader()->defaultSectionSize()
                                  + m_table->horizontalScrollBar()->sizeHint().height()
                                  + 2 * m_table->frameWidth());
        m_table->setMaximumHeight(m_table->minimumHeight());
        m_table->show();
        redrawChart();
    } else {
        m_note->setText(connected ? tr("No read replicas configured (database.replicas).")
                                  : tr("Not connected"));
        m_note->show();
        m_table->hide();
    }
    setActive(m_active);
}

void ReplicaLagPanel::setActive(bool active)
{
    m_active = active;
    if (active && m_router) {
        sampleNow();
        m_timer.start();
    } else {
        m_timer.stop();
    }
}

void ReplicaLagPanel::sampleNow()
{
    if (!m_router)
        return;
    ++m_samples;
    const QList<ReplicaStatus> looks = m_router->replicaStatus();
    for (qsizetype i = 0; i < looks.size() && size_t(i) < m_history.size(); ++i) {
        const ReplicaStatus &s = looks.at(i);
        std::deque<QPointF> &points = m_history[size_t(i)];
        const double at = double(s.lookedAtMs) / 1000;
        if (!points.empty() && at < points.back().x())
            points.clear(); // the clock went back: the old points would lie ahead
        // One point per look: the router looks more often than the panel samples, and a
        // sample between two looks finds the same one again.
        if (s.lagSeconds && s.lookedAtMs > 0 && (points.empty() || at > points.back().x()))
            points.push_back(QPointF(at, *s.lagSeconds));
        while (points.size() > kHistory)
            points.pop_front();
    }
    m_model->setReplicas(looks);
    redrawChart();
    emit sampled();
}

void ReplicaLagPanel::redrawChart()
{
    if (!m_chart)
        return;
    double end = 0;
    for (size_t i = 0; i < m_history.size(); ++i) {
        const std::deque<QPointF> &h = m_history[i];
        m_chart->setPoints(int(i), QList<QPointF>(h.begin(), h.end()));
        if (!h.empty())
            end = std::max(end, h.back().x());
    }
    if (end == 0)
        end = double(QDateTime::currentMSecsSinceEpoch()) / 1000;
    m_chart->setLimit(std::chrono::duration<double>(m_maxLag).count(),
                      tr("max_replica_lag %1").arg(formatGoDuration(m_maxLag)));
    m_chart->setWindow(end, kWindowSeconds);
}

} // namespace melodee
