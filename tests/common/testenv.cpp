#include "testenv.h"

#include <migrate/migrationengine.h>

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QTcpServer>
#include <QTest>
#include <QUuid>

namespace melodee::test {

QString TestEnv::value(const QString &file, const QString &key)
{
    QFile f(QStringLiteral(MELODEE_TEST_STATE_DIR) + QLatin1Char('/') + file);
    if (!f.open(QIODevice::ReadOnly))
        return QString();
    const QStringList lines = QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'));
    for (const QString &line : lines) {
        if (line.startsWith(key + QLatin1Char('=')))
            return line.mid(key.size() + 1).trimmed();
    }
    return QString();
}

bool TestEnv::hasPostgres()
{
    return pgPort() > 0;
}

QString TestEnv::pgHost()
{
    return value(QStringLiteral("pg.env"), QStringLiteral("MELODEE_TEST_PG_HOST"));
}

int TestEnv::pgPort()
{
    return value(QStringLiteral("pg.env"), QStringLiteral("MELODEE_TEST_PG_PORT")).toInt();
}

QString TestEnv::pgDir()
{
    return value(QStringLiteral("pg.env"), QStringLiteral("MELODEE_TEST_PG_DIR"));
}

QString TestEnv::pgBin()
{
    return value(QStringLiteral("pg.env"), QStringLiteral("MELODEE_TEST_PG_BIN"));
}

QString TestEnv::pgCa()
{
    return value(QStringLiteral("pg.env"), QStringLiteral("MELODEE_TEST_PG_CA"));
}

QString TestEnv::pgOtherCa()
{
    return value(QStringLiteral("pg.env"), QStringLiteral("MELODEE_TEST_PG_OTHER_CA"));
}

bool TestEnv::hasPgBouncer()
{
    return pgbouncerPort() > 0;
}

int TestEnv::pgbouncerPort()
{
    return value(QStringLiteral("pgbouncer.env"), QStringLiteral("MELODEE_TEST_PGB_PORT")).toInt();
}

QString TestEnv::pgbouncerUser()
{
    return value(QStringLiteral("pgbouncer.env"), QStringLiteral("MELODEE_TEST_PGB_USER"));
}

QString TestEnv::pgbouncerPassword()
{
    return value(QStringLiteral("pgbouncer.env"), QStringLiteral("MELODEE_TEST_PGB_PASSWORD"));
}

bool TestEnv::hasReplica()
{
    return replicaPort() > 0 && replicaPrimaryPort() > 0;
}

int TestEnv::replicaPrimaryPort()
{
    return value(QStringLiteral("replica.env"), QStringLiteral("MELODEE_TEST_REPLICA_PRIMARY_PORT"))
        .toInt();
}

int TestEnv::replicaPort()
{
    return value(QStringLiteral("replica.env"), QStringLiteral("MELODEE_TEST_REPLICA_PORT"))
        .toInt();
}

DatabaseConfig TestEnv::replicaServer(int port)
{
    DatabaseConfig c;
    c.host = QStringLiteral("127.0.0.1");
    c.port = port;
    c.user = QStringLiteral("postgres");
    c.dbname = QStringLiteral("postgres");
    c.sslmode = QStringLiteral("disable");
    return c;
}

int TestEnv::closedLoopbackPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost))
        return 0;
    const int port = probe.serverPort();
    probe.close();
    return port;
}

