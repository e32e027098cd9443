#include "commands.h"

namespace melodee {

const QList<CliCommand> &cliCommands()
{
    static const QList<CliCommand> commands = {
        {QStringLiteral("health"),
         QStringLiteral("Connect, run the health check and print the status."),
         runHealthCommand},
    };
    return commands;
}

} // namespace melodee
