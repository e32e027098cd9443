#include "transaction.h"

#include "dberror.h"
#include "util/logging.h"

#include <libpq-fe.h>

#include <algorithm>
#include <atomic>

namespace melodee {

namespace {

bool inTransaction(const PgConnection &conn)
{
    const PGTransactionStatusType ts = PQtransactionStatus(conn.handle());
    return ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR;
}

OpContext named(const OpContext &ctx, const char *fallback)
{
    OpContext c = ctx;
    if (c.operation.isEmpty())
        c.operation = QString::fromLatin1(fallback);
    return c;
}

} // namespace

Transaction::Transaction(PgConnection &conn, const SessionConfig &session, const OpContext &ctx)
    : m_conn(conn)
    , m_ctx(named(ctx, "transaction"))
{
    if (!inTransaction(conn)) {
        m_conn.exec("BEGIN", m_ctx);
        m_kind = Kind::TopLevel;
    } else if (session.disableNestedTransaction) {
        m_kind = Kind::Joined;
    } else {
        // Unique per process, so savepoints of unrelated nested transactions never clash.
        static std::atomic<quint64> counter{0};
        m_savepoint = "melodee_sp_" + QByteArray::number(++counter);
        m_conn.exec("SAVEPOINT " + m_savepoint, m_ctx);
        m_kind = Kind::Savepoint;
    }
    m_active = true;
}

Transaction::~Transaction()
{
    if (!m_active || m_kind == Kind::Joined)
        return;
    try {
        rollback();
    } catch (const DbError &e) {
        qCWarning(lcDb, "rollback of an abandoned transaction failed: %s", e.what());
    }
}

void Transaction::commit()
{
    if (!m_active)
        throw DbError(
            m_ctx.operation, m_ctx.table, QStringLiteral("the transaction is not active"));
    m_active = false;
    switch (m_kind) {
    case Kind::Joined:
        return;
    case Kind::Savepoint:
        m_conn.exec("RELEASE SAVEPOINT " + m_savepoint, m_ctx);
        return;
    case Kind::TopLevel: {
        if (!inTransaction(m_conn))
            throw DbError(m_ctx.operation,
                          m_ctx.table,
                          QStringLiteral("the transaction was already rolled back (by a nested "
                                         "rollback with disable_nested_transaction on)"))
                .setSqlState(QStringLiteral("25P01"));
        const PgResult r = m_conn.exec("COMMIT", m_ctx);
        // COMMIT of a failed transaction answers "ROLLBACK" instead of an error.
        if (qstrcmp(PQcmdStatus(r.get()), "ROLLBACK") == 0)
            throw DbError(m_ctx.operation,
                          m_ctx.table,
                          QStringLiteral("the transaction was rolled back because a statement "
                                         "in it failed"))
                .setSqlState(QStringLiteral("40000"));
        return;
    }
    }
}

void Transaction::rollback()
{
    if (!m_active)
        return;
    m_active = false;
    switch (m_kind) {
    case Kind::TopLevel:
        if (inTransaction(m_conn))
            m_conn.exec("ROLLBACK", m_ctx);
        return;
    case Kind::Savepoint:
        m_conn.exec("ROLLBACK TO SAVEPOINT " + m_savepoint, m_ctx);
        m_conn.exec("RELEASE SAVEPOINT " + m_savepoint, m_ctx);
        return;
    case Kind::Joined:
        if (inTransaction(m_conn))
            m_conn.exec("ROLLBACK", m_ctx);
        throw DbError(m_ctx.operation,
                      m_ctx.table,
                      QStringLiteral("nested rollback with disable_nested_transaction on: the "
                                     "whole outer transaction was rolled back"))
            .setSqlState(QStringLiteral("25P01"));
    }
}

PgResult Transaction::execWrite(PgConnection &conn,
                                const SessionConfig &session,
                                const QByteArray &sql,
                                const PgParams &params,
                                const OpContext &ctx)
{
    if (session.skipDefaultTransaction || inTransaction(conn))
        return conn.execCached(sql, params, ctx);
    Transaction tx(conn, session, ctx);
    PgResult r = conn.execCached(sql, params, ctx);
    tx.commit();
    return r;
}

void beginReadOnly(PgConnection &conn, std::chrono::milliseconds timeout, const OpContext &ctx)
{
    conn.exec("BEGIN READ ONLY", ctx);
    conn.exec(
        "SELECT set_config('lock_timeout', $1, true), "
        "set_config('statement_timeout', $1, true)",
        {QByteArray::number(qint64(std::max<std::chrono::milliseconds::rep>(1, timeout.count())))},
        ctx);
}

} // namespace melodee
