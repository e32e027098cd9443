#pragma once

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

} // namespace melodee
