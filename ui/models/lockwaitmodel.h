#pragma once

#include <activity/servervitals.h>

#include <QAbstractTableModel>

namespace melodee {

// The sessions that wait for a lock, with who blocks them (ServerVitals). Query texts are shown
// on one line, elided; the tool tip has the whole text.
class LockWaitModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Pid, BlockedBy, Waited, Lock, Application, Query, ColumnCount };

    explicit LockWaitModel(QObject *parent = nullptr);

    void setWaits(const QList<LockWait> &waits);
    const QList<LockWait> &waits() const { return m_waits; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    QList<LockWait> m_waits;
};

} // namespace melodee
