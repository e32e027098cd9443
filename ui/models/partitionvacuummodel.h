#pragma once

#include <activity/servervitals.h>

#include <QAbstractTableModel>

namespace melodee {

// Autovacuum on the partitions (ServerVitals): the ones being vacuumed first, with the phase and
// progress, then the ones with the most dead tuples.
class PartitionVacuumModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Partition, DeadTuples, LiveTuples, Vacuum, LastAutovacuum, ColumnCount };

    explicit PartitionVacuumModel(QObject *parent = nullptr);

    void setPartitions(const QList<PartitionVacuum> &partitions);
    const QList<PartitionVacuum> &partitions() const { return m_rows; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    QList<PartitionVacuum> m_rows;
};

} // namespace melodee
