#pragma once

#include "catalogfacts.h"
#include "sqlparse.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QString>

namespace melodee {

class PgConnection;

struct TracedLock
{
    QString relation;
    QString mode;       // as pg_locks spells it: "AccessExclusiveLock"
    bool taken = false; // this statement took it (not held before it)
};

struct TracedRewrite
{
    QString relation;   // the table the statement names
    int partitions = 0; // how many of its partitions got new storage (0: a plain table)
    qint64 bytes = -1;  // its size before the rehearsal; -1: created by the rehearsal itself
};

// What one statement of a rehearsal did, measured on the rehearsing backend.
struct StatementTrace
{
    int version = 0;
    int index = 0; // 1-based within its migration
    QString sql;
    double ms = 0;
    // The backend's locks after it on the tables it names and their partitions.
    QList<TracedLock> locks;
    int locksHeld = 0;             // relation locks the backend holds after it, on any table
    QList<TracedRewrite> rewrites; // relfilenode changed: the table was written anew
    QList<SessionLock> waitedFor;  // held conflicting locks on its tables just before it ran
    QList<SessionLock> blocking;   // waiting for this backend right after it ran
    QString error;                 // the statement failed

    bool rewrote() const { return !rewrites.isEmpty(); }
    QString strongestLock() const;
    QJsonObject toJson() const;
};

// Traces a rehearsal statement by statement with catalog queries on the rehearsing session. The
// queries read pg_class, pg_inherits, pg_locks and pg_stat_activity only, so they add no lock on
// a user table to what the traced statements take.
class RehearsalTracer
{
public:
    explicit RehearsalTracer(PgConnection &conn)
        : m_conn(conn)
    {}

    // Before the statement runs: the storage of the tables it names and who uses them.
    void before(const QString &sql);
    // After it ran (error empty) or failed (the transaction is aborted: nothing more is read).
    StatementTrace
    after(int version, int index, const QString &sql, double ms, const QString &error);
    // After the rollback: the sizes of the rewritten tables that existed before the rehearsal.
    void addSizes(QList<StatementTrace> &traces);

private:
    struct OwnLock
    {
        quint32 oid = 0;
        QString relation;
        QString mode;
    };
    QList<OwnLock> ownLocks();

    PgConnection &m_conn;
    QList<RelationRef> m_relations;
    // relid -> (named relation, relfilenode) before the statement.
    QHash<quint32, QPair<QString, quint32>> m_storage;
    QList<QPair<quint32, SessionLock>> m_others; // other backends' granted locks, by relid
    QSet<QString> m_held;                        // "oid mode" held before the statement
    QHash<QString, QString> m_rewritten;         // display name -> regclass text
};

} // namespace melodee