void TestEnv::replicaFixture(const QString &action)
{
    QProcess p;
    p.start(sourceDir() + QStringLiteral("/tests/fixtures/replica-fixture.sh"),
            {action, QStringLiteral(MELODEE_TEST_STATE_DIR)});
    if (!p.waitForFinished(60000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        QFAIL(qPrintable(QStringLiteral("replica-fixture.sh %1 failed: %2")
                             .arg(action, QString::fromUtf8(p.readAllStandardError()))));
}

bool TestEnv::allowSkip()
{
    return qEnvironmentVariable("MELODEE_ALLOW_SKIP") == QLatin1String("1");
}

bool TestEnv::hasRedis()
{
    return redisPort() > 0;
}

int TestEnv::redisPort()
{
    return value(QStringLiteral("redis.env"), QStringLiteral("MELODEE_TEST_REDIS_PORT")).toInt();
}

DatabaseConfig TestEnv::superuser(const QString &dbname)
{
    DatabaseConfig c;
    c.host = pgHost();
    c.port = pgPort();
    c.user = QStringLiteral("postgres");
    c.dbname = dbname;
    c.sslmode = QStringLiteral("disable");
    return c;
}

void TestEnv::migrate(const AppConfig &config)
{
    MigrationEngine engine(config);
    engine.connect();
    engine.lock();
    engine.apply(engine.plan(QDateTime::currentDateTimeUtc()), {});
    engine.unlock();
}

void TestEnv::migrate(const DatabaseConfig &database)
{
    AppConfig config;
    config.database = database;
    migrate(config);
}

DatabaseConfig TestEnv::freshDatabase(const QString &prefix)
{
    const QString name
        = prefix + QLatin1Char('_') + QUuid::createUuid().toString(QUuid::Id128).left(12);
    psql(QStringLiteral("CREATE DATABASE %1").arg(name));
    return superuser(name);
}

DatabaseConfig TestEnv::melodeeNextDatabase(const QString &prefix)
{
    const QString name
        = prefix + QLatin1Char('_') + QUuid::createUuid().toString(QUuid::Id128).left(12);
    psql(QStringLiteral("CREATE DATABASE %1 TEMPLATE %2").arg(name, melodeeNextTemplate()));
    if (psql(QStringLiteral("SELECT count(*) FROM pg_database WHERE datname = '%1'").arg(name))
        != QLatin1String("1"))
        qFatal("no melodee-next fixture database: run the test through ctest, whose "
               "melodee-next fixture loads %s",
               qPrintable(melodeeNextTemplate()));
    return superuser(name);
}

QString TestEnv::psql(const QString &sql, const QString &dbname)
{
    QProcess p;
    p.start(pgBin() + QStringLiteral("/psql"),
            {QStringLiteral("-X"),
             QStringLiteral("-q"),
             QStringLiteral("-At"),
             QStringLiteral("-v"),
             QStringLiteral("ON_ERROR_STOP=1"),
             QStringLiteral("-h"),
             pgHost(),
             QStringLiteral("-p"),
             QString::number(pgPort()),
             QStringLiteral("-U"),
             QStringLiteral("postgres"),
             QStringLiteral("-d"),
             dbname,
             QStringLiteral("-c"),
             sql});
    // A setup statement that fails would leave the test checking something else than it says:
    // the test fails here, with psql's message and the statement.
    const bool finished = p.waitForFinished(120000);
    if (!finished || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        const QString why
            = !finished ? QStringLiteral("did not finish within 120 s (%1)").arg(p.errorString())
                        : QString::fromUtf8(p.readAllStandardError()).trimmed();
        if (!finished)
            p.kill();
        QTest::qFail(qPrintable(QStringLiteral("psql failed on database %1: %2\nstatement: %3")
                                    .arg(dbname, why, sql.left(500))),
                     __FILE__,
                     __LINE__);
    }
    return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
}

QString TestEnv::cliPath()
{
    return QStringLiteral(MELODEE_CLI_PATH);
}

QString TestEnv::sourceDir()
{
    return QStringLiteral(MELODEE_SOURCE_DIR);
}

TestEnv::CliResult
TestEnv::runCli(const QStringList &args, const QProcessEnvironment &env, int timeoutMs)
{
    QProcess p;
    QProcessEnvironment e = env.isEmpty() ? QProcessEnvironment::systemEnvironment() : env;
    p.setProcessEnvironment(e);
    p.start(cliPath(), args);
    CliResult r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.err = QStringLiteral("timed out");
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    // Every CLI run's output is appended to one file per test run so a test can grep it for
    // secrets.
    QFile log(QStringLiteral(MELODEE_TEST_STATE_DIR) + QStringLiteral("/cli-output.log"));
    QDir().mkpath(QStringLiteral(MELODEE_TEST_STATE_DIR));
    if (log.open(QIODevice::Append)) {
        log.write(QStringLiteral("$ melodee %1 ...\n").arg(args.value(0)).toUtf8());
        log.write(r.out.toUtf8());
        log.write(r.err.toUtf8());
    }
    return r;
}

QProcessEnvironment TestEnv::isolatedEnv(const QString &home)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &k : env.keys()) {
        if (k.startsWith(QLatin1String("PG")) || k.startsWith(QLatin1String("MELODEE_")))
            env.remove(k);
    }
    env.insert(QStringLiteral("HOME"), home);
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), QDir(home).filePath(QStringLiteral("config")));
    return env;
}

int TestEnv::freeLoopbackPort()
{
    QTcpServer s;
    s.listen(QHostAddress::LocalHost, 0);
    return s.serverPort();
}

QString TestEnv::redisCli(int port, const QStringList &args)
{
    QProcess p;
    p.start(QStringLiteral("redis-cli"),
            QStringList{QStringLiteral("-h"),
                        QStringLiteral("127.0.0.1"),
                        QStringLiteral("-p"),
                        QString::number(port)}
                + args);
    p.waitForFinished(10000);
    return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
}

} // namespace melodee::test
