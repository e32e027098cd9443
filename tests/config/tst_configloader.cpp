#include "tst_configloader.h"

void tst_ConfigLoader::defaults()
{
    const AppConfig c = ConfigLoader().finish();
    // The Melodee server's recommended values.
    QCOMPARE(c.database.maxOpenConns, 50);
    QCOMPARE(c.database.maxIdleConns, 25);
    QCOMPARE(c.database.connMaxLifetime, Duration(30min));
    QCOMPARE(c.database.connMaxIdleTime, Duration(15min));
    QCOMPARE(c.database.applicationName, QStringLiteral("melodee-admin"));
    QCOMPARE(c.session.tablePrefix, QStringLiteral("melodee_"));
    QCOMPARE(c.session.singularTable, false);
    QCOMPARE(c.migrate.lockTimeout, Duration(5s));
    QCOMPARE(c.migrate.statementTimeout, Duration(10min));
    QCOMPARE(c.redis.ttl, Duration(1h));
}

void tst_ConfigLoader::everyKey_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("expected"); // read back through check()

    QTest::newRow("host") << "database.host"
                          << "db.example"
                          << "db.example";
    QTest::newRow("pooler") << "database.pooler"
                            << "PgBouncer-Transaction"
                            << "pgbouncer-transaction";
    QTest::newRow("no pooler") << "database.pooler"
                               << "none"
                               << "none";
    QTest::newRow("direct dsn") << "database.direct_dsn"
                                << "host=10.0.0.5 port=5432"
                                << "host=10.0.0.5 port=5432";
    QTest::newRow("admin dsn") << "database.pooler_admin_dsn"
                               << "postgresql://admin@127.0.0.1:6432/pgbouncer"
                               << "postgresql://admin@127.0.0.1:6432/pgbouncer";
    QTest::newRow("replicas") << "database.replicas"
                              << "host=r1 port=5433, postgresql://r2:5434/melodee"
                              << "host=r1 port=5433 | postgresql://r2:5434/melodee";
    QTest::newRow("no replicas") << "database.replicas"
                                 << ""
                                 << "";
    QTest::newRow("replica lag") << "database.max_replica_lag"
                                 << "750ms"
                                 << "750ms";
    QTest::newRow("port") << "database.port"
                          << "6543"
                          << "6543";
    QTest::newRow("user") << "database.user"
                          << "melodee"
                          << "melodee";
    QTest::newRow("password") << "database.password"
                              << "s3cr et'"
                              << "s3cr et'";
    QTest::newRow("dbname") << "database.dbname"
                            << "music"
                            << "music";
    QTest::newRow("sslmode") << "database.sslmode"
                             << "VERIFY-FULL"
                             << "verify-full";
    QTest::newRow("sslrootcert") << "database.sslrootcert"
                                 << "/ca.crt"
                                 << "/ca.crt";
    QTest::newRow("sslcert") << "database.sslcert"
                             << "/c.crt"
                             << "/c.crt";
    QTest::newRow("sslkey") << "database.sslkey"
                            << "/c.key"
                            << "/c.key";
    QTest::newRow("application_name") << "database.application_name"
                                      << "x"
                                      << "x";
    QTest::newRow("connect_timeout int") << "database.connect_timeout"
                                         << "7"
                                         << "7s";
    QTest::newRow("connect_timeout dur") << "database.connect_timeout"
                                         << "1m"
                                         << "1m";
    QTest::newRow("max_open_conns") << "database.max_open_conns"
                                    << "40"
                                    << "40";
    QTest::newRow("max_open unlimited") << "database.max_open_conns"
                                        << "0"
                                        << "0";
    QTest::newRow("max_idle_conns") << "database.max_idle_conns"
                                    << "10"
                                    << "10";
    QTest::newRow("conn_max_lifetime") << "database.conn_max_lifetime"
                                       << "1h30m"
                                       << "1h30m";
    QTest::newRow("conn_max_idle_time") << "database.conn_max_idle_time"
                                        << "90s"
                                        << "1m30s";
    QTest::newRow("acquire_timeout") << "database.acquire_timeout"
                                     << "500ms"
                                     << "500ms";
    QTest::newRow("jitter") << "database.conn_max_lifetime_jitter"
                            << "10s"
                            << "10s";
    QTest::newRow("leak") << "database.leak_detection_threshold"
                          << "2m"
                          << "2m";
    QTest::newRow("validate") << "database.validate_after_idle"
                              << "2s"
                              << "2s";
    QTest::newRow("log_level") << "gorm.log_level"
                               << "info"
                               << "info";
    QTest::newRow("ignore_not_found") << "gorm.ignore_not_found_error"
                                      << "true"
                                      << "true";
    QTest::newRow("prepare_stmt") << "gorm.prepare_stmt"
                                  << "off"
                                  << "false";
    QTest::newRow("nested") << "gorm.disable_nested_transaction"
                            << "yes"
                            << "true";
    QTest::newRow("skip_default") << "gorm.skip_default_transaction"
                                  << "0"
                                  << "false";
    QTest::newRow("dry_run") << "gorm.dry_run"
                             << "1"
                             << "true";
    QTest::newRow("table_prefix") << "gorm.table_prefix"
                                  << "mel_"
                                  << "mel_";
    QTest::newRow("singular") << "gorm.singular_table"
                              << "TRUE"
                              << "true";
    QTest::newRow("slow") << "gorm.slow_threshold"
                          << "250ms"
                          << "250ms";
    QTest::newRow("redis address") << "redis.address"
                                   << "127.0.0.1:7000"
                                   << "127.0.0.1:7000";
    QTest::newRow("redis db") << "redis.db"
                              << "3"
                              << "3";
    QTest::newRow("redis ttl") << "redis.ttl"
                               << "10m"
                               << "10m";
    QTest::newRow("redis prefix") << "redis.key_prefix"
                                  << "m:song:"
                                  << "m:song:";
    QTest::newRow("environment") << "migrate.environment"
                                 << "production"
                                 << "production";
    QTest::newRow("lock_timeout") << "migrate.lock_timeout"
                                  << "2s"
                                  << "2s";
    QTest::newRow("statement_timeout") << "migrate.statement_timeout"
                                       << "5m"
                                       << "5m";
    QTest::newRow("lock_wait") << "migrate.lock_wait"
                               << "30s"
                               << "30s";
    QTest::newRow("retries") << "migrate.retries"
                             << "5"
                             << "5";
    QTest::newRow("premake") << "migrate.premake_months"
                             << "12"
                             << "12";
}

