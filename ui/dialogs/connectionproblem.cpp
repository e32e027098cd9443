#include "connectionproblem.h"

#include <config/duration.h>
#include <session/workers.h>

#include <QRegularExpression>

namespace melodee {

QString ConnectionProblem::serverWords(const QString &message)
{
    QString line = message.section(QLatin1Char('\n'), 0, 0).trimmed();
    // libpq: 'connection to server at "127.0.0.1", port 5432 failed: FATAL:  ...'
    static const QRegularExpression preamble(
        QStringLiteral("^connection to server (at|on) .*? failed:\\s*"));
    line.remove(preamble);
    static const QRegularExpression severity(QStringLiteral("^(FATAL|ERROR):\\s+"));
    line.remove(severity);
    return line;
}

QString ConnectionProblem::explain(const ProbeResult &result, const DatabaseConfig &config)
{
    const QString message = result.serverMessage.isEmpty() ? result.error : result.serverMessage;
    const auto has = [&message](const char *words) {
        return message.contains(QLatin1String(words), Qt::CaseInsensitive);
    };
    const QString host = config.host.isEmpty() ? tr("the default host") : config.host;
    const QString address
        = QStringLiteral("%1:%2").arg(host).arg(config.port > 0 ? config.port : 5432);
    const QString user = config.user.isEmpty() ? tr("(your login name)") : config.user;
    const QString database = config.dbname.isEmpty() ? user : config.dbname;
    const QString sslmode = config.sslmode.isEmpty() ? QStringLiteral("prefer") : config.sslmode;

    QString why;
    if (has("could not translate host name") || has("Name or service not known")) {
        why = tr("Host: \"%1\" cannot be resolved to an address.").arg(host);
    } else if (has("Connection refused")) {
        why = tr("Host or port: nothing accepts connections at %1. Is the server running, and "
                 "is this its port?")
                  .arg(address);
    } else if (has("timeout expired")) {
        why = tr("Host or port: %1 did not answer within the connect timeout (%2). Check the "
                 "address, or allow more time.")
                  .arg(address, formatGoDuration(config.connectTimeout));
    } else if (has("no password supplied")) {
        why = tr("Password: the server asks for a password for user \"%1\", and none was given.")
                  .arg(user);
    } else if (result.sqlState == QLatin1String("28P01") || has("password authentication failed")) {
        why = tr("User or password: the server refused the password for user \"%1\" (or there "
                 "is no such user).")
                  .arg(user);
    } else if (has("role \"") && has("does not exist")) {
        why = tr("User: there is no user \"%1\" on the server.").arg(user);
    } else if (result.sqlState == QLatin1String("3D000")) {
        why = tr("Database: there is no database \"%1\" on the server.").arg(database);
    } else if (has("no pg_hba.conf entry")) {
        why = tr("User or database: the server's pg_hba.conf does not let user \"%1\" connect "
                 "to database \"%2\" from this machine with SSL mode \"%3\".")
                  .arg(user, database, sslmode);
    } else if (has("server does not support SSL")) {
        why = tr("SSL mode: \"%1\" requires TLS, and the server does not offer it.").arg(sslmode);
    } else if (has("root certificate file")) {
        why = tr("Root CA: SSL mode \"%1\" checks the server's certificate, and no readable "
                 "root CA file is set.")
                  .arg(sslmode);
    } else if (has("certificate verify failed")) {
        why = tr("Root CA: the server's certificate is not signed by the root CA \"%1\".")
                  .arg(config.sslrootcert);
    } else if (has("does not match host name")) {
        why = tr("Host: the server's certificate is not valid for \"%1\"; use the name in the "
                 "certificate, or SSL mode verify-ca.")
                  .arg(host);
    } else if (has("private key") || has("certificate file")) {
        why = tr("Client certificate or key: the file cannot be used.");
    } else {
        why = tr("The server at %1 refused the connection.").arg(address);
    }
    const QString words = serverWords(message);
    return words.isEmpty() ? why : why + QLatin1Char('\n') + tr("Server said: %1").arg(words);
}

} // namespace melodee
