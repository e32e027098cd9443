#pragma once

#include <QCommandLineParser>

namespace melodee {

class CliContext;
struct AppConfig;

// The production guard's options, shared by `melodee migrate` and `melodee partitions`:
// --environment, --allow-destructive, --force-environment.
void addGuardOptions(QCommandLineParser &parser);
// Applies --environment; false (after printing why) for a value that is not an environment.
bool applyEnvironment(CliContext &ctx,
                      const QCommandLineParser &parser,
                      AppConfig &config,
                      int *code);

} // namespace melodee
