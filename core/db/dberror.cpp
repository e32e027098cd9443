#include "dberror.h"

#include "config/configloader.h"
#include "util/redactor.h"

#include <libpq-fe.h>

namespace melodee {

namespace {

QString field(const PGresult *r, int code)
{
    const char *v = r ? PQresultErrorField(r, code) : nullptr;
    return v ? QString::fromUtf8(v) : QString();
}

} // namespace

DbError::DbError(const QString &operation, const QString &table, const QString &message)
    : m_operation(operation)
    , m_table(table)
    , m_message(message.trimmed())
{
    update();
}

DbError DbError::fromResult(const QString &operation,
                            const QString &table,
                            const PGresult *result,
                            const PGconn *conn)
{
    QString message = field(result, PG_DIAG_MESSAGE_PRIMARY);
    if (message.isEmpty() && conn)
        message = QString::fromUtf8(PQerrorMessage(conn));
    DbError e(operation, table, message);
    e.m_sqlState = field(result, PG_DIAG_SQLSTATE);
    e.m_detail = field(result, PG_DIAG_MESSAGE_DETAIL);
    e.m_hint = field(result, PG_DIAG_MESSAGE_HINT);
    e.m_mayHaveExecuted = true;
    e.m_connectionBroken = (conn && PQstatus(conn) == CONNECTION_BAD)
                           || isConnectionState(e.m_sqlState)
                           || e.m_sqlState == QLatin1String("57P01");
    if (e.m_sqlState.isEmpty() && e.m_connectionBroken)
        e.m_sqlState = QStringLiteral("08006");
    e.update();
    return e;
}

DbError DbError::fromConnection(const QString &operation, const QString &table, const PGconn *conn)
{
    DbError e(operation,
              table,
              conn ? QString::fromUtf8(PQerrorMessage(conn)) : QStringLiteral("out of memory"));
    // libpq keeps no SQLSTATE for a failed connection attempt, but a refused login must not look
    // retryable: map the server's (English) refusals, and call the rest connection_failure.
    const QString &m = e.m_message;
    if (m.contains(QLatin1String("password authentication failed"))
        || m.contains(QLatin1String("no password supplied")))
        e.m_sqlState = QStringLiteral("28P01");
    else if (m.contains(QLatin1String("no pg_hba.conf entry"))
             || (m.contains(QLatin1String("role \""))
                 && m.contains(QLatin1String("does not exist"))))
        e.m_sqlState = QStringLiteral("28000");
    else if (m.contains(QLatin1String("database \""))
             && m.contains(QLatin1String("does not exist")))
        e.m_sqlState = QStringLiteral("3D000");
    else
        e.m_sqlState = QStringLiteral("08006");
    e.m_connectionBroken = true;
    e.update();
    return e;
}

bool DbError::isConnectionState(const QString &sqlState)
{
    return sqlState.startsWith(QLatin1String("08"));
}

bool DbError::isRetryableState(const QString &sqlState)
{
    return isConnectionState(sqlState) || sqlState == QLatin1String("40001")
           || sqlState == QLatin1String("40P01") || sqlState == QLatin1String("55P03")
           || sqlState == QLatin1String("57P01");
}

bool DbError::connectionBroken() const
{
    return m_connectionBroken;
}

bool DbError::isRetryable() const
{
    return isRetryableState(m_sqlState);
}

DbError &DbError::setParams(const QVariantMap &params)
{
    m_params.clear();
    for (auto it = params.cbegin(); it != params.cend(); ++it) {
        const QString key = it.key().toLower();
        const bool secret = key.contains(QLatin1String("password"))
                            || key.contains(QLatin1String("secret"))
                            || ConfigLoader::isSecretKey(it.key());
        m_params.insert(it.key(),
                        secret ? QVariant(QString::fromLatin1(Redactor::kMask))
                               : QVariant(Redactor::redact(it.value().toString())));
    }
    update();
    return *this;
}

DbError &DbError::setSqlState(const QString &state)
{
    m_sqlState = state;
    update();
    return *this;
}

DbError &DbError::setDetail(const QString &detail)
{
    m_detail = detail;
    update();
    return *this;
}

DbError &DbError::setHint(const QString &hint)
{
    m_hint = hint;
    update();
    return *this;
}

DbError &DbError::setMayHaveExecuted(bool value)
{
    m_mayHaveExecuted = value;
    update();
    return *this;
}

ErrorKind DbError::kind() const
{
    if (m_cancelled)
        return ErrorKind::Cancelled;
    if (m_sqlState == QLatin1String("55P03"))
        return ErrorKind::LockWait;
    return ErrorKind::Failure;
}

QStringList DbError::details() const
{
    QStringList d{toString()};
    if (!m_sqlState.isEmpty())
        d << QStringLiteral("SQLSTATE: %1").arg(m_sqlState);
    if (!m_detail.isEmpty())
        d << QStringLiteral("detail: %1").arg(Redactor::redact(m_detail));
    if (!m_hint.isEmpty())
        d << QStringLiteral("hint: %1").arg(Redactor::redact(m_hint));
    return d;
}

DbError DbError::cancelled(const QString &operation, const QString &table)
{
    DbError e(operation, table, QStringLiteral("cancelled"));
    e.m_sqlState = QLatin1String(kQueryCanceled);
    e.m_cancelled = true;
    e.update();
    return e;
}

DbError &DbError::setCancelled(bool value)
{
    m_cancelled = value;
    return *this;
}

DbError &DbError::setConnectionBroken(bool value)
{
    m_connectionBroken = value;
    update();
    return *this;
}

QString DbError::toString() const
{
    // Connecting or a health check has no table: say nothing rather than 'on table ""'.
    QString s
        = m_table.isEmpty()
              ? QStringLiteral("database operation \"%1\" failed: %2").arg(m_operation, m_message)
              : QStringLiteral("database operation \"%1\" on table \"%2\" failed: %3")
                    .arg(m_operation, m_table, m_message);
    if (!m_sqlState.isEmpty())
        s += QStringLiteral(" (SQLSTATE %1)").arg(m_sqlState);
    if (!m_detail.isEmpty())
        s += QStringLiteral("; detail: %1").arg(m_detail);
    if (!m_hint.isEmpty())
        s += QStringLiteral("; hint: %1").arg(m_hint);
    if (!m_params.isEmpty()) {
        QStringList parts;
        for (auto it = m_params.cbegin(); it != m_params.cend(); ++it)
            parts << QStringLiteral("%1=%2").arg(it.key(), it.value().toString());
        s += QStringLiteral("; params: ") + parts.join(QLatin1String(", "));
    }
    if (m_connectionBroken && m_mayHaveExecuted)
        s += QStringLiteral("; the connection was lost after the statement was sent, so it may "
                            "have executed and was not retried");
    return Redactor::redact(s);
}

void DbError::update()
{
    m_what = toString().toUtf8();
}

} // namespace melodee
