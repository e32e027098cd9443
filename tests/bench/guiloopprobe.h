#pragma once
// Measuring helpers of bench_gui: percentiles, an event loop that spins until a condition, a
// probe for the GUI thread's longest stall, and the process's CPU time and memory.

#include <QElapsedTimer>
#include <QJsonObject>
#include <QString>
#include <QTimer>

#include <functional>
#include <vector>

namespace melodee::bench {

// Nearest-rank percentile.
double percentile(std::vector<double> v, double p);
double round2(double v);
// count, p50, p99 and max of v.
QJsonObject distribution(const std::vector<double> &v);
// Runs the event loop (a real one: QTest::qWait sleeps between passes and would itself make
// gaps) until done() or the timeout; true when done.
bool spinUntil(const std::function<bool()> &done, int timeoutMs);
// Runs the event loop for ms milliseconds.
void spinFor(int ms);
double processCpuSeconds();
// VmRSS / VmHWM from /proc/self/status, in MB.
double procStatusMb(const char *key);

// A 5 ms timer on the GUI thread; a late tick means the loop was busy that long.
class LoopProbe
{
public:
    LoopProbe()
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(5);
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            const double gap = double(now - m_last) / 1e6;
            m_gaps.push_back(gap);
            if (gap > m_worst) {
                m_worst = gap;
                m_worstDuring = m_action;
            }
            m_last = now;
        });
    }
    // Names what the benchmark is doing, so the longest gap can say during what it happened.
    void mark(const QString &action) { m_action = action; }
    void start()
    {
        m_gaps.clear();
        m_worst = 0;
        m_worstDuring.clear();
        m_clock.start();
        m_last = 0;
        m_timer.start();
    }
    QJsonObject stop()
    {
        m_timer.stop();
        const double seconds = double(m_clock.nsecsElapsed()) / 1e9;
        return {{QStringLiteral("max_gap_ms"),
                 round2(m_gaps.empty() ? 0 : *std::max_element(m_gaps.begin(), m_gaps.end()))},
                {QStringLiteral("p99_gap_ms"), round2(percentile(m_gaps, 99))},
                {QStringLiteral("p50_gap_ms"), round2(percentile(m_gaps, 50))},
                {QStringLiteral("ticks"), qint64(m_gaps.size())},
                {QStringLiteral("seconds"), round2(seconds)},
                {QStringLiteral("max_gap_during"), m_worstDuring}};
    }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    std::vector<double> m_gaps;
    double m_worst = 0;
    QString m_action, m_worstDuring;
};

} // namespace melodee::bench
