#pragma once

#include "config/appconfig.h"

#include <QJsonObject>
#include <QString>

#include <chrono>
#include <memory>
#include <optional>
#include <stop_token>

namespace melodee {

class PgConnection;

// A WAL position ("16/B374D848") as one number, so positions compare; 0 for an empty or
// malformed text (no position).
quint64 parseLsn(const QString &text);
QString formatLsn(quint64 lsn);

// What one look at a replica found.
struct ReplicaStatus
{
    QString name; // host:port, never credentials
    // "replica" (in recovery), "primary" (not in recovery: promoted or misconfigured) or
    // "unreachable".
    QString role = QStringLiteral("unreachable");
    bool inRotation = false;
    // Seconds since the last transaction it replayed, 0 when it has replayed all it received;
    // empty when unknown.
    std::optional<double> lagSeconds;
    quint64 replayLsn = 0;
    QString reason;        // why it is out of the rotation; empty when in
    qint64 lookedAtMs = 0; // when the look ended, ms since the epoch (wall clock); 0: never
    QJsonObject toJson() const;
};

// The config a replica is reached with: the primary's, with the replica's DSN on top (its keywords
// win, the fields it leaves out come from the primary's settings) and no replicas of its own.
DatabaseConfig replicaConfig(const DatabaseConfig &primary, const QString &dsn);
QString replicaName(const DatabaseConfig &replica);

// Looks at a replica on conn within `deadline` (a statement_timeout for this transaction, and a
// hard deadline that drops the connection of a server that stopped answering). A replica is in
// the rotation when it is in recovery and its lag is known and at most maxLag. Throws DbError
// when the connection fails.
ReplicaStatus probeReplica(PgConnection &conn, Duration maxLag, std::chrono::milliseconds deadline);
// Connects (connect_timeout at most 2 s) and probes; never throws: a failure is "unreachable".
ReplicaStatus
probeReplica(const DatabaseConfig &replica, Duration maxLag, std::chrono::milliseconds deadline);

// Looks at one replica again and again over a connection of its own, opened by the first look
// (connect_timeout at most 2 s) and again after it broke. One look at a time.
class ReplicaProber
{
public:
    explicit ReplicaProber(DatabaseConfig replica);
    ~ReplicaProber();
    ReplicaProber(ReplicaProber &&) noexcept;
    ReplicaProber &operator=(ReplicaProber &&) noexcept;

    // host:port, never credentials.
    const QString &name() const { return m_name; }
    // As probeReplica(): never throws for a failed connection or query, which make the replica
    // "unreachable" with the reason. A stop requested through `stop` cancels the running query
    // (PQcancel) and throws DbError::cancelled().
    ReplicaStatus
    look(Duration maxLag, std::chrono::milliseconds deadline, std::stop_token stop = {});

private:
    DatabaseConfig m_config;
    QString m_name;
    std::unique_ptr<PgConnection> m_conn;
};

} // namespace melodee
