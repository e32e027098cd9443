#include "clicontext.h"

#include "config/configloader.h"
#include "util/logging.h"
#include "util/redactor.h"

#include <QJsonDocument>

namespace melodee {

int exitCodeFor(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::Failure:
    case ErrorKind::Cancelled:
        return ExitFailure;
    case ErrorKind::Usage:
        return ExitUsage;
    case ErrorKind::Drift:
        return ExitDrift;
    case ErrorKind::Guard:
        return ExitGuard;
    case ErrorKind::LockWait:
        return ExitLockWait;
    }
    return ExitFailure;
}

CliContext::CliContext(QTextStream &out, QTextStream &err)
    : m_out(out)
    , m_err(err)
{}

void CliContext::addGlobalOptions(QCommandLineParser &parser)
{
    parser.addOptions({
        {QStringLiteral("config"),
         QStringLiteral("Read Melodee's YAML config FILE."),
         QStringLiteral("FILE")},
        {QStringLiteral("dsn"),
         QStringLiteral("Connect with a libpq conninfo string or a postgres:// URI."),
         QStringLiteral("CONNINFO_OR_URI")},
        {QStringLiteral("profile"),
         QStringLiteral("Use the saved connection profile NAME."),
         QStringLiteral("NAME")},
        {QStringLiteral("set"),
         QStringLiteral("Override one setting, e.g. --set database.max_open_conns=20."),
         QStringLiteral("KEY=VALUE")},
        {QStringLiteral("json"), QStringLiteral("Print machine-readable JSON.")},
        {QStringLiteral("log-level"),
         QStringLiteral("silent, error, warn or info (default: gorm.log_level)."),
         QStringLiteral("LEVEL")},
        {QStringLiteral("log-json"), QStringLiteral("Write log lines as JSON.")},
    });
    parser.addHelpOption();
}

bool CliContext::parse(QCommandLineParser &parser,
                       const QStringList &args,
                       const QString &command,
                       int *exitCode)
{
    // Every command takes the global options, so they are added here rather than by each one.
    addGlobalOptions(parser);
    QStringList argv = args;
    argv.prepend(QStringLiteral("melodee ") + command);
    if (!parser.parse(argv)) {
        *exitCode
            = fail(parser.errorText() + QStringLiteral(" (see melodee %1 --help)").arg(command),
                   ExitUsage);
        return false;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        m_out << parser.helpText();
        m_out.flush();
        *exitCode = ExitOk;
        return false;
    }
    m_json = parser.isSet(QStringLiteral("json"));
    m_sources.configFile = parser.value(QStringLiteral("config"));
    m_sources.dsn = parser.value(QStringLiteral("dsn"));
    m_sources.profile = parser.value(QStringLiteral("profile"));
    for (const QString &set : parser.values(QStringLiteral("set"))) {
        const qsizetype eq = set.indexOf(QLatin1Char('='));
        if (eq <= 0) {
            // Only the part before '=' is quoted back: the value may be a password.
            *exitCode = fail(QStringLiteral("--set expects KEY=VALUE, got \"%1\"")
                                 .arg(eq < 0 ? set : QStringLiteral("=...")),
                             ExitUsage);
            return false;
        }
        m_sources.sets.append({set.left(eq).trimmed(), set.mid(eq + 1)});
    }
    if (parser.isSet(QStringLiteral("log-level")))
        m_sources.sets.append(
            {QStringLiteral("gorm.log_level"), parser.value(QStringLiteral("log-level"))});
    if (m_sources.configFile.isEmpty() && !m_sources.profile.isEmpty()
        && !m_sources.dsn.isEmpty()) {
        *exitCode = fail(QStringLiteral("--profile and --dsn cannot be combined"), ExitUsage);
        return false;
    }
    // Logging follows the configured level as soon as it is known.
    m_logFormat = parser.isSet(QStringLiteral("log-json")) ? LogFormat::JsonLines : LogFormat::Text;
    setupLogging(LogLevel::Warn, m_logFormat);
    return true;
}

ConfigSources CliContext::sources() const
{
    return m_sources;
}

AppConfig CliContext::config()
{
    QStringList warnings;
    const AppConfig config = resolveConfig(m_sources, &warnings);
    setupLogging(config.session.logLevel, m_logFormat);
    for (const QString &w : std::as_const(warnings))
        qCWarning(lcConfig).noquote() << w;
    return config;
}

void CliContext::printJson(const QJsonObject &object)
{
    m_out << Redactor::redact(
        QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact)))
          << '\n';
    m_out.flush();
}

int CliContext::fail(const QString &message, int code)
{
    m_err << "error: " << Redactor::redact(message) << '\n';
    m_err.flush();
    return code;
}

} // namespace melodee
