#include "partitionvacuummodel.h"

#include <i18n/numberformat.h>

#include "activitymodel.h"

#include <QFont>
#include <QLocale>

namespace melodee {

PartitionVacuumModel::PartitionVacuumModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void PartitionVacuumModel::setPartitions(const QList<PartitionVacuum> &partitions)
{
    bool sameRows = partitions.size() == m_rows.size();
    for (qsizetype i = 0; sameRows && i < partitions.size(); ++i)
        sameRows = partitions.at(i).partition == m_rows.at(i).partition;
    if (!sameRows) {
        beginResetModel();
        m_rows = partitions;
        endResetModel();
        return;
    }
    m_rows = partitions;
    if (!m_rows.isEmpty())
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

int PartitionVacuumModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int PartitionVacuumModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PartitionVacuumModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const PartitionVacuum &p = m_rows.at(index.row());
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Partition:
            return ActivityModel::elideQuery(p.partition, 80); // a name can hold a newline
        case DeadTuples:
            return formatCount(p.deadTuples);
        case LiveTuples:
            return formatCount(p.liveTuples);
        case Vacuum: {
            if (!p.vacuuming())
                return QString();
            const QString who = p.autovacuumWorker ? tr("autovacuum") : tr("VACUUM");
            if (p.heapBlocksTotal <= 0)
                return tr("%1: %2").arg(who, p.vacuumPhase);
            return tr("%1: %2, %3 %")
                .arg(who,
                     p.vacuumPhase,
                     formatDecimal(100.0 * double(p.heapBlocksScanned) / double(p.heapBlocksTotal),
                                   0));
        }
        case LastAutovacuum:
            return p.lastAutovacuum.isValid()
                       ? QLocale().toString(p.lastAutovacuum.toLocalTime(), QLocale::ShortFormat)
                       : tr("never");
        }
    } else if (role == Qt::ToolTipRole && index.column() == Partition) {
        return ActivityModel::plainToolTip(
            tr("%1\npartition of %2; autovacuum ran %n time(s) on it",
               nullptr,
               int(p.autovacuumCount))
                .arg(p.partition, p.parent));
    } else if (role == Qt::TextAlignmentRole
               && (index.column() == DeadTuples || index.column() == LiveTuples)) {
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    } else if (role == Qt::FontRole && p.vacuuming()) {
        QFont bold;
        bold.setBold(true);
        return bold;
    }
    return {};
}

QVariant PartitionVacuumModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0
        || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Partition:
        return tr("Partition");
    case DeadTuples:
        return tr("Dead tuples");
    case LiveTuples:
        return tr("Live tuples");
    case Vacuum:
        return tr("Vacuum now");
    case LastAutovacuum:
        return tr("Last autovacuum");
    }
    return {};
}

} // namespace melodee
