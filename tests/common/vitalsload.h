#pragma once

#include <db/dberror.h>
#include <db/pgconnection.h>

#include <QByteArray>
#include <QString>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

namespace melodee::test {

// A session on its own connection and thread that runs one statement, such as one that waits
// for a lock or a VACUUM that waits for a buffer pin. Cancelled when destroyed unfinished.
class Background
{
public:
    Background(DatabaseConfig config, const QString &application, const QByteArray &sql)
    {
        config.applicationName = application;
        m_conn = PgConnection::open(config);
        m_pid = m_conn->backendPid();
        m_thread = std::thread([this, sql] {
            try {
                m_conn->exec(sql);
            } catch (const DbError &) {
                m_failed = true;
            }
            m_done = true;
        });
    }
    ~Background()
    {
        if (!m_done)
            m_conn->cancel();
        m_thread.join();
    }
    Background(const Background &) = delete;
    Background &operator=(const Background &) = delete;
    int pid() const { return m_pid; }
    bool done() const { return m_done; }
    bool failed() const { return m_failed; }

private:
    std::unique_ptr<PgConnection> m_conn;
    int m_pid = 0;
    std::thread m_thread;
    std::atomic<bool> m_done{false};
    std::atomic<bool> m_failed{false};
};

// Sessions that commit and roll back in a loop until destroyed: the even ones read `table`
// (a commit each), the odd ones update it and roll back.
class TransactionLoad
{
public:
    TransactionLoad(const DatabaseConfig &config, const QByteArray &table, int sessions = 4)
    {
        for (int i = 0; i < sessions; ++i) {
            std::shared_ptr<PgConnection> conn = PgConnection::open(config);
            m_threads.emplace_back([this, conn, i, table] {
                try {
                    while (!m_stop) {
                        if (i % 2 == 0) {
                            conn->exec("SELECT count(*) FROM " + table);
                        } else {
                            conn->exec("BEGIN");
                            conn->exec("UPDATE " + table + " SET v = v WHERE id = 1");
                            conn->exec("ROLLBACK");
                        }
                    }
                } catch (const DbError &) {
                    ++m_errors;
                }
            });
        }
    }
    ~TransactionLoad() { stop(); }
    TransactionLoad(const TransactionLoad &) = delete;
    TransactionLoad &operator=(const TransactionLoad &) = delete;
    void stop()
    {
        m_stop = true;
        for (std::thread &t : m_threads) {
            if (t.joinable())
                t.join();
        }
    }
    int errors() const { return m_errors; }

private:
    std::vector<std::thread> m_threads;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_errors{0};
};

} // namespace melodee::test
