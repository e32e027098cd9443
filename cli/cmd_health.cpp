#include "clicontext.h"
#include "commands.h"
#include "db/dberror.h"
#include "health/healthchecker.h"
#include "health/partitioncheck.h"
#include "health/replicacheck.h"
#include "pool/connectionpool.h"

#include <QJsonObject>

namespace melodee {

int runHealthCommand(CliContext &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Connects through the connection pool, runs SELECT 1 and the partition "
                       "check within 5 s in all and prints healthy, degraded or unhealthy.\n"
                       "Exit code: 0 healthy, 1 degraded, 2 unhealthy, 3 usage."));
    int code = ExitOk;
    if (!ctx.parse(parser, args, QStringLiteral("health"), &code))
        return code;
    const AppConfig config = ctx.config();

    ConnectionPool pool(config.database, config.session);
    HealthChecker checker(pool, std::chrono::seconds(5));
    // Degraded when next month has no partition or a default partition holds rows, and when
    // that cannot be told within the timeout (with who holds the lock).
    addPartitionCheck(checker, config.session);
    HealthReport report = checker.check();
    const QList<ReplicaStatus> replicas = checkReplicas(report, config.database);
    switch (report.status) {
    case HealthStatus::Healthy:
        code = ExitOk;
        break;
    case HealthStatus::Degraded:
        code = ExitFailure;
        break;
    case HealthStatus::Unhealthy:
        code = ExitUnhealthy;
        break;
    }
    if (ctx.json()) {
        QJsonObject json = report.toJson();
        if (!replicas.isEmpty())
            json.insert(QStringLiteral("replicas"), replicasToJson(replicas));
        ctx.printJson(json);
    } else {
        ctx.out() << "status: " << report.statusName() << '\n'
                  << "message: " << report.message << '\n';
        if (report.status != HealthStatus::Unhealthy) {
            ctx.out() << "server_version: " << report.serverVersion << '\n'
                      << "latency_ms: " << QString::number(report.latencyMs, 'f', 3) << '\n'
                      << "tls: " << (report.tls ? report.tlsDescription : QStringLiteral("off"))
                      << '\n';
        }
        for (const ReplicaStatus &r : replicas)
            ctx.out() << replicaSummary(r) << '\n';
        ctx.out().flush();
    }
    return code;
}

} // namespace melodee
