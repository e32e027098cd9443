#pragma once

#include <config/appconfig.h>

#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTest>

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
    // MELODEE_ALLOW_SKIP=1: a test whose server is missing is skipped instead of failed. For a
    // developer's machine without the servers; ctest and CI always have them.
    static bool allowSkip();
    static int redisPort();

    // The PgBouncer in transaction mode before the pg fixture's server (pgbouncer-fixture.sh):
    // its port, and the SCRAM login it and the server accept (also its admin user).
    static bool hasPgBouncer();
    static int pgbouncerPort();
    static QString pgbouncerUser();
    static QString pgbouncerPassword();
    // The primary and streaming replica of replica-fixture.sh (trust for postgres on loopback).
    static bool hasReplica();
    static int replicaPrimaryPort();
    static int replicaPort();
    // Runs replica-fixture.sh stop-replica / start-replica; fails the test when it fails.
    static void replicaFixture(const QString &action);
    // The postgres superuser on one of replica-fixture.sh's two servers (its port above).
    static DatabaseConfig replicaServer(int port);
    // A loopback port nothing listens on (it was free a moment ago): a server that is down.
    static int closedLoopbackPort();

    // Superuser config for the test server (trust auth on loopback).
    static DatabaseConfig superuser(const QString &dbname = QStringLiteral("postgres"));
    // Creates a fresh, empty database and returns a config pointing at it.
    static DatabaseConfig freshDatabase(const QString &prefix);
    // Applies Melodee's own migrations to config.database, with config's table prefix.
    static void migrate(const AppConfig &config);
    // The same on `database` with the default table prefix.
    static void migrate(const DatabaseConfig &database);

    // A fresh copy of the melodee-next fixture (tests/fixtures/melodee-next: its GORM schema and
    // 200k tracks), cloned from the template the melodee-next CTest fixture loads. Tests using it
    // list FIXTURES pg melodee-next. Fails the test when the template is missing.
    static DatabaseConfig melodeeNextDatabase(const QString &prefix);
    static QString melodeeNextTemplate() { return QStringLiteral("melodee_next_template"); }

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
    // This process's environment without the machine's own PG* and MELODEE_* settings, with
    // HOME and XDG_CONFIG_HOME in `home`, so nothing of the machine leaks into a CLI run.
    static QProcessEnvironment isolatedEnv(const QString &home);
    // A TCP port on 127.0.0.1 that was free a moment ago, for a server a test starts itself.
    static int freeLoopbackPort();
    // redis-cli against the redis-server on 127.0.0.1:port; its trimmed standard output.
    static QString redisCli(int port, const QStringList &args);

private:
    static QString value(const QString &file, const QString &key);
};

} // namespace melodee::test

// A test that needs a server the CTest fixtures start fails loudly when it is missing, so a broken
// fixture can never pass as a run that checked nothing.
#define MELODEE_REQUIRE_SERVER(present, what)                                                      \
    do {                                                                                           \
        if (!(present)) {                                                                          \
            if (melodee::test::TestEnv::allowSkip())                                               \
                QSKIP("no " what " fixture (skipped because MELODEE_ALLOW_SKIP=1)");               \
            QFAIL("no " what " fixture: run the test through ctest, which starts it, or set "      \
                  "MELODEE_ALLOW_SKIP=1 to skip");                                                 \
        }                                                                                          \
    } while (false)
#define MELODEE_REQUIRE_POSTGRES()                                                                 \
    MELODEE_REQUIRE_SERVER(melodee::test::TestEnv::hasPostgres(), "PostgreSQL")
#define MELODEE_REQUIRE_REDIS() MELODEE_REQUIRE_SERVER(melodee::test::TestEnv::hasRedis(), "redis")
#define MELODEE_REQUIRE_PGBOUNCER()                                                                \
    MELODEE_REQUIRE_SERVER(melodee::test::TestEnv::hasPgBouncer(), "PgBouncer")
#define MELODEE_REQUIRE_REPLICA()                                                                  \
    MELODEE_REQUIRE_SERVER(melodee::test::TestEnv::hasReplica(), "streaming replica")
