#include "configloader.h"

#include "configkeys.h"
#include "conninfo.h"
#include "util/redactor.h"

#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <yaml-cpp/yaml.h>

#include <functional>

namespace melodee {

ConfigError::ConfigError(const QString &key, const QString &source, const QString &message)
    : m_key(key)
    , m_source(source)
    , m_message(message)
    , m_what(message.toUtf8())
{}

namespace configkeys {

[[noreturn]] void reject(const QString &key, const QString &value, const QString &why)
{
    // The source is added by the caller that knows it.
    throw ConfigError(key, QString(), QStringLiteral("%1 = \"%2\": %3").arg(key, value, why));
}

} // namespace configkeys

namespace {

using namespace configkeys;

Setter text(QString DatabaseConfig::*field)
{
    return [field](AppConfig &c, const QString &v, const QString &) {
        c.database.*field = v;
    };
}

int toInt(const QString &key, const QString &value, int min, int max)
{
    bool ok = false;
    const qlonglong n = value.trimmed().toLongLong(&ok);
    if (!ok)
        reject(key, value, QStringLiteral("not a whole number"));
    if (n < min)
        reject(key,
               value,
               min == 0 ? QStringLiteral("must not be negative")
                        : QStringLiteral("must be at least %1").arg(min));
    if (n > max)
        reject(key, value, QStringLiteral("must be at most %1").arg(max));
    return int(n);
}

bool toBool(const QString &key, const QString &value)
{
    const QString v = value.trimmed().toLower();
    if (v == QLatin1String("true") || v == QLatin1String("1") || v == QLatin1String("yes")
        || v == QLatin1String("on"))
        return true;
    if (v == QLatin1String("false") || v == QLatin1String("0") || v == QLatin1String("no")
        || v == QLatin1String("off"))
        return false;
    reject(key, value, QStringLiteral("expected true or false"));
}

} // namespace

Duration configkeys::toDuration(const QString &key, const QString &value)
{
    QString error;
    const auto d = parseGoDuration(value, &error);
    if (!d)
        reject(key, value, error + QStringLiteral(" (Go syntax, e.g. 30m, 1h30m, 90s, 500ms)"));
    return *d;
}

QString configkeys::oneOf(const QString &key, const QString &value, const QStringList &allowed)
{
    const QString v = value.trimmed().toLower();
    if (!allowed.contains(v))
        reject(key,
               value,
               QStringLiteral("expected one of %1").arg(allowed.join(QLatin1String(", "))));
    return v;
}

namespace {

const QList<KeySpec> &keySpecs()
{
    static const QList<KeySpec> specs = QList<KeySpec>{
        {"database.host", text(&DatabaseConfig::host)},
        {"database.port",
         [](AppConfig &c, const QString &v, const QString &k) {
             c.database.port = toInt(k, v, 1, 65535);
         }},
        {"database.user", text(&DatabaseConfig::user)},
        {"database.password", text(&DatabaseConfig::password), true},
        {"database.dbname", text(&DatabaseConfig::dbname)},
        {"database.sslmode",
         [](AppConfig &c, const QString &v, const QString &k) {
             c.database.sslmode = oneOf(k,
                                        v,
                                        {QStringLiteral("disable"),
                                         QStringLiteral("allow"),
                                         QStringLiteral("prefer"),
                                         QStringLiteral("require"),
                                         QStringLiteral("verify-ca"),
                                         QStringLiteral("verify-full")});
         }},
        {"database.sslrootcert", text(&DatabaseConfig::sslrootcert)},
        {"database.sslcert", text(&DatabaseConfig::sslcert)},
        {"database.sslkey", text(&DatabaseConfig::sslkey)},
        {"database.application_name", text(&DatabaseConfig::applicationName)},
        {"database.connect_timeout",
         [](AppConfig &c, const QString &v, const QString &k) {
             // libpq's own form is whole seconds; Go durations are accepted too.
             bool isInt = false;
             const int seconds = v.trimmed().toInt(&isInt);
             if (isInt && seconds >= 0)
                 c.database.connectTimeout = std::chrono::seconds(seconds);
             else
                 c.database.connectTimeout = toDuration(k, v);
         }},
        {"database.max_open_conns",
         [](AppConfig &c, const QString &v, const QString &k) {
             c.database.maxOpenConns = toInt(k, v, 0, 100000);
         }},
        {"database.max_idle_conns",
         [](AppConfig &c, const QString &v, const QString &k) {
             c.database.maxIdleConns = toInt(k, v, 0, 100000);
         }},
        {"database.conn_max_lifetime",
         [](AppConfig &c, const QString &v, const QString &k) {
             c.database.connMaxLifetime = toDuration(k, v);
         }},
        {"database.conn_max_idle_time",
         [](AppConfig &c, const QString &v, const QString &k) {
             c.database.connMaxIdleTime = toDuration(k, v);
         }},
        {"database.acquire_timeout",
         [](AppConfig &c, const QString &v, const QString &k) {
             c.database.acquireTimeout = toDuration(k, v);
         }},
        {"database.conn_max_lifetime_jitter",
         [](AppConfig &c, const QString &v, const QString &k) {
             c.database.connMaxLifetimeJitter = toDuration(k, v);
         }},
        {"database.leak_detection_threshold",
         [](AppConfig &c, const QString &v, const QString &k) {
             c.database.leakDetectionThreshold = toDuration(k, v);
         }},
        {"database.validate_after_idle",
         [](AppConfig &c, const QString &v, const QString &k) {
             c.database.validateAfterIdle = toDuration(k, v);
         }},
        {"gorm.log_level",
         [](AppConfig &c, const QString &v, const QString &k) {
             const QString level = oneOf(k,
                                         v,
                                         {QStringLiteral("silent"),
                                          QStringLiteral("error"),
                                          QStringLiteral("warn"),
                                          QStringLiteral("info")});
             c.session.logLevel = level == QLatin1String("silent")  ? LogLevel::Silent
                                  : level == QLatin1String("error") ? LogLevel::Error
                                  : level == QLatin1String("warn")  ? LogLevel::Warn
                                                                    : LogLevel::Info;
         }},
        {"gorm.ignore_not_found_error",
         [](AppConfig &c, const QString &v, const QString &k) {
             c.session.ignoreNotFoundError = toBool(k, v);
         }},
        {"gorm.prepare_stmt",
         [](AppConfig &c, const QString &v, const QString &k) {
             c.session.prepareStmt = toBool(k, v);
         }},
        {"gorm.disable_nested_transaction",
         [](AppConfig &c, const QString &v, const QString &k) {
             c.session.disableNestedTransaction = toBool(k, v);
         }},
        {"gorm.skip_default_transaction",
         [](AppConfig &c, const QString &v, const QString &k) {
             c.session.skipDefaultTransaction = toBool(k, v);
         }},
        {"gorm.dry_run",
         [](AppConfig &c, const QString &v, const QString &k) {
             c.session.dryRun = toBool(k, v);
         }},
        {"gorm.table_prefix",
         [](AppConfig &c, const QString &v, const QString &k) {
             // The prefix is pasted into identifiers, so it must be a plain identifier part.
             static const QRegularExpression re(QStringLiteral("^[a-z_][a-z0-9_]{0,30}$|^$"));
             if (!re.match(v).hasMatch())
                 reject(k, v, QStringLiteral("use lower-case letters, digits and underscores"));
             c.session.tablePrefix = v;
         }},
        {"gorm.singular_table",
         [](AppConfig &c, const QString &v, const QString &k) {
             c.session.singularTable = toBool(k, v);
         }},
        {"gorm.slow_threshold",
         [](AppConfig &c, const QString &v, const QString &k) {
             c.session.slowThreshold = toDuration(k, v);
         }},
        {"redis.enabled",
         [](AppConfig &c, const QString &v, const QString &k) {
             c.redis.enabled = toBool(k, v);
         }},
        {"redis.address",
         [](AppConfig &c, const QString &v, const QString &k) {
             const int colon = v.lastIndexOf(QLatin1Char(':'));
             if (colon <= 0)
                 reject(k, v, QStringLiteral("expected host:port"));
             toInt(k, v.mid(colon + 1), 1, 65535);
             c.redis.address = v.trimmed();
         }},
        {"redis.password",
         [](AppConfig &c, const QString &v, const QString &) { c.redis.password = v; },
         true},
        {"redis.db",
         [](AppConfig &c, const QString &v, const QString &k) {
             c.redis.db = toInt(k, v, 0, 15);
         }},
        {"redis.key_prefix",
         [](AppConfig &c, const QString &v, const QString &) {
             c.redis.keyPrefix = v;
         }},
        {"redis.ttl",
         [](AppConfig &c, const QString &v, const QString &k) {
             c.redis.ttl = toDuration(k, v);
         }},
        {"redis.connect_timeout",
         [](AppConfig &c, const QString &v, const QString &k) {
             c.redis.connectTimeout = toDuration(k, v);
         }},
        {"migrate.environment",
         [](AppConfig &c, const QString &v, const QString &k) {
             c.migrate.environment = *parseEnvironment(oneOf(k, v, environmentNames()));
         }},
        {"migrate.lock_timeout",
         [](AppConfig &c, const QString &v, const QString &k) {
             c.migrate.lockTimeout = toDuration(k, v);
         }},
        {"migrate.statement_timeout",
         [](AppConfig &c, const QString &v, const QString &k) {
             c.migrate.statementTimeout = toDuration(k, v);
         }},
        {"migrate.lock_wait",
         [](AppConfig &c, const QString &v, const QString &k) {
             c.migrate.lockWait = toDuration(k, v);
         }},
        {"migrate.retries",
         [](AppConfig &c, const QString &v, const QString &k) {
             c.migrate.retries = toInt(k, v, 0, 100);
         }},
        {"migrate.premake_months",
         [](AppConfig &c, const QString &v, const QString &k) {
             c.migrate.premakeMonths = toInt(k, v, 1, 120);
         }},
    } + poolingKeySpecs();
    return specs;
}

const KeySpec *findSpec(const QString &key)
{
    for (const KeySpec &spec : keySpecs()) {
        if (key == QLatin1String(spec.key))
            return &spec;
    }
    return nullptr;
}

QString scalarText(const YAML::Node &node)
{
    return QString::fromStdString(node.Scalar());
}

} // namespace

ConfigLoader::ConfigLoader() = default;

QStringList ConfigLoader::knownKeys()
{
    QStringList keys;
    for (const KeySpec &spec : keySpecs())
        keys << QString::fromLatin1(spec.key);
    return keys;
}

QString ConfigLoader::environmentName(const QString &key)
{
    QString name = key.toUpper();
    name.replace(QLatin1Char('.'), QLatin1Char('_'));
    return QStringLiteral("MELODEE_") + name;
}

bool ConfigLoader::isSecretKey(const QString &key)
{
    const KeySpec *spec = findSpec(key);
    return spec && spec->secret;
}

void ConfigLoader::set(const QString &key, const QString &value, const QString &source)
{
    const KeySpec *spec = findSpec(key);
    if (!spec) {
        throw ConfigError(key,
                          source,
                          QStringLiteral("%1: unknown setting \"%2\" (known: %3)")
                              .arg(source, key, knownKeys().join(QLatin1String(", "))));
    }
    // Known before anything can print it, so every later log line and error masks it.
    if (spec->secret)
        Redactor::registerSecret(value);
    try {
        spec->apply(m_config, value, key);
    } catch (const ConfigError &e) {
        QString message = e.message();
        // A rejected secret is never echoed back.
        if (spec->secret && !value.isEmpty())
            message.replace(value, QStringLiteral("***"));
        throw ConfigError(key, source, QStringLiteral("%1: %2").arg(source, message));
    }
}

void ConfigLoader::setList(const QString &key, const QStringList &items, const QString &source)
{
    const KeySpec *spec = findSpec(key);
    if (!spec || !spec->applyList)
        throw ConfigError(key, source, QStringLiteral("%1: %2 takes no list").arg(source, key));
    try {
        spec->applyList(m_config, items, key);
    } catch (const ConfigError &e) {
        throw ConfigError(key, source, QStringLiteral("%1: %2").arg(source, e.message()));
    }
}

void ConfigLoader::setDsn(const QString &dsn)
{
    // Parsed now, so a malformed --dsn is a usage error that names the option (without quoting
    // it: it may hold a password), not a connection failure later.
    QString error;
    const auto pairs = parseConninfo(dsn, &error);
    if (!pairs) {
        throw ConfigError(
            QStringLiteral("dsn"),
            QStringLiteral("--dsn"),
            QStringLiteral("--dsn is not a valid libpq connection string or URI: %1").arg(error));
    }
    for (const auto &[keyword, value] : *pairs) {
        if (keyword == "password")
            Redactor::registerSecret(value);
    }
    m_config.database.dsn = dsn;
}

void ConfigLoader::applyProfile(const DatabaseConfig &p)
{
    // Only what a profile stores; its password lives in the keychain and is read by the caller.
    DatabaseConfig &db = m_config.database;
    db.host = p.host;
    db.port = p.port;
    db.user = p.user;
    db.dbname = p.dbname;
    db.sslmode = p.sslmode;
    db.sslrootcert = p.sslrootcert;
    db.sslcert = p.sslcert;
    db.sslkey = p.sslkey;
    db.maxOpenConns = p.maxOpenConns;
    db.maxIdleConns = p.maxIdleConns;
    db.connMaxLifetime = p.connMaxLifetime;
    db.connMaxIdleTime = p.connMaxIdleTime;
}

void ConfigLoader::loadFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        throw ConfigError(QString(),
                          path,
                          QStringLiteral("cannot read config file %1: %2")
                              .arg(path,
                                   QFileInfo::exists(path) ? file.errorString()
                                                           : QStringLiteral("no such file")));
    }
    loadYamlText(QString::fromUtf8(file.readAll()), path);
}

