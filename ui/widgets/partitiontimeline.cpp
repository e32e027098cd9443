#include "partitiontimeline.h"

#include <QEvent>
#include <QHelpEvent>
#include <QLocale>
#include <QPaintEvent>
#include <QPainter>
#include <QPainterPath>
#include <QScrollBar>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace melodee {

namespace {

bool isDark(const QPalette &pal)
{
    return pal.color(QPalette::Base).lightness() < 128;
}

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

qint64 PartitionTimeline::measure(const PartitionInfo &p) const
{
    if (m_shading == Shading::Size)
        return p.totalBytes;
    return p.exactRows >= 0 ? p.exactRows : qMax<qint64>(0, p.estimatedRows);
}

QColor PartitionTimeline::shade(qint64 value) const
{
    // Logarithmic: one busy month must not wash out every other month.
    const double t
        = value <= 0 ? 0.0 : std::log1p(double(value)) / std::log1p(double(m_maxMeasure));
    const bool dark = isDark(palette());
    const QColor lo = dark ? QColor(0x2b, 0x3a, 0x4f) : QColor(0xe3, 0xee, 0xfa);
    const QColor hi = dark ? QColor(0x64, 0xb5, 0xf6) : QColor(0x15, 0x57, 0xb0);
    const auto mix = [t](int a, int b) {
        return int(a + (b - a) * t);
    };
    return QColor(mix(lo.red(), hi.red()), mix(lo.green(), hi.green()), mix(lo.blue(), hi.blue()));
}

QString PartitionTimeline::formatCount(qint64 v) const
{
    if (m_shading == Shading::Size)
        return formatBytes(v);
    if (v >= 10'000'000)
        return QStringLiteral("%1M").arg(v / 1'000'000);
    if (v >= 10'000)
        return QStringLiteral("%1k").arg(v / 1000);
    return QString::number(v);
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
    const QLocale loc;
    switch (hit.kind) {
    case Hit::Partition: {
        const QList<Block> &blocks = m_lanes[hit.lane].partitions;
        if (hit.index >= 0 && hit.index < blocks.size()) {
            const PartitionInfo &p = t.partitions[blocks[hit.index].info];
            const QString rows = p.exactRows >= 0 ? tr("%1 rows").arg(loc.toString(p.exactRows))
                                 : p.estimatedRows >= 0
                                     ? tr("≈ %1 rows").arg(loc.toString(p.estimatedRows))
                                     : tr("rows not estimated yet (never analysed)");
            return tr("%1\nfrom %2\nto %3\n%4\n%5 on disk")
                .arg(p.name, utc(p.from), utc(p.to), rows, formatBytes(p.totalBytes));
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
                           .arg(name, loc.toString(t.defaultRows), formatBytes(bytes));
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
    return marker == Marker::Now ? xFor(nowMonth) : xFor(std::floor(nowMonth) + m_premake);
}

int PartitionTimeline::markerLabelWidth(Marker marker) const
{
    const QString name = marker == Marker::Now ? tr("now") : tr("premake");
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
    QRect premake(
        markerX(Marker::Premake) + 3, kMarkerRowTop, markerLabelWidth(Marker::Premake), kRowHeight);
    if (premake.left() <= now.right() + 3)
        premake.moveLeft(now.right() + 4);
    return premake;
}

void PartitionTimeline::paintAxis(QPainter &p, double first, double last)
{
    const QPalette pal = palette();
    const double ppm = pixelsPerMonth();
    const QLocale loc;
    p.setPen(pal.color(QPalette::Text));
    QFont bold = font();
    bold.setBold(true);
    for (int m = int(std::floor(first)); m <= int(std::ceil(last)); ++m) {
        const int x = xFor(m);
        const int month = m % 12 + 1;
        if (month == 1) {
            p.setPen(pal.color(QPalette::Mid));
            p.drawLine(x, 4, x, viewport()->height() - kLegendHeight);
        }
        // Month labels only when they fit: initials from ~14 px, short names from ~30 px.
        if (ppm >= 14) {
            const QString label = ppm >= 30 ? loc.standaloneMonthName(month, QLocale::ShortFormat)
                                            : loc.standaloneMonthName(month, QLocale::NarrowFormat);
            p.setPen(pal.color(QPalette::PlaceholderText));
            p.drawText(QRect(x, kMonthRowTop, int(ppm), kRowHeight), Qt::AlignCenter, label);
        }
        p.setPen(pal.color(QPalette::Midlight));
        p.drawLine(x, kAxisHeight - 4, x, kAxisHeight);
    }
    p.setPen(pal.color(QPalette::Text));
    p.setFont(bold);
    const int from = int(std::floor(monthAt(monthArea().left() - yearLabelRect(0).width() - 3)));
    for (int m = qMax(0, from); m <= int(std::ceil(last)); ++m) {
        if (m % 12 == 0)
            p.drawText(yearLabelRect(m), Qt::AlignLeft | Qt::AlignVCenter, QString::number(m / 12));
    }
    p.setFont(font());
}

void PartitionTimeline::paintLegend(QPainter &p)
{
    const QPalette pal = palette();
    const int y = viewport()->height() - kLegendHeight + 8;
    int x = 10;
    p.setPen(pal.color(QPalette::Text));
    const QString what = m_shading == Shading::Rows ? tr("Shaded by rows:") : tr("Shaded by size:");
    const int w = p.fontMetrics().horizontalAdvance(what);
    p.drawText(QRect(x, y, w, 18), Qt::AlignVCenter, what);
    x += w + 8;
    p.drawText(QRect(x, y, 30, 18), Qt::AlignVCenter, formatCount(0));
    x += p.fontMetrics().horizontalAdvance(formatCount(0)) + 6;
    QLinearGradient grad(x, 0, x + 140, 0);
    for (int i = 0; i <= 8; ++i)
        grad.setColorAt(i / 8.0,
                        shade(qint64(std::expm1(std::log1p(double(m_maxMeasure)) * i / 8))));
    p.fillRect(QRect(x, y + 3, 140, 12), grad);
    x += 146;
    const QString maxText = formatCount(m_maxMeasure);
    p.drawText(QRect(x, y, 80, 18), Qt::AlignVCenter, maxText);
    x += p.fontMetrics().horizontalAdvance(maxText) + 24;

    const auto swatch = [&](const QColor &c, const QString &text, Qt::BrushStyle style) {
        p.fillRect(QRect(x, y + 3, 14, 12), QBrush(c, style));
        p.setPen(c);
        p.drawRect(QRect(x, y + 3, 14, 12));
        p.setPen(pal.color(QPalette::Text));
        x += 20;
        const int tw = p.fontMetrics().horizontalAdvance(text);
        p.drawText(QRect(x, y, tw, 18), Qt::AlignVCenter, text);
        x += tw + 18;
    };
    swatch(QColor(0xd3, 0x2f, 0x2f), tr("gap"), Qt::BDiagPattern);
    swatch(QColor(0xef, 0x6c, 0x00), tr("default partition holds rows"), Qt::SolidPattern);
    p.setPen(QPen(QColor(0xd3, 0x2f, 0x2f), 2));
    p.drawLine(x, y + 1, x, y + 17);
    x += 8;
    p.setPen(pal.color(QPalette::Text));
    p.drawText(QRect(x, y, 40, 18), Qt::AlignVCenter, tr("now"));
    x += p.fontMetrics().horizontalAdvance(tr("now")) + 18;
    p.setPen(QPen(pal.color(QPalette::Highlight), 2, Qt::DashLine));
    p.drawLine(x, y + 1, x, y + 17);
    x += 8;
    p.setPen(pal.color(QPalette::Text));
    p.drawText(QRect(x, y, 200, 18), Qt::AlignVCenter, tr("premake horizon"));
}

void PartitionTimeline::paintEvent(QPaintEvent *)
{
    QPainter p(viewport());
    const QPalette pal = palette();
    const QRect all = viewport()->rect();
    p.fillRect(all, pal.color(QPalette::Base));
    const bool dark = isDark(pal);
    const QRect monthArea = this->monthArea();
    const double first = monthAt(monthArea.left());
    const double last = monthAt(monthArea.right());
    m_lastPainted = 0;

    p.save();
    p.setClipRect(monthArea);
    paintAxis(p, first, last);
    const QColor gapColor(0xd3, 0x2f, 0x2f);
    for (int lane = 0; lane < m_lanes.size(); ++lane) {
        const LaneGeometry &g = m_lanes[lane];
        const PartitionedTableInfo &t = m_tables[lane];
        const int top = laneTop(lane);
        p.fillRect(QRect(monthArea.left(), top, monthArea.width(), kLaneHeight),
                   pal.color(QPalette::AlternateBase));
        // Only the partitions that overlap [first, last]: a binary search, then a short walk.
        auto it = std::partition_point(g.partitions.cbegin(),
                                       g.partitions.cend(),
                                       [first](const Block &b) { return b.end <= first; });
        int index = int(it - g.partitions.cbegin());
        for (; it != g.partitions.cend() && it->start <= last; ++it, ++index) {
            const QRect r = partitionRect(lane, index);
            const qint64 v = measure(t.partitions[it->info]);
            const QColor c = shade(v);
            p.fillRect(r, c);
            ++m_lastPainted;
            if (r.width() >= 34) {
                p.setPen(c.lightness() < 140 ? Qt::white : QColor(0x1d, 0x2b, 0x3a));
                p.drawText(r.adjusted(2, 2, -2, -2), Qt::AlignCenter, formatCount(v));
            }
        }
        for (int i = 0; i < g.gaps.size(); ++i) {
            if (g.gaps[i].end < first || g.gaps[i].start > last)
                continue;
            const QRect r = gapRect(lane, i);
            QColor bg = gapColor;
            bg.setAlpha(dark ? 90 : 50);
            p.fillRect(r, bg);
            p.fillRect(r, QBrush(gapColor, Qt::BDiagPattern));
            p.setPen(QPen(gapColor, 2));
            p.drawRect(r.adjusted(1, 1, -1, -1));
        }
    }
    // The premake horizon: partitions should exist up to here. The lines start below the year
    // and month names, and the markers' names have a row of their own (markerLabelRect).
    const auto marker = [&](Marker which, const QPen &pen, const QString &name) {
        const int x = markerX(which);
        p.setPen(pen);
        p.drawLine(x, kMarkerRowTop, x, monthArea.bottom());
        const QRect tag = markerLabelRect(which);
        p.fillRect(tag, pal.color(QPalette::Base));
        p.drawText(tag, Qt::AlignCenter, name);
    };
    marker(Marker::Premake, QPen(pal.color(QPalette::Highlight), 2, Qt::DashLine), tr("premake"));
    marker(Marker::Now, QPen(gapColor, 2), tr("now"));
    p.restore();

    // Lane labels (fixed on the left) and default partitions (fixed on the right).
    const QColor warn(0xef, 0x6c, 0x00);
    QFont bold = font();
    bold.setBold(true);
    for (int lane = 0; lane < m_tables.size(); ++lane) {
        const PartitionedTableInfo &t = m_tables[lane];
        const int top = laneTop(lane);
        p.setPen(pal.color(QPalette::Text));
        p.setFont(bold);
        p.drawText(QRect(10, top, kLabelWidth - 16, kLaneHeight / 2),
                   Qt::AlignLeft | Qt::AlignBottom,
                   t.table);
        p.setFont(font());
        p.setPen(pal.color(QPalette::PlaceholderText));
        p.drawText(QRect(10, top + kLaneHeight / 2, kLabelWidth - 16, kLaneHeight / 2),
                   Qt::AlignLeft | Qt::AlignTop,
                   t.exists ? tr("%1 partitions · %2 ahead")
                                  .arg(m_lanes[lane].partitions.size())
                                  .arg(t.monthsAhead)
                            : tr("not created yet"));
        const QRect d = defaultRect(lane);
        if (d.isEmpty())
            continue;
        const bool hasRows = t.defaultRows > 0;
        QPainterPath path;
        path.addRoundedRect(d, 5, 5);
        p.setRenderHint(QPainter::Antialiasing);
        p.fillPath(path, hasRows ? warn : pal.color(QPalette::AlternateBase));
        p.setPen(hasRows ? warn.darker(130) : pal.color(QPalette::Mid));
        p.drawPath(path);
        p.setRenderHint(QPainter::Antialiasing, false);
        p.setPen(hasRows ? QColor(Qt::white) : pal.color(QPalette::Text));
        p.setFont(hasRows ? bold : font());
        p.drawText(
            d, Qt::AlignCenter, tr("default\n%1 rows").arg(QLocale().toString(t.defaultRows)));
        p.setFont(font());
    }
    paintLegend(p);
}

} // namespace melodee
