#include "rehearsaltrace.h"

#include "db/dberror.h"
#include "db/pgarray.h"
#include "db/pgconnection.h"
#include "lockmodes.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace melodee {

namespace {

// The storage of the tables a list names and of all their partitions.
constexpr char kStorageSql[] = R"(
SELECT t.q, t.relid::bigint, c.relfilenode::bigint FROM tree t JOIN pg_class c ON c.oid = t.relid
)";

// Other backends' granted locks on the given tables; an autovacuum worker that a conflicting
// request would cancel is not in the way.
constexpr char kOthersSql[] = R"(
SELECT l.relation::bigint, l.pid, l.mode, c.relname, coalesce(a.usename::text, ''),
       coalesce(a.application_name, ''), coalesce(a.state, ''),
       coalesce(extract(epoch FROM now() - a.xact_start), -1)::float8
  FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
  LEFT JOIN pg_stat_activity a ON a.pid = l.pid
 WHERE l.locktype = 'relation' AND l.granted AND l.pid <> pg_backend_pid()
   AND l.relation = ANY($1::oid[])
   AND NOT coalesce(a.backend_type = 'autovacuum worker'
                    AND a.query NOT LIKE '%(to prevent wraparound)', false)
)";

constexpr char kOwnLocksSql[] = R"(
SELECT l.relation::bigint, coalesce(nullif(n.nspname, 'public') || '.', '') || c.relname, l.mode
  FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted
   AND c.relkind IN ('r', 'p', 'm', 'f', 'v')
   AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
 ORDER BY 2, 3
)";

constexpr char kBlockedSql[] = R"(
SELECT a.pid, l.mode, coalesce(c.relname, ''), coalesce(a.usename::text, ''),
       coalesce(a.application_name, ''), coalesce(a.state, ''),
       coalesce(extract(epoch FROM now() - a.xact_start), -1)::float8
  FROM pg_stat_activity a
  JOIN pg_locks l ON l.pid = a.pid AND NOT l.granted
  LEFT JOIN pg_class c ON c.oid = l.relation
 WHERE pg_backend_pid() = ANY(pg_blocking_pids(a.pid))
 ORDER BY 1
)";

const OpContext &traceOp()
{
    static const OpContext op{QStringLiteral("trace the rehearsal"), QStringLiteral("pg_locks")};
    return op;
}

QByteArray jsonNames(const QList<RelationRef> &relations)
{
    QJsonArray names;
    for (const RelationRef &r : relations)
        names.append(r.regclassText());
    return QJsonDocument(names).toJson(QJsonDocument::Compact);
}

QString displayOf(const QList<RelationRef> &relations, const QString &regclassText)
{
    for (const RelationRef &r : relations) {
        if (r.regclassText() == regclassText)
            return r.display();
    }
    return regclassText;
}

bool hasPid(const QList<SessionLock> &list, int pid)
{
    return std::any_of(
        list.cbegin(), list.cend(), [pid](const SessionLock &l) { return l.pid == pid; });
}

QJsonObject sessionJson(const SessionLock &l)
{
    return {{QStringLiteral("pid"), l.pid},
            {QStringLiteral("mode"), lockModeName(l.mode)},
            {QStringLiteral("relation"), l.relation},
            {QStringLiteral("user"), l.user},
            {QStringLiteral("application"), l.application},
            {QStringLiteral("state"), l.state},
            {QStringLiteral("xact_seconds"), l.xactSeconds}};
}

} // namespace

QString StatementTrace::strongestLock() const
{
    LockMode strongest = LockMode::None;
    for (const TracedLock &l : locks)
        strongest = qMax(strongest, lockModeFromName(l.mode));
    return lockModeName(strongest);
}

