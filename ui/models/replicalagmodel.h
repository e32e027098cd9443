#pragma once

#include <pool/replicastatus.h>

#include <QAbstractTableModel>

namespace melodee {

// The read replicas as the last look found them, one row each in configuration order: name
// (host:port), whether it is in the read rotation and if not why (lagging, down, not a replica),
// its replay lag, and the reason in the replica's own words.
class ReplicaLagModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Replica, State, Lag, Reason, ColumnCount };
    // Why a replica is out of the rotation, from what the look found.
    enum class Verdict { NotLookedAt, InRotation, Lagging, Down, NotAReplica };

    explicit ReplicaLagModel(QObject *parent = nullptr);

    void setReplicas(const QList<ReplicaStatus> &replicas);
    const QList<ReplicaStatus> &replicas() const { return m_replicas; }

    static Verdict verdict(const ReplicaStatus &status);
    // "in rotation", "out of rotation (lagging)", …
    static QString stateText(const ReplicaStatus &status);
    // "0.3 s", "unknown"
    static QString lagText(const ReplicaStatus &status);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    QList<ReplicaStatus> m_replicas;
};

} // namespace melodee
