#pragma once

#include <QStringList>

namespace melodee {

// The `melodee` command line: global options, then a command and its own options.
int runCli(const QStringList &arguments);

} // namespace melodee
