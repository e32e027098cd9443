#include "replicastatus.h"

#include "connectionpool.h"
#include "db/connectparams.h"
#include "db/dberror.h"
#include "db/pgconnection.h"
#include "db/querydeadline.h"

#include <QDateTime>

namespace melodee {

quint64 parseLsn(const QString &text)
{
    const qsizetype slash = text.indexOf(QLatin1Char('/'));
    if (slash <= 0 || slash > 8 || text.size() - slash - 1 > 8 || text.size() - slash - 1 < 1)
        return 0;
    bool okHigh = false;
    bool okLow = false;
    const quint64 high = text.left(slash).toULongLong(&okHigh, 16);
    const quint64 low = text.mid(slash + 1).toULongLong(&okLow, 16);
    if (!okHigh || !okLow)
        return 0;
    return (high << 32) | low;
}

QString formatLsn(quint64 lsn)
{
    return QStringLiteral("%1/%2").arg(QString::number(lsn >> 32, 16).toUpper(),
                                       QString::number(lsn & 0xffffffffULL, 16).toUpper());
}

QJsonObject ReplicaStatus::toJson() const
{
    QJsonObject o{{QStringLiteral("name"), name},
                  {QStringLiteral("role"), role},
                  {QStringLiteral("in_rotation"), inRotation},
                  {QStringLiteral("lag_seconds"),
                   lagSeconds ? QJsonValue(*lagSeconds) : QJsonValue(QJsonValue::Null)},
                  {QStringLiteral("replay_lsn"),
                   replayLsn ? QJsonValue(formatLsn(replayLsn)) : QJsonValue(QJsonValue::Null)}};
    if (!reason.isEmpty())
        o.insert(QStringLiteral("reason"), reason);
    return o;
}

DatabaseConfig replicaConfig(const DatabaseConfig &primary, const QString &dsn)
{
    DatabaseConfig c = primary;
    c.routeDsn = dsn;
    c.replicas.clear();
    c.directDsn.clear();
    c.poolerAdminDsn.clear();
    return c;
}

QString replicaName(const DatabaseConfig &replica)
{
    const ConnectParams params(replica);
    const QString host = params.value("host");
    const QString port = params.value("port");
    return (host.isEmpty() ? QStringLiteral("local socket") : host)
           + (port.isEmpty() ? QString() : QLatin1Char(':') + port);
}

ReplicaStatus probeReplica(PgConnection &conn, Duration maxLag, std::chrono::milliseconds deadline)
{
    using namespace std::chrono;
    const OpContext ctx{QStringLiteral("replica status"), QString()};
    ReplicaStatus s;
    QueryDeadline hard(conn, deadline + milliseconds(250));
    conn.exec("BEGIN READ ONLY", ctx);
    // The lag is the age of the last replayed transaction while received WAL waits to be
    // replayed, and 0 once everything received is replayed (an idle primary sends nothing).
    const PgResult r = [&] {
        try {
            conn.exec(
                "SELECT set_config('statement_timeout', $1, true)",
                {QByteArray::number(qint64(std::max<milliseconds::rep>(1, deadline.count())))},
                ctx);
            PgResult out = conn.exec(
                "SELECT pg_is_in_recovery(), coalesce(pg_last_wal_receive_lsn()::text, ''), "
                "coalesce(pg_last_wal_replay_lsn()::text, ''), "
                "extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp())",
                ctx);
            conn.exec("ROLLBACK", ctx);
            return out;
        } catch (const DbError &) {
            hard.finish();
            if (!conn.isBroken()) {
                try {
                    conn.exec("ROLLBACK", ctx);
                } catch (const DbError &) {
                }
            }
            throw;
        }
    }();
    const bool recovering = r.toBool(0, 0);
    s.role = recovering ? QStringLiteral("replica") : QStringLiteral("primary");
    const quint64 received = parseLsn(r.text(0, 1));
    s.replayLsn = parseLsn(r.text(0, 2));
    if (recovering && received != 0) {
        if (received <= s.replayLsn)
            s.lagSeconds = 0.0;
        else if (!r.isNull(0, 3))
            s.lagSeconds = std::max(0.0, r.text(0, 3).toDouble());
    }
    const double maxSeconds = duration<double>(maxLag).count();
    if (!recovering)
        s.reason = QStringLiteral("not in recovery: a primary, not a replica");
    else if (received == 0)
        s.reason = QStringLiteral("lag unknown: not streaming WAL from the primary");
    else if (!s.lagSeconds)
        s.reason = QStringLiteral("lag unknown: WAL waits to be replayed and no transaction has "
                                  "been replayed since the server started");
    else if (*s.lagSeconds > maxSeconds)
        s.reason = QStringLiteral("lag %1 s is over database.max_replica_lag %2")
                       .arg(QString::number(*s.lagSeconds, 'f', 1), formatGoDuration(maxLag));
    s.inRotation = s.reason.isEmpty();
    return s;
}

ReplicaStatus
probeReplica(const DatabaseConfig &replica, Duration maxLag, std::chrono::milliseconds deadline)
{
    return ReplicaProber(replica).look(maxLag, deadline);
}

ReplicaProber::ReplicaProber(DatabaseConfig replica)
    : m_config(std::move(replica))
    , m_name(replicaName(m_config))
{
    m_config.connectTimeout = std::min<Duration>(m_config.connectTimeout, std::chrono::seconds(2));
}

ReplicaProber::~ReplicaProber() = default;
ReplicaProber::ReplicaProber(ReplicaProber &&) noexcept = default;
ReplicaProber &ReplicaProber::operator=(ReplicaProber &&) noexcept = default;

ReplicaStatus
ReplicaProber::look(Duration maxLag, std::chrono::milliseconds deadline, std::stop_token stop)
{
    const auto cancelled = [this] {
        return DbError::cancelled(QStringLiteral("replica status of %1").arg(m_name));
    };
    ReplicaStatus s;
    try {
        if (!m_conn || m_conn->isBroken())
            m_conn = PgConnection::open(m_config);
        if (stop.stop_requested())
            throw cancelled();
        detail::CancelOnStop cancelOnStop(*m_conn, stop);
        s = probeReplica(*m_conn, maxLag, deadline);
    } catch (const DbError &e) {
        if (stop.stop_requested())
            throw cancelled();
        m_conn.reset();
        s = ReplicaStatus{};
        s.reason = e.toString();
    }
    s.name = m_name;
    s.lookedAtMs = QDateTime::currentMSecsSinceEpoch();
    return s;
}

} // namespace melodee
