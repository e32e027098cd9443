#pragma once

#include <config/appconfig.h>

#include <QString>
#include <QTemporaryDir>

namespace melodee::test {

// A throwaway PostgreSQL of a test's own: initdb in a temporary directory, listening on
// 127.0.0.1 only, trust authentication for the postgres user. Stopping or restarting it cannot
// disturb any other test. Removed with the object.
class PrivateServer
{
public:
    PrivateServer();
    ~PrivateServer();
    PrivateServer(const PrivateServer &) = delete;
    PrivateServer &operator=(const PrivateServer &) = delete;

    // The PostgreSQL bin directory: $MELODEE_TEST_PG_BIN, else the newest
    // /usr/lib/postgresql/*/bin (as tests/fixtures/pg-fixture.sh). Empty when none is installed.
    static QString binDir();

    // initdb and start; false with the reason in error().
    bool init();
    bool start();
    // Fast shutdown: sessions are ended with 57P01, as in a real restart.
    bool stop();
    QString error() const { return m_error; }
    int port() const { return m_port; }
    // Superuser over TCP, no TLS.
    DatabaseConfig config() const;
    // The same as a libpq conninfo string (for `melodee --dsn`).
    QString dsn() const;

private:
    bool run(const QString &tool, const QStringList &args);
    QString data() const;

    QTemporaryDir m_dir;
    QString m_bin;
    int m_port = 0;
    QString m_error;
};

} // namespace melodee::test
