#pragma once

#include "config/appconfig.h"
#include "pgconnection.h"

#include <chrono>

namespace melodee {

// RAII transaction on a (leased) connection with GORM's rules, as Melodee configures them:
// - on a connection that is already inside a transaction it becomes a SAVEPOINT, so rolling it
//   back undoes only its own work;
// - with disable_nested_transaction the nested one joins the outer transaction instead (GORM's
//   behaviour): its commit does nothing, and an explicit rollback() rolls back the WHOLE outer
//   transaction and throws, so the outer commit() cannot silently succeed.
// Destroyed without commit(): rolled back (a joined one leaves that to the outer transaction).
class Transaction
{
public:
    enum class Kind { TopLevel, Savepoint, Joined };

    Transaction(PgConnection &conn, const SessionConfig &session, const OpContext &ctx = {});
    ~Transaction();
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

    // Throws DbError when the server rolled the transaction back instead (an earlier error) or
    // when a nested rollback already ended it.
    void commit();
    void rollback();

    Kind kind() const { return m_kind; }
    bool isActive() const { return m_active; }
    QByteArray savepointName() const { return m_savepoint; }

    // skip_default_transaction: a single write runs on its own when on, and inside
    // BEGIN/COMMIT when off (GORM's default transaction). Inside an open transaction it just runs.
    static PgResult execWrite(PgConnection &conn,
                              const SessionConfig &session,
                              const QByteArray &sql,
                              const PgParams &params = {},
                              const OpContext &ctx = {});

private:
    PgConnection &m_conn;
    OpContext m_ctx;
    Kind m_kind = Kind::TopLevel;
    QByteArray m_savepoint;
    bool m_active = false;
};

// Opens a read-only transaction on conn in which every statement gives up after `timeout`, both
// waiting for a lock and running (lock_timeout and statement_timeout, local to the transaction,
// so the pooled session keeps its own settings). The caller ends it with COMMIT or ROLLBACK.
void beginReadOnly(PgConnection &conn, std::chrono::milliseconds timeout, const OpContext &ctx);

} // namespace melodee
