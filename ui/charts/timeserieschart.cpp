#include "timeserieschart.h"

#include <QChart>
#include <QChartView>
#include <QLineSeries>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>

namespace melodee {

struct TimeSeriesChart::Private
{
    QChart *chart = nullptr;
    QValueAxis *x = nullptr;
    QValueAxis *y = nullptr;
    QList<QLineSeries *> series;
};

TimeSeriesChart::TimeSeriesChart(const QString &title,
                                 const QStringList &seriesNames,
                                 const QString &unit,
                                 QWidget *parent)
    : QWidget(parent)
    , d(new Private)
{
    d->chart = new QChart;
    d->chart->setTitle(title);
    d->chart->legend()->setAlignment(Qt::AlignBottom);
    d->chart->setMargins(QMargins(2, 2, 2, 2));
    d->x = new QValueAxis;
    d->x->setLabelFormat(QStringLiteral("%.0f s"));
    d->y = new QValueAxis;
    d->y->setTitleText(unit);
    d->y->setLabelFormat(QStringLiteral("%.3g"));
    d->chart->addAxis(d->x, Qt::AlignBottom);
    d->chart->addAxis(d->y, Qt::AlignLeft);
    for (const QString &name : seriesNames) {
        auto *s = new QLineSeries;
        s->setName(name);
        d->chart->addSeries(s);
        s->attachAxis(d->x);
        s->attachAxis(d->y);
        d->series.append(s);
    }
    auto *view = new QChartView(d->chart, this); // the view owns the chart
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumSize(280, 200);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(view);
}

TimeSeriesChart::~TimeSeriesChart()
{
    delete d;
}

int TimeSeriesChart::seriesCount() const
{
    return int(d->series.size());
}

void TimeSeriesChart::setPoints(int index, const QList<QPointF> &points)
{
    d->series.at(index)->replace(points);
}

int TimeSeriesChart::pointCount(int index) const
{
    return d->series.at(index)->count();
}

void TimeSeriesChart::setWindow(double endSeconds, double windowSeconds)
{
    // The axis spans the data (at most the window) so a short history still fills the chart.
    double first = endSeconds;
    double top = 0;
    for (const QLineSeries *s : d->series) {
        for (const QPointF &p : s->points()) {
            top = std::max(top, p.y());
            first = std::min(first, p.x());
        }
    }
    const double start = std::max(first, endSeconds - windowSeconds);
    d->x->setRange(start, std::max(endSeconds, start + 10));
    d->y->setRange(0, top > 0 ? top * 1.1 : 1);
}

} // namespace melodee
