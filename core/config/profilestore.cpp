#include "profilestore.h"

#include <QRegularExpression>

namespace melodee {

namespace {

QString profilesGroup()
{
    return QStringLiteral("profiles");
}

qint64 toMs(Duration d)
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

Duration fromMs(const QVariant &v, Duration fallback)
{
    return v.isValid() ? Duration(std::chrono::milliseconds(v.toLongLong())) : fallback;
}

} // namespace

ProfileStore::ProfileStore() = default;

ProfileStore::ProfileStore(const QString &settingsFile)
    : m_settings(settingsFile, QSettings::IniFormat)
{}

bool ProfileStore::isValidName(const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}$"));
    return re.match(name).hasMatch();
}

QStringList ProfileStore::names() const
{
    m_settings.beginGroup(profilesGroup());
    QStringList result = m_settings.childGroups();
    m_settings.endGroup();
    result.sort(Qt::CaseInsensitive);
    return result;
}

std::optional<DatabaseConfig> ProfileStore::load(const QString &name) const
{
    if (!names().contains(name))
        return std::nullopt;
    DatabaseConfig c;
    m_settings.beginGroup(profilesGroup() + QLatin1Char('/') + name);
    c.host = m_settings.value(QStringLiteral("host")).toString();
    c.port = m_settings.value(QStringLiteral("port"), 0).toInt();
    c.user = m_settings.value(QStringLiteral("user")).toString();
    c.dbname = m_settings.value(QStringLiteral("dbname")).toString();
    c.sslmode = m_settings.value(QStringLiteral("sslmode")).toString();
    c.sslrootcert = m_settings.value(QStringLiteral("sslrootcert")).toString();
    c.sslcert = m_settings.value(QStringLiteral("sslcert")).toString();
    c.sslkey = m_settings.value(QStringLiteral("sslkey")).toString();
    c.maxOpenConns = m_settings.value(QStringLiteral("max_open_conns"), c.maxOpenConns).toInt();
    c.maxIdleConns = m_settings.value(QStringLiteral("max_idle_conns"), c.maxIdleConns).toInt();
    c.connMaxLifetime
        = fromMs(m_settings.value(QStringLiteral("conn_max_lifetime_ms")), c.connMaxLifetime);
    c.connMaxIdleTime
        = fromMs(m_settings.value(QStringLiteral("conn_max_idle_time_ms")), c.connMaxIdleTime);
    c.connectTimeout
        = fromMs(m_settings.value(QStringLiteral("connect_timeout_ms")), c.connectTimeout);
    m_settings.endGroup();
    return c;
}

void ProfileStore::save(const QString &name, const DatabaseConfig &c)
{
    m_settings.beginGroup(profilesGroup() + QLatin1Char('/') + name);
    m_settings.setValue(QStringLiteral("host"), c.host);
    m_settings.setValue(QStringLiteral("port"), c.port);
    m_settings.setValue(QStringLiteral("user"), c.user);
    m_settings.setValue(QStringLiteral("dbname"), c.dbname);
    m_settings.setValue(QStringLiteral("sslmode"), c.sslmode);
    m_settings.setValue(QStringLiteral("sslrootcert"), c.sslrootcert);
    m_settings.setValue(QStringLiteral("sslcert"), c.sslcert);
    m_settings.setValue(QStringLiteral("sslkey"), c.sslkey);
    m_settings.setValue(QStringLiteral("max_open_conns"), c.maxOpenConns);
    m_settings.setValue(QStringLiteral("max_idle_conns"), c.maxIdleConns);
    m_settings.setValue(QStringLiteral("conn_max_lifetime_ms"), toMs(c.connMaxLifetime));
    m_settings.setValue(QStringLiteral("conn_max_idle_time_ms"), toMs(c.connMaxIdleTime));
    m_settings.setValue(QStringLiteral("connect_timeout_ms"), toMs(c.connectTimeout));
    m_settings.endGroup();
    m_settings.sync();
}

void ProfileStore::remove(const QString &name)
{
    m_settings.remove(profilesGroup() + QLatin1Char('/') + name);
    m_settings.sync();
}

} // namespace melodee
