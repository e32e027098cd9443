#include "partitiontimeline.h"

#include <i18n/numberformat.h>

#include <QEvent>
#include <QHelpEvent>
#include <QLocale>
#include <QScrollBar>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace melodee {

namespace {

QString utc(const QDateTime &t)
{
    return t.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"));
}

} // namespace

QString formatBytes(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

PartitionTimeline::PartitionTimeline(QWidget *parent)
    : QAbstractScrollArea(parent)
    , m_now(QDateTime::currentDateTimeUtc())
{
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOn);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    viewport()->setMouseTracking(true);
    viewport()->setAttribute(Qt::WA_OpaquePaintEvent);
    horizontalScrollBar()->setSingleStep(20);
    setFrameShape(QFrame::NoFrame);
}

QSize PartitionTimeline::sizeHint() const
{
    const int lanes = qMax(2, int(m_tables.size()));
    return {900, kAxisHeight + lanes * (kLaneHeight + kLaneGap) + kLegendHeight + 20};
}

QSize PartitionTimeline::minimumSizeHint() const
{
    return {kLabelWidth + kDefaultWidth + 200, kAxisHeight + kLaneHeight + kLegendHeight + 20};
}

double PartitionTimeline::monthValue(const QDateTime &t)
{
    const QDateTime u = t.toUTC();
    const QDate d = u.date();
    const QDateTime first(QDate(d.year(), d.month(), 1), QTime(0, 0), Qt::UTC);
    const double secs = double(first.secsTo(u));
    const double monthSecs = double(d.daysInMonth()) * 86400.0;
    return d.year() * 12 + (d.month() - 1) + secs / monthSecs;
}

void PartitionTimeline::setTables(const QList<PartitionedTableInfo> &tables)
{
    const double leftBefore = monthAt(kLabelWidth);
    m_tables = tables;
    m_lanes.clear();
    m_maxMeasure = 1;
    const double nowMonth = monthValue(m_now);
    double lo = nowMonth - 12;
    double hi = std::floor(nowMonth) + m_premake + 1;
    for (const PartitionedTableInfo &t : std::as_const(m_tables)) {
        LaneGeometry lane;
        for (int i = 0; i < t.partitions.size(); ++i) {
            const PartitionInfo &p = t.partitions[i];
            if (p.isDefault || !p.from.isValid())
                continue;
            Block b{monthValue(p.from), monthValue(p.to), i};
            lane.partitions << b;
            lo = std::min(lo, b.start);
            hi = std::max(hi, b.end);
            m_maxMeasure = std::max(m_maxMeasure, measure(p));
        }
        for (const auto &g : t.gaps)
            lane.gaps << Block{monthValue(g.first), monthValue(g.second), -1};
        m_lanes << lane;
    }
    m_minMonth = std::floor(lo) - 1;
    m_maxMonth = std::ceil(hi) + 2;
    // The first data opens with "now" at 60 % of the view; later reloads keep the user's place.
    const bool position = !m_positioned && !m_lanes.isEmpty();
    updateScrollRange(position ? nowMonth - m_years * 12 * 0.6 : leftBefore);
    m_positioned = m_positioned || position;
    updateGeometry();
    viewport()->update();
}

void PartitionTimeline::setNow(const QDateTime &now)
{
    m_now = now.toUTC();
    setTables(m_tables);
}

void PartitionTimeline::setPremakeMonths(int months)
{
    m_premake = months;
    viewport()->update();
}

void PartitionTimeline::setRetentionMonths(int months)
{
    m_retention = qMax(0, months);
    viewport()->update();
}

void PartitionTimeline::setDriftFindings(const QHash<QString, QStringList> &findings)
{
    m_drift = findings;
    viewport()->update();
}

