#pragma once

#include <activity/servervitals.h>
#include <async/whenfinished.h>

#include <QFuture>
#include <QGroupBox>
#include <QTimer>

#include <chrono>
#include <deque>
#include <memory>
#include <optional>

class QGridLayout;
class QLabel;
class QTableView;

namespace melodee {

class ConnectionPool;
class ConnectionSession;
class ErrorBanner;
class LockWaitModel;
class PartitionVacuumModel;
class TimeSeriesChart;
class ViewPage;

// The Dashboard's "Server vital signs": transactions, tuples and block I/O per second from
// pg_stat_database (rates over the server time that really passed between two samples), sessions
// by state, lock waits with who blocks whom, the oldest open transaction, and autovacuum on the
// partitions. Samples (ServerVitals, one statement under a deadline) run on the pool's workers,
// every 2 s while the page is shown and not at all while it is hidden.
class VitalsPanel : public QGroupBox
{
    Q_OBJECT

public:
    // Follows the session's connection and samples only while `page` is active.
    VitalsPanel(ConnectionSession *session, ViewPage *page, QWidget *parent = nullptr);
    ~VitalsPanel() override;

    void setSampleInterval(std::chrono::milliseconds interval);
    bool isSampling() const { return m_timer.isActive(); }
    // Samples sent to the server, and samples whose answer (or error) arrived.
    qint64 startedCount() const { return m_started; }
    qint64 sampleCount() const { return m_finished; }
    const std::optional<VitalsSample> &lastSample() const { return m_last; }
    const VitalsRates &lastRates() const { return m_lastRates; }
    // The charts' points: one per sample with valid rates, at the server time it was taken.
    int historySize() const { return int(m_history.size()); }
    // Their x: seconds on the server's clock since the connection's first sample.
    QList<double> historyTimes() const;

    QList<TimeSeriesChart *> charts() const;
    LockWaitModel *lockWaitModel() const { return m_lockModel; }
    PartitionVacuumModel *partitionModel() const { return m_partModel; }
    QTableView *lockWaitTable() const { return m_lockTable; }
    QTableView *partitionTable() const { return m_partTable; }
    QString sessionsText() const;
    QString oldestTransactionText() const;
    ErrorBanner *banner() const { return m_banner; }

    // Starts a sample now unless one is in flight.
    void sampleNow();

signals:
    // After every sample that was not abandoned; ok is false when it failed.
    void sampled(bool ok);

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    struct Point
    {
        double t = 0; // seconds since the first sample of this connection, server clock
        VitalsRates rates;
    };

    void onConnectionChanged();
    void setActive(bool active);
    void onSampled(const TaskOutcome<VitalsSample> &outcome);
    void showFacts(const VitalsSample &s);
    void redrawCharts();
    void arrangeCharts(int columns);

    ConnectionSession *m_session;
    std::shared_ptr<ConnectionPool> m_pool;
    QString m_tablePrefix;
    bool m_active = false;
    QTimer m_timer;
    QFuture<VitalsSample> m_inFlight;
    quint64 m_generation = 0; // counts connection changes: older answers are dropped
    qint64 m_started = 0;
    qint64 m_finished = 0;
    std::optional<VitalsSample> m_last;
    VitalsRates m_lastRates;
    qint64 m_originUs = 0;
    std::deque<Point> m_history;
    QString m_error; // the failure the banner shows, if any

    QGridLayout *m_chartGrid = nullptr;
    int m_columns = 0;
    TimeSeriesChart *m_tx = nullptr;
    TimeSeriesChart *m_tuplesOut = nullptr;
    TimeSeriesChart *m_tuplesIn = nullptr;
    TimeSeriesChart *m_blocks = nullptr;
    ErrorBanner *m_banner = nullptr;
    QLabel *m_sessions = nullptr;
    QLabel *m_oldest = nullptr;
    QLabel *m_lockTitle = nullptr;
    QLabel *m_partTitle = nullptr;
    LockWaitModel *m_lockModel = nullptr;
    PartitionVacuumModel *m_partModel = nullptr;
    QTableView *m_lockTable = nullptr;
    QTableView *m_partTable = nullptr;
};

} // namespace melodee
