#include "migrationengine.h"

#include "db/dberror.h"
#include "db/pgconnection.h"
#include "db/pooler.h"
#include "partitions/partitionmaintenance.h"
#include "util/logging.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QThread>

#include <libpq-fe.h>

namespace melodee {

namespace {

// 'melo': the first advisory-lock key; the second is derived from the history table's name so
// two Melodee schemas with different prefixes in one database do not block each other.
constexpr qint32 kLockClass = 0x6D656C6F;

} // namespace

QString MigrationEngine::durationSql(Duration d)
{
    const qint64 ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
    if (ms >= 60000 && ms % 60000 == 0)
        return QStringLiteral("%1min").arg(ms / 60000);
    if (ms >= 1000 && ms % 1000 == 0)
        return QStringLiteral("%1s").arg(ms / 1000);
    return QStringLiteral("%1ms").arg(ms);
}

MigrationEngine::MigrationEngine(const AppConfig &config, const QString &migrationDir)
    : m_config(config)
    , m_backoff(config.migrate)
    , m_migrations(allMigrations(migrationDir))
{}

MigrationEngine::~MigrationEngine()
{
    try {
        unlock();
    } catch (const DbError &) {
        // Closing the session releases it anyway.
    }
}

QString MigrationEngine::historyTable() const
{
    return m_config.session.tablePrefix + QStringLiteral("schema_migrations");
}

std::pair<qint32, qint32> MigrationEngine::lockKeys(const QString &historyTable)
{
    const QByteArray h
        = QCryptographicHash::hash(historyTable.toUtf8(), QCryptographicHash::Sha256);
    const quint32 v = (quint32(uchar(h[0])) << 24) | (quint32(uchar(h[1])) << 16)
                      | (quint32(uchar(h[2])) << 8) | quint32(uchar(h[3]));
    return {kLockClass, qint32(v & 0x7fffffff)};
}

QString MigrationEngine::targetDescription() const
{
    if (!m_conn)
        return QStringLiteral("offline (planned against an empty database)");
    PGconn *c = m_conn->handle();
    return QStringLiteral("%1:%2/%3")
        .arg(
            QString::fromUtf8(PQhost(c)), QString::fromUtf8(PQport(c)), QString::fromUtf8(PQdb(c)));
}

void MigrationEngine::connect()
{
    // The migration lock is a session advisory lock: never through a transaction pooler.
    m_conn
        = PgConnection::open(directSessionConfig(m_config.database, QStringLiteral("migrations")));
    m_conn->setUsePreparedStatements(false);
    applySession();
}

void MigrationEngine::applySession()
{
    // The same deadlines, UTC and dead-client check as every other maintenance session.
    PartitionMaintenance::setUpSession(*m_conn, m_config.migrate);
}

void MigrationEngine::reconnect(const Callbacks &callbacks)
{
    // The advisory lock went with the old session; m_wantLock survives a failed attempt.
    m_locked = false;
    m_conn.reset();
    connect();
    if (callbacks.log)
        callbacks.log(QStringLiteral("reconnected to %1").arg(targetDescription()));
    if (m_wantLock)
        lock(callbacks);
}

QString MigrationEngine::lockHolder()
{
    const auto [k1, k2] = lockKeys(historyTable());
    const PgResult r = m_conn->exec(
        "SELECT a.pid, coalesce(a.usename, ''), coalesce(a.application_name, ''), "
        "coalesce(host(a.client_addr), 'local socket'), "
        "to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
        "coalesce(a.state, '') "
        "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::oid AND l.objid = $2::oid "
        "AND l.objsubid = 2 AND l.database = (SELECT oid FROM pg_database WHERE datname = "
        "current_database())",
        {QByteArray::number(k1), QByteArray::number(k2)},
        {QStringLiteral("find migration lock holder"), QStringLiteral("pg_locks")});
    if (r.rows() == 0)
        return {};
    return QStringLiteral("pid %1 (user %2, application \"%3\", client %4, connected since %5, %6)")
        .arg(r.text(0, 0), r.text(0, 1), r.text(0, 2), r.text(0, 3), r.text(0, 4), r.text(0, 5));
}

void MigrationEngine::lock(const Callbacks &callbacks)
{
    if (m_locked)
        return;
    const auto waitMs
        = std::chrono::duration_cast<std::chrono::milliseconds>(m_config.migrate.lockWait);
    QElapsedTimer timer;
    timer.start();
    bool reported = false;
    const auto [k1, k2] = lockKeys(historyTable());
    const PgParams keys = {QByteArray::number(k1), QByteArray::number(k2)};
    while (true) {
        if (callbacks.stop.stop_requested())
            throw MigrateError(QStringLiteral("cancelled while waiting for the migration lock"),
                               ErrorKind::Cancelled);
        const PgResult r = m_conn->exec("SELECT pg_try_advisory_lock($1::int, $2::int)",
                                        keys,
                                        {QStringLiteral("take migration lock"), historyTable()});
        if (r.toBool(0, 0)) {
            m_locked = true;
            m_wantLock = true;
            if (reported && callbacks.log) {
                callbacks.log(QStringLiteral("took the migration lock after waiting %1 s")
                                  .arg(timer.elapsed() / 1000.0, 0, 'f', 1));
            }
            return;
        }
        if (!reported) {
            reported = true;
            if (callbacks.log) {
                const QString holder = lockHolder();
                callbacks.log(
                    QStringLiteral("waiting up to %1 for the migration lock held by %2")
                        .arg(durationSql(m_config.migrate.lockWait),
                             holder.isEmpty() ? QStringLiteral("another session") : holder));
            }
        }
        if (timer.elapsed() >= waitMs.count()) {
            const QString holder = lockHolder();
            throw MigrateError(
                QStringLiteral("another migration holds the migration lock; gave up "
                               "after %1 (migrate.lock_wait / --lock-wait). Holder: "
                               "%2")
                    .arg(durationSql(m_config.migrate.lockWait),
                         holder.isEmpty() ? QStringLiteral("released just now") : holder),
                ErrorKind::LockWait);
        }
        // Polled, not blocking: a blocking pg_advisory_lock could not report who holds it or
        // give up at lock_wait without a second session.
        QThread::msleep(qMin<qint64>(250, qMax<qint64>(1, waitMs.count() - timer.elapsed())));
    }
}

void MigrationEngine::unlock()
{
    m_wantLock = false;
    const bool held = m_locked && m_conn && !m_conn->isBroken();
    m_locked = false;
    if (!held)
        return; // a broken session lost the lock with it
    const auto [k1, k2] = lockKeys(historyTable());
    m_conn->exec("SELECT pg_advisory_unlock($1::int, $2::int)",
                 {QByteArray::number(k1), QByteArray::number(k2)},
                 {QStringLiteral("release migration lock"), historyTable()});
}

QString MigrationEngine::columnType(const QString &table, const QString &column)
{
    if (!m_conn)
        return {};
    // The name as the parse tree has it ("rel" or "schema.rel", unquoted): quoted here, so any
    // character in it is read as part of the name, never as syntax.
    const PgResult r = m_conn->exec(
        "SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a WHERE a.attrelid = "
        "coalesce(to_regclass(quote_ident($1)), to_regclass(quote_ident(split_part($1, '.', 1)) "
        "|| '.' || quote_ident(substr($1, strpos($1, '.') + 1)))) AND a.attname = $2 AND NOT "
        "a.attisdropped",
        {table.toUtf8(), column.toUtf8()},
        {QStringLiteral("read column type"), table});
    return r.rows() > 0 ? r.text(0, 0) : QString();
}

QList<IntegrityProblem> MigrationEngine::integrityCheck()
{
    const SessionConfig &s = m_config.session;
    const QString songs = s.tableName(QStringLiteral("song"));
    const QString albums = s.tableName(QStringLiteral("album"));
    const QString artists = s.tableName(QStringLiteral("artist"));
    struct Check
    {
        QString name;
        QString sql;
    };
    const auto orphan = [](const QString &child, const QString &column, const QString &parent) {
        return QStringLiteral("SELECT count(*), coalesce(array_to_string((array_agg(c.id ORDER BY "
                              "c.id))[1:10], ', '), '') FROM %1 c WHERE c.%2 IS NOT NULL AND NOT "
                              "EXISTS (SELECT 1 FROM %3 p WHERE p.id = c.%2)")
            .arg(child, column, parent);
    };
    const auto dup = [](const QString &table, const QString &column) {
        return QStringLiteral("SELECT count(*), coalesce(array_to_string((array_agg(k ORDER BY k))"
                              "[1:10], ', '), '') FROM (SELECT %2::text AS k FROM %1 GROUP BY %2 "
                              "HAVING count(*) > 1) d")
            .arg(table, column);
    };
    const QList<Check> checks = {
        {QStringLiteral("songs with unknown artist_id"),
         orphan(songs, QStringLiteral("artist_id"), artists)},
        {QStringLiteral("songs with unknown album_id"),
         orphan(songs, QStringLiteral("album_id"), albums)},
        {QStringLiteral("albums with unknown artist_id"),
         orphan(albums, QStringLiteral("artist_id"), artists)},
        {QStringLiteral("duplicate song id across partitions"), dup(songs, QStringLiteral("id"))},
        {QStringLiteral("duplicate song api_key across partitions"),
         dup(songs, QStringLiteral("api_key"))},
        {QStringLiteral("duplicate album id across partitions"), dup(albums, QStringLiteral("id"))},
        {QStringLiteral("duplicate album api_key across partitions"),
         dup(albums, QStringLiteral("api_key"))},
    };
    QList<IntegrityProblem> out;
    for (const Check &c : checks) {
        const PgResult r
            = m_conn->exec(c.sql.toUtf8(), {QStringLiteral("integrity check"), c.name});
        IntegrityProblem pr;
        pr.check = c.name;
        pr.count = r.toInt64(0, 0);
        if (!r.text(0, 1).isEmpty())
            pr.samples = r.text(0, 1).split(QStringLiteral(", "));
        out << pr;
    }
    return out;
}

QStringList MigrationEngine::refreshViews(bool concurrently)
{
    QStringList out;
    for (const QString &view : {m_config.session.tablePrefix + QStringLiteral("library_totals"),
                                m_config.session.tablePrefix + QStringLiteral("artist_counts")}) {
        QElapsedTimer t;
        t.start();
        m_conn->exec(QStringLiteral("REFRESH MATERIALIZED VIEW %1%2")
                         .arg(concurrently ? QStringLiteral("CONCURRENTLY ") : QString(), view)
                         .toUtf8(),
                     {QStringLiteral("refresh materialized view"), view});
        out << QStringLiteral("%1 refreshed in %2 ms").arg(view).arg(t.elapsed());
    }
    return out;
}

MigrationLock::MigrationLock(MigrationEngine &engine, const MigrateCallbacks &callbacks)
    : m_engine(engine)
{
    m_engine.lock(callbacks);
}

MigrationLock::~MigrationLock()
{
    try {
        m_engine.unlock();
    } catch (const DbError &e) {
        qCWarning(lcMigrate, "releasing the migration lock failed: %s", e.what());
    }
}

} // namespace melodee
