#include "migrationlistmodel.h"

#include <migrate/migration.h>

#include <QColor>
#include <QFont>
#include <QLocale>

namespace melodee {

MigrationListModel::MigrationListModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void MigrationListModel::setStates(const QList<MigrationState> &states)
{
    beginResetModel();
    m_states = states;
    m_pending = 0;
    for (const MigrationState &s : std::as_const(m_states)) {
        if (s.status != MigrationStatus::Applied && s.status != MigrationStatus::Missing)
            ++m_pending;
    }
    endResetModel();
}

int MigrationListModel::rowForVersion(int version) const
{
    for (int i = 0; i < m_states.size(); ++i) {
        if (m_states[i].version == version)
            return i + (hasPlanRow() ? 1 : 0);
    }
    return -1;
}

const MigrationState *MigrationListModel::stateAt(int row) const
{
    const int i = row - (hasPlanRow() ? 1 : 0);
    return i >= 0 && i < m_states.size() ? &m_states[i] : nullptr;
}

int MigrationListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_states.size()) + (hasPlanRow() ? 1 : 0);
}

int MigrationListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QColor MigrationListModel::stateColor(MigrationStatus status)
{
    switch (status) {
    case MigrationStatus::Applied:
        return QColor(0x2e, 0x7d, 0x32);
    case MigrationStatus::Drifted:
        return QColor(0xe6, 0x51, 0x00);
    case MigrationStatus::Failed:
    case MigrationStatus::Running:
        return QColor(0xc6, 0x28, 0x28);
    case MigrationStatus::Missing:
        return QColor(0x75, 0x75, 0x75);
    case MigrationStatus::Pending:
        break;
    }
    return QColor(0x15, 0x65, 0xc0);
}

QVariant MigrationListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    if (hasPlanRow() && index.row() == 0) {
        switch (role) {
        case Qt::DisplayRole:
            if (index.column() == Name)
                return tr("Pending plan");
            if (index.column() == Status)
                return tr("%n pending", nullptr, m_pending);
            return {};
        case Qt::FontRole: {
            QFont f;
            f.setBold(true);
            return f;
        }
        case Qt::ToolTipRole:
            return tr("Everything an apply would run now, in order, grouped by phase");
        case VersionRole:
            return 0;
        case StateRole:
            return QStringLiteral("plan");
        case IsPlanRole:
            return true;
        default:
            return {};
        }
    }
    const MigrationState *s = stateAt(index.row());
    if (!s)
        return {};
    const std::optional<HistoryRow> &h = s->history;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Version:
            return s->version;
        case Name:
            return s->name;
        case Phase:
            return QStringLiteral("%1 %2").arg(s->phase).arg(phaseName(s->phase));
        case Status:
            return migrationStatusName(s->status);
        case Checksum: {
            const QString c = s->currentChecksum.isEmpty() && h ? h->checksum : s->currentChecksum;
            return c.left(12);
        }
        case AppliedAt:
            // Minutes fit the column at 1366 px; the seconds are in the tooltip.
            return h && h->appliedAt.isValid()
                       ? h->appliedAt.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm"))
                       : QString();
        case Reviewer:
            return h ? h->reviewer : QString();
        case AppliedEnvironment:
            return h && h->environment ? environmentName(*h->environment) : QString();
        }
        return {};
    case Qt::ForegroundRole:
        if (index.column() == Status)
            return stateColor(s->status);
        return {};
    case Qt::ToolTipRole:
        if (index.column() == Checksum) {
            QString tip = tr("SHA-256 of the file: %1").arg(s->currentChecksum);
            if (h && h->checksum != s->currentChecksum)
                tip += tr("\nrecorded when applied: %1").arg(h->checksum);
            return tip;
        }
        // Columns the view may elide show their whole text on hover.
        if (index.column() == Name || index.column() == Phase || index.column() == Reviewer)
            return data(index, Qt::DisplayRole);
        if (h && index.column() == AppliedAt)
            return tr("applied %1 by %2 in %3 ms, plan %4")
                .arg(h->appliedAt.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'")),
                     h->appliedBy)
                .arg(h->executionMs)
                .arg(h->planHash);
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == Version)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case VersionRole:
        return s->version;
    case StateRole:
        return migrationStatusName(s->status);
    case EnvironmentRole:
        return h && h->environment ? environmentName(*h->environment) : QString();
    case IsPlanRole:
        return false;
    default:
        return {};
    }
}

QVariant MigrationListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Version:
        return tr("Version");
    case Name:
        return tr("Name");
    case Phase:
        return tr("Phase");
    case Status:
        return tr("Status");
    case Checksum:
        return tr("Checksum");
    case AppliedAt:
        return tr("Applied (UTC)");
    case Reviewer:
        return tr("Reviewer");
    case AppliedEnvironment:
        return tr("Environment");
    }
    return {};
}

} // namespace melodee