QRect PartitionTimeline::driftMarkRect(int lane, int index) const
{
    const QRect r = partitionRect(lane, index);
    if (r.width() < 6)
        return {};
    const PartitionInfo &p = m_tables[lane].partitions[m_lanes[lane].partitions[index].info];
    if (m_drift.value(p.name).isEmpty())
        return {};
    const int side = qMin(12, r.width() - 2);
    return QRect(r.right() - side, r.top(), side + 1, side + 1);
}

void PartitionTimeline::setShading(Shading shading)
{
    m_shading = shading;
    setTables(m_tables);
}

void PartitionTimeline::setVisibleYears(int years)
{
    years = qBound(1, years, 10);
    if (years == m_years)
        return;
    // Keep the month in the middle of the view where it is.
    const double centre = monthAt(kLabelWidth + monthAreaWidth() / 2);
    m_years = years;
    updateScrollRange(centre - m_years * 12 / 2.0);
    viewport()->update();
    emit visibleYearsChanged(m_years);
}

void PartitionTimeline::scrollToMonth(const Month &month)
{
    updateScrollRange(month.index());
}

Month PartitionTimeline::firstVisibleMonth() const
{
    const int idx = int(std::ceil(monthAt(kLabelWidth) - 1e-6));
    return {idx / 12, idx % 12 + 1};
}

int PartitionTimeline::monthAreaWidth() const
{
    return qMax(50, viewport()->width() - kLabelWidth - kDefaultWidth);
}

double PartitionTimeline::pixelsPerMonth() const
{
    return double(monthAreaWidth()) / (m_years * 12);
}

int PartitionTimeline::xFor(double month) const
{
    return kLabelWidth + int(std::lround((month - m_minMonth) * pixelsPerMonth()))
           - horizontalScrollBar()->value();
}

double PartitionTimeline::monthAt(int x) const
{
    return m_minMonth + (x - kLabelWidth + horizontalScrollBar()->value()) / pixelsPerMonth();
}

int PartitionTimeline::laneTop(int lane) const
{
    return kAxisHeight + lane * (kLaneHeight + kLaneGap) + kLaneGap / 2;
}

void PartitionTimeline::updateScrollRange(double keepMonthAtLeft)
{
    QScrollBar *bar = horizontalScrollBar();
    const double ppm = pixelsPerMonth();
    const int content = int(std::ceil((m_maxMonth - m_minMonth) * ppm));
    bar->setRange(0, qMax(0, content - monthAreaWidth()));
    bar->setPageStep(monthAreaWidth());
    bar->setSingleStep(qMax(1, int(ppm)));
    if (keepMonthAtLeft >= 0)
        bar->setValue(int(std::lround((keepMonthAtLeft - m_minMonth) * ppm)));
}

void PartitionTimeline::resizeEvent(QResizeEvent *event)
{
    const double left = monthAt(kLabelWidth);
    QAbstractScrollArea::resizeEvent(event);
    updateScrollRange(left);
}

void PartitionTimeline::scrollContentsBy(int, int)
{
    viewport()->update();
}

void PartitionTimeline::wheelEvent(QWheelEvent *event)
{
    const QPoint delta = event->angleDelta();
    if (event->modifiers() & Qt::ControlModifier) {
        if (delta.y() != 0)
            setVisibleYears(m_years + (delta.y() > 0 ? -1 : 1));
        event->accept();
        return;
    }
    // A vertical wheel scrolls along time: the timeline has nothing to scroll vertically.
    const int step = delta.x() != 0 ? delta.x() : delta.y();
    horizontalScrollBar()->setValue(horizontalScrollBar()->value() - step);
    event->accept();
}

QRect PartitionTimeline::partitionRect(int lane, int index) const
{
    if (lane < 0 || lane >= m_lanes.size() || index < 0 || index >= m_lanes[lane].partitions.size())
        return {};
    const Block &b = m_lanes[lane].partitions[index];
    const int x0 = xFor(b.start);
    const int x1 = xFor(b.end);
    QRect r(x0 + 1, laneTop(lane), qMax(1, x1 - x0 - 1), kLaneHeight);
    return r.intersected(QRect(kLabelWidth, 0, monthAreaWidth(), viewport()->height()));
}

