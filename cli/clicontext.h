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

    // Adds --config, --dsn, --profile, --set, --password-file, --json, --log-level and --log-json
    // to a subcommand's parser.
    static void addGlobalOptions(QCommandLineParser &parser);
    // Adds the global options to the command's own parser, then parses args (without the program
    // and command words). On --help prints and returns false
    // with exitCode set; on a usage error prints the message and returns false.
    bool parse(QCommandLineParser &parser,
               const QStringList &args,
               const QString &command,
               int *exitCode);

    // Resolves the configuration from the global options, sets up logging from it and warns once
    // when a password came through argv. Throws ConfigError.
    AppConfig config();
    ConfigSources sources() const;
    bool json() const { return m_json; }

    // Under --json, text written here is held back: standard output carries JSON only.
    QTextStream &out() { return m_json ? m_held : m_out; }
    QTextStream &err() { return m_err; }
    // One JSON document on one line. Registered secrets are masked in its values first; the
    // serialized text is never redacted again, so it always parses.
    void printJson(const QJsonObject &object);
    // Prints "error: ..." (redacted) and returns code.
    int fail(const QString &message, int code);
    // Set from the arguments before the command parses them, so early errors honour --json too.
    void setJson(bool json) { m_json = json; }
    // Ends a command's output. Under --json, a command that printed no JSON document gets one:
    // {"exit_code":N,"output":[its text lines],"error":"..."}; text held back from a command
    // that did print JSON goes to standard error. Returns code.
    int finish(int code);

private:
    QTextStream &m_out;
    QTextStream &m_err;
    QString m_heldText;
    QTextStream m_held{&m_heldText};
    bool m_printedJson = false;
    QString m_error; // the last fail() message
    ConfigSources m_sources;
    bool m_json = false;
    LogFormat m_logFormat = LogFormat::Text;
    QStringList m_argvPasswords;   // the options that carried a password in argv
    QStringList m_pendingWarnings; // shown once logging follows the configured level
};

} // namespace melodee
