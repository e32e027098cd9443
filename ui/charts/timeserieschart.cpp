#include "timeserieschart.h"

#include <style/theme.h>

#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QEvent>
#include <QLineSeries>
#include <QLocale>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace melodee {

namespace {

constexpr int kMinimumChartHeight = 200; // title, plot, both axes' labels and the legend
// Vertical room one y label needs; closer ticks make Qt Charts elide every label to "…".
constexpr double kPixelsPerTick = 26;

} // namespace

struct TimeSeriesChart::Private
{
    QChart *chart = nullptr;
    QCategoryAxis *x = nullptr;
    QValueAxis *y = nullptr;
    QList<QLineSeries *> series;
    QLineSeries *limit = nullptr; // setLimit()'s line, not one of `series`
    double limitValue = qQNaN();
    bool clock = false;
    double top = 0; // the highest value in the window
    int room = 0;   // how many intervals the plot's height has room for
    int decimals = 0;

    // A theme restyles every series: the limit is drawn dashed, in red, whatever the theme.
    void styleLimit()
    {
        QPen pen(QColor(0xe5, 0x39, 0x35));
        pen.setStyle(Qt::DashLine);
        pen.setWidthF(1.5);
        limit->setPen(pen);
    }

    // As many round ticks as the plot's height has room for labels.
    void applyYScale()
    {
        const double height = chart->plotArea().height();
        room = height > 0 ? std::clamp(int(height / kPixelsPerTick), 2, 6) : 4;
        const Scale scale = TimeSeriesChart::niceScale(top, room);
        y->setRange(0, scale.max);
        y->setTickCount(int(std::lround(scale.max / scale.step)) + 1);
        y->setLabelFormat(QStringLiteral("%.%1f").arg(scale.decimals));
        decimals = scale.decimals;
    }
};

TimeSeriesChart::TimeSeriesChart(const QString &title,
                                 const QStringList &seriesNames,
                                 const QString &unit,
                                 QWidget *parent)
    : QWidget(parent)
    , d(new Private)
{
    d->chart = new QChart;
    // Axis labels in the user's locale, like every other number in the window.
    d->chart->setLocalizeNumbers(true);
    d->chart->setLocale(QLocale());
    d->chart->setTitle(title);
    d->chart->legend()->setAlignment(Qt::AlignBottom);
    d->chart->setMargins(QMargins(2, 2, 2, 2));
    d->x = new QCategoryAxis;
    d->x->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    d->y = new QValueAxis;
    d->y->setTitleText(unit);
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
    // The plot's height decides how many ticks fit; the range changes only its width.
    connect(d->chart, &QChart::plotAreaChanged, this, [this](const QRectF &area) {
        if (std::clamp(int(area.height() / kPixelsPerTick), 2, 6) != d->room)
            d->applyYScale();
    });
    auto *view = new QChartView(d->chart, this); // the view owns the chart
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumSize(260, kMinimumChartHeight);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(view);
    setWindow(0, 300);
    followPalette();
}

void TimeSeriesChart::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        followPalette();
}

