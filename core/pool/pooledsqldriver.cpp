#include "pooledsqldriver.h"

#include "db/dberror.h"
#include "db/pgconnection.h"

#include <libpq-fe.h>

#include <QDate>
#include <QDateTime>
#include <QSqlError>
#include <QSqlField>
#include <QSqlRecord>
#include <QTimeZone>

namespace melodee {

namespace {

// PostgreSQL type OIDs (pg_type.dat) we map to Qt types; everything else is text.
enum : Oid {
    BoolOid = 16,
    ByteaOid = 17,
    Int8Oid = 20,
    Int2Oid = 21,
    Int4Oid = 23,
    OidOid = 26,
    Float4Oid = 700,
    Float8Oid = 701,
    NumericOid = 1700,
    DateOid = 1082,
    TimestampOid = 1114,
    TimestampTzOid = 1184,
};

QMetaType metaTypeOf(Oid type)
{
    switch (type) {
    case BoolOid:
        return QMetaType(QMetaType::Bool);
    case ByteaOid:
        return QMetaType(QMetaType::QByteArray);
    case Int8Oid:
        return QMetaType(QMetaType::LongLong);
    case Int2Oid:
    case Int4Oid:
        return QMetaType(QMetaType::Int);
    case OidOid:
        return QMetaType(QMetaType::UInt);
    case Float4Oid:
    case Float8Oid:
    case NumericOid:
        return QMetaType(QMetaType::Double);
    case DateOid:
        return QMetaType(QMetaType::QDate);
    case TimestampOid:
    case TimestampTzOid:
        return QMetaType(QMetaType::QDateTime);
    default:
        return QMetaType(QMetaType::QString);
    }
}

QSqlError toSqlError(const DbError &e, QSqlError::ErrorType type)
{
    return QSqlError(QStringLiteral("melodee pool driver"), e.toString(), type, e.sqlState());
}

QSqlError detachedError()
{
    return QSqlError(QStringLiteral("melodee pool driver"),
                     QStringLiteral("the pooled connection behind this QSqlDatabase was released"),
                     QSqlError::ConnectionError);
}

// Text-format parameter for libpq; nullopt is SQL NULL.
PgParam toParam(const QVariant &v)
{
    if (v.isNull())
        return std::nullopt;
    switch (v.typeId()) {
    case QMetaType::Bool:
        return QByteArray(v.toBool() ? "t" : "f");
    case QMetaType::QByteArray:
        return QByteArray("\\x") + v.toByteArray().toHex();
    case QMetaType::QDate:
        return v.toDate().toString(Qt::ISODate).toLatin1();
    case QMetaType::QDateTime:
        return v.toDateTime().toString(Qt::ISODateWithMs).toLatin1();
    case QMetaType::Double:
        return QByteArray::number(v.toDouble(), 'g', 17);
    default:
        return v.toString().toUtf8();
    }
}

class PooledSqlResult : public QSqlResult
{
public:
    explicit PooledSqlResult(const PooledSqlDriver *driver)
        : QSqlResult(driver)
    {}

protected:
    const PooledSqlDriver *pooledDriver() const
    {
        return static_cast<const PooledSqlDriver *>(driver());
    }

    QVariant handle() const override { return QVariant::fromValue<void *>(m_result.get()); }

    bool run(const QByteArray &sql, const PgParams *params)
    {
        m_result = PgResult();
        setActive(false);
        setAt(QSql::BeforeFirstRow);
        PgConnection *conn = pooledDriver() ? pooledDriver()->connection() : nullptr;
        if (!conn) {
            setLastError(detachedError());
            return false;
        }
        const OpContext ctx{QStringLiteral("QSqlQuery"), QString()};
        try {
            m_result = params ? conn->execCached(sql, *params, ctx) : conn->exec(sql, ctx);
        } catch (const DbError &e) {
            setLastError(toSqlError(
                e, e.connectionBroken() ? QSqlError::ConnectionError : QSqlError::StatementError));
            return false;
        }
        setLastError(QSqlError());
        setSelect(!m_result.isNull() && PQresultStatus(m_result.get()) == PGRES_TUPLES_OK);
        setActive(true);
        return true;
    }