static QString readBack(const AppConfig &c, const QString &key)
{
    const auto d = [](Duration v) {
        return formatGoDuration(v);
    };
    const auto b = [](bool v) {
        return v ? QStringLiteral("true") : QStringLiteral("false");
    };
    const QMap<QString, QString> values = {
        {"database.host", c.database.host},
        {"database.port", QString::number(c.database.port)},
        {"database.user", c.database.user},
        {"database.password", c.database.password},
        {"database.dbname", c.database.dbname},
        {"database.sslmode", c.database.sslmode},
        {"database.sslrootcert", c.database.sslrootcert},
        {"database.sslcert", c.database.sslcert},
        {"database.sslkey", c.database.sslkey},
        {"database.application_name", c.database.applicationName},
        {"database.connect_timeout", d(c.database.connectTimeout)},
        {"database.pooler", poolerName(c.database.pooler)},
        {"database.direct_dsn", c.database.directDsn},
        {"database.pooler_admin_dsn", c.database.poolerAdminDsn},
        {"database.replicas", c.database.replicas.join(QStringLiteral(" | "))},
        {"database.max_replica_lag", d(c.database.maxReplicaLag)},
        {"database.max_open_conns", QString::number(c.database.maxOpenConns)},
        {"database.max_idle_conns", QString::number(c.database.maxIdleConns)},
        {"database.conn_max_lifetime", d(c.database.connMaxLifetime)},
        {"database.conn_max_idle_time", d(c.database.connMaxIdleTime)},
        {"database.acquire_timeout", d(c.database.acquireTimeout)},
        {"database.conn_max_lifetime_jitter", d(c.database.connMaxLifetimeJitter)},
        {"database.leak_detection_threshold", d(c.database.leakDetectionThreshold)},
        {"database.validate_after_idle", d(c.database.validateAfterIdle)},
        {"gorm.log_level", logLevelName(c.session.logLevel)},
        {"gorm.ignore_not_found_error", b(c.session.ignoreNotFoundError)},
        {"gorm.prepare_stmt", b(c.session.prepareStmt)},
        {"gorm.disable_nested_transaction", b(c.session.disableNestedTransaction)},
        {"gorm.skip_default_transaction", b(c.session.skipDefaultTransaction)},
        {"gorm.dry_run", b(c.session.dryRun)},
        {"gorm.table_prefix", c.session.tablePrefix},
        {"gorm.singular_table", b(c.session.singularTable)},
        {"gorm.slow_threshold", d(c.session.slowThreshold)},
        {"redis.address", c.redis.address},
        {"redis.db", QString::number(c.redis.db)},
        {"redis.ttl", d(c.redis.ttl)},
        {"redis.key_prefix", c.redis.keyPrefix},
        {"migrate.environment", environmentName(c.migrate.environment)},
        {"migrate.lock_timeout", d(c.migrate.lockTimeout)},
        {"migrate.statement_timeout", d(c.migrate.statementTimeout)},
        {"migrate.lock_wait", d(c.migrate.lockWait)},
        {"migrate.retries", QString::number(c.migrate.retries)},
        {"migrate.premake_months", QString::number(c.migrate.premakeMonths)},
    };
    return values.value(key, QStringLiteral("<no read-back for %1>").arg(key));
}

