#pragma once

#include "config/appconfig.h"
#include "migrationstatus.h"

#include <QDateTime>
#include <QString>

#include <optional>

namespace melodee {

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
