#include "clicontext.h"

#include "config/configloader.h"
#include "config/conninfo.h"
#include "db/pgconnection.h"
#include "util/logging.h"
#include "util/redactor.h"

#include <QFile>
#include <QJsonArray>
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
        {QStringLiteral("password-file"),
         QStringLiteral("Read the database password from FILE (- for standard input), so it is "
                        "never on the command line."),
         QStringLiteral("FILE")},
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
        out() << parser.helpText();
        out().flush();
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
    // With or without --config: the profile's saved password must never go to the DSN's server.
    if (!m_sources.profile.isEmpty() && !m_sources.dsn.isEmpty()) {
        *exitCode = fail(QStringLiteral("--profile and --dsn cannot be combined: a profile's "
                                        "saved password is only sent to the profile's server"),
                         ExitUsage);
        return false;
    }
    // Anything in argv is visible to every local user (ps, /proc/PID/cmdline).
    m_argvPasswords.clear();
    if (!m_sources.dsn.isEmpty() && conninfoHasPassword(m_sources.dsn))
        m_argvPasswords << QStringLiteral("--dsn");
    for (const auto &[key, value] : std::as_const(m_sources.sets)) {
        if (ConfigLoader::isSecretKey(key) && !value.isEmpty())
            m_argvPasswords << QStringLiteral("--set %1").arg(key);
    }
    m_pendingWarnings.clear();
    if (parser.isSet(QStringLiteral("password-file"))) {
        const QString path = parser.value(QStringLiteral("password-file"));
        try {
            if (path == QLatin1String("-")) {
                QFile in;
                if (!in.open(stdin, QIODevice::ReadOnly))
                    throw ConfigError(QStringLiteral("database.password"),
                                      QStringLiteral("--password-file -"),
                                      QStringLiteral("--password-file -: cannot read standard "
                                                     "input"));
                m_sources.password = ConfigLoader::secretFromBytes(
                    in.read(64 * 1024 + 1), QStringLiteral("--password-file -"));
            } else {
                m_sources.password = ConfigLoader::readSecretFile(
                    path, QStringLiteral("--password-file"), &m_pendingWarnings);
            }
            m_sources.passwordSource = QStringLiteral("--password-file");
        } catch (const ConfigError &e) {
            *exitCode = fail(e.message(), ExitUsage);
            return false;
        }
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
    if (!m_argvPasswords.isEmpty())
        qCWarning(lcConfig).noquote()
            << QStringLiteral("a password was given on the command line (%1), where other local "
                              "users can read it (ps, /proc); use --password-file FILE (- for "
                              "standard input), MELODEE_DATABASE_PASSWORD_FILE or a saved "
                              "profile instead")
                   .arg(m_argvPasswords.join(QLatin1String(", ")));
    for (const QString &w : std::as_const(m_pendingWarnings))
        qCWarning(lcConfig).noquote() << w;
    // Once per run, however often a command reads its configuration.
    m_argvPasswords.clear();
    m_pendingWarnings.clear();
    // Every connection this command opens logs statements slower than gorm.slow_threshold.
    PgConnection::setDefaultSlowThreshold(config.session.slowThreshold);
    for (const QString &w : std::as_const(warnings))
        qCWarning(lcConfig).noquote() << w;
    return config;
}

void CliContext::printJson(const QJsonObject &object)
{
    // Secrets are masked in the values, before serializing. Nothing runs over the serialized text,
    // so the document parses whatever the data holds ("Secret: Love", quotes, newlines).
    m_out << QString::fromUtf8(
        QJsonDocument(Redactor::redactJson(object)).toJson(QJsonDocument::Compact))
          << '\n';
    m_out.flush();
    m_printedJson = true;
}

int CliContext::finish(int code)
{
    if (!m_json)
        return code;
    m_held.flush();
    if (m_printedJson) {
        if (!m_heldText.isEmpty()) {
            m_err << m_heldText;
            m_err.flush();
        }
    } else {
        QStringList lines = m_heldText.split(QLatin1Char('\n'));
        if (!lines.isEmpty() && lines.last().isEmpty())
            lines.removeLast();
        QJsonObject o{{QStringLiteral("exit_code"), code},
                      {QStringLiteral("output"), QJsonArray::fromStringList(lines)}};
        if (code != ExitOk && !m_error.isEmpty())
            o.insert(QStringLiteral("error"), m_error);
        printJson(o);
    }
    m_heldText.clear();
    return code;
}

int CliContext::fail(const QString &message, int code)
{
    m_error = Redactor::redact(message);
    m_err << "error: " << m_error << '\n';
    m_err.flush();
    return code;
}

} // namespace melodee
