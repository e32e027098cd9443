#pragma once

#include "viewpage.h"

#include <charts/poolsamples.h>
#include <health/healthchecker.h>
#include <pool/poolbenchmark.h>

#include <async/whenfinished.h>

#include <QElapsedTimer>
#include <QFuture>
#include <QTimer>

#include <chrono>
#include <memory>
#include <optional>

class QLabel;
class QPushButton;
class QScrollArea;
class QSplitter;
class QSpinBox;
class QDoubleSpinBox;

namespace melodee {

class ActivityPanel;
class ConnectionPool;
class TimeSeriesChart;

// The Dashboard page: live charts of the session's pool (sampled at 1 Hz while the page is
// visible), the health badge, runtime pool settings and a load test on the same pool, the
// server's vital signs and the read replicas' lag. The charts and controls scroll above a
// splitter; the server activity table below it keeps at least five rows, from 1024×640 up.
class DashboardView : public ViewPage
{
    Q_OBJECT

public:
    explicit DashboardView(ConnectionSession *session, QWidget *parent = nullptr);
    ~DashboardView() override;
    // The navigation shows it before the view is built.
    static QString viewTitle();
    QString title() const override;

    // For tests and the screenshot: the sampler's state.
    void setSampleInterval(std::chrono::milliseconds interval);
    bool isSampling() const { return m_timer.isActive(); }
    qint64 sampleCount() const { return m_sampleCount; }
    const PoolSampleHistory &history() const { return m_history; }

    void startLoadTest(int workers, double seconds);
    void cancelLoadTest();
    bool isLoadTestRunning() const { return m_loadTest.isRunning(); }
    QString loadTestResultText() const;

    // Applies max open / max idle to the pool (on a worker: shrinking closes connections).
    void applyPoolSettings(int maxOpen, int maxIdle);

    // The server activity panel (pg_stat_activity), refreshed every 2 s while shown.
    ActivityPanel *activityPanel() const { return m_activity; }
    QList<TimeSeriesChart *> charts() const;
    QScrollArea *scrollArea() const { return m_scroll; }

signals:
    void loadTestFinished();
    void sampled();

protected:
    void activeChangedEvent(bool active) override;

private:
    void onConnectionChanged();
    void sampleNow();
    void redrawCharts();
    void onHealthReport(const HealthReport &report);
    void onLoadTestFinished(const TaskOutcome<PoolBenchmarkResult> &outcome,
                            const std::optional<PoolBenchmarkResult> &measured);

    std::shared_ptr<ConnectionPool> m_pool;
    QTimer m_timer;
    QElapsedTimer m_sinceLast;
    PoolRateCalculator m_rates;
    PoolSampleHistory m_history;
    qint64 m_sampleCount = 0;
    int m_maxIdle = 0;

    QLabel *m_badge = nullptr;
    TimeSeriesChart *m_connections = nullptr;
    TimeSeriesChart *m_waits = nullptr;
    TimeSeriesChart *m_waitTime = nullptr;
    TimeSeriesChart *m_latency = nullptr;
    QSpinBox *m_maxOpenEdit = nullptr;
    QSpinBox *m_maxIdleEdit = nullptr;
    QPushButton *m_applyButton = nullptr;
    QSpinBox *m_workersEdit = nullptr;
    QDoubleSpinBox *m_secondsEdit = nullptr;
    QPushButton *m_runButton = nullptr;
    QPushButton *m_cancelButton = nullptr;
    QLabel *m_loadResult = nullptr;
    ActivityPanel *m_activity = nullptr;
    QScrollArea *m_scroll = nullptr;
    QSplitter *m_splitter = nullptr;
    QFuture<PoolBenchmarkResult> m_loadTest;
};

} // namespace melodee
