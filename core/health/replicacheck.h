#pragma once

#include "pool/replicastatus.h"

#include <QJsonArray>
#include <QList>

namespace melodee {

struct HealthReport;

// Looks at each replica in config.replicas (each look bounded: 2 s to connect, 2 s to answer).
// One out of the rotation adds a degradation line naming it and why, and makes a healthy report
// degraded, since reads then fall back to the primary. No replicas: no network, nothing changes.
QList<ReplicaStatus> checkReplicas(HealthReport &report, const DatabaseConfig &config);

QJsonArray replicasToJson(const QList<ReplicaStatus> &replicas);
// "replica 10.0.0.7:5432: replica, lag 0.3 s, in rotation" (or why it is out).
QString replicaSummary(const ReplicaStatus &replica);

} // namespace melodee
