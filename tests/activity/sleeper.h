#pragma once

#include <db/dberror.h>
#include <db/pgconnection.h>

#include <QString>

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>

namespace melodee::test {

// A second session, on its own connection and thread, running SELECT pg_sleep(n): the other
// session the activity tests look at, cancel and terminate. Records how its query ended.
class Sleeper
{
public:
    Sleeper(DatabaseConfig config, const QString &application, int seconds = 30)
    {
        config.applicationName = application;
        m_conn = PgConnection::open(config);
        m_pid = m_conn->backendPid();
        const QByteArray sql = "SELECT pg_sleep(" + QByteArray::number(seconds) + ")";
        m_thread = std::thread([this, sql] {
            try {
                m_conn->exec(sql);
            } catch (const DbError &e) {
                std::lock_guard lock(m_mutex);
                m_sqlState = e.sqlState();
                m_broken = e.connectionBroken();
            }
            m_done = true;
        });
    }
    ~Sleeper()
    {
        if (!m_done)
            m_conn->cancel();
        m_thread.join();
    }
    Sleeper(const Sleeper &) = delete;
    Sleeper &operator=(const Sleeper &) = delete;

    int pid() const { return m_pid; }
    bool done() const { return m_done; }
    QString sqlState() const
    {
        std::lock_guard lock(m_mutex);
        return m_sqlState;
    }
    bool broken() const
    {
        std::lock_guard lock(m_mutex);
        return m_broken;
    }

private:
    std::unique_ptr<PgConnection> m_conn;
    int m_pid = 0;
    std::thread m_thread;
    std::atomic<bool> m_done{false};
    mutable std::mutex m_mutex;
    QString m_sqlState;
    bool m_broken = false;
};

} // namespace melodee::test
