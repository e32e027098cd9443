#include "clicontext.h"
#include "commands.h"
#include "db/databasemanager.h"
#include "db/dberror.h"

#include <QJsonObject>

namespace melodee {

int runHealthCommand(CliContext &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Connects, runs SELECT 1 within 5 s and prints healthy, degraded or "
                       "unhealthy.\nExit code: 0 healthy, 1 degraded, 2 unhealthy, 3 usage."));
    CliContext::addGlobalOptions(parser);
    int code = ExitOk;
    if (!ctx.parse(parser, args, QStringLiteral("health"), &code))
        return code;
    const AppConfig config = ctx.config();

    QString status;
    QString message;
    ServerInfo info;
    try {
        info = DatabaseManager::probe(config.database, std::chrono::seconds(5));
        status = QStringLiteral("healthy");
        message = QStringLiteral("Connected with 1 open connections");
        code = ExitOk;
    } catch (const DbError &e) {
        status = QStringLiteral("unhealthy");
        message = QStringLiteral("Basic query failed: %1").arg(e.toString());
        code = ExitUnhealthy;
    }
    if (ctx.json()) {
        QJsonObject o{{QStringLiteral("status"), status}, {QStringLiteral("message"), message}};
        if (code != ExitUnhealthy) {
            o.insert(QStringLiteral("server_version"), info.serverVersion);
            o.insert(QStringLiteral("latency_ms"), info.latencyMs);
            o.insert(QStringLiteral("connect_ms"), info.connectMs);
            o.insert(QStringLiteral("tls"), info.tls);
            if (info.tls)
                o.insert(QStringLiteral("tls_description"), info.tlsDescription);
            o.insert(QStringLiteral("database"), info.database);
        }
        ctx.printJson(o);
    } else {
        ctx.out() << "status: " << status << '\n' << "message: " << message << '\n';
        if (code != ExitUnhealthy) {
            ctx.out() << "server_version: " << info.serverVersion << '\n'
                      << "latency_ms: " << QString::number(info.latencyMs, 'f', 3) << '\n'
                      << "tls: " << (info.tls ? info.tlsDescription : QStringLiteral("off")) << '\n';
        }
        ctx.out().flush();
    }
    return code;
}

} // namespace melodee