void tst_ConfigLoader::everyKey()
{
    QFETCH(QString, key);
    QFETCH(QString, value);
    QFETCH(QString, expected);
    ConfigLoader loader;
    loader.set(key, value, QStringLiteral("test"));
    QCOMPARE(readBack(loader.finish(), key), expected);

    // The same value through YAML and through the environment gives the same result.
    const qsizetype dot = key.indexOf(QLatin1Char('.'));
    ConfigLoader yaml;
    QString quoted = value;
    quoted.replace(QLatin1String("'"), QLatin1String("''"));
    yaml.loadYamlText(
        QStringLiteral("%1:\n  %2: '%3'\n").arg(key.left(dot), key.mid(dot + 1), quoted),
        QStringLiteral("inline.yaml"));
    QCOMPARE(readBack(yaml.finish(), key), expected);

    QProcessEnvironment env;
    env.insert(ConfigLoader::environmentName(key), value);
    ConfigLoader fromEnv;
    fromEnv.loadEnvironment(env);
    QCOMPARE(readBack(fromEnv.finish(), key), expected);
}

void tst_ConfigLoader::badValues_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("needle");
    QTest::newRow("negative open") << "database.max_open_conns"
                                   << "-1"
                                   << "must not be negative";
    QTest::newRow("negative idle") << "database.max_idle_conns"
                                   << "-5"
                                   << "must not be negative";
    QTest::newRow("port text") << "database.port"
                               << "fivefour"
                               << "not a whole number";
    QTest::newRow("port zero") << "database.port"
                               << "0"
                               << "at least 1";
    QTest::newRow("port big") << "database.port"
                              << "70000"
                              << "at most 65535";
    QTest::newRow("sslmode") << "database.sslmode"
                             << "sometimes"
                             << "expected one of disable";
    QTest::newRow("lifetime unit") << "database.conn_max_lifetime"
                                   << "30"
                                   << "missing unit";
    QTest::newRow("idle bad") << "database.conn_max_idle_time"
                              << "15 minutes"
                              << "unknown unit";
    QTest::newRow("negative duration") << "database.conn_max_lifetime"
                                       << "-1m"
                                       << "negative";
    QTest::newRow("log level") << "gorm.log_level"
                               << "debug"
                               << "expected one of silent";
    QTest::newRow("bool") << "gorm.prepare_stmt"
                          << "maybe"
                          << "expected true or false";
    QTest::newRow("prefix") << "gorm.table_prefix"
                            << "x; drop"
                            << "lower-case letters";
    QTest::newRow("redis address") << "redis.address"
                                   << "nohost"
                                   << "expected host:port";
    QTest::newRow("redis db") << "redis.db"
                              << "99"
                              << "at most 15";
    QTest::newRow("environment") << "migrate.environment"
                                 << "prod"
                                 << "expected one of";
    QTest::newRow("pooler") << "database.pooler"
                            << "pgbouncer-session"
                            << "expected one of none, pgbouncer-transaction";
    QTest::newRow("direct dsn") << "database.direct_dsn"
                                << "host='unterminated"
                                << "not a valid libpq connection string";
    QTest::newRow("replica dsn") << "database.replicas"
                                 << "host=r1,nosuchkeyword=1"
                                 << "(replica 2) is not a valid libpq connection string";
    QTest::newRow("empty replica") << "database.replicas"
                                   << "host=r1,,host=r3"
                                   << "replica 2 of 3 is empty";
    QTest::newRow("zero lag") << "database.max_replica_lag"
                              << "0s"
                              << "greater than zero";
    QTest::newRow("unknown key") << "database.hots"
                                 << "x"
                                 << "unknown setting";
}

