#include "connectparams.h"

#include "redactor.h"

namespace melodee {

ConnectParams::ConnectParams(const DatabaseConfig &c)
{
    // The DSN goes first: later keywords override what it says (libpq keeps the last value).
    if (!c.dsn.isEmpty()) {
        add("dbname", c.dsn);
        m_expand = true;
    }
    add("host", c.host);
    if (c.port > 0)
        add("port", QString::number(c.port));
    add("user", c.user);
    add("password", c.password);
    add("dbname", c.dbname);
    add("sslmode", c.sslmode);
    add("sslrootcert", c.sslrootcert);
    add("sslcert", c.sslcert);
    add("sslkey", c.sslkey);
    add("application_name", c.applicationName);
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(c.connectTimeout).count();
    if (seconds > 0)
        add("connect_timeout", QString::number(std::max<qint64>(seconds, 2)));
    add("client_encoding", QStringLiteral("UTF8"));

    for (const QByteArray &k : std::as_const(m_keys))
        m_keywordPtrs.push_back(k.constData());
    for (const QByteArray &v : std::as_const(m_values))
        m_valuePtrs.push_back(v.constData());
    m_keywordPtrs.push_back(nullptr);
    m_valuePtrs.push_back(nullptr);
}

void ConnectParams::add(const char *keyword, const QString &value)
{
    if (value.isEmpty())
        return;
    m_keys << QByteArray(keyword);
    m_values << value.toUtf8();
}

QString ConnectParams::value(const QByteArray &keyword) const
{
    QString result;
    for (qsizetype i = 0; i < m_keys.size(); ++i) {
        if (m_keys.at(i) == keyword)
            result = QString::fromUtf8(m_values.at(i));
    }
    return result;
}

QString ConnectParams::describe() const
{
    QStringList parts;
    for (qsizetype i = 0; i < m_keys.size(); ++i) {
        const QByteArray &k = m_keys.at(i);
        if (k == "password") {
            parts << QStringLiteral("password=%1").arg(QLatin1String(Redactor::kMask));
            continue;
        }
        const QString v = QString::fromUtf8(m_values.at(i));
        parts << QStringLiteral("%1=%2").arg(QString::fromLatin1(k), Redactor::redact(v));
    }
    return parts.join(QLatin1Char(' '));
}

} // namespace melodee