void ConfigLoader::loadYamlText(const QString &yaml, const QString &sourceName)
{
    YAML::Node root;
    try {
        root = YAML::Load(yaml.toStdString());
    } catch (const YAML::Exception &e) {
        throw ConfigError(QString(),
                          sourceName,
                          QStringLiteral("%1:%2:%3: malformed YAML: %4")
                              .arg(sourceName)
                              .arg(e.mark.line + 1)
                              .arg(e.mark.column + 1)
                              .arg(QString::fromStdString(e.msg)));
    }
    if (root.IsNull())
        return;
    if (!root.IsMap())
        throw ConfigError(QString(),
                          sourceName,
                          QStringLiteral("%1: the top level must be a mapping").arg(sourceName));

    static const QStringList sections = {QStringLiteral("database"),
                                         QStringLiteral("gorm"),
                                         QStringLiteral("redis"),
                                         QStringLiteral("migrate")};
    for (const auto &entry : root) {
        // Viper, which reads this file for the Go server, matches keys case-insensitively.
        const QString section = QString::fromStdString(entry.first.Scalar()).toLower();
        // Melodee's server config has many other sections; only ours are read.
        if (!sections.contains(section))
            continue;
        const YAML::Node &body = entry.second;
        if (body.IsNull())
            continue;
        const QString where = QStringLiteral("%1:%2").arg(sourceName).arg(body.Mark().line + 1);
        if (!body.IsMap())
            throw ConfigError(
                section, where, QStringLiteral("%1: \"%2\" must be a mapping").arg(where, section));
        for (const auto &item : body) {
            const QString key = section + QLatin1Char('.')
                                + QString::fromStdString(item.first.Scalar()).toLower();
            const QString at
                = QStringLiteral("%1:%2").arg(sourceName).arg(item.second.Mark().line + 1);
            if (!findSpec(key)) {
                m_warnings << QStringLiteral("%1: unknown setting \"%2\" ignored").arg(at, key);
                continue;
            }
            // "host:" with no value leaves the setting as it was, as viper does.
            if (item.second.IsNull())
                continue;
            if (item.second.IsSequence() && findSpec(key)->applyList) {
                QStringList items;
                for (const auto &element : item.second) {
                    if (!element.IsScalar())
                        throw ConfigError(
                            key,
                            at,
                            QStringLiteral("%1: %2 must be a list of values").arg(at, key));
                    items << scalarText(element);
                }
                setList(key, items, at);
                continue;
            }
            if (!item.second.IsScalar())
                throw ConfigError(
                    key, at, QStringLiteral("%1: %2 must be a single value").arg(at, key));
            set(key, scalarText(item.second), at);
        }
    }
}

