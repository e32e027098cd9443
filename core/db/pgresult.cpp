#include "pgresult.h"

#include <libpq-fe.h>

#include <cstdlib>

namespace melodee {

PgResult &PgResult::operator=(PgResult &&other) noexcept
{
    if (this != &other) {
        if (m_result)
            PQclear(m_result);
        m_result = std::exchange(other.m_result, nullptr);
    }
    return *this;
}

PgResult::~PgResult()
{
    if (m_result)
        PQclear(m_result);
}

int PgResult::rows() const
{
    return m_result ? PQntuples(m_result) : 0;
}

int PgResult::columns() const
{
    return m_result ? PQnfields(m_result) : 0;
}

int PgResult::column(const char *name) const
{
    return m_result ? PQfnumber(m_result, name) : -1;
}

QString PgResult::columnName(int col) const
{
    return m_result ? QString::fromUtf8(PQfname(m_result, col)) : QString();
}

bool PgResult::isNull(int row, int col) const
{
    return !m_result || PQgetisnull(m_result, row, col);
}

const char *PgResult::raw(int row, int col) const
{
    return PQgetvalue(m_result, row, col);
}

int PgResult::length(int row, int col) const
{
    return PQgetlength(m_result, row, col);
}

QString PgResult::text(int row, int col) const
{
    if (isNull(row, col))
        return QString();
    return QString::fromUtf8(PQgetvalue(m_result, row, col), PQgetlength(m_result, row, col));
}

QByteArray PgResult::bytes(int row, int col) const
{
    if (isNull(row, col))
        return QByteArray();
    return QByteArray(PQgetvalue(m_result, row, col), PQgetlength(m_result, row, col));
}

qint64 PgResult::toInt64(int row, int col) const
{
    return isNull(row, col) ? 0 : std::strtoll(PQgetvalue(m_result, row, col), nullptr, 10);
}

double PgResult::toDouble(int row, int col) const
{
    return isNull(row, col) ? 0.0 : std::strtod(PQgetvalue(m_result, row, col), nullptr);
}

bool PgResult::toBool(int row, int col) const
{
    return !isNull(row, col) && PQgetvalue(m_result, row, col)[0] == 't';
}

qint64 PgResult::affectedRows() const
{
    if (!m_result)
        return 0;
    const char *n = PQcmdTuples(m_result);
    return (n && *n) ? std::strtoll(n, nullptr, 10) : 0;
}

} // namespace melodee
