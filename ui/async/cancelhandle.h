#pragma once

#include <db/pgconnection.h>

#include <atomic>
#include <mutex>

namespace melodee {

// How the GUI thread stops work running on a worker: a flag that work checks between steps, and
// the connection the worker is using right now, so Cancel can also send a server-side cancel
// (PQcancel) for the running statement. Shared by the views through a shared_ptr, because the
// worker may outlive the request.
class CancelHandle
{
public:
    // Clears the flag before new work starts.
    void reset() { m_cancelled.store(false); }
    // Sets the flag, and cancels the registered connection's statement when `server` is true.
    void cancel(bool server)
    {
        m_cancelled.store(true);
        if (!server)
            return;
        std::lock_guard lock(m_mutex);
        if (m_conn)
            m_conn->cancel();
    }
    bool isCancelled() const { return m_cancelled.load(); }
    // For code that polls a flag between statements (MigrateCallbacks::cancel).
    const std::atomic<bool> *flag() const { return &m_cancelled; }

    // Registers the worker's connection for the lifetime of the scope.
    class Scope
    {
    public:
        Scope(CancelHandle &handle, PgConnection *conn)
            : m_handle(handle)
        {
            m_handle.setConnection(conn);
        }
        ~Scope() { m_handle.setConnection(nullptr); }
        Scope(const Scope &) = delete;
        Scope &operator=(const Scope &) = delete;

    private:
        CancelHandle &m_handle;
    };

private:
    void setConnection(PgConnection *conn)
    {
        std::lock_guard lock(m_mutex);
        m_conn = conn;
    }

    std::atomic<bool> m_cancelled{false};
    std::mutex m_mutex;
    PgConnection *m_conn = nullptr;
};

} // namespace melodee