QRect PartitionTimeline::gapRect(int lane, int index) const
{
    if (lane < 0 || lane >= m_lanes.size() || index < 0 || index >= m_lanes[lane].gaps.size())
        return {};
    const Block &b = m_lanes[lane].gaps[index];
    QRect r(xFor(b.start), laneTop(lane), qMax(2, xFor(b.end) - xFor(b.start)), kLaneHeight);
    return r.intersected(QRect(kLabelWidth, 0, monthAreaWidth(), viewport()->height()));
}

QRect PartitionTimeline::defaultRect(int lane) const
{
    if (lane < 0 || lane >= m_tables.size() || !m_tables[lane].hasDefault)
        return {};
    return QRect(
        viewport()->width() - kDefaultWidth + 8, laneTop(lane), kDefaultWidth - 14, kLaneHeight);
}

PartitionTimeline::Hit PartitionTimeline::hitTest(const QPoint &pos) const
{
    Hit hit;
    for (int lane = 0; lane < m_lanes.size(); ++lane) {
        if (pos.y() < laneTop(lane) || pos.y() >= laneTop(lane) + kLaneHeight)
            continue;
        hit.lane = lane;
        if (pos.x() < kLabelWidth) {
            hit.kind = Hit::Label;
            return hit;
        }
        if (pos.x() >= kLabelWidth + monthAreaWidth()) {
            if (defaultRect(lane).contains(pos))
                hit.kind = Hit::Default;
            return hit;
        }
        const LaneGeometry &g = m_lanes[lane];
        for (int i = 0; i < g.gaps.size(); ++i) {
            if (gapRect(lane, i).contains(pos)) {
                hit.kind = Hit::Gap;
                hit.index = i;
                return hit;
            }
        }
        const double m = monthAt(pos.x());
        auto it = std::partition_point(
            g.partitions.cbegin(), g.partitions.cend(), [m](const Block &b) { return b.end <= m; });
        if (it != g.partitions.cend() && it->start <= m) {
            hit.kind = Hit::Partition;
            hit.index = int(it - g.partitions.cbegin());
        }
        return hit;
    }
    return hit;
}

QString PartitionTimeline::toolTipText(const Hit &hit) const
{
    if (hit.lane < 0 || hit.lane >= m_tables.size())
        return {};
    const PartitionedTableInfo &t = m_tables[hit.lane];
    switch (hit.kind) {
    case Hit::Partition: {
        const QList<Block> &blocks = m_lanes[hit.lane].partitions;
        if (hit.index >= 0 && hit.index < blocks.size()) {
            const PartitionInfo &p = t.partitions[blocks[hit.index].info];
            const QString rows = p.exactRows >= 0
                                     ? tr("%1 rows").arg(melodee::formatCount(p.exactRows))
                                 : p.estimatedRows >= 0
                                     ? tr("≈ %1 rows").arg(melodee::formatCount(p.estimatedRows))
                                     : tr("rows not estimated yet (never analysed)");
            QString text
                = tr("%1\nfrom %2\nto %3\n%4\n%5 on disk")
                      .arg(p.name, utc(p.from), utc(p.to), rows, formatBytes(p.totalBytes));
            const QStringList drift = m_drift.value(p.name);
            if (!drift.isEmpty())
                text += tr("\nDrift (partitions check):\n%1").arg(drift.join(QLatin1Char('\n')));
            if (m_retention > 0 && markerX(Marker::Retention) >= xFor(monthValue(p.to)))
                text += tr(
                    "\nOlder than the retention horizon (%n month(s) kept)", nullptr, m_retention);
            return text;
        }
        return {};
    }
    case Hit::Gap: {
        const auto &g = t.gaps.value(hit.index);
        return tr("Gap in %1: no partition\nfrom %2\nto %3\nRows for these dates go to the default "
                  "partition.")
            .arg(t.table, utc(g.first), utc(g.second));
    }
    case Hit::Default: {
        qint64 bytes = 0;
        QString name;
        for (const PartitionInfo &p : t.partitions) {
            if (p.isDefault) {
                bytes = p.totalBytes;
                name = p.name;
            }
        }
        QString text = tr("%1 (default partition)\n%2 rows\n%3 on disk")
                           .arg(name, melodee::formatCount(t.defaultRows), formatBytes(bytes));
        if (t.defaultRows > 0)
            text += tr("\nRows here are outside every month partition: use \"Move rows out of "
                       "default\".");
        return text;
    }
    case Hit::Label:
        return tr("%1\n%2 month partitions, %3 gaps, %4 months ahead covered")
            .arg(t.table)
            .arg(m_lanes.value(hit.lane).partitions.size())
            .arg(t.gaps.size())
            .arg(t.monthsAhead);
    case Hit::None:
        break;
    }
    return {};
}