void TimeSeriesChart::followPalette()
{
    const QChart::ChartTheme theme
        = Theme::isDark(palette()) ? QChart::ChartThemeDark : QChart::ChartThemeLight;
    if (d->chart->theme() != theme) {
        d->chart->setTheme(theme);
        d->chart->setBackgroundBrush(palette().brush(QPalette::Base));
        if (d->limit)
            d->styleLimit();
    }
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

TimeSeriesChart::Scale TimeSeriesChart::niceScale(double top, int maxIntervals)
{
    Scale s;
    if (!(top > 0) || !std::isfinite(top))
        return s;
    // The smallest 1-2-2.5-5 step that covers top, with headroom, in at most maxIntervals.
    double magnitude = std::pow(10.0, std::floor(std::log10(top / maxIntervals)));
    for (;; magnitude *= 10) {
        for (const double m : {1.0, 2.0, 2.5, 5.0}) {
            const double step = m * magnitude;
            double intervals = std::ceil(top / step - 1e-9);
            if (intervals * step <= top * (1 + 1e-9))
                intervals += 1; // the highest point never sits on the frame
            if (intervals > maxIntervals)
                continue;
            s.step = step;
            s.max = intervals * step;
            s.decimals = 0;
            while (s.decimals < 9) {
                const double scaled = step * std::pow(10.0, s.decimals);
                if (std::abs(scaled - std::round(scaled)) < 1e-6 * scaled)
                    break;
                ++s.decimals;
            }
            return s;
        }
    }
}

std::pair<double, double> TimeSeriesChart::timeSpan(double seconds, double windowSeconds)
{
    for (const auto &[span, step] : {std::pair{30.0, 10.0},
                                     std::pair{60.0, 15.0},
                                     std::pair{120.0, 30.0},
                                     std::pair{300.0, 60.0},
                                     std::pair{600.0, 120.0}}) {
        if (seconds <= span || span >= windowSeconds)
            return {std::min(span, windowSeconds), step};
    }
    return {windowSeconds, windowSeconds / 5};
}

QString TimeSeriesChart::clockLabel(double epochSeconds)
{
    return QDateTime::fromMSecsSinceEpoch(qint64(std::llround(epochSeconds * 1000)))
        .time()
        .toString(QStringLiteral("HH:mm:ss"));
}

void TimeSeriesChart::setLimit(double value, const QString &name)
{
    if (!d->limit) {
        d->limit = new QLineSeries;
        d->chart->addSeries(d->limit);
        d->styleLimit();
        d->limit->attachAxis(d->x);
        d->limit->attachAxis(d->y);
    }
    d->limit->setName(name);
    d->limitValue = value;
    d->limit->setVisible(!std::isnan(value));
    // Redrawn over the current span by the next setWindow().
    const double start = d->x->min();
    const double end = d->x->max();
    d->limit->replace(std::isnan(value) ? QList<QPointF>{}
                                        : QList<QPointF>{{start, value}, {end, value}});
    if (!std::isnan(value) && value > d->top) {
        d->top = value;
        d->applyYScale();
    }
}

double TimeSeriesChart::limit() const
{
    return d->limitValue;
}

void TimeSeriesChart::setClockLabels(bool clock)
{
    d->clock = clock;
}

QString TimeSeriesChart::relativeLabel(double secondsAgo, bool minutes)
{
    const qint64 s = qint64(std::llround(secondsAgo));
    if (s <= 0)
        return tr("now");
    // U+2212 MINUS SIGN: the typographic minus, as a label should have.
    if (!minutes || s % 60 != 0)
        return tr("\u2212%1 s").arg(s);
    return tr("\u2212%1 min").arg(s / 60);
}

void TimeSeriesChart::setWindow(double endSeconds, double windowSeconds)
{
    // The axis spans the data (at most the window) so a short history still fills the chart.
    double first = endSeconds;
    double top = 0;
    for (const QLineSeries *s : d->series) {
        for (const QPointF &p : s->points()) {
            if (p.x() < endSeconds - windowSeconds)
                continue;
            top = std::max(top, p.y());
            first = std::min(first, p.x());
        }
    }
    const auto [span, step] = timeSpan(endSeconds - first, windowSeconds);
    const double start = endSeconds - span;
    for (const QString &label : d->x->categoriesLabels())
        d->x->remove(label);
    d->x->setStartValue(start);
    const bool minutes = step >= 60;
    if (d->clock) {
        // Ticks on round times of day (time zones are whole minutes away from UTC); none so
        // close to the newest point that its label would stick out of the chart.
        const double last = endSeconds - span * 0.08;
        for (double t = std::ceil(start / step - 1e-9) * step; t <= last; t += step)
            d->x->append(clockLabel(t), t);
    } else {
        for (double ago = span; ago >= 0; ago -= step)
            d->x->append(relativeLabel(ago, minutes), endSeconds - ago);
    }
    d->x->setRange(start, endSeconds);

    if (d->limit && !std::isnan(d->limitValue)) {
        d->limit->replace({{start, d->limitValue}, {endSeconds, d->limitValue}});
        top = std::max(top, d->limitValue);
    }
    d->top = top;
    d->applyYScale();
}

QStringList TimeSeriesChart::xLabels() const
{
    return d->x->categoriesLabels();
}

QStringList TimeSeriesChart::yLabels() const
{
    QStringList labels;
    const int ticks = d->y->tickCount();
    for (int i = 0; i < ticks; ++i) {
        const double v = d->y->min() + (d->y->max() - d->y->min()) * i / std::max(1, ticks - 1);
        labels << d->chart->locale().toString(v, 'f', d->decimals); // as the chart draws it
    }
    return labels;
}

} // namespace melodee