QJsonObject StatementTrace::toJson() const
{
    QJsonArray lockArray;
    for (const TracedLock &l : locks)
        lockArray.append(QJsonObject{{QStringLiteral("relation"), l.relation},
                                     {QStringLiteral("mode"), l.mode},
                                     {QStringLiteral("taken"), l.taken}});
    QJsonArray rewriteArray;
    for (const TracedRewrite &r : rewrites)
        rewriteArray.append(QJsonObject{{QStringLiteral("relation"), r.relation},
                                        {QStringLiteral("partitions"), r.partitions},
                                        {QStringLiteral("bytes"), double(r.bytes)}});
    QJsonArray waited;
    for (const SessionLock &l : waitedFor)
        waited.append(sessionJson(l));
    QJsonArray blocked;
    for (const SessionLock &l : blocking)
        blocked.append(sessionJson(l));
    QJsonObject o{{QStringLiteral("version"), version},
                  {QStringLiteral("statement"), index},
                  {QStringLiteral("sql"), sql},
                  {QStringLiteral("ms"), ms},
                  {QStringLiteral("locks"), lockArray},
                  {QStringLiteral("locks_held"), locksHeld},
                  {QStringLiteral("strongest_lock"), strongestLock()},
                  {QStringLiteral("rewrite"), rewrote()},
                  {QStringLiteral("rewrites"), rewriteArray},
                  {QStringLiteral("waited_for"), waited},
                  {QStringLiteral("blocking"), blocked}};
    if (!error.isEmpty())
        o.insert(QStringLiteral("error"), error);
    return o;
}

QList<RehearsalTracer::OwnLock> RehearsalTracer::ownLocks()
{
    QList<OwnLock> out;
    const PgResult r = m_conn.exec(kOwnLocksSql, traceOp());
    for (int i = 0; i < r.rows(); ++i)
        out.append({quint32(r.toInt64(i, 0)), r.text(i, 1), r.text(i, 2)});
    return out;
}

void RehearsalTracer::before(const QString &sql)
{
    m_relations.clear();
    m_storage.clear();
    m_others.clear();
    for (const SqlStatement &s : parseSql(sql).statements) {
        for (const RelationRef &r : statementRelations(s.node)) {
            if (!m_relations.contains(r))
                m_relations << r;
        }
    }
    if (m_held.isEmpty()) {
        for (const OwnLock &l : ownLocks())
            m_held.insert(QStringLiteral("%1 %2").arg(l.oid).arg(l.mode));
    }
    if (m_relations.isEmpty())
        return;
    const PgResult storage
        = m_conn.exec(withRelationTree(kStorageSql), {jsonNames(m_relations)}, traceOp());
    QStringList oids;
    for (int i = 0; i < storage.rows(); ++i) {
        const quint32 relid = quint32(storage.toInt64(i, 1));
        m_storage.insert(relid, {storage.text(i, 0), quint32(storage.toInt64(i, 2))});
        oids << QString::number(relid);
    }
    if (oids.isEmpty())
        return;
    const PgResult others = m_conn.exec(kOthersSql, {textArrayLiteral(oids)}, traceOp());
    for (int i = 0; i < others.rows(); ++i) {
        SessionLock l;
        l.pid = others.text(i, 1).toInt();
        l.mode = lockModeFromName(others.text(i, 2));
        l.relation = others.text(i, 3);
        l.user = others.text(i, 4);
        l.application = others.text(i, 5);
        l.state = others.text(i, 6);
        l.xactSeconds = others.toDouble(i, 7);
        m_others.append({quint32(others.toInt64(i, 0)), l});
    }
}

