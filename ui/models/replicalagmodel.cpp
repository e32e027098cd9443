#include "replicalagmodel.h"

#include "activitymodel.h"

#include <i18n/numberformat.h>

#include <QBrush>
#include <QColor>

namespace melodee {

ReplicaLagModel::ReplicaLagModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void ReplicaLagModel::setReplicas(const QList<ReplicaStatus> &replicas)
{
    bool sameRows = replicas.size() == m_replicas.size();
    for (qsizetype i = 0; sameRows && i < replicas.size(); ++i)
        sameRows = replicas.at(i).name == m_replicas.at(i).name;
    if (!sameRows) {
        beginResetModel();
        m_replicas = replicas;
        endResetModel();
        return;
    }
    m_replicas = replicas;
    if (!m_replicas.isEmpty())
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

ReplicaLagModel::Verdict ReplicaLagModel::verdict(const ReplicaStatus &s)
{
    if (s.lookedAtMs == 0)
        return Verdict::NotLookedAt;
    if (s.inRotation)
        return Verdict::InRotation;
    if (s.role == QLatin1String("unreachable"))
        return Verdict::Down;
    if (s.role == QLatin1String("primary"))
        return Verdict::NotAReplica;
    return Verdict::Lagging;
}

QString ReplicaLagModel::stateText(const ReplicaStatus &s)
{
    switch (verdict(s)) {
    case Verdict::NotLookedAt:
        return tr("checking…");
    case Verdict::InRotation:
        return tr("in rotation");
    case Verdict::Lagging:
        return tr("out of rotation (lagging)");
    case Verdict::Down:
        return tr("out of rotation (down)");
    case Verdict::NotAReplica:
        return tr("out of rotation (not a replica)");
    }
    return {};
}

QString ReplicaLagModel::lagText(const ReplicaStatus &s)
{
    if (!s.lagSeconds)
        return s.lookedAtMs == 0 ? QString() : tr("unknown");
    return tr("%1 s").arg(formatDecimal(*s.lagSeconds, 1));
}

int ReplicaLagModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_replicas.size());
}

int ReplicaLagModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ReplicaLagModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ReplicaStatus &s = m_replicas.at(index.row());
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Replica:
            return s.name;
        case State:
            return stateText(s);
        case Lag:
            return lagText(s);
        case Reason:
            // Server and libpq messages may span lines.
            return ActivityModel::elideQuery(s.reason, 200);
        }
    } else if (role == Qt::ToolTipRole && index.column() == Reason && !s.reason.isEmpty()) {
        return ActivityModel::plainToolTip(s.reason);
    } else if (role == Qt::ForegroundRole && index.column() == State) {
        switch (verdict(s)) {
        case Verdict::InRotation:
            return QBrush(QColor(0x2e, 0x7d, 0x32));
        case Verdict::NotLookedAt:
            return {};
        default:
            return QBrush(QColor(0xc6, 0x28, 0x28));
        }
    } else if (role == Qt::TextAlignmentRole && index.column() == Lag) {
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    }
    return {};
}

QVariant ReplicaLagModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Replica:
        return tr("Replica");
    case State:
        return tr("State");
    case Lag:
        return tr("Lag");
    case Reason:
        return tr("Reason");
    }
    return {};
}

} // namespace melodee
