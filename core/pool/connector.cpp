#include "connector.h"

#include "db/dberror.h"
#include "db/pgconnection.h"
#include "db/sessionchanges.h"
#include "util/logging.h"

#include <libpq-fe.h>

namespace melodee {

PgConnector::PgConnector(const DatabaseConfig &database, bool usePreparedStatements, WarmUp warmUp)
    : m_database(database)
    , m_usePreparedStatements(usePreparedStatements)
    , m_warmUp(std::move(warmUp))
{}

std::unique_ptr<PgConnection> PgConnector::open()
{
    auto conn = PgConnection::open(m_database);
    conn->setUsePreparedStatements(m_usePreparedStatements);
    if (m_warmUp) {
        try {
            m_warmUp(*conn);
        } catch (const DbError &e) {
            // A database without the songs table, or one the role may not read: the connection
            // serves everything else as well as before.
            if (conn->isBroken())
                throw;
            qCInfo(lcPool).noquote() << "connection warm-up skipped:" << e.message();
        }
    }
    return conn;
}

bool PgConnector::isBroken(const PgConnection &conn)
{
    return conn.isBroken();
}

bool PgConnector::isIdleBroken(PgConnection &conn)
{
    return conn.isIdleBroken();
}

Connector::Recycled PgConnector::recycle(PgConnection &conn)
{
    if (conn.isBroken())
        return Recycled::Broken;
    // Never hand out a connection in the middle of a transaction or a statement.
    const PGTransactionStatusType ts = PQtransactionStatus(conn.handle());
    if (ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR) {
        try {
            conn.exec("ROLLBACK", {QStringLiteral("rollback abandoned transaction"), QString()});
        } catch (const DbError &) {
            return Recycled::Broken;
        }
    } else if (ts != PQTRANS_IDLE) {
        return Recycled::Broken;
    }
    // Session state (settings, LISTEN, advisory locks, temporary tables) would reach the next
    // caller. PgConnection notes which statements may have left some, so a lease that only ran
    // plain statements, the usual case, costs no round trip here.
    const int changes = conn.sessionChanges();
    if (changes == 0)
        return Recycled::AsIs;
    try {
        conn.exec(sessionResetSql(changes), {QStringLiteral("reset session state"), QString()});
    } catch (const DbError &) {
        return Recycled::Broken;
    }
    conn.clearSessionChanges();
    return Recycled::Reset;
}

void PgConnector::close(std::unique_ptr<PgConnection> conn)
{
    conn.reset(); // PQfinish: tells the server and frees the connection
}

} // namespace melodee
