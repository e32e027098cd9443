#pragma once

#include <db/pgconnection.h>

#include <QDateTime>
#include <QList>
#include <QString>

#include <chrono>

namespace melodee {

class ConnectionPool;

// One row of pg_stat_activity. Timestamps are UTC and invalid when the server reports NULL.
struct ServerSession
{
    int pid = 0;
    QString database; // empty for background processes
    QString user;
    QString application;
    QString clientAddr; // empty for Unix-socket and background sessions
    QString backendType;
    QString state; // empty for background processes and hidden (other roles') sessions
    QString waitEventType;
    QString waitEvent;
    QDateTime backendStart;
    // backend_start to the microsecond: with the pid it names one session, as a pid alone does
    // not once the server reuses it.
    qint64 backendStartUs = 0;
    QDateTime xactStart;
    QDateTime queryStart;
    QDateTime stateChange;
    QString query;
    // One of this process's connections: the one that read the snapshot or another connection
    // of its pool (by backend pid, so another melodee-admin with the same settings is not ours).
    bool ours = false;
    // The backend that ran the snapshot query itself.
    bool self = false;

    bool operator==(const ServerSession &other) const = default;
};

// What one read of pg_stat_activity saw.
struct ActivitySnapshot
{
    QList<ServerSession> sessions; // sorted by pid, then backend start
    QDateTime serverNow;           // the server's clock when it was read: ages use it, not ours
    int selfPid = 0;
    QString database;        // current_database()
    QString user;            // current_user
    QString applicationName; // the effective application_name of our connections
    bool allDatabases = false;
    // Sessions left out by the current-database filter (other databases, background
    // processes), so the view can say how many it does not show.
    int hiddenCount = 0;
};

// Which session to signal: the pid and the backend start the admin saw, so a pid the server
// has since given to a new session is never hit.
struct BackendKey
{
    int pid = 0;
    qint64 backendStartUs = 0;

    static BackendKey of(const ServerSession &s) { return {s.pid, s.backendStartUs}; }
};

// The outcome of pg_cancel_backend / pg_terminate_backend on one pid.
struct BackendSignalResult
{
    enum class Outcome {
        Signalled,           // the signal was delivered (terminate: and the backend exited)
        NothingToCancel,     // cancel of a session that runs no query (idle, or our own connection)
        ClosedOwnConnection, // terminate of the pooled connection that was asked: closed instead
        StillRunning,        // terminate: signalled, but still alive after the wait
    };
    int pid = 0;
    Outcome outcome = Outcome::Signalled;
    QString stateBefore;
    QString application;
    QString backendType;
};

// Reads the server's sessions and cancels or terminates one of them. Every method blocks on the
// network: call it on a worker (ConnectionPool::run() or a background task), never on the GUI
// thread. Errors are DbError with operation "server activity", "cancel backend" or "terminate
// backend" and the server's SQLSTATE (42501 when the role may not signal that session, P0002
// when the session has ended, also when its pid now belongs to another session).
class ServerActivity
{
public:
    enum class Scope { CurrentDatabase, AllDatabases };

    explicit ServerActivity(ConnectionPool &pool);

    ActivitySnapshot snapshot(Scope scope = Scope::CurrentDatabase) const;
    BackendSignalResult cancel(const BackendKey &target) const;
    // Terminating the pooled connection the pool hands us for the request would kill the
    // statement that asks; that one is closed through the pool instead (same effect for the
    // server, and the pool knows not to reuse it).
    BackendSignalResult terminate(const BackendKey &target,
                                  std::chrono::milliseconds wait = std::chrono::seconds(5)) const;

    // The same on a connection the caller holds (for ConnectionPool::run()). ourPids: the
    // backend pids of this process's pool (ConnectionPool::backendPids()).
    static ActivitySnapshot
    snapshot(PgConnection &conn, Scope scope, const QList<int> &ourPids = {});
    static BackendSignalResult cancel(PgConnection &conn, const BackendKey &target);
    // Refuses (DbError, SQLSTATE 55000) to terminate `conn`'s own backend: the caller holds it
    // and should close it instead.
    static BackendSignalResult terminate(PgConnection &conn,
                                         const BackendKey &target,
                                         std::chrono::milliseconds wait = std::chrono::seconds(5));

    // Throws DbError (22023) for a key that cannot name a backend (a pid of zero or less, or
    // no backend start).
    static void checkKey(const BackendKey &target, const QString &operation);

private:
    ConnectionPool &m_pool;
};

} // namespace melodee
