#pragma once

#include <QString>
#include <QStringList>

#include <functional>

class QCommandLineParser;
class QDateTime;

namespace melodee {

class CliContext;

struct CliCommand
{
    QString name;
    QString summary;
    // args: everything after the command word.
    std::function<int(CliContext &, const QStringList &args)> run;
};

// The command table; each concern adds its entry in commands.cpp.
const QList<CliCommand> &cliCommands();

int runHealthCommand(CliContext &ctx, const QStringList &args);
int runSongsCommand(CliContext &ctx, const QStringList &args);
int runDemoDataCommand(CliContext &ctx, const QStringList &args);
int runMigrateCommand(CliContext &ctx, const QStringList &args);
int runPartitionsCommand(CliContext &ctx, const QStringList &args);
int runPartitionsConvert(CliContext &ctx, const QStringList &args);
int runRefreshViewsCommand(CliContext &ctx, const QStringList &args);
int runBenchCommand(CliContext &ctx, const QStringList &args);
int runInspectCommand(CliContext &ctx, const QStringList &args);

} // namespace melodee