    bool reset(const QString &query) override
    {
        if (!driver() || !driver()->isOpen())
            return false;
        return run(query.toUtf8(), nullptr);
    }

    bool prepare(const QString &query) override
    {
        m_prepared = PooledSqlDriver::toDollarPlaceholders(query);
        return true;
    }

    bool exec() override
    {
        PgParams params;
        const QList<QVariant> &values = boundValues();
        params.reserve(values.size());
        for (const QVariant &v : values)
            params.append(toParam(v));
        return run(m_prepared, &params);
    }

    QVariant data(int field) override
    {
        const int row = at();
        if (m_result.isNull() || row < 0 || field < 0 || field >= m_result.columns())
            return QVariant();
        const Oid type = PQftype(m_result.get(), field);
        const QMetaType meta = metaTypeOf(type);
        if (m_result.isNull(row, field))
            return QVariant(meta);
        const char *raw = m_result.raw(row, field);
        switch (type) {
        case BoolOid:
            return raw[0] == 't';
        case Int2Oid:
        case Int4Oid:
            return m_result.text(row, field).toInt();
        case Int8Oid:
            return m_result.toInt64(row, field);
        case OidOid:
            return m_result.text(row, field).toUInt();
        case Float4Oid:
        case Float8Oid:
            return m_result.toDouble(row, field);
        case NumericOid:
            if (numericalPrecisionPolicy() == QSql::HighPrecision)
                return m_result.text(row, field);
            return m_result.toDouble(row, field);
        case DateOid:
            return QDate::fromString(m_result.text(row, field), Qt::ISODate);
        case TimestampOid:
        case TimestampTzOid: {
            // PostgreSQL prints "2024-01-02 03:04:05.678+00"; ISO parsing wants a 'T' and ":00".
            QString s = m_result.text(row, field);
            s.replace(10, 1, QLatin1Char('T'));
            if (s.size() > 3
                && (s.at(s.size() - 3) == QLatin1Char('+')
                    || s.at(s.size() - 3) == QLatin1Char('-')))
                s += QStringLiteral(":00");
            return QDateTime::fromString(s, Qt::ISODateWithMs);
        }
        case ByteaOid: {
            size_t len = 0;
            unsigned char *bytes
                = PQunescapeBytea(reinterpret_cast<const unsigned char *>(raw), &len);
            const QByteArray out(reinterpret_cast<const char *>(bytes), qsizetype(len));
            PQfreemem(bytes);
            return out;
        }
        default:
            return m_result.text(row, field);
        }
    }

    bool isNull(int field) override
    {
        const int row = at();
        return m_result.isNull() || row < 0 || m_result.isNull(row, field);
    }

    bool fetch(int i) override
    {
        if (!isActive() || !isSelect() || i < 0 || i >= m_result.rows())
            return false;
        setAt(i);
        return true;
    }
    bool fetchFirst() override { return fetch(0); }
    bool fetchLast() override { return fetch(m_result.isNull() ? -1 : m_result.rows() - 1); }

    int size() override { return isSelect() && !m_result.isNull() ? m_result.rows() : -1; }

    int numRowsAffected() override { return m_result.isNull() ? -1 : int(m_result.affectedRows()); }

    QSqlRecord record() const override
    {
        QSqlRecord rec;
        if (m_result.isNull() || !isSelect())
            return rec;
        for (int i = 0; i < m_result.columns(); ++i) {
            QSqlField f(m_result.columnName(i), metaTypeOf(PQftype(m_result.get(), i)));
            rec.append(f);
        }
        return rec;
    }

