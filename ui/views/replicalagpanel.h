#pragma once

#include <async/whenfinished.h>
#include <pool/replicastatus.h>

#include <QFuture>
#include <QGroupBox>
#include <QPointF>
#include <QTimer>

#include <chrono>
#include <deque>
#include <memory>
#include <vector>

class QLabel;
class QTableView;

namespace melodee {

class ConnectionSession;
class ReplicaLagModel;
class TimeSeriesChart;
class ViewPage;

// The Dashboard's "Replica lag": the replay lag of each read replica (database.replicas) over
// wall-clock time, one line per replica named host:port, with database.max_replica_lag as a
// dashed line, and a table saying whether each replica is in the read rotation and if not why.
// Each look is made as the ReplicaRouter makes its own (ReplicaProber: a connection per replica,
// connect_timeout at most 2 s, a statement deadline), but over the panel's own connections: the
// Songs view's router looks too, so a replica sees two monitoring sessions, and the panel
// judges the lag limit from its own look. The looks run on the network threads every 2 s while
// the page is shown and not at all while it is hidden. Without replicas it says so and never
// connects.
class ReplicaLagPanel : public QGroupBox
{
    Q_OBJECT

public:
    // Follows the session's connection and samples only while `page` is active.
    ReplicaLagPanel(ConnectionSession *session, ViewPage *page, QWidget *parent = nullptr);
    ~ReplicaLagPanel() override;

    void setSampleInterval(std::chrono::milliseconds interval);
    bool isSampling() const { return m_timer.isActive(); }
    // Samples started, and samples whose answer arrived.
    qint64 startedCount() const { return m_started; }
    qint64 sampleCount() const { return m_finished; }
    // Points charted for replica `index` (looks that found its lag).
    int historySize(int index) const;

    // The one line shown without replicas or a connection; empty while replicas are charted.
    QString noteText() const;
    // Null without replicas.
    TimeSeriesChart *chart() const { return m_chart; }
    ReplicaLagModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }

    // Starts a sample now unless one is in flight.
    void sampleNow();

signals:
    // After every sample that was not abandoned.
    void sampled();

private:
    using Probers = std::vector<ReplicaProber>;

    void onConnectionChanged();
    void setActive(bool active);
    void onSampled(const TaskOutcome<QList<ReplicaStatus>> &outcome);
    void redrawChart();

    ConnectionSession *m_session;
    bool m_active = false;
    QTimer m_timer;
    Duration m_maxLag{};
    // One prober per replica; a connection change replaces them, so a look of the old
    // connection still running never shares one with a new look.
    std::shared_ptr<Probers> m_probers;
    QFuture<QList<ReplicaStatus>> m_inFlight;
    quint64 m_generation = 0; // counts connection changes: older answers are dropped
    qint64 m_started = 0;
    qint64 m_finished = 0;
    // Per replica: (wall-clock seconds since the epoch, lag in seconds).
    std::vector<std::deque<QPointF>> m_history;

    QLabel *m_note = nullptr;
    TimeSeriesChart *m_chart = nullptr;
    ReplicaLagModel *m_model = nullptr;
    QTableView *m_table = nullptr;
};

} // namespace melodee
