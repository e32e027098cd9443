#pragma once

#include <QSqlDriver>
#include <QSqlError>
#include <QSqlResult>

#include <atomic>

namespace melodee {

class PgConnection;

// A QSqlDriver over a leased PgConnection so QSqlQuery works on pooled connections. QPSQL's
// driver class is not exported from its plugin and cannot adopt an existing PGconn, so this
// small driver speaks to libpq through PgConnection (statement cache included).
// Lives in the thread that created it, like every QSqlDatabase in Qt 6.4.
class PooledSqlDriver : public QSqlDriver
{
    Q_OBJECT
public:
    explicit PooledSqlDriver(PgConnection *conn, QObject *parent = nullptr);

    bool hasFeature(DriverFeature feature) const override;
    bool open(const QString &db,
              const QString &user,
              const QString &password,
              const QString &host,
              int port,
              const QString &options) override;
    void close() override;
    QSqlResult *createResult() const override;
    QVariant handle() const override; // the PGconn*
    bool beginTransaction() override;
    bool commitTransaction() override;
    bool rollbackTransaction() override;
    QString escapeIdentifier(const QString &identifier, IdentifierType type) const override;
    bool cancelQuery() override;

    // The lease ended: from now on every query fails instead of touching the connection.
    void detach();
    PgConnection *connection() const { return m_conn.load(std::memory_order_acquire); }

    // "?" placeholders (outside quotes and comments) become $1, $2, ...
    static QByteArray toDollarPlaceholders(const QString &sql, int *count = nullptr);

private:
    bool simpleCommand(const char *sql, QSqlError::ErrorType type);

    std::atomic<PgConnection *> m_conn;
};

} // namespace melodee