void ConfigLoader::loadEnvironment(const QProcessEnvironment &env)
{
    for (const KeySpec &spec : keySpecs()) {
        const QString key = QString::fromLatin1(spec.key);
        const QString name = environmentName(key);
        const QString fileName = name + QStringLiteral("_FILE");
        if (spec.secret && env.contains(fileName)) {
            const QString source = QStringLiteral("environment variable %1").arg(fileName);
            if (env.contains(name))
                throw ConfigError(
                    key,
                    source,
                    QStringLiteral("%1 and %2 are both set: use only one").arg(name, fileName));
            set(key, readSecretFile(env.value(fileName), source, &m_warnings), source);
            continue;
        }
        if (env.contains(name))
            set(key, env.value(name), QStringLiteral("environment variable %1").arg(name));
    }
}

QString ConfigLoader::secretFromBytes(const QByteArray &bytes, const QString &source)
{
    // Far more than any password: most likely the wrong file, which is not read into memory whole.
    constexpr qsizetype kMax = 64 * 1024;
    if (bytes.size() > kMax)
        throw ConfigError(
            QStringLiteral("database.password"),
            source,
            QStringLiteral("%1: more than %2 bytes, not a password file").arg(source).arg(kMax));
    QByteArray b = bytes;
    // "echo secret > file" and here-strings add one line break; it is not part of the password.
    if (b.endsWith("\r\n"))
        b.chop(2);
    else if (b.endsWith('\n'))
        b.chop(1);
    if (b.isEmpty())
        throw ConfigError(QStringLiteral("database.password"),
                          source,
                          QStringLiteral("%1: the password file is empty").arg(source));
    return QString::fromUtf8(b);
}

