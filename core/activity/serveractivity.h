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
    QDateTime xactStart;
    QDateTime queryStart;
    QDateTime stateChange;
    QString query;
    // Same application name, role and database as the connection that read the snapshot: one of
    // our pool's connections (or another melodee-admin with the same settings; the server cannot
    // tell them apart).
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
// backend" and the server's SQLSTATE (42501 when the role may not signal that session).
class ServerActivity
{
public:
    enum class Scope { CurrentDatabase, AllDatabases };

    explicit ServerActivity(ConnectionPool &pool);

    ActivitySnapshot snapshot(Scope scope = Scope::CurrentDatabase) const;
    BackendSignalResult cancel(int pid) const;
    // Terminating the pooled connection the pool hands us for the request would kill the
    // statement that asks; that one is closed through the pool instead (same effect for the
    // server, and the pool knows not to reuse it).
    BackendSignalResult terminate(int pid,
                                  std::chrono::milliseconds wait = std::chrono::seconds(5)) const;

    // The same on a connection the caller holds (for ConnectionPool::run()).
    static ActivitySnapshot snapshot(PgConnection &conn, Scope scope);
    static BackendSignalResult cancel(PgConnection &conn, int pid);
    // Refuses (DbError, SQLSTATE 55000) to terminate `conn`'s own backend: the caller holds it
    // and should close it instead.
    static BackendSignalResult terminate(PgConnection &conn,
                                         int pid,
                                         std::chrono::milliseconds wait = std::chrono::seconds(5));

    // Throws DbError (22023) for a pid that cannot name a backend (zero or negative).
    static void checkPid(int pid, const QString &operation);

private:
    ConnectionPool &m_pool;
};

} // namespace melodee
