#include "migrationstatus.h"

namespace melodee {

QString migrationStatusName(MigrationStatus status)
{
    switch (status) {
    case MigrationStatus::Pending:
        return QStringLiteral("pending");
    case MigrationStatus::Applied:
        return QStringLiteral("applied");
    case MigrationStatus::Running:
        return QStringLiteral("running");
    case MigrationStatus::Failed:
        return QStringLiteral("failed");
    case MigrationStatus::Drifted:
        return QStringLiteral("drifted");
    case MigrationStatus::Missing:
        return QStringLiteral("missing");
    }
    return QStringLiteral("pending");
}

std::optional<MigrationStatus> parseMigrationStatus(const QString &text)
{
    for (MigrationStatus s : {MigrationStatus::Pending,
                              MigrationStatus::Applied,
                              MigrationStatus::Running,
                              MigrationStatus::Failed,
                              MigrationStatus::Drifted,
                              MigrationStatus::Missing}) {
        if (text == migrationStatusName(s))
            return s;
    }
    return std::nullopt;
}

} // namespace melodee
