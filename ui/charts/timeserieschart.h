#pragma once

#include <QList>
#include <QPointF>
#include <QStringList>
#include <QWidget>

namespace melodee {

// The thin Qt Charts adapter: a line chart with named series over a sliding time window. Views
// hand it whole point lists (QXYSeries::replace, one repaint) and never include QtCharts.
// The x axis reads "−4 min … now" relative to the newest point; the y axis starts at 0 and ends
// on a round number with round ticks, labelled without exponents.
class TimeSeriesChart : public QWidget
{
    Q_OBJECT

public:
    TimeSeriesChart(const QString &title,
                    const QStringList &seriesNames,
                    const QString &unit,
                    QWidget *parent = nullptr);
    ~TimeSeriesChart() override;

    int seriesCount() const;
    // Replaces all points of series `index`; x in seconds.
    void setPoints(int index, const QList<QPointF> &points);
    // Shows the data within [end - window, end] on x and 0 .. a round number above max(y) on y.
    void setWindow(double endSeconds, double windowSeconds);
    int pointCount(int index) const;

    // A dashed horizontal line at `value` across the x axis, named `name` in the legend; the y
    // axis always reaches above it. A NaN value removes it.
    void setLimit(double value, const QString &name);
    double limit() const;
    // With clock labels, x is seconds since the epoch and the x axis reads the local time of day
    // ("14:05:30") instead of "−45 s … now".
    void setClockLabels(bool clock);

    // What the axes show now, for tests.
    QStringList xLabels() const;
    QStringList yLabels() const;

    // A y axis 0..max with `step` between ticks: the smallest step of 1, 2, 2.5 or 5 times a
    // power of ten that covers top (with headroom) in at most maxIntervals, and the decimals
    // that step needs.
    struct Scale
    {
        double max = 1;
        double step = 0.25;
        int decimals = 2;
    };
    static Scale niceScale(double top, int maxIntervals = 6);
    // The x axis span shown for `seconds` of data (at least 30 s, at most the window) and the
    // distance between its labels.
    static std::pair<double, double> timeSpan(double seconds, double windowSeconds);
    // "−45 s", "now"; with minutes, whole minutes read "−2 min".
    static QString relativeLabel(double secondsAgo, bool minutes = false);
    // "14:05:30": the local time of day at `epochSeconds`.
    static QString clockLabel(double epochSeconds);

protected:
    // A light or dark palette gives the chart the matching theme (a switch included).
    void changeEvent(QEvent *event) override;

private:
    void followPalette();

    struct Private;
    Private *d;
};

} // namespace melodee
