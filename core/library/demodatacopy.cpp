#include "demodatacopy.h"

#include "config/appconfig.h"
#include "db/dberror.h"
#include "db/pgconnection.h"
#include "demodata.h"

#include <libpq-fe.h>

#include <memory>

namespace melodee::demodata {

namespace {
QString operation()
{
    return QStringLiteral("demo-data.copy");
}
} // namespace

CopySink::CopySink(PgConnection &conn, const SessionConfig &session, std::stop_token stop)
    : m_conn(conn)
    , m_session(&session)
    , m_stop(std::move(stop))
{}

CopySink::CopySink(PgConnection &conn, const QString &table, bool freeze, std::stop_token stop)
    : m_conn(conn)
    , m_fixedTable(table)
    , m_freeze(freeze)
    , m_stop(std::move(stop))
{}

void CopySink::begin(const QString &table)
{
    m_table = m_session ? m_session->tableName(table.chopped(1)) : m_fixedTable;
    const QByteArray sql = QStringLiteral("COPY %1 (%2) FROM STDIN%3")
                               .arg(m_table,
                                    DemoDataLoader::columns(table),
                                    m_freeze ? QStringLiteral(" (FREEZE)") : QString())
                               .toUtf8();
    m_conn.exec(sql, {operation(), m_table});
}

void CopySink::write(const std::string &data, qint64 rows)
{
    PGconn *pg = m_conn.handle();
    if (m_stop.stop_requested()) {
        PQputCopyEnd(pg, "cancelled by the user");
        while (PGresult *r = PQgetResult(pg))
            PQclear(r);
        throw DbError::cancelled(operation(), m_table);
    }
    if (PQputCopyData(pg, data.data(), int(data.size())) != 1)
        throw DbError::fromConnection(operation(), m_table, pg);
    if (m_progress)
        m_progress(rows);
}

void CopySink::end()
{
    PGconn *pg = m_conn.handle();
    if (PQputCopyEnd(pg, nullptr) != 1)
        throw DbError::fromConnection(operation(), m_table, pg);
    std::unique_ptr<DbError> error;
    while (PGresult *r = PQgetResult(pg)) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK && !error)
            error = std::make_unique<DbError>(DbError::fromResult(operation(), m_table, r, pg));
        PQclear(r);
    }
    if (error)
        throw *error;
}

void CancelStatementOnStop::operator()() const
{
    conn->cancel();
}

} // namespace melodee::demodata
