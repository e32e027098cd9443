#include "servervitals.h"

#include <db/dberror.h>
#include <db/pgconnection.h>
#include <db/transaction.h>

#include <libpq-fe.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <array>

namespace melodee {

namespace {

QString operation()
{
    return QStringLiteral("server vitals");
}

// Everything in one statement, so every part comes from the same moment and the same clock.
// Counters travel as text: JSON numbers are doubles, exact only up to 2^53. Timestamps are epoch
// microseconds, so neither DateStyle nor TimeZone matters. $1 is the table prefix, compared with
// left() rather than LIKE, where its '_' would be a wildcard.
QByteArray sampleSql(bool hasWaitStart)
{
    QByteArray sql = QByteArrayLiteral(
        "WITH now AS (SELECT clock_timestamp() AS t), "
        "waits AS ("
        " SELECT a.pid, a.application_name, a.usename, a.wait_event, a.query, a.state_change,"
        " pg_blocking_pids(a.pid) AS blocking, @WAITSTART@ AS since"
        " FROM pg_stat_activity a"
        " WHERE a.wait_event_type = 'Lock' AND a.datname = current_database()), "
        "parts AS ("
        " SELECT c.oid, c.relname::text AS name, p.relname::text AS parent"
        " FROM pg_class p JOIN pg_inherits i ON i.inhparent = p.oid"
        " JOIN pg_class c ON c.oid = i.inhrelid"
        " WHERE p.relkind = 'p' AND c.relkind = 'r' AND left(p.relname, length($1)) = $1), "
        "partstats AS ("
        " SELECT parts.name, parts.parent, coalesce(s.n_dead_tup, 0) AS dead,"
        " coalesce(s.n_live_tup, 0) AS live, s.last_autovacuum, s.autovacuum_count, v.phase,"
        " v.heap_blks_total, v.heap_blks_scanned, va.backend_type = 'autovacuum worker' AS auto"
        " FROM parts LEFT JOIN pg_stat_all_tables s ON s.relid = parts.oid"
        " LEFT JOIN pg_stat_progress_vacuum v ON v.relid = parts.oid"
        " LEFT JOIN pg_stat_activity va ON va.pid = v.pid) "
        "SELECT json_build_object("
        "'now_us', (extract(epoch FROM (SELECT t FROM now)) * 1000000)::int8::text, "
        "'self', pg_backend_pid(), 'db', current_database(), "
        "'stats', (SELECT json_build_object("
        "  'commit', xact_commit::text, 'rollback', xact_rollback::text,"
        "  'returned', tup_returned::text, 'fetched', tup_fetched::text,"
        "  'inserted', tup_inserted::text, 'updated', tup_updated::text,"
        "  'deleted', tup_deleted::text, 'read', blks_read::text, 'hit', blks_hit::text,"
        "  'reset_us', (extract(epoch FROM stats_reset) * 1000000)::int8::text)"
        " FROM pg_stat_database WHERE datname = current_database()), "
        "'states', (SELECT coalesce(json_agg(json_build_object('state', st, 'n', n) ORDER BY st),"
        " '[]') FROM (SELECT coalesce(state, '') AS st, count(*) AS n FROM pg_stat_activity"
        " WHERE datname = current_database() AND backend_type = 'client backend'"
        " AND pid <> pg_backend_pid() GROUP BY 1) x), "
        "'waits', (SELECT coalesce(json_agg(w ORDER BY w.waited_us DESC, w.pid), '[]') FROM ("
        " SELECT waits.pid, to_json(waits.blocking) AS blocking, waits.application_name AS app,"
        " waits.usename AS usr, waits.wait_event AS lock, left(waits.query, 2000) AS query,"
        " (extract(epoch FROM (SELECT t FROM now) - coalesce(waits.since, waits.state_change))"
        " * 1000000)::int8 AS waited_us,"
        " (SELECT coalesce(json_agg(json_build_object('pid', b.pid, 'app', b.application_name,"
        "  'state', b.state) ORDER BY b.pid), '[]')"
        "  FROM pg_stat_activity b WHERE b.pid = ANY (waits.blocking)) AS blockers"
        " FROM waits WHERE cardinality(waits.blocking) > 0"
        " ORDER BY waited_us DESC, waits.pid LIMIT @MAX@) w), "
        "'oldest', (SELECT json_build_object('pid', a.pid, 'app', a.application_name,"
        " 'usr', a.usename, 'state', a.state,"
        " 'age_us', (extract(epoch FROM (SELECT t FROM now) - a.xact_start) * 1000000)::int8,"
        " 'xmin_age', age(a.backend_xmin), 'query', left(a.query, 2000))"
        " FROM pg_stat_activity a WHERE a.xact_start IS NOT NULL AND a.pid <> pg_backend_pid()"
        " AND a.datname = current_database() AND a.backend_type = 'client backend'"
        " ORDER BY a.xact_start, a.pid LIMIT 1), "
        "'parts', (SELECT coalesce(json_agg(p ORDER BY p.running DESC, p.dead_n DESC, p.name),"
        " '[]') FROM (SELECT name, parent, dead AS dead_n, dead::text AS dead, live::text AS live,"
        " (extract(epoch FROM last_autovacuum) * 1000000)::int8::text AS last_av_us,"
        " autovacuum_count::text AS av_count, phase IS NOT NULL AS running, phase, auto,"
        " heap_blks_total::text AS blks_total, heap_blks_scanned::text AS blks_scanned"
        " FROM partstats ORDER BY phase IS NOT NULL DESC, dead DESC, name LIMIT @MAX@) p), "
        "'part_count', (SELECT count(*) FROM parts), "
        "'dead', (SELECT coalesce(sum(dead), 0)::text FROM partstats), "
        "'vacuums', (SELECT count(*) FROM pg_stat_progress_vacuum"
        " WHERE datname = current_database()))");
    // pg_locks.waitstart is PostgreSQL 14's; before it, the state change is the closest start.
    sql.replace("@WAITSTART@",
                hasWaitStart ? QByteArrayLiteral("(SELECT min(l.waitstart) FROM pg_locks l"
                                                 " WHERE l.pid = a.pid AND NOT l.granted)")
                             : QByteArrayLiteral("NULL::timestamptz"));
    sql.replace("@MAX@", QByteArray::number(ServerVitals::kMaxRows));
    return sql;
}

[[noreturn]] void malformed(const QString &what)
{
    throw DbError(operation(),
                  QString(),
                  QStringLiteral("the server's answer could not be read: %1").arg(what));
}

qint64 int64Of(const QJsonValue &v)
{
    if (v.isString()) {
        bool ok = false;
        const qint64 n = v.toString().toLongLong(&ok);
        if (!ok)
            malformed(QStringLiteral("\"%1\" is not a number").arg(v.toString().left(40)));
        return n;
    }
    if (v.isDouble())
        return qint64(v.toDouble());
    return 0; // null: a statistic the server does not have (never vacuumed, never reset)
}

QDateTime timeOf(const QJsonValue &v)
{
    const qint64 us = int64Of(v);
    return v.isNull() || v.isUndefined() ? QDateTime()
                                         : QDateTime::fromMSecsSinceEpoch(us / 1000, Qt::UTC);
}

QString blockerText(const QJsonArray &blockers)
{
    QStringList out;
    for (const QJsonValue &v : blockers) {
        const QJsonObject b = v.toObject();
        QStringList what;
        if (!b.value(QLatin1String("app")).toString().isEmpty())
            what << b.value(QLatin1String("app")).toString();
        if (!b.value(QLatin1String("state")).toString().isEmpty())
            what << b.value(QLatin1String("state")).toString();
        QString text = QString::number(b.value(QLatin1String("pid")).toInt());
        if (!what.isEmpty())
            text += QStringLiteral(" (%1)").arg(what.join(QStringLiteral(", ")));
        out << text;
    }
    return out.join(QStringLiteral(", "));
}

} // namespace

QDateTime VitalsSample::serverTime() const
{
    return QDateTime::fromMSecsSinceEpoch(serverTimeUs / 1000, Qt::UTC);
}

int VitalsSample::sessionsIn(const QString &state) const
{
    for (const SessionStateCount &s : sessionStates) {
        if (s.state == state)
            return s.count;
    }
    return 0;
}

QJsonObject VitalsSample::toJson() const
{
    const auto count = [](qint64 n) {
        return QString::number(n);
    };
    QJsonObject states;
    for (const SessionStateCount &c : sessionStates)
        states.insert(c.state.isEmpty() ? QStringLiteral("hidden") : c.state, c.count);
    QJsonArray waits;
    for (const LockWait &w : lockWaits) {
        QJsonArray blocking;
        for (const int pid : w.blockingPids)
            blocking.append(pid);
        waits.append(QJsonObject{{QStringLiteral("pid"), w.pid},
                                 {QStringLiteral("blocking_pids"), blocking},
                                 {QStringLiteral("blockers"), w.blockers},
                                 {QStringLiteral("application"), w.application},
                                 {QStringLiteral("user"), w.user},
                                 {QStringLiteral("lock"), w.lockType},
                                 {QStringLiteral("waited_s"), w.waitedSeconds},
                                 {QStringLiteral("query"), w.query}});
    }
    QJsonArray parts;
    for (const PartitionVacuum &p : partitions) {
        QJsonObject o{{QStringLiteral("partition"), p.partition},
                      {QStringLiteral("parent"), p.parent},
                      {QStringLiteral("dead_tuples"), count(p.deadTuples)},
                      {QStringLiteral("live_tuples"), count(p.liveTuples)},
                      {QStringLiteral("autovacuum_count"), count(p.autovacuumCount)},
                      {QStringLiteral("last_autovacuum"),
                       p.lastAutovacuum.isValid()
                           ? QJsonValue(p.lastAutovacuum.toString(Qt::ISODate))
                           : QJsonValue()}};
        if (p.vacuuming()) {
            o.insert(QStringLiteral("vacuum_phase"), p.vacuumPhase);
            o.insert(QStringLiteral("autovacuum_running"), p.autovacuumWorker);
            o.insert(QStringLiteral("heap_blocks_total"), count(p.heapBlocksTotal));
            o.insert(QStringLiteral("heap_blocks_scanned"), count(p.heapBlocksScanned));
        }
        parts.append(o);
    }
    QJsonObject o{
        {QStringLiteral("server_time"), serverTime().toString(Qt::ISODateWithMs)},
        {QStringLiteral("database"), database},
        {QStringLiteral("xact_commit"), count(counters.xactCommit)},
        {QStringLiteral("xact_rollback"), count(counters.xactRollback)},
        {QStringLiteral("tup_returned"), count(counters.tupReturned)},
        {QStringLiteral("tup_fetched"), count(counters.tupFetched)},
        {QStringLiteral("tup_inserted"), count(counters.tupInserted)},
        {QStringLiteral("tup_updated"), count(counters.tupUpdated)},
        {QStringLiteral("tup_deleted"), count(counters.tupDeleted)},
        {QStringLiteral("blks_read"), count(counters.blksRead)},
        {QStringLiteral("blks_hit"), count(counters.blksHit)},
        {QStringLiteral("sessions"), sessions},
        {QStringLiteral("sessions_by_state"), states},
        {QStringLiteral("lock_waits"), waits},
        {QStringLiteral("partitions"), parts},
        {QStringLiteral("partition_count"), partitionCount},
        {QStringLiteral("partition_dead_tuples"), count(deadTuples)},
        {QStringLiteral("vacuums_running"), vacuumsRunning},
    };
    if (oldestTransaction) {
        const OldestTransaction &t = *oldestTransaction;
        o.insert(QStringLiteral("oldest_transaction"),
                 QJsonObject{{QStringLiteral("pid"), t.pid},
                             {QStringLiteral("application"), t.application},
                             {QStringLiteral("user"), t.user},
                             {QStringLiteral("state"), t.state},
                             {QStringLiteral("age_s"), t.ageSeconds},
                             {QStringLiteral("xmin_age"),
                              t.xminAge >= 0 ? QJsonValue(double(t.xminAge)) : QJsonValue()},
                             {QStringLiteral("query"), t.query}});
    } else {
        o.insert(QStringLiteral("oldest_transaction"), QJsonValue());
    }
    return o;
}

QJsonObject VitalsRates::toJson() const
{
    if (!valid)
        return {{QStringLiteral("valid"), false},
                {QStringLiteral("counters_restarted"), countersRestarted}};
    return {{QStringLiteral("valid"), true},
            {QStringLiteral("seconds"), seconds},
            {QStringLiteral("commits"), commits},
            {QStringLiteral("rollbacks"), rollbacks},
            {QStringLiteral("returned"), returned},
            {QStringLiteral("fetched"), fetched},
            {QStringLiteral("inserted"), inserted},
            {QStringLiteral("updated"), updated},
            {QStringLiteral("deleted"), deleted},
            {QStringLiteral("blocks_read"), blocksRead},
            {QStringLiteral("blocks_hit"), blocksHit}};
}

ServerVitals::ServerVitals(QString tablePrefix, std::chrono::milliseconds timeout)
    : m_tablePrefix(std::move(tablePrefix))
    , m_timeout(timeout)
{}

VitalsSample ServerVitals::sample(PgConnection &conn) const
{
    const OpContext ctx{operation(), QStringLiteral("pg_stat_database")};
    const QByteArray sql = sampleSql(PQserverVersion(conn.handle()) >= 140000);
    // A SQL_ASCII database keeps whatever bytes a client sent, and the server refuses to send a
    // query text that is not valid in our client encoding: one such text would fail the whole
    // sample. For this transaction it hands over the bytes as they are; parse() repairs them.
    const char *serverEncoding = PQparameterStatus(conn.handle(), "server_encoding");
    const bool rawBytes = serverEncoding && qstrcmp(serverEncoding, "SQL_ASCII") == 0;
    beginReadOnly(conn, m_timeout, ctx);
    QByteArray json;
    try {
        if (rawBytes)
            conn.exec("SET LOCAL client_encoding = 'SQL_ASCII'", ctx);
        const PgResult r = conn.execCached(sql, {m_tablePrefix.toUtf8()}, ctx);
        if (r.rows() != 1)
            malformed(QStringLiteral("%1 rows instead of one").arg(r.rows()));
        json = r.bytes(0, 0);
        conn.exec("COMMIT", ctx);
    } catch (const DbError &e) {
        if (!e.connectionBroken() && !conn.isBroken())
            conn.exec("ROLLBACK", ctx);
        throw;
    }
    return parse(json);
}

VitalsSample ServerVitals::parse(const QByteArray &json)
{
    // A SQL_ASCII database can hand over bytes that are not UTF-8; the JSON parser would refuse
    // the whole answer for one bad query text, so those bytes become U+FFFD first.
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(QString::fromUtf8(json).toUtf8(), &error);
    if (!doc.isObject())
        malformed(error.errorString());
    const QJsonObject o = doc.object();
    VitalsSample s;
    s.serverTimeUs = int64Of(o.value(QLatin1String("now_us")));
    if (s.serverTimeUs <= 0)
        malformed(QStringLiteral("no server time"));
    s.selfPid = o.value(QLatin1String("self")).toInt();
    s.database = o.value(QLatin1String("db")).toString();

    const QJsonObject st = o.value(QLatin1String("stats")).toObject();
    DatabaseCounters &c = s.counters;
    c.xactCommit = int64Of(st.value(QLatin1String("commit")));
    c.xactRollback = int64Of(st.value(QLatin1String("rollback")));
    c.tupReturned = int64Of(st.value(QLatin1String("returned")));
    c.tupFetched = int64Of(st.value(QLatin1String("fetched")));
    c.tupInserted = int64Of(st.value(QLatin1String("inserted")));
    c.tupUpdated = int64Of(st.value(QLatin1String("updated")));
    c.tupDeleted = int64Of(st.value(QLatin1String("deleted")));
    c.blksRead = int64Of(st.value(QLatin1String("read")));
    c.blksHit = int64Of(st.value(QLatin1String("hit")));
    c.statsResetUs = int64Of(st.value(QLatin1String("reset_us")));

    const QJsonArray statesArray = o.value(QLatin1String("states")).toArray();
    for (const QJsonValue &v : statesArray) {
        const QJsonObject x = v.toObject();
        SessionStateCount n{x.value(QLatin1String("state")).toString(),
                            int(int64Of(x.value(QLatin1String("n"))))};
        s.sessions += n.count;
        s.sessionStates.append(n);
    }

    const QJsonArray waitsArray = o.value(QLatin1String("waits")).toArray();
    for (const QJsonValue &v : waitsArray) {
        const QJsonObject x = v.toObject();
        LockWait w;
        w.pid = x.value(QLatin1String("pid")).toInt();
        const QJsonArray blocking = x.value(QLatin1String("blocking")).toArray();
        for (const QJsonValue &b : blocking)
            w.blockingPids.append(b.toInt());
        w.blockers = blockerText(x.value(QLatin1String("blockers")).toArray());
        w.application = x.value(QLatin1String("app")).toString();
        w.user = x.value(QLatin1String("usr")).toString();
        w.lockType = x.value(QLatin1String("lock")).toString();
        w.waitedSeconds = double(int64Of(x.value(QLatin1String("waited_us")))) / 1e6;
        w.query = x.value(QLatin1String("query")).toString();
        s.lockWaits.append(w);
    }

    const QJsonValue oldest = o.value(QLatin1String("oldest"));
    if (oldest.isObject()) {
        const QJsonObject x = oldest.toObject();
        OldestTransaction t;
        t.pid = x.value(QLatin1String("pid")).toInt();
        t.application = x.value(QLatin1String("app")).toString();
        t.user = x.value(QLatin1String("usr")).toString();
        t.state = x.value(QLatin1String("state")).toString();
        t.ageSeconds = double(int64Of(x.value(QLatin1String("age_us")))) / 1e6;
        const QJsonValue xmin = x.value(QLatin1String("xmin_age"));
        t.xminAge = xmin.isNull() ? -1 : int64Of(xmin);
        t.query = x.value(QLatin1String("query")).toString();
        s.oldestTransaction = t;
    }

    const QJsonArray partsArray = o.value(QLatin1String("parts")).toArray();
    for (const QJsonValue &v : partsArray) {
        const QJsonObject x = v.toObject();
        PartitionVacuum p;
        p.partition = x.value(QLatin1String("name")).toString();
        p.parent = x.value(QLatin1String("parent")).toString();
        p.deadTuples = int64Of(x.value(QLatin1String("dead")));
        p.liveTuples = int64Of(x.value(QLatin1String("live")));
        p.lastAutovacuum = timeOf(x.value(QLatin1String("last_av_us")));
        p.autovacuumCount = int64Of(x.value(QLatin1String("av_count")));
        p.vacuumPhase = x.value(QLatin1String("phase")).toString();
        p.autovacuumWorker = x.value(QLatin1String("auto")).toBool();
        p.heapBlocksTotal = int64Of(x.value(QLatin1String("blks_total")));
        p.heapBlocksScanned = int64Of(x.value(QLatin1String("blks_scanned")));
        s.partitions.append(p);
    }
    s.partitionCount = int(int64Of(o.value(QLatin1String("part_count"))));
    s.deadTuples = int64Of(o.value(QLatin1String("dead")));
    s.vacuumsRunning = int(int64Of(o.value(QLatin1String("vacuums"))));
    return s;
}

VitalsRates ServerVitals::rates(const DatabaseCounters &before,
                                qint64 beforeUs,
                                const DatabaseCounters &after,
                                qint64 afterUs)
{
    VitalsRates r;
    // No interval to divide by: the first sample, the same moment twice, or a server clock that
    // was set back.
    if (beforeUs <= 0 || afterUs <= beforeUs)
        return r;
    r.seconds = double(afterUs - beforeUs) / 1e6;
    const std::array<std::pair<qint64, qint64>, 9> pairs{{
        {before.xactCommit, after.xactCommit},
        {before.xactRollback, after.xactRollback},
        {before.tupReturned, after.tupReturned},
        {before.tupFetched, after.tupFetched},
        {before.tupInserted, after.tupInserted},
        {before.tupUpdated, after.tupUpdated},
        {before.tupDeleted, after.tupDeleted},
        {before.blksRead, after.blksRead},
        {before.blksHit, after.blksHit},
    }};
    // A reset, a crash that lost the stats file, or a counter that went negative (wrapped): the
    // interval's difference means nothing. Both sides non-negative, so the subtraction below
    // cannot overflow.
    r.countersRestarted = before.statsResetUs != after.statsResetUs;
    for (const auto &[b, a] : pairs)
        r.countersRestarted = r.countersRestarted || b < 0 || a < b;
    if (r.countersRestarted)
        return r;
    std::array<double, 9> perSecond{};
    for (size_t i = 0; i < pairs.size(); ++i)
        perSecond[i] = double(pairs[i].second - pairs[i].first) / r.seconds;
    r.commits = perSecond[0];
    r.rollbacks = perSecond[1];
    r.returned = perSecond[2];
    r.fetched = perSecond[3];
    r.inserted = perSecond[4];
    r.updated = perSecond[5];
    r.deleted = perSecond[6];
    r.blocksRead = perSecond[7];
    r.blocksHit = perSecond[8];
    r.valid = true;
    return r;
}

} // namespace melodee