bool PartitionTimeline::viewportEvent(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QString text = toolTipText(hitTest(help->pos()));
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, viewport());
        return true;
    }
    return QAbstractScrollArea::viewportEvent(event);
}

QRect PartitionTimeline::monthArea() const
{
    return QRect(kLabelWidth, 0, monthAreaWidth(), viewport()->height() - kLegendHeight);
}

QRect PartitionTimeline::yearLabelRect(int month) const
{
    return QRect(xFor(month) + 3, kYearRowTop, 60, kRowHeight);
}

QList<QRect> PartitionTimeline::yearLabelRects() const
{
    // Every year name that shows, also one whose January is just left of the month area.
    QList<QRect> out;
    const QRect area = monthArea();
    const int first = int(std::floor(monthAt(area.left() - yearLabelRect(0).width() - 3)));
    for (int m = qMax(0, first); m <= int(std::ceil(monthAt(area.right()))); ++m) {
        if (m % 12 == 0 && yearLabelRect(m).intersects(area))
            out << yearLabelRect(m);
    }
    return out;
}

int PartitionTimeline::markerX(Marker marker) const
{
    const double nowMonth = monthValue(m_now);
    if (marker == Marker::Retention)
        return xFor(std::floor(nowMonth) - m_retention);
    return marker == Marker::Now ? xFor(nowMonth) : xFor(std::floor(nowMonth) + m_premake);
}

int PartitionTimeline::markerLabelWidth(Marker marker) const
{
    const QString name = marker == Marker::Now       ? tr("now")
                         : marker == Marker::Premake ? tr("premake")
                                                     : tr("retention");
    return fontMetrics().horizontalAdvance(name) + 6;
}

QRect PartitionTimeline::markerLabelRect(Marker marker) const
{
    // "now" left of its line and premake right of its own: the horizon is never before now, so
    // the two only meet when "now" has to move right at the left edge, and then premake yields.
    const int nowX = markerX(Marker::Now);
    QRect now(0, kMarkerRowTop, markerLabelWidth(Marker::Now), kRowHeight);
    now.moveRight(nowX - 3);
    if (now.left() < monthArea().left())
        now.moveLeft(nowX + 3);
    if (marker == Marker::Now)
        return now;
    if (marker == Marker::Retention) {
        // Left of its line, and left of "now"'s name when they would meet.
        QRect keep(0, kMarkerRowTop, markerLabelWidth(Marker::Retention), kRowHeight);
        keep.moveRight(markerX(Marker::Retention) - 3);
        if (keep.right() >= now.left() - 3)
            keep.moveRight(now.left() - 4);
        return keep;
    }
    QRect premake(
        markerX(Marker::Premake) + 3, kMarkerRowTop, markerLabelWidth(Marker::Premake), kRowHeight);
    if (premake.left() <= now.right() + 3)
        premake.moveLeft(now.right() + 4);
    return premake;
}

} // namespace melodee
