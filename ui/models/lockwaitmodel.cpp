#include "lockwaitmodel.h"

#include "activitymodel.h"

#include <cmath>

namespace melodee {

namespace {

QString pidList(const QList<int> &pids)
{
    QStringList out;
    for (const int pid : pids)
        out << QString::number(pid);
    return out.join(QStringLiteral(", "));
}

} // namespace

LockWaitModel::LockWaitModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void LockWaitModel::setWaits(const QList<LockWait> &waits)
{
    bool sameRows = waits.size() == m_waits.size();
    for (qsizetype i = 0; sameRows && i < waits.size(); ++i)
        sameRows = waits.at(i).pid == m_waits.at(i).pid;
    if (!sameRows) {
        // Rows come and go with the waits; a reset is honest and the list is short.
        beginResetModel();
        m_waits = waits;
        endResetModel();
        return;
    }
    m_waits = waits;
    if (!m_waits.isEmpty())
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

int LockWaitModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_waits.size());
}

int LockWaitModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LockWaitModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const LockWait &w = m_waits.at(index.row());
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Pid:
            return w.pid;
        case BlockedBy:
            return pidList(w.blockingPids);
        case Waited:
            return ActivityModel::formatDuration(qint64(std::llround(w.waitedSeconds * 1000)));
        case Lock:
            return w.lockType;
        case Application:
            return ActivityModel::elideQuery(w.application, 40);
        case Query:
            return ActivityModel::elideQuery(w.query);
        }
    } else if (role == Qt::ToolTipRole) {
        switch (index.column()) {
        case BlockedBy:
            return ActivityModel::plainToolTip(ActivityModel::elideQuery(w.blockers, 400));
        case Application:
            return ActivityModel::plainToolTip(w.application);
        case Query:
            return ActivityModel::plainToolTip(w.query);
        default:
            return {};
        }
    } else if (role == Qt::TextAlignmentRole
               && (index.column() == Pid || index.column() == Waited)) {
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    }
    return {};
}

QVariant LockWaitModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0
        || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Pid:
        return tr("Waiting pid");
    case BlockedBy:
        return tr("Blocked by");
    case Waited:
        return tr("Waiting for");
    case Lock:
        return tr("Lock");
    case Application:
        return tr("Application");
    case Query:
        return tr("Query");
    }
    return {};
}

} // namespace melodee
