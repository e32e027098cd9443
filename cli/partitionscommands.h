#pragma once

#include <QCommandLineParser>
#include <QDateTime>
#include <QString>
#include <QStringList>

#include <optional>

namespace melodee {

class CliContext;
struct AppConfig;
struct MaintenanceProgress;

// The `melodee partitions` subcommands; each lives in its own cmd_partitions_<name>.cpp and has
// one row in the table of cmd_partitions.cpp.
int runPartitionsRetention(CliContext &ctx, const QStringList &args);
int runPartitionsCheck(CliContext &ctx, const QStringList &args);

namespace partitionscli {

QString iso(const QDateTime &dt);
void addNowOption(QCommandLineParser &parser);
// --now, or the current time; std::nullopt (after printing why) for a value that is not ISO 8601.
std::optional<QDateTime> nowOption(CliContext &ctx, const QCommandLineParser &parser, int *code);
// --premake into *months when given; false (after printing why) unless it is 1 to 120 months.
bool premakeOption(CliContext &ctx, const QCommandLineParser &parser, int *months, int *code);
// Progress on stderr: a line of text, or with --json one JSON object per line, so stdout keeps
// its one document.
void printProgress(CliContext &ctx, const MaintenanceProgress &p);

} // namespace partitionscli

} // namespace melodee
