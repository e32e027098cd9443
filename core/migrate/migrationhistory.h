#pragma once

#include "config/appconfig.h"

#include <QDateTime>
#include <QString>

#include <optional>

namespace melodee {

// Where a migration stands. The history table stores Applied, Running (a non-transactional
// migration that was interrupted) and Failed; the others are derived by comparing the history
// with the migration files.
enum class MigrationStatus {
    Pending, // no history row
    Applied,
    Running,
    Failed,
    Drifted, // applied, but its file's checksum changed since
    Missing, // in the history, but no file
};

// "pending", "applied", ...: the names the history table, `migrate status` and the GUI use.
QString migrationStatusName(MigrationStatus status);
// std::nullopt for anything else.
std::optional<MigrationStatus> parseMigrationStatus(const QString &text);

// A row of <prefix>schema_migrations.
struct HistoryRow
{
    int version = 0;
    QString name;
    QString checksum;
    QDateTime appliedAt;
    QString appliedBy;
    QString reviewer;
    QString planHash;
    qint64 executionMs = 0;
    MigrationStatus status = MigrationStatus::Applied; // Applied, Running or Failed
    // The environment the apply said it ran in; empty for rows written before it was recorded.
    std::optional<Environment> environment;
};

struct MigrationState
{
    int version = 0;
    QString name;
    int phase = 0;
    MigrationStatus status = MigrationStatus::Pending;
    std::optional<HistoryRow> history;
    QString currentChecksum;
};

} // namespace melodee
