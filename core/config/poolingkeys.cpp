#include "configkeys.h"
#include "configloader.h"
#include "conninfo.h"
#include "util/redactor.h"

namespace melodee::configkeys {

namespace {

// A DSN is checked with libpq's parser when it is given, so a typo is a usage error naming the
// key, not a connection failure later. It is never quoted back: it may hold a password, which is
// registered so that no later log line or error shows it.
QString checkedDsn(const QString &key, const QString &dsn)
{
    QString error;
    const auto pairs = parseConninfo(dsn, &error);
    if (!pairs)
        throw ConfigError(
            key,
            QString(),
            QStringLiteral("%1 is not a valid libpq connection string or URI: %2").arg(key, error));
    for (const auto &[keyword, value] : *pairs) {
        if (keyword == "password")
            Redactor::registerSecret(value);
    }
    return dsn.trimmed();
}

void setReplicas(AppConfig &c, const QStringList &items, const QString &key)
{
    QStringList replicas;
    for (int i = 0; i < items.size(); ++i) {
        const QString item = items.at(i).trimmed();
        if (item.isEmpty())
            throw ConfigError(key,
                              QString(),
                              QStringLiteral("%1: replica %2 of %3 is empty")
                                  .arg(key)
                                  .arg(i + 1)
                                  .arg(items.size()));
        replicas << checkedDsn(QStringLiteral("%1 (replica %2)").arg(key).arg(i + 1), item);
    }
    c.database.replicas = replicas;
}

} // namespace

QList<KeySpec> poolingKeySpecs()
{
    return {
        {"database.pooler",
         [](AppConfig &c, const QString &v, const QString &k) {
             const QString name
                 = oneOf(k,
                         v.trimmed().isEmpty() ? QStringLiteral("none") : v,
                         {QStringLiteral("none"), QStringLiteral("pgbouncer-transaction")});
             c.database.pooler
                 = name == QLatin1String("none") ? Pooler::None : Pooler::PgBouncerTransaction;
         }},
        {"database.direct_dsn",
         [](AppConfig &c, const QString &v, const QString &k) {
             c.database.directDsn = v.trimmed().isEmpty() ? QString() : checkedDsn(k, v);
         }},
        {"database.pooler_admin_dsn",
         [](AppConfig &c, const QString &v, const QString &k) {
             c.database.poolerAdminDsn = v.trimmed().isEmpty() ? QString() : checkedDsn(k, v);
         }},
        // Comma-separated from the environment and --set (an empty value means none), a YAML
        // sequence in the file. A DSN with a comma of its own (a multi-host URI) needs the YAML
        // form.
        {"database.replicas",
         [](AppConfig &c, const QString &v, const QString &k) {
             setReplicas(c, v.trimmed().isEmpty() ? QStringList() : v.split(QLatin1Char(',')), k);
         },
         false,
         setReplicas},
        {"database.max_replica_lag",
         [](AppConfig &c, const QString &v, const QString &k) {
             const Duration d = toDuration(k, v);
             if (d <= Duration::zero())
                 reject(k, v, QStringLiteral("must be greater than zero"));
             c.database.maxReplicaLag = d;
         }},
    };
}

} // namespace melodee::configkeys
