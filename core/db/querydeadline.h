#pragma once

#include "pgconnection.h"
#include "pgsocket.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stop_token>
#include <thread>

namespace melodee {

// Drops the connection if a statement is still running when the deadline passes, so a server
// that stopped answering (a frozen host, a dropped link) cannot hold a check past its timeout:
// libpq's blocking read fails at once and the connection counts as broken. Not PQcancel: it opens a
// second connection and waits for the server, so it hangs on a frozen server as well.
class QueryDeadline
{
public:
    QueryDeadline(PgConnection &conn, std::chrono::milliseconds timeout)
        : m_thread([&conn, timeout, this](std::stop_token stop) {
            std::unique_lock lock(m_mutex);
            if (m_wake.wait_for(lock, stop, timeout, [] { return false; }) || stop.stop_requested()
                || !conn.queryRunning())
                return;
            m_fired = true;
            shutDownSocket(conn.handle());
        })
    {}
    ~QueryDeadline() { finish(); }
    // Stops the watcher; fired() is stable afterwards.
    void finish()
    {
        m_thread.request_stop();
        m_wake.notify_all();
        if (m_thread.joinable())
            m_thread.join();
    }
    bool fired() const { return m_fired; }

private:
    std::mutex m_mutex;
    std::condition_variable_any m_wake;
    bool m_fired = false;
    std::jthread m_thread;
};

} // namespace melodee
