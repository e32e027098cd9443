#pragma once

#include <partitions/partitiondrift.h>

#include <QWidget>

class QLabel;
class QTreeWidget;

namespace melodee {

// The result of `partitions check` in the Partitions view: one row per partition with its
// status, last vacuum and analyze, dead-row share and bytes per row; its findings as child rows.
class PartitionsDriftPanel : public QWidget
{
    Q_OBJECT

public:
    enum Column {
        PartitionColumn,
        StatusColumn,
        VacuumColumn,
        AnalyzeColumn,
        DeadColumn,
        SizeColumn
    };

    explicit PartitionsDriftPanel(QWidget *parent = nullptr);

    void setReport(const PartitionCheckReport &report);
    // Empties the panel; the summary says why when a reason is given.
    void clear(const QString &reason = {});
    const PartitionCheckReport &report() const { return m_report; }
    QTreeWidget *tree() const { return m_tree; }
    QString summaryText() const;

private:
    PartitionCheckReport m_report;
    QLabel *m_summary = nullptr;
    QTreeWidget *m_tree = nullptr;
};

} // namespace melodee
