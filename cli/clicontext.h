#pragma once

#include "config/appconfig.h"
#include "config/configsources.h"
#include "util/errorkind.h"
#include "util/logging.h"

#include <QCommandLineParser>
#include <QJsonObject>
#include <QTextStream>

namespace melodee {

// Exit codes shared by every command; stable for scripts.
enum ExitCode {
    ExitOk = 0,
    ExitFailure = 1,   // also "degraded" for health
    ExitUnhealthy = 2, // health only
    ExitUsage = 3,     // bad arguments or configuration
    ExitDrift = 4,
    ExitGuard = 5,
    ExitLockWait = 6,
};

// The exit code for a kind of error (cancelled work exits 1, as any other failure).
int exitCodeFor(ErrorKind kind);

// What every subcommand gets: its parsed options (global ones included) and helpers for output.
class CliContext
{
public:
    CliContext(QTextStream &out, QTextStream &err);

    // Adds --config, --dsn, --profile, --set, --json, --log-level to a subcommand's parser.
    static void addGlobalOptions(QCommandLineParser &parser);
    // Adds the global options to the command's own parser, then parses args (without the program
    // and command words). On --help prints and returns false
    // with exitCode set; on a usage error prints the message and returns false.
    bool parse(QCommandLineParser &parser,
               const QStringList &args,
               const QString &command,
               int *exitCode);

    // Resolves the configuration from the global options. Throws ConfigError.
    AppConfig config();
    ConfigSources sources() const;
    bool json() const { return m_json; }

    QTextStream &out() { return m_out; }
    QTextStream &err() { return m_err; }
    void printJson(const QJsonObject &object);
    // Prints "error: ..." (redacted) and returns code.
    int fail(const QString &message, int code);

private:
    QTextStream &m_out;
    QTextStream &m_err;
    ConfigSources m_sources;
    bool m_json = false;
    LogFormat m_logFormat = LogFormat::Text;
};

} // namespace melodee
