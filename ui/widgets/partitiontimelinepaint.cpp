#include "partitiontimeline.h"

#include <i18n/numberformat.h>

#include <QLocale>
#include <QPaintEvent>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

// The timeline's painting: blocks, gaps, the axis, the markers, lane labels and the legend.

namespace melodee {

namespace {

bool isDark(const QPalette &pal)
{
    return pal.color(QPalette::Base).lightness() < 128;
}

} // namespace

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
    return melodee::formatCount(v);
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
    x += p.fontMetrics().horizontalAdvance(tr("premake horizon")) + 18;
    if (m_retention > 0) {
        swatch(pal.color(QPalette::Mid), tr("before the retention horizon"), Qt::FDiagPattern);
    }
    if (!m_drift.isEmpty())
        swatch(QColor(0xef, 0x6c, 0x00), tr("drift (partitions check)"), Qt::Dense4Pattern);
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
            // Before the retention horizon: retention would detach or drop it.
            if (m_retention > 0 && xFor(it->end) <= markerX(Marker::Retention))
                p.fillRect(r, QBrush(pal.color(QPalette::Mid), Qt::FDiagPattern));
            const QRect mark = driftMarkRect(lane, index);
            if (!mark.isEmpty()) {
                QPainterPath tri;
                tri.moveTo(mark.topLeft());
                tri.lineTo(mark.topRight());
                tri.lineTo(mark.bottomRight());
                tri.closeSubpath();
                p.fillPath(tri, QColor(0xef, 0x6c, 0x00));
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
    if (m_retention > 0)
        marker(Marker::Retention, QPen(pal.color(QPalette::Text), 2, Qt::DotLine), tr("retention"));
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
            d, Qt::AlignCenter, tr("default\n%1 rows").arg(melodee::formatCount(t.defaultRows)));
        p.setFont(font());
    }
    paintLegend(p);
}

} // namespace melodee
