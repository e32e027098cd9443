#pragma once

#include <partitions/partitionmanager.h>

#include <QAbstractScrollArea>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace melodee {

// The partitions of each partitioned table on a month axis: one lane per table, one block per
// partition shaded by rows or size, gaps as red holes, the default partition at the lane's end,
// a "now" marker, the premake horizon, the retention horizon (partitions before it hatched) and
// drift marks on partitions that `partitions check` flags. Painting walks only the blocks in view
// (binary search per lane), so hundreds of partitions per table cost what a screenful costs.
class PartitionTimeline : public QAbstractScrollArea
{
    Q_OBJECT

public:
    enum class Shading { Rows, Size };
    Q_ENUM(Shading)

    struct Hit
    {
        enum Kind { None, Partition, Gap, Default, Label };
        Kind kind = None;
        int lane = -1;
        int index = -1; // partition or gap index in the lane
    };

    explicit PartitionTimeline(QWidget *parent = nullptr);

    void setTables(const QList<PartitionedTableInfo> &tables);
    const QList<PartitionedTableInfo> &tables() const { return m_tables; }
    void setNow(const QDateTime &now);
    void setPremakeMonths(int months);
    // Months kept before the current one; 0 hides the retention horizon.
    void setRetentionMonths(int months);
    int retentionMonths() const { return m_retention; }
    // Findings of `partitions check` by partition name; a partition with findings gets a mark.
    void setDriftFindings(const QHash<QString, QStringList> &findings);
    const QHash<QString, QStringList> &driftFindings() const { return m_drift; }
    // Where the drift mark of a partition is drawn (empty when it has none or is out of view).
    QRect driftMarkRect(int lane, int index) const;
    void setShading(Shading shading);
    Shading shading() const { return m_shading; }

    // Zoom: how many years the month area shows at once, 1 to 10.
    void setVisibleYears(int years);
    int visibleYears() const { return m_years; }
    // Scrolls so the month is at the left edge of the month area.
    void scrollToMonth(const Month &month);
    Month firstVisibleMonth() const;

    Hit hitTest(const QPoint &viewportPos) const;
    QString toolTipText(const Hit &hit) const;
    // Where a lane's block is, in viewport coordinates (empty when scrolled out of view).
    QRect partitionRect(int lane, int index) const;
    QRect defaultRect(int lane) const;
    QRect gapRect(int lane, int index) const;
    // The axis: year names in the top row, month names under them, and the names of the "now"
    // and premake markers in a row of their own, so that no two of them ever overlap.
    enum class Marker { Now, Premake, Retention };
    QRect markerLabelRect(Marker marker) const;
    QList<QRect> yearLabelRects() const;
    // Blocks drawn by the last paint, to check that painting is bounded by what is visible.
    int lastPaintedBlocks() const { return m_lastPainted; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

    static constexpr int kLabelWidth = 190;
    static constexpr int kDefaultWidth = 130;
    static constexpr int kYearRowTop = 2;
    static constexpr int kMonthRowTop = 20;
    static constexpr int kMarkerRowTop = 38;
    static constexpr int kRowHeight = 16;
    static constexpr int kAxisHeight = 58;
    static constexpr int kLaneHeight = 54;
    static constexpr int kLaneGap = 14;
    static constexpr int kLegendHeight = 34;

signals:
    void visibleYearsChanged(int years);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;
    bool viewportEvent(QEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;

private:
    struct Block
    {
        double start = 0; // months since year 0, fractional
        double end = 0;
        int info = -1; // index into PartitionedTableInfo::partitions
    };
    struct LaneGeometry
    {
        QList<Block> partitions; // month partitions, ascending
        QList<Block> gaps;
    };

    static double monthValue(const QDateTime &t);
    double pixelsPerMonth() const;
    int monthAreaWidth() const;
    int xFor(double month) const;
    double monthAt(int x) const;
    int laneTop(int lane) const;
    void updateScrollRange(double keepMonthAtLeft = -1);
    qint64 measure(const PartitionInfo &p) const;
    QColor shade(qint64 value) const;
    QString formatCount(qint64 v) const;
    void paintAxis(QPainter &p, double first, double last);
    QRect monthArea() const;
    QRect yearLabelRect(int month) const;
    int markerX(Marker marker) const;
    int markerLabelWidth(Marker marker) const;
    void paintLegend(QPainter &p);

    QList<PartitionedTableInfo> m_tables;
    QList<LaneGeometry> m_lanes;
    QDateTime m_now;
    int m_premake = 6;
    int m_retention = 0;
    QHash<QString, QStringList> m_drift;
    Shading m_shading = Shading::Rows;
    int m_years = 2;
    double m_minMonth = 0;
    double m_maxMonth = 12;
    qint64 m_maxMeasure = 1;
    int m_lastPainted = 0;
    bool m_positioned = false;
};

QString formatBytes(qint64 bytes);

} // namespace melodee
