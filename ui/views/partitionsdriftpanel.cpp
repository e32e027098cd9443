#include "partitionsdriftpanel.h"

#include <i18n/numberformat.h>

#include <QHeaderView>
#include <QLabel>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace melodee {

namespace {

QString lastOf(const QDateTime &manual, const QDateTime &automatic)
{
    const QDateTime last
        = manual.isValid() && (!automatic.isValid() || automatic < manual) ? manual : automatic;
    return last.isValid() ? last.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm"))
                          : PartitionsDriftPanel::tr("never");
}

} // namespace

PartitionsDriftPanel::PartitionsDriftPanel(QWidget *parent)
    : QWidget(parent)
{
    m_summary = new QLabel(tr("Press Check to compare every partition with its parent."), this);
    m_summary->setWordWrap(true);
    m_summary->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_tree = new QTreeWidget(this);
    m_tree->setObjectName(QStringLiteral("driftTree"));
    m_tree->setHeaderLabels({tr("Partition"),
                             tr("Status"),
                             tr("Last vacuum (UTC)"),
                             tr("Last analyze (UTC)"),
                             tr("Dead rows"),
                             tr("Bytes/row")});
    m_tree->setUniformRowHeights(true);
    // Partition names differ at the end (the month): cut them at the start when narrow.
    m_tree->setTextElideMode(Qt::ElideLeft);
    m_tree->setAlternatingRowColors(true);
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(PartitionColumn, QHeaderView::Stretch);
    for (int c = StatusColumn; c <= SizeColumn; ++c)
        m_tree->header()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    m_tree->setToolTip(tr("Bloat is an estimate from statistics, without a scan: the share of dead "
                          "rows (n_dead_tup of pg_stat_user_tables) and bytes per row (relpages "
                          "over reltuples) against the median of the table's partitions."));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_summary);
    layout->addWidget(m_tree, 1);
}

QString PartitionsDriftPanel::summaryText() const
{
    return m_summary->text();
}

void PartitionsDriftPanel::clear(const QString &reason)
{
    m_report = {};
    m_tree->clear();
    m_summary->setText(
        reason.isEmpty() ? tr("Press Check to compare every partition with its parent.") : reason);
}

void PartitionsDriftPanel::setReport(const PartitionCheckReport &report)
{
    m_report = report;
    m_tree->clear();
    const QColor warn(0xef, 0x6c, 0x00);
    QList<QTreeWidgetItem *> rows;
    for (const PartitionCheckItem &i : report.items) {
        const bool drifted = i.drifted();
        const bool bloated = i.bloated();
        auto *row = new QTreeWidgetItem;
        row->setText(PartitionColumn, i.partition);
        row->setToolTip(PartitionColumn, i.partition);
        row->setText(StatusColumn,
                     drifted && bloated ? tr("drift, bloat")
                     : drifted          ? tr("drift")
                     : bloated          ? tr("bloat")
                                        : tr("ok"));
        row->setText(VacuumColumn, lastOf(i.lastVacuum, i.lastAutovacuum));
        row->setText(AnalyzeColumn, lastOf(i.lastAnalyze, i.lastAutoanalyze));
        row->setText(
            DeadColumn,
            tr("%1 % (%2)").arg(formatDecimal(i.deadShare * 100, 1), formatCount(i.deadTuples)));
        row->setText(SizeColumn,
                     i.bytesPerRow > 0 ? formatDecimal(i.bytesPerRow, 0) : QStringLiteral("–"));
        for (int c = StatusColumn; c <= SizeColumn; ++c)
            row->setTextAlignment(c, Qt::AlignRight | Qt::AlignVCenter);
        if (drifted || bloated) {
            row->setForeground(StatusColumn, warn);
            QFont bold = row->font(StatusColumn);
            bold.setBold(true);
            row->setFont(StatusColumn, bold);
        }
        for (const QString &f : i.findings()) {
            auto *child = new QTreeWidgetItem(row);
            child->setText(PartitionColumn, f);
            child->setToolTip(PartitionColumn, f);
            child->setFirstColumnSpanned(true);
        }
        rows << row;
    }
    // What needs attention first, in the report's order otherwise.
    std::stable_partition(
        rows.begin(), rows.end(), [](const QTreeWidgetItem *row) { return row->childCount() > 0; });
    m_tree->addTopLevelItems(rows);
    for (QTreeWidgetItem *row : std::as_const(rows)) {
        if (row->childCount() > 0) {
            row->setExpanded(true);
            for (int c = 0; c < row->childCount(); ++c)
                row->child(c)->setFirstColumnSpanned(true);
        }
    }
    m_summary->setText(
        tr("%n partition(s) checked at %1 UTC: ", nullptr, int(report.items.size()))
            .arg(report.at.toString(QStringLiteral("HH:mm:ss")))
        + tr("%n drifted from the parent, ", nullptr, report.driftedCount())
        + tr("%n with a bloat estimate over the threshold.", nullptr, report.bloatedCount()));
}

} // namespace melodee
