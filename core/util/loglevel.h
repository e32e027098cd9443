#pragma once

#include <QString>

namespace melodee {

// How much the product logs: Melodee's log_level (silent, error, warn, info).
enum class LogLevel { Silent, Error, Warn, Info };

QString logLevelName(LogLevel level);

} // namespace melodee
