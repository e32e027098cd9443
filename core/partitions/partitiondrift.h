#pragma once

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

namespace melodee {

class PartitionMaintenance;

// What `partitions check` finds for one partition: how it differs from its parent, when it was
// last vacuumed and analysed, and a bloat estimate.
struct PartitionCheckItem
{
    QString table;
    QString partition;
    bool isDefault = false;
    QDateTime from; // UTC; invalid for the default partition
    QDateTime to;

    QStringList missingIndexes;   // parent indexes with no index on this partition
    QStringList extraIndexes;     // indexes of this partition that belong to no parent index
    QStringList invalidIndexes;   // indisvalid false (a failed CREATE INDEX CONCURRENTLY)
    QStringList extraConstraints; // "name: definition", not inherited from the parent
    QStringList notValidConstraints;
    QString acl;        // relacl as text; empty = default privileges
    QString parentAcl;  // the parent's
    QString reloptions; // "fillfactor=70, autovacuum_enabled=false"; the parent has none
    QString parentReloptions;
    QString owner;
    QString parentOwner;

    QDateTime lastVacuum; // invalid = never
    QDateTime lastAutovacuum;
    QDateTime lastAnalyze;
    QDateTime lastAutoanalyze;

    // Bloat estimate from statistics (no scan): deadShare = n_dead_tup / (n_live_tup +
    // n_dead_tup) of pg_stat_user_tables; bytesPerRow = relpages * 8192 / reltuples of pg_class,
    // compared with the median of the table's month partitions. Stale until the next ANALYZE.
    qint64 liveTuples = 0;
    qint64 deadTuples = 0;
    qint64 pages = 0;
    double estimatedRows = -1; // reltuples; -1 = never analysed
    double deadShare = 0;
    double bytesPerRow = 0;
    double medianBytesPerRow = 0;

    bool aclDiffers() const { return acl != parentAcl; }
    bool reloptionsDiffer() const { return reloptions != parentReloptions; }
    bool ownerDiffers() const { return owner != parentOwner; }
    // Differs from the parent in indexes, constraints, privileges, reloptions or owner.
    bool drifted() const;
    // dead rows over 20 % (autovacuum's default scale factor) and over 1,000, or a row size
    // over twice the median of its siblings on more than 128 pages.
    bool bloated() const;
    // One line per finding, for the CLI and the GUI.
    QStringList findings() const;
};

struct PartitionCheckReport
{
    QDateTime at;
    QList<PartitionCheckItem> items;
    int driftedCount() const;
    int bloatedCount() const;
};

// Reads the catalog and pg_stat_user_tables on maintenance's session; changes nothing.
PartitionCheckReport checkPartitions(PartitionMaintenance &maintenance);

// A partition whose owner or privileges differ from its table's, and the statements that make
// them the same (TablePrivileges::statementsToMatch()).
struct PrivilegeFix
{
    QString table;
    QString partition;
    QStringList statements;
};
// For the partitions of `report` whose owner or privileges differ. Reads only.
QList<PrivilegeFix> planPrivilegeFixes(PartitionMaintenance &maintenance,
                                       const PartitionCheckReport &report);
// Runs each fix's statements in a transaction of its own, retried after a lock timeout as
// maintenance's steps are (ALTER TABLE ... OWNER TO takes the partition's ACCESS EXCLUSIVE lock).
void applyPrivilegeFixes(PartitionMaintenance &maintenance, const QList<PrivilegeFix> &fixes);

} // namespace melodee