StatementTrace
RehearsalTracer::after(int version, int index, const QString &sql, double ms, const QString &error)
{
    StatementTrace t;
    t.version = version;
    t.index = index;
    t.sql = sql;
    t.ms = ms;
    t.error = error;
    if (!error.isEmpty()) {
        // The transaction is aborted: what held the tables just before is all there is to say.
        // The locks the statement wanted are read from its parse tree.
        for (const SqlStatement &s : parseSql(sql).statements) {
            for (const StatementLock &want : statementLocks(s)) {
                for (const auto &[relid, other] : std::as_const(m_others)) {
                    const auto it = m_storage.constFind(relid);
                    if (it != m_storage.constEnd() && it->first == want.relation.regclassText()
                        && lockModesConflict(want.mode, other.mode)
                        && !hasPid(t.waitedFor, other.pid))
                        t.waitedFor << other;
                }
            }
        }
        return t;
    }
    QSet<quint32> touched; // the named tables and their partitions, as they are now
    if (!m_relations.isEmpty()) {
        const PgResult storage
            = m_conn.exec(withRelationTree(kStorageSql), {jsonNames(m_relations)}, traceOp());
        QHash<QString, int> changed;
        for (int i = 0; i < storage.rows(); ++i) {
            const quint32 relid = quint32(storage.toInt64(i, 1));
            touched.insert(relid);
            const auto it = m_storage.constFind(relid);
            if (it != m_storage.constEnd() && it->second != 0
                && it->second != quint32(storage.toInt64(i, 2)))
                ++changed[it->first];
        }
        for (auto it = changed.cbegin(); it != changed.cend(); ++it) {
            int tree = 0;
            for (const auto &entry : std::as_const(m_storage))
                tree += entry.first == it.key() ? 1 : 0;
            TracedRewrite r;
            r.relation = displayOf(m_relations, it.key());
            r.partitions = tree > 1 ? it.value() : 0;
            t.rewrites << r;
            m_rewritten.insert(r.relation, it.key());
        }
    }
    const QList<OwnLock> own = ownLocks();
    QSet<QString> held;
    QList<QPair<quint32, LockMode>> taken;
    for (const OwnLock &l : own) {
        const QString key = QStringLiteral("%1 %2").arg(l.oid).arg(l.mode);
        held.insert(key);
        const bool isNew = !m_held.contains(key);
        if (touched.contains(l.oid))
            t.locks.append({l.relation, l.mode, isNew});
        if (isNew)
            taken.append({l.oid, lockModeFromName(l.mode)});
    }
    t.locksHeld = int(own.size());
    m_held = held;

    for (const auto &[relid, other] : std::as_const(m_others)) {
        bool conflicts = false;
        for (const auto &[oid, mode] : std::as_const(taken))
            conflicts |= oid == relid && lockModesConflict(mode, other.mode);
        if (conflicts && !hasPid(t.waitedFor, other.pid))
            t.waitedFor << other;
    }
    const PgResult blocked = m_conn.exec(kBlockedSql, traceOp());
    for (int i = 0; i < blocked.rows(); ++i) {
        SessionLock l;
        l.pid = blocked.text(i, 0).toInt();
        l.mode = lockModeFromName(blocked.text(i, 1));
        l.granted = false;
        l.relation = blocked.text(i, 2);
        l.user = blocked.text(i, 3);
        l.application = blocked.text(i, 4);
        l.state = blocked.text(i, 5);
        l.xactSeconds = blocked.toDouble(i, 6);
        t.blocking << l;
    }
    return t;
}

void RehearsalTracer::addSizes(QList<StatementTrace> &traces)
{
    if (m_rewritten.isEmpty())
        return;
    QJsonArray names;
    for (const QString &q : std::as_const(m_rewritten))
        names.append(q);
    QHash<QString, qint64> bytes;
    try {
        const PgResult r = m_conn.exec(
            "WITH RECURSIVE input AS (SELECT e.q, to_regclass(e.q) AS oid FROM "
            "json_array_elements_text($1::json) AS e(q)), tree AS (SELECT i.q, i.oid::oid AS relid "
            "FROM input i WHERE i.oid IS NOT NULL UNION ALL SELECT t.q, h.inhrelid FROM tree t "
            "JOIN pg_inherits h ON h.inhparent = t.relid) SELECT q, "
            "sum(pg_total_relation_size(relid))::bigint FROM tree GROUP BY q",
            {QJsonDocument(names).toJson(QJsonDocument::Compact)},
            {QStringLiteral("measure the rewritten tables"), QStringLiteral("pg_class")});
        for (int i = 0; i < r.rows(); ++i)
            bytes.insert(r.text(i, 0), r.toInt64(i, 1));
    } catch (const DbError &) {
        return; // sizes are a courtesy; the trace stands without them
    }
    for (StatementTrace &t : traces) {
        for (TracedRewrite &rw : t.rewrites)
            rw.bytes = bytes.value(m_rewritten.value(rw.relation), -1);
    }
}

} // namespace melodee
