#pragma once

#include "demodatagenerator.h"

#include <QString>

#include <functional>
#include <stop_token>

namespace melodee {

class PgConnection;
struct SessionConfig;

namespace demodata {

// Streams generated rows into COPY ... FROM STDIN on one connection. A stop request seen between
// chunks ends the COPY with an error (the server discards it and the transaction aborts) and
// throws DbError::cancelled().
class CopySink : public Sink
{
public:
    // Rows of "artists", "albums" and "songs" go into the session's tables of those names.
    CopySink(PgConnection &conn, const SessionConfig &session, std::stop_token stop);
    // Every table's rows go into `table` instead; with `freeze`, COPY ... (FREEZE), for a table
    // created in the current transaction.
    CopySink(PgConnection &conn, const QString &table, bool freeze, std::stop_token stop);

    // Called after each chunk with the rows it held, on the thread that writes.
    void setProgress(std::function<void(qint64)> progress) { m_progress = std::move(progress); }

    void begin(const QString &table) override;
    void write(const std::string &data, qint64 rows) override;
    void end() override;

private:
    PgConnection &m_conn;
    const SessionConfig *m_session = nullptr;
    QString m_fixedTable;
    bool m_freeze = false;
    std::stop_token m_stop;
    std::function<void(qint64)> m_progress;
    QString m_table;
};

// Sends PQcancel for the statement running when a stop is requested, so work waiting on the
// server (a lock, the end of a COPY, an index build) stops at once too.
struct CancelStatementOnStop
{
    PgConnection *conn;
    void operator()() const;
};

} // namespace demodata
} // namespace melodee
