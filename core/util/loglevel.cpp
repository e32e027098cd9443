#include "loglevel.h"

namespace melodee {

QString logLevelName(LogLevel level)
{
    switch (level) {
    case LogLevel::Silent:
        return QStringLiteral("silent");
    case LogLevel::Error:
        return QStringLiteral("error");
    case LogLevel::Warn:
        return QStringLiteral("warn");
    case LogLevel::Info:
        return QStringLiteral("info");
    }
    return QStringLiteral("warn");
}

} // namespace melodee