void tst_ConfigLoader::badValues()
{
    QFETCH(QString, key);
    QFETCH(QString, value);
    QFETCH(QString, needle);
    ConfigLoader loader;
    try {
        loader.set(key, value, QStringLiteral("test source"));
        QFAIL("no ConfigError thrown");
    } catch (const ConfigError &e) {
        QVERIFY2(e.message().contains(needle), qPrintable(e.message()));
        QVERIFY2(e.message().contains(key), qPrintable(e.message()));
        QVERIFY2(e.message().contains(QLatin1String("test source")), qPrintable(e.message()));
        QCOMPARE(e.key(), key);
    }
}

void tst_ConfigLoader::yamlFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("melodee.yaml"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("# Melodee server config\n"
            "server:\n  port: 8080\n"
            "database:\n"
            "  host: 127.0.0.1\n"
            "  port: 5433\n"
            "  user: melodee\n"
            "  password: \"p a'ss\"\n"
            "  dbname: melodee\n"
            "  sslmode: disable\n"
            "  max_open_conns: 30\n"
            "  max_idle_conns: 12\n"
            "  conn_max_lifetime: 45m\n"
            "  conn_max_idle_time: 10m\n"
            "gorm:\n  log_level: error\n  table_prefix: melodee_\n");
    f.close();
    ConfigLoader loader;
    loader.loadFile(path);
    const AppConfig c = loader.finish();
    QCOMPARE(c.database.host, QStringLiteral("127.0.0.1"));
    QCOMPARE(c.database.port, 5433);
    QCOMPARE(c.database.password, QStringLiteral("p a'ss"));
    QCOMPARE(c.database.maxOpenConns, 30);
    QCOMPARE(c.database.maxIdleConns, 12);
    QCOMPARE(c.database.connMaxLifetime, Duration(45min));
    QCOMPARE(c.session.logLevel, LogLevel::Error);
    QVERIFY(loader.warnings().isEmpty());
}

void tst_ConfigLoader::malformedYaml_data()
{
    QTest::addColumn<QString>("yaml");
    QTest::addColumn<QString>("needle");
    QTest::newRow("bad indent") << "database:\n  host: a\n port: 5\n"
                                << "bad.yaml:3:";
    QTest::newRow("unclosed flow map") << "database: {host: a\n"
                                       << "malformed YAML";
    QTest::newRow("tab") << "database:\n\thost: a\n"
                         << "bad.yaml:2:";
    QTest::newRow("not a map") << "- a\n- b\n"
                               << "top level must be a mapping";
    QTest::newRow("section scalar") << "database: 5\n"
                                    << "must be a mapping";
    QTest::newRow("value list") << "database:\n  host: [a, b]\n"
                                << "bad.yaml:2: database.host must be a single value";
    QTest::newRow("bad value line") << "database:\n  host: a\n  port: x\n"
                                    << "bad.yaml:3: database.port";
}

void tst_ConfigLoader::malformedYaml()
{
    QFETCH(QString, yaml);
    QFETCH(QString, needle);
    try {
        ConfigLoader().loadYamlText(yaml, QStringLiteral("bad.yaml"));
        QFAIL("no ConfigError thrown");
    } catch (const ConfigError &e) {
        QVERIFY2(e.message().contains(needle), qPrintable(e.message()));
    }
}

void tst_ConfigLoader::unreadableFile()
{
    try {
        ConfigLoader().loadFile(QStringLiteral("/nonexistent/melodee.yaml"));
        QFAIL("no ConfigError thrown");
    } catch (const ConfigError &e) {
        QVERIFY2(e.message().contains(QLatin1String("/nonexistent/melodee.yaml")),
                 qPrintable(e.message()));
        QVERIFY2(e.message().contains(QLatin1String("no such file")), qPrintable(e.message()));
    }
}