QString
ConfigLoader::readSecretFile(const QString &path, const QString &source, QStringList *warnings)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        throw ConfigError(QStringLiteral("database.password"),
                          source,
                          QStringLiteral("%1: cannot read the password file %2: %3")
                              .arg(source,
                                   path,
                                   QFileInfo::exists(path) ? file.errorString()
                                                           : QStringLiteral("no such file")));
    }
    const QString secret = secretFromBytes(file.read(64 * 1024 + 1), source);
    const QFileDevice::Permissions p = file.permissions();
    if (warnings && QFileInfo(path).isFile()
        && (p & (QFileDevice::ReadGroup | QFileDevice::ReadOther)))
        *warnings << QStringLiteral("%1: the password file %2 can be read by other users; "
                                    "chmod 600 it")
                         .arg(source, path);
    return secret;
}

AppConfig ConfigLoader::finish()
{
    DatabaseConfig &db = m_config.database;
    if (db.maxOpenConns > 0 && db.maxIdleConns > db.maxOpenConns) {
        m_warnings << QStringLiteral("database.max_idle_conns = %1 is greater than "
                                     "database.max_open_conns = %2; using %2 (as Go does)")
                          .arg(db.maxIdleConns)
                          .arg(db.maxOpenConns);
        db.maxIdleConns = db.maxOpenConns;
    }
    if ((db.sslmode == QLatin1String("verify-ca") || db.sslmode == QLatin1String("verify-full"))
        && !db.sslrootcert.isEmpty() && !QFileInfo::exists(db.sslrootcert)) {
        throw ConfigError(
            QStringLiteral("database.sslrootcert"),
            QString(),
            QStringLiteral("database.sslrootcert = \"%1\": no such file").arg(db.sslrootcert));
    }
    return m_config;
}

} // namespace melodee
