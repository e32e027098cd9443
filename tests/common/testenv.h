#pragma once

#include <config/appconfig.h>

#include <QProcess>
#include <QString>
#include <QStringList>

namespace melodee::test {

// Addresses of the servers the CTest fixtures started (tests/fixtures/*.sh).
class TestEnv
{
public:
    static bool hasPostgres();
    static QString pgHost();
    static int pgPort();
    static QString pgDir(); // the server's temporary directory (data/, log, CA files)
    static QString pgBin(); // the PostgreSQL bin directory (psql, pg_ctl, pgbench)
    static QString pgCa();
    static QString pgOtherCa();
    static bool hasRedis();
    static int redisPort();

    // Superuser config for the test server (trust auth on loopback).
    static DatabaseConfig superuser(const QString &dbname = QStringLiteral("postgres"));
    // Creates a fresh, empty database and returns a config pointing at it.
    static DatabaseConfig freshDatabase(const QString &prefix);

    // Runs psql as the superuser against dbname; returns stdout, fails the test on error.
    static QString psql(const QString &sql, const QString &dbname = QStringLiteral("postgres"));

    struct CliResult
    {
        int exitCode = -1;
        QString out;
        QString err;
    };
    // Runs the built `melodee` binary; every run's output is kept for the secrets grep.
    static CliResult
    runCli(const QStringList &args, const QProcessEnvironment &env = {}, int timeoutMs = 60000);
    static QString cliPath();
    static QString sourceDir();

private:
    static QString value(const QString &file, const QString &key);
};

} // namespace melodee::test