void tst_ConfigLoader::unknownKeysWarn()
{
    ConfigLoader loader;
    loader.loadYamlText(QStringLiteral("database:\n  hots: x\nlogging:\n  level: 1\n"),
                        QStringLiteral("c.yaml"));
    loader.finish();
    QCOMPARE(loader.warnings().size(), 1);
    QVERIFY(loader.warnings().first().contains(
        QLatin1String("c.yaml:2: unknown setting \"database.hots\"")));
}

void tst_ConfigLoader::precedence()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("m.yaml"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("database:\n  host: from-file\n  port: 1111\n  user: file-user\n  dbname: file-db\n");
    f.close();
    ConfigSources sources;
    sources.configFile = path;
    sources.environment = QProcessEnvironment();
    sources.environment.insert(QStringLiteral("MELODEE_DATABASE_PORT"), QStringLiteral("2222"));
    sources.environment.insert(QStringLiteral("MELODEE_DATABASE_USER"), QStringLiteral("env-user"));
    sources.sets = {{QStringLiteral("database.user"), QStringLiteral("cli-user")}};
    const AppConfig c = resolveConfig(sources);
    QCOMPARE(c.database.host, QStringLiteral("from-file")); // file over default
    QCOMPARE(c.database.port, 2222);                        // env over file
    QCOMPARE(c.database.user, QStringLiteral("cli-user"));  // command line over env
    QCOMPARE(c.database.dbname, QStringLiteral("file-db"));
}

void tst_ConfigLoader::environmentNames_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("env");
    QTest::newRow("host") << "database.host"
                          << "MELODEE_DATABASE_HOST";
    QTest::newRow("port") << "database.port"
                          << "MELODEE_DATABASE_PORT";
    QTest::newRow("user") << "database.user"
                          << "MELODEE_DATABASE_USER";
    QTest::newRow("password") << "database.password"
                              << "MELODEE_DATABASE_PASSWORD";
    QTest::newRow("dbname") << "database.dbname"
                            << "MELODEE_DATABASE_DBNAME";
    QTest::newRow("sslmode") << "database.sslmode"
                             << "MELODEE_DATABASE_SSLMODE";
    QTest::newRow("pool") << "database.max_open_conns"
                          << "MELODEE_DATABASE_MAX_OPEN_CONNS";
    QTest::newRow("redis") << "redis.address"
                           << "MELODEE_REDIS_ADDRESS";
}

void tst_ConfigLoader::environmentNames()
{
    QFETCH(QString, key);
    QFETCH(QString, env);
    QCOMPARE(ConfigLoader::environmentName(key), env);
    QVERIFY(ConfigLoader::knownKeys().contains(key));
}

void tst_ConfigLoader::idleClampedToOpen()
{
    ConfigLoader loader;
    loader.set(
        QStringLiteral("database.max_open_conns"), QStringLiteral("10"), QStringLiteral("t"));
    loader.set(
        QStringLiteral("database.max_idle_conns"), QStringLiteral("20"), QStringLiteral("t"));
    const AppConfig c = loader.finish();
    QCOMPARE(c.database.maxIdleConns, 10);
    QCOMPARE(loader.warnings().size(), 1);
    QVERIFY(loader.warnings().first().contains(QLatin1String("max_idle_conns = 20")));

    // Unlimited open connections leave max_idle alone.
    ConfigLoader unlimited;
    unlimited.set(
        QStringLiteral("database.max_open_conns"), QStringLiteral("0"), QStringLiteral("t"));
    unlimited.set(
        QStringLiteral("database.max_idle_conns"), QStringLiteral("20"), QStringLiteral("t"));
    QCOMPARE(unlimited.finish().database.maxIdleConns, 20);
    QVERIFY(unlimited.warnings().isEmpty());
}

void tst_ConfigLoader::secretNeverEchoed()
{
    // A redis password that is not a valid value for another key never appears in errors.
    QVERIFY(ConfigLoader::isSecretKey(QStringLiteral("database.password")));
    QVERIFY(ConfigLoader::isSecretKey(QStringLiteral("redis.password")));
    QVERIFY(!ConfigLoader::isSecretKey(QStringLiteral("database.host")));
}

