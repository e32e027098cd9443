#pragma once

#include <pool/replicastatus.h>

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
class ReplicaRouter;
class ReplicaLagModel;
class TimeSeriesChart;
class ViewPage;

// The Dashboard's "Replica lag": the replay lag of each read replica (database.replicas) over
// wall-clock time, one line per replica named host:port, with database.max_replica_lag as a
// dashed line, and a table saying whether each replica is in the read rotation and if not why.
// What it shows is the session's ReplicaRouter's own verdict: the router's prober looks at every
// replica (a connection each, connect_timeout at most 2 s, a statement deadline) for routing
// reads, and the panel reads the router's last looks every 2 s while the page is shown, without
// any network call and not at all while the page is hidden. So the panel and the read routing
// never disagree, and a replica sees one monitoring session. Without replicas it says so.
class ReplicaLagPanel : public QGroupBox
{
    Q_OBJECT

public:
    // Follows the session's connection and samples only while `page` is active.
    ReplicaLagPanel(ConnectionSession *session, ViewPage *page, QWidget *parent = nullptr);
    ~ReplicaLagPanel() override;

    void setSampleInterval(std::chrono::milliseconds interval);
    bool isSampling() const { return m_timer.isActive(); }
    // Samples taken of the router's looks.
    qint64 sampleCount() const { return m_samples; }
    // Points charted for replica `index` (looks that found its lag).
    int historySize(int index) const;

    // The one line shown without replicas or a connection; empty while replicas are charted.
    QString noteText() const;
    // Null without replicas.
    TimeSeriesChart *chart() const { return m_chart; }
    ReplicaLagModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }

    // Takes a sample now (no network: the router's last looks).
    void sampleNow();

signals:
    // After every sample that was not abandoned.
    void sampled();

private:
    void onConnectionChanged();
    void setActive(bool active);
    void redrawChart();

    ConnectionSession *m_session;
    bool m_active = false;
    QTimer m_timer;
    Duration m_maxLag{};
    // The session's router while it has replicas; null otherwise.
    std::shared_ptr<ReplicaRouter> m_router;
    qint64 m_samples = 0;
    // Per replica: (wall-clock seconds since the epoch, lag in seconds).
    std::vector<std::deque<QPointF>> m_history;

    QLabel *m_note = nullptr;
    TimeSeriesChart *m_chart = nullptr;
    ReplicaLagModel *m_model = nullptr;
    QTableView *m_table = nullptr;
};

} // namespace melodee
