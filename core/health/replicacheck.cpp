#include "replicacheck.h"

#include "healthchecker.h"

namespace melodee {

QList<ReplicaStatus> checkReplicas(HealthReport &report, const DatabaseConfig &config)
{
    QList<ReplicaStatus> replicas;
    for (const QString &dsn : config.replicas) {
        replicas << probeReplica(
            replicaConfig(config, dsn), config.maxReplicaLag, std::chrono::seconds(2));
        const ReplicaStatus &r = replicas.last();
        if (r.inRotation)
            continue;
        report.degradations << QStringLiteral("replica %1: %2").arg(r.name, r.reason);
        if (report.status == HealthStatus::Healthy) {
            report.status = HealthStatus::Degraded;
            report.message = report.degradations.last();
        }
    }
    return replicas;
}

QJsonArray replicasToJson(const QList<ReplicaStatus> &replicas)
{
    QJsonArray list;
    for (const ReplicaStatus &r : replicas)
        list.append(r.toJson());
    return list;
}

QString replicaSummary(const ReplicaStatus &r)
{
    const QString lag = r.lagSeconds ? QString::number(*r.lagSeconds, 'f', 1) + QStringLiteral(" s")
                                     : QStringLiteral("unknown");
    return QStringLiteral("replica %1: %2, lag %3, %4")
        .arg(r.name,
             r.role,
             lag,
             r.inRotation ? QStringLiteral("in rotation")
                          : QStringLiteral("out of rotation: ") + r.reason);
}

} // namespace melodee