void tst_ConfigLoader::tableNames_data()
{
    QTest::addColumn<QString>("prefix");
    QTest::addColumn<bool>("singular");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("expected");
    QTest::newRow("song") << "melodee_" << false << "song"
                          << "melodee_songs";
    QTest::newRow("library") << "melodee_" << false << "library"
                             << "melodee_libraries";
    QTest::newRow("artist") << "melodee_" << false << "artist"
                            << "melodee_artists";
    QTest::newRow("singular") << "melodee_" << true << "song"
                              << "melodee_song";
    QTest::newRow("no prefix") << "" << false << "album"
                               << "albums";
    QTest::newRow("key") << "m_" << false << "key"
                         << "m_keys";
    QTest::newRow("status") << "" << false << "status"
                            << "statuses";
}

void tst_ConfigLoader::tableNames()
{
    QFETCH(QString, prefix);
    QFETCH(bool, singular);
    QFETCH(QString, name);
    QFETCH(QString, expected);
    SessionConfig s;
    s.tablePrefix = prefix;
    s.singularTable = singular;
    QCOMPARE(s.tableName(name), expected);
}

void tst_ConfigLoader::passwordFiles_data()
{
    QTest::addColumn<QByteArray>("content"); // written to the file; "<none>": no file
    QTest::addColumn<bool>("plainVariableToo");
    QTest::addColumn<QString>("password"); // expected; empty: refused
    QTest::addColumn<QString>("errorPart");

    QTest::newRow("one line") << QByteArray("s3cret\n") << false << "s3cret"
                              << "";
    QTest::newRow("no line break") << QByteArray("s3cret") << false << "s3cret"
                                   << "";
    QTest::newRow("CRLF") << QByteArray("s3cret\r\n") << false << "s3cret"
                          << "";
    QTest::newRow("only one break removed") << QByteArray("a b\n\n") << false << "a b\n"
                                            << "";
    QTest::newRow("odd characters kept")
        << QByteArray(" p a'ss\\ dbname=evil \n") << false << " p a'ss\\ dbname=evil "
        << "";
    QTest::newRow("empty") << QByteArray("\n") << false << ""
                           << "is empty";
    QTest::newRow("missing") << QByteArray("<none>") << false << ""
                             << "no such file";
    QTest::newRow("too big") << QByteArray(70000, 'x') << false << ""
                             << "not a password file";
    QTest::newRow("both variables") << QByteArray("s3cret") << true << ""
                                    << "MELODEE_DATABASE_PASSWORD_FILE are both set";
}

void tst_ConfigLoader::passwordFiles()
{
    QFETCH(QByteArray, content);
    QFETCH(bool, plainVariableToo);
    QFETCH(QString, password);
    QFETCH(QString, errorPart);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("pw"));
    if (content != "<none>") {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
        f.close();
        QVERIFY(f.setPermissions(QFile::ReadOwner | QFile::WriteOwner));
    }
    QProcessEnvironment env;
    env.insert(QStringLiteral("MELODEE_DATABASE_PASSWORD_FILE"), path);
    if (plainVariableToo)
        env.insert(QStringLiteral("MELODEE_DATABASE_PASSWORD"), QStringLiteral("other"));
    ConfigLoader loader;
    try {
        loader.loadEnvironment(env);
        QVERIFY2(errorPart.isEmpty(), "should have been refused");
        QCOMPARE(loader.finish().database.password, password);
        QVERIFY(loader.warnings().isEmpty());
    } catch (const ConfigError &e) {
        QVERIFY2(!errorPart.isEmpty(), qPrintable(e.message()));
        QVERIFY2(e.message().contains(errorPart), qPrintable(e.message()));
        QVERIFY2(e.message().contains(QLatin1String("MELODEE_DATABASE_PASSWORD_FILE")),
                 qPrintable(e.message()));
        QCOMPARE(e.kind(), ErrorKind::Usage);
    }
    // A file others can read still works, with a warning (libpq refuses such a ~/.pgpass).
    if (errorPart.isEmpty()) {
        QVERIFY(
            QFile::setPermissions(path, QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther));
        ConfigLoader open;
        open.loadEnvironment(env);
        QCOMPARE(open.finish().database.password, password);
        QVERIFY2(open.warnings().join(QLatin1Char(' ')).contains(QLatin1String("chmod 600")),
                 qPrintable(open.warnings().join(QLatin1Char(' '))));
    }
}

QTEST_GUILESS_MAIN(tst_ConfigLoader)
