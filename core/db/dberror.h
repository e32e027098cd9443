#pragma once

#include "util/error.h"

#include <QString>
#include <QVariantMap>

typedef struct pg_conn PGconn;
typedef struct pg_result PGresult;

namespace melodee {

// A database failure: what was attempted, on which table, with which (redacted) parameters,
// and what the server said. Derives from QException so it crosses QFuture boundaries.
class DbError : public Error
{
public:
    DbError() = default;
    DbError(const QString &operation, const QString &table, const QString &message);

    // From a failed result (SQLSTATE, detail, hint) or a connection-level failure.
    static DbError fromResult(const QString &operation,
                              const QString &table,
                              const PGresult *result,
                              const PGconn *conn);
    static DbError
    fromConnection(const QString &operation, const QString &table, const PGconn *conn);

    QString operation() const { return m_operation; }
    QString table() const { return m_table; }
    QVariantMap params() const { return m_params; }
    QString sqlState() const { return m_sqlState; }
    QString message() const override { return m_message; }
    // Cancelled for a cancellation, LockWait for lock_not_available (55P03), else Failure.
    ErrorKind kind() const override;
    // SQLSTATE, detail and hint, one a line.
    QStringList details() const override;
    QString detail() const { return m_detail; }
    QString hint() const { return m_hint; }
    // True when the statement may have reached the server; such work is never retried blindly.
    bool mayHaveExecuted() const { return m_mayHaveExecuted; }
    bool connectionBroken() const;
    // connection class 08*, serialization 40001, deadlock 40P01, lock_not_available 55P03,
    // admin_shutdown 57P01: trying again can succeed.
    bool isRetryable() const;
    bool isNotFound() const { return m_sqlState == QLatin1String(kNotFound); }
    // The work was cancelled on request (a cancelled task, or PQcancel we sent). A
    // statement_timeout has the same SQLSTATE 57014 but is not a cancellation.
    bool isCancelled() const { return m_cancelled; }
    // An error for work stopped because its task was cancelled before or between statements.
    static DbError cancelled(const QString &operation, const QString &table = {});

    DbError &setParams(const QVariantMap &params);
    DbError &setSqlState(const QString &state);
    DbError &setDetail(const QString &detail);
    DbError &setHint(const QString &hint);
    DbError &setMayHaveExecuted(bool value);
    DbError &setConnectionBroken(bool value);
    DbError &setCancelled(bool value);

    // database operation "X" on table "Y" failed: message (SQLSTATE s); every part redacted.
    QString toString() const;
    const char *what() const noexcept override { return m_what.constData(); }
    void raise() const override { throw *this; }
    DbError *clone() const override { return new DbError(*this); }

    static bool isRetryableState(const QString &sqlState);
    static bool isConnectionState(const QString &sqlState);
    // Our own code for "no row" when ignore_not_found_error is off (PostgreSQL's no_data_found).
    static constexpr const char *kNotFound = "P0002";
    static constexpr const char *kQueryCanceled = "57014";

private:
    void update();

    QString m_operation;
    QString m_table;
    QVariantMap m_params;
    QString m_sqlState;
    QString m_message;
    QString m_detail;
    QString m_hint;
    bool m_mayHaveExecuted = false;
    bool m_connectionBroken = false;
    bool m_cancelled = false;
    QByteArray m_what;
};

} // namespace melodee
