#include "migrationhistory.h"
#include "migrationengine.h"

#include "db/dberror.h"
#include "db/pgconnection.h"
#include "db/transaction.h"
#include "util/logging.h"

#include <QHash>

#include <algorithm>

namespace melodee {

namespace {

QString osUser()
{
    const QByteArray u = qgetenv("USER");
    return u.isEmpty() ? QStringLiteral("unknown") : QString::fromLocal8Bit(u);
}

} // namespace

void MigrationEngine::ensureHistoryTable()
{
    const OpContext ctx{QStringLiteral("create history table"), historyTable()};
    // Looked up first: CREATE TABLE IF NOT EXISTS would print a NOTICE on every run.
    const PgResult exists
        = m_conn->exec("SELECT to_regclass($1) IS NOT NULL", PgParams{historyTable().toUtf8()});
    if (!exists.toBool(0, 0)) {
        Transaction::execWrite(
            *m_conn,
            m_config.session,
            QStringLiteral(
                "CREATE TABLE IF NOT EXISTS %1 ("
                "version integer PRIMARY KEY, name text NOT NULL, phase integer NOT NULL, "
                "checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), "
                "applied_by text NOT NULL, reviewer text, plan_hash text, execution_ms bigint, "
                "status text NOT NULL CHECK (status IN ('applied', 'running', 'failed')), "
                "transactional boolean NOT NULL DEFAULT true, error text, environment text)")
                .arg(historyTable())
                .toUtf8(),
            {},
            ctx);
    }
    // Tables written before the environment was recorded get the column; checked first so the
    // usual run takes no ACCESS EXCLUSIVE lock on the history.
    const PgResult has = m_conn->exec(
        "SELECT count(*) FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = "
        "'environment' AND NOT attisdropped",
        {historyTable().toUtf8()},
        ctx);
    if (has.toInt64(0, 0) == 0) {
        Transaction::execWrite(*m_conn,
                               m_config.session,
                               QStringLiteral("ALTER TABLE %1 ADD COLUMN IF NOT EXISTS environment "
                                              "text")
                                   .arg(historyTable())
                                   .toUtf8(),
                               {},
                               ctx);
    }
}

QList<HistoryRow> MigrationEngine::history()
{
    QList<HistoryRow> out;
    if (!m_conn)
        return out;
    const PgResult exists
        = m_conn->exec("SELECT to_regclass($1) IS NOT NULL", PgParams{historyTable().toUtf8()});
    if (!exists.toBool(0, 0))
        return out;
    // to_jsonb(t): the environment column may not exist yet in a table an older version wrote.
    const PgResult r = m_conn->exec(
        QStringLiteral("SELECT version, name, checksum, "
                       "to_char(applied_at AT TIME ZONE 'UTC', "
                       "'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), applied_by, coalesce(reviewer, ''), "
                       "coalesce(plan_hash, ''), coalesce(execution_ms, 0), status, "
                       "coalesce(to_jsonb(t) ->> 'environment', '') FROM %1 t ORDER BY version")
            .arg(historyTable())
            .toUtf8(),
        {QStringLiteral("read history"), historyTable()});
    for (int i = 0; i < r.rows(); ++i) {
        HistoryRow h;
        h.version = int(r.toInt64(i, 0));
        h.name = r.text(i, 1);
        h.checksum = r.text(i, 2);
        h.appliedAt = QDateTime::fromString(r.text(i, 3), Qt::ISODateWithMs);
        h.appliedBy = r.text(i, 4);
        h.reviewer = r.text(i, 5);
        h.planHash = r.text(i, 6);
        h.executionMs = r.toInt64(i, 7);
        const auto status = parseMigrationStatus(r.text(i, 8));
        if (!status) {
            throw MigrateError(QStringLiteral("%1 version %2 has status \"%3\", which this "
                                              "melodee does not know")
                                   .arg(historyTable())
                                   .arg(h.version)
                                   .arg(r.text(i, 8)));
        }
        h.status = *status;
        h.environment = parseEnvironment(r.text(i, 9));
        out << h;
    }
    return out;
}

QList<MigrationState> MigrationEngine::status()
{
    QHash<int, HistoryRow> rows;
    for (const HistoryRow &h : history())
        rows.insert(h.version, h);
    QList<MigrationState> out;
    for (const Migration &m : m_migrations) {
        MigrationState s;
        s.version = m.version;
        s.name = m.name;
        s.phase = m.phase;
        s.currentChecksum = QString::fromLatin1(m.checksum);
        if (rows.contains(m.version)) {
            const HistoryRow h = rows.take(m.version);
            s.history = h;
            if (h.status != MigrationStatus::Applied)
                s.status = h.status;
            else if (h.checksum != s.currentChecksum
                     && !m.formerChecksums.contains(h.checksum.toLatin1()))
                s.status = MigrationStatus::Drifted;
            else
                s.status = MigrationStatus::Applied;
        } else {
            s.status = MigrationStatus::Pending;
        }
        out << s;
    }
    for (const HistoryRow &h : std::as_const(rows)) {
        MigrationState s;
        s.version = h.version;
        s.name = h.name;
        s.status = MigrationStatus::Missing;
        s.history = h;
        out << s;
    }
    std::sort(out.begin(), out.end(), [](const MigrationState &a, const MigrationState &b) {
        return a.version < b.version;
    });
    return out;
}

void MigrationEngine::checkDrift()
{
    QStringList drifted;
    for (const MigrationState &s : status()) {
        if (s.status == MigrationStatus::Drifted) {
            drifted << QStringLiteral("migration %1 %2 was applied with checksum %3 but its file "
                                      "now has %4")
                           .arg(s.version)
                           .arg(s.name, s.history->checksum.left(12), s.currentChecksum.left(12));
        }
    }
    if (!drifted.isEmpty()) {
        throw MigrateError(QStringLiteral("drift: %1. Restore the applied file, or run `melodee "
                                          "migrate repair` to accept the change")
                               .arg(drifted.join(QLatin1String("; "))),
                           ErrorKind::Drift);
    }
}

QStringList MigrationEngine::repair()
{
    QStringList done;
    ensureHistoryTable();
    for (const MigrationState &s : status()) {
        if (s.status == MigrationStatus::Drifted) {
            Transaction::execWrite(*m_conn,
                                   m_config.session,
                                   QStringLiteral("UPDATE %1 SET checksum = $1 WHERE version = $2")
                                       .arg(historyTable())
                                       .toUtf8(),
                                   {s.currentChecksum.toUtf8(), QByteArray::number(s.version)},
                                   {QStringLiteral("repair checksum"), historyTable()});
            done << QStringLiteral("migration %1 %2: checksum updated to %3")
                        .arg(s.version)
                        .arg(s.name, s.currentChecksum.left(12));
        } else if (s.status == MigrationStatus::Failed) {
            Transaction::execWrite(
                *m_conn,
                m_config.session,
                QStringLiteral("DELETE FROM %1 WHERE version = $1 AND status = 'failed'")
                    .arg(historyTable())
                    .toUtf8(),
                {QByteArray::number(s.version)},
                {QStringLiteral("repair failed row"), historyTable()});
            done << QStringLiteral("migration %1 %2: failed attempt forgotten (pending again)")
                        .arg(s.version)
                        .arg(s.name);
        }
    }
    return done;
}

bool MigrationEngine::recordHistory(const Migration &m,
                                    MigrationStatus status,
                                    const QString &planHash,
                                    const QString &reviewer,
                                    qint64 ms,
                                    const QString &error)
{
    // An applied row is final: a failure or a second apply never replaces it (the WHERE of the
    // upsert), and the caller learns from the missing RETURNING row that someone else applied it.
    const PgResult r = Transaction::execWrite(
        *m_conn,
        m_config.session,
        QStringLiteral(
            "INSERT INTO %1 AS h (version, name, phase, checksum, applied_at, applied_by, "
            "reviewer, plan_hash, execution_ms, status, transactional, error, environment) "
            "VALUES ($1, $2, $3, $4, now(), session_user || ' (os user ' || $5 || ')', "
            "nullif($6, ''), $7, $8, $9, $10, nullif($11, ''), $12) "
            "ON CONFLICT (version) DO UPDATE SET name = EXCLUDED.name, "
            "phase = EXCLUDED.phase, checksum = EXCLUDED.checksum, applied_at = now(), "
            "applied_by = EXCLUDED.applied_by, reviewer = EXCLUDED.reviewer, "
            "plan_hash = EXCLUDED.plan_hash, execution_ms = EXCLUDED.execution_ms, "
            "status = EXCLUDED.status, transactional = EXCLUDED.transactional, "
            "error = EXCLUDED.error, environment = EXCLUDED.environment "
            "WHERE h.status <> 'applied' RETURNING version")
            .arg(historyTable())
            .toUtf8(),
        {QByteArray::number(m.version),
         m.name.toUtf8(),
         QByteArray::number(m.phase),
         m.checksum,
         osUser().toUtf8(),
         reviewer.toUtf8(),
         planHash.toUtf8(),
         QByteArray::number(ms),
         migrationStatusName(status).toUtf8(),
         m.transactional ? QByteArray("true") : QByteArray("false"),
         error.toUtf8(),
         environmentName(m_config.migrate.environment).toUtf8()},
        {QStringLiteral("record migration %1").arg(m.version), historyTable()});
    return r.rows() > 0;
}

void MigrationEngine::recordFailure(const Migration &m,
                                    const QString &planHash,
                                    const ApplyOptions &options,
                                    qint64 ms,
                                    const QString &error,
                                    const Callbacks &callbacks)
{
    if (!m_conn || m_conn->isBroken())
        return;
    try {
        if (!recordHistory(m, MigrationStatus::Failed, planHash, options.reviewer, ms, error)
            && callbacks.log) {
            callbacks.log(QStringLiteral("migration %1 %2 is recorded as applied by another "
                                         "session; its row is left as it is")
                              .arg(m.version)
                              .arg(m.name));
        }
    } catch (const DbError &e) {
        qCWarning(
            lcMigrate, "could not record the failure of migration %d: %s", m.version, e.what());
    }
}

} // namespace melodee