    void detachFromResultSet() override { m_result = PgResult(); }

private:
    PgResult m_result;
    QByteArray m_prepared;
};

} // namespace

PooledSqlDriver::PooledSqlDriver(PgConnection *conn, QObject *parent)
    : QSqlDriver(parent)
    , m_conn(conn)
{
    setOpen(conn != nullptr);
    setOpenError(false);
}

bool PooledSqlDriver::hasFeature(DriverFeature feature) const
{
    switch (feature) {
    case Transactions:
    case QuerySize:
    case PreparedQueries:
    case PositionalPlaceholders:
    case LowPrecisionNumbers:
    case Unicode:
    case BLOB:
    case CancelQuery:
        return true;
    default:
        return false;
    }
}

bool PooledSqlDriver::open(
    const QString &, const QString &, const QString &, const QString &, int, const QString &)
{
    // The pool opened the connection; "opening" only reports whether the lease is still held.
    setOpen(connection() != nullptr);
    return isOpen();
}

void PooledSqlDriver::close()
{
    // Closing a lease's database must not close the pooled connection; it only detaches.
    detach();
}

void PooledSqlDriver::detach()
{
    m_conn.store(nullptr, std::memory_order_release);
    setOpen(false);
}

QSqlResult *PooledSqlDriver::createResult() const
{
    return new PooledSqlResult(this);
}

QVariant PooledSqlDriver::handle() const
{
    PgConnection *conn = connection();
    return QVariant::fromValue<void *>(conn ? conn->handle() : nullptr);
}

bool PooledSqlDriver::simpleCommand(const char *sql, QSqlError::ErrorType type)
{
    PgConnection *conn = connection();
    if (!conn) {
        setLastError(detachedError());
        return false;
    }
    try {
        conn->exec(sql, {QStringLiteral("QSqlDatabase transaction"), QString()});
    } catch (const DbError &e) {
        setLastError(toSqlError(e, type));
        return false;
    }
    return true;
}

bool PooledSqlDriver::beginTransaction()
{
    return simpleCommand("BEGIN", QSqlError::TransactionError);
}

bool PooledSqlDriver::commitTransaction()
{
    return simpleCommand("COMMIT", QSqlError::TransactionError);
}

bool PooledSqlDriver::rollbackTransaction()
{
    return simpleCommand("ROLLBACK", QSqlError::TransactionError);
}

QString PooledSqlDriver::escapeIdentifier(const QString &identifier, IdentifierType) const
{
    if (identifier.startsWith(QLatin1Char('"')) && identifier.endsWith(QLatin1Char('"'))
        && identifier.size() > 1)
        return identifier;
    QString s = identifier;
    s.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + s + QLatin1Char('"');
}

bool PooledSqlDriver::cancelQuery()
{
    PgConnection *conn = connection();
    return conn && conn->cancel();
}

QByteArray PooledSqlDriver::toDollarPlaceholders(const QString &sql, int *count)
{
    QString out;
    out.reserve(sql.size() + 16);
    int n = 0;
    QChar quote;
    for (qsizetype i = 0; i < sql.size(); ++i) {
        const QChar c = sql.at(i);
        if (!quote.isNull()) {
            out += c;
            if (c == quote)
                quote = QChar();
            continue;
        }
        if (c == QLatin1Char('\'') || c == QLatin1Char('"')) {
            quote = c;
            out += c;
        } else if (c == QLatin1Char('-') && i + 1 < sql.size() && sql.at(i + 1) == c) {
            const qsizetype end = sql.indexOf(QLatin1Char('\n'), i);
            const qsizetype stop = end < 0 ? sql.size() : end;
            out += sql.mid(i, stop - i);
            i = stop - 1;
        } else if (c == QLatin1Char('?')) {
            out += QLatin1Char('$') + QString::number(++n);
        } else {
            out += c;
        }
    }
    if (count)
        *count = n;
    return out.toUtf8();
}

} // namespace melodee
