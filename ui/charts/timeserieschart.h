#pragma once

#include <QList>
#include <QPointF>
#include <QStringList>
#include <QWidget>

namespace melodee {

// The thin Qt Charts adapter: a line chart with named series over a sliding time window. Views
// hand it whole point lists (QXYSeries::replace, one repaint) and never include QtCharts.
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
    // Replaces all points of series `index`.
    void setPoints(int index, const QList<QPointF> &points);
    // Shows the data within [end - window, end] on x and 0 .. max(y)*1.1 on y.
    void setWindow(double endSeconds, double windowSeconds);
    int pointCount(int index) const;

private:
    struct Private;
    Private *d;
};

} // namespace melodee
