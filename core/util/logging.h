#pragma once

#include "loglevel.h"

#include <QLoggingCategory>

#include <functional>

namespace melodee {

Q_DECLARE_LOGGING_CATEGORY(lcConfig)
Q_DECLARE_LOGGING_CATEGORY(lcDb)
Q_DECLARE_LOGGING_CATEGORY(lcPool)
Q_DECLARE_LOGGING_CATEGORY(lcMigrate)
Q_DECLARE_LOGGING_CATEGORY(lcPartitions)
Q_DECLARE_LOGGING_CATEGORY(lcLibrary)
Q_DECLARE_LOGGING_CATEGORY(lcCache)
Q_DECLARE_LOGGING_CATEGORY(lcSecrets)
Q_DECLARE_LOGGING_CATEGORY(lcUi)
// Statements slower than gorm.slow_threshold (warnings), and what the server reports through
// NOTICE/WARNING messages.
Q_DECLARE_LOGGING_CATEGORY(lcSqlSlow)
Q_DECLARE_LOGGING_CATEGORY(lcSqlNotice)

enum class LogFormat { Text, JsonLines };

// Maps Melodee's gorm.log_level onto the melodee.* categories and installs a message handler
// that redacts every message before it is written to stderr. With JsonLines each line is one
// JSON object built from the redacted message, so a line always parses.
void setupLogging(LogLevel level, LogFormat format = LogFormat::Text);

// Receives every (already redacted) log line, e.g. for the GUI's log dock. Thread-safe;
// the sink is called on the thread that logged.
using LogSink
    = std::function<void(QtMsgType type, const QString &category, const QString &message)>;
void setLogSink(LogSink sink);

} // namespace melodee
