#pragma once

#include <migrate/migrationhistory.h>

#include <QAbstractTableModel>
#include <QList>

namespace melodee {

// The migrations of the connected database as a table: version, name, phase, status, checksum,
// applied at, reviewer, environment. Row 0 is "Pending plan" when something is pending, so
// selecting it shows the whole plan the way selecting a migration shows that migration.
class MigrationListModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        Version,
        Name,
        Phase,
        Status,
        Checksum,
        AppliedAt,
        Reviewer,
        AppliedEnvironment,
        ColumnCount
    };
    enum Role {
        VersionRole = Qt::UserRole + 1, // int; 0 for the pending-plan row
        StateRole,                      // "applied", "pending", ...; "plan" for the plan row
        EnvironmentRole,                // the environment the history recorded, or empty
        IsPlanRole,
    };

    explicit MigrationListModel(QObject *parent = nullptr);

    void setStates(const QList<MigrationState> &states);
    const QList<MigrationState> &states() const { return m_states; }
    bool hasPlanRow() const { return m_pending > 0; }
    int pendingCount() const { return m_pending; }
    // The row of a version, or -1.
    int rowForVersion(int version) const;
    const MigrationState *stateAt(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    static QColor stateColor(MigrationStatus status);

private:
    QList<MigrationState> m_states;
    int m_pending = 0;
};

} // namespace melodee
