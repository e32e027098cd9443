#include "activity/servervitals.h"
#include "clicontext.h"
#include "commands.h"
#include "db/dberror.h"
#include "health/healthchecker.h"
#include "health/partitioncheck.h"
#include "health/replicacheck.h"
#include "pool/connectionpool.h"

#include <QJsonObject>

#include <optional>
#include <thread>

namespace melodee {

namespace {

struct Vitals
{
    VitalsSample sample;
    VitalsRates rates;
};

// Two samples a second apart: the rates need an interval.
Vitals readVitals(ConnectionPool &pool, const AppConfig &config)
{
    const ServerVitals vitals(config.session.tablePrefix);
    const auto one = [&pool, &vitals] {
        return pool.withConnection([&vitals](PgConnection &conn) { return vitals.sample(conn); },
                                   RetryPolicy::read());
    };
    const VitalsSample first = one();
    std::this_thread::sleep_for(std::chrono::seconds(1));
    Vitals v{one(), {}};
    v.rates = ServerVitals::rates(first, v.sample);
    return v;
}

void printVitals(QTextStream &out, const Vitals &v)
{
    const VitalsSample &s = v.sample;
    if (v.rates.valid)
        out << "transactions_per_s: commit " << QString::number(v.rates.commits, 'f', 1)
            << ", rollback " << QString::number(v.rates.rollbacks, 'f', 1) << '\n';
    QStringList states;
    for (const SessionStateCount &c : s.sessionStates)
        states << QStringLiteral("%1 %2").arg(c.count).arg(c.state);
    out << "sessions: " << s.sessions << " (" << states.join(QStringLiteral(", ")) << ")\n";
    out << "lock_waits: " << s.lockWaits.size() << '\n';
    for (const LockWait &w : s.lockWaits)
        out << "  pid " << w.pid << " waits " << QString::number(w.waitedSeconds, 'f', 1)
            << " s for " << w.lockType << ", blocked by " << w.blockers.simplified() << '\n';
    if (s.oldestTransaction)
        out << "oldest_transaction: pid " << s.oldestTransaction->pid << ", "
            << QString::number(s.oldestTransaction->ageSeconds, 'f', 1) << " s\n";
    else
        out << "oldest_transaction: none\n";
    out << "partitions: " << s.partitionCount << ", dead tuples " << s.deadTuples
        << ", vacuums running " << s.vacuumsRunning << '\n';
}

} // namespace

int runHealthCommand(CliContext &ctx, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Connects through the connection pool, runs SELECT 1 and the partition "
                       "check within 5 s in all and prints healthy, degraded or unhealthy.\n"
                       "Exit code: 0 healthy, 1 degraded, 2 unhealthy, 3 usage."));
    const QCommandLineOption vitalsOption(
        QStringLiteral("vitals"),
        QStringLiteral("Also read the server's vital signs: transactions, tuples and block I/O per "
                       "second over one second, sessions by state, lock waits, the oldest "
                       "transaction and autovacuum on the partitions."));
    parser.addOption(vitalsOption);
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
    std::optional<Vitals> vitals;
    QString vitalsError;
    if (parser.isSet(vitalsOption) && report.status != HealthStatus::Unhealthy) {
        try {
            vitals = readVitals(pool, config);
        } catch (const DbError &e) {
            vitalsError = e.toString();
        }
    }
    if (ctx.json()) {
        QJsonObject o = report.toJson();
        if (!replicas.isEmpty())
            o.insert(QStringLiteral("replicas"), replicasToJson(replicas));
        if (vitals) {
            o.insert(QStringLiteral("vitals"), vitals->sample.toJson());
            o.insert(QStringLiteral("rates"), vitals->rates.toJson());
        } else if (!vitalsError.isEmpty()) {
            o.insert(QStringLiteral("vitals_error"), vitalsError);
        }
        ctx.printJson(o);
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
        if (vitals)
            printVitals(ctx.out(), *vitals);
        else if (!vitalsError.isEmpty())
            ctx.out() << "vitals_error: " << vitalsError << '\n';
        ctx.out().flush();
    }
    return code;
}

} // namespace melodee
