#include "connectparams.h"

#include "util/redactor.h"

#include <libpq-fe.h>

namespace melodee {

namespace {

// What libpq itself would use for keyword when we leave it unset: PG* variables, a PGSERVICE
// entry, or its built-in default.
QString libpqDefault(const char *keyword)
{
    QString value;
    PQconninfoOption *defaults = PQconndefaults();
    if (!defaults)
        return value;
    for (const PQconninfoOption *o = defaults; o->keyword; ++o) {
        if (qstrcmp(o->keyword, keyword) == 0 && o->val)
            value = QString::fromUtf8(o->val);
    }
    PQconninfoFree(defaults);
    return value;
}

QString targetText(const QString &host, const QString &hostaddr, int port)
{
    QString text = QStringLiteral("host %1 port %2")
                       .arg(host.isEmpty() ? QStringLiteral("(local socket)") : host)
                       .arg(port);
    if (!hostaddr.isEmpty())
        text += QStringLiteral(" (hostaddr %1)").arg(hostaddr);
    return text;
}

} // namespace

ConnectParams::ConnectParams(const DatabaseConfig &c)
{
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
    // Our default name is only a fallback, so PGAPPNAME and a DSN's application_name still win.
    if (c.applicationName == DatabaseConfig().applicationName)
        add("fallback_application_name", c.applicationName);
    else
        add("application_name", c.applicationName);
    // libpq counts whole seconds, takes 0 as "wait forever" and anything below 2 as 2: round up
    // so a short timeout such as 500ms never turns into no timeout at all.
    const auto seconds = std::chrono::ceil<std::chrono::seconds>(c.connectTimeout).count();
    if (seconds > 0)
        add("connect_timeout", QString::number(std::max<qint64>(seconds, 2)));
    add("client_encoding", QStringLiteral("UTF8"));
    // Find a dead host or a dropped link within about a minute instead of the kernel's two hours:
    // probes after 30 s of silence, every 10 s, three strikes. Sent data left unacknowledged for
    // 60 s also ends the connection. A DSN that sets these wins.
    add("keepalives", QStringLiteral("1"));
    add("keepalives_idle", QStringLiteral("30"));
    add("keepalives_interval", QStringLiteral("10"));
    add("keepalives_count", QStringLiteral("3"));
    add("tcp_user_timeout", QStringLiteral("60000"));

    for (const QString *layer : {&c.dsn, &c.routeDsn}) {
        const QString &dsn = *layer;
        if (dsn.isEmpty())
            continue;
        QString error;
        const auto pairs = parseConninfo(dsn, &error);
        if (!pairs) {
            m_error = QStringLiteral("%1 is not a valid libpq connection string or URI: %2")
                          .arg(layer == &c.dsn ? QStringLiteral("--dsn")
                                               : QStringLiteral("the replica, direct or admin DSN"),
                               error);
        } else {
            for (const auto &[keyword, value] : *pairs) {
                if (keyword == "password")
                    Redactor::registerSecret(value);
                add(keyword, value);
            }
        }
    }

    // A stored password goes only where it was saved for. The check runs on the final keywords,
    // after the DSN and with libpq's own defaults, because PGHOST, PGHOSTADDR, PGPORT or a service
    // entry can move the connection just as well as a changed setting.
    if (c.passwordBoundTo && !c.password.isEmpty() && value("password") == c.password) {
        const PasswordBinding &bound = *c.passwordBoundTo;
        const QString host = m_keys.contains("host") ? value("host") : libpqDefault("host");
        const QString hostaddr
            = m_keys.contains("hostaddr") ? value("hostaddr") : libpqDefault("hostaddr");
        const QString portText = m_keys.contains("port") ? value("port") : libpqDefault("port");
        const int port = portText.isEmpty() ? 5432 : portText.toInt();
        const int boundPort = bound.port > 0 ? bound.port : 5432;
        const bool same = host.compare(bound.host, Qt::CaseInsensitive) == 0 && hostaddr.isEmpty()
                          && port == boundPort && !m_keys.contains("service");
        if (!same) {
            const qsizetype i = m_keys.indexOf("password");
            m_keys.removeAt(i);
            m_values.removeAt(i);
            m_passwordWithheld
                = QStringLiteral("the saved password was not sent: it belongs to %1, and this "
                                 "connection goes to %2")
                      .arg(targetText(bound.host, QString(), boundPort),
                           targetText(host, hostaddr, port));
        }
    }

    for (const QByteArray &k : std::as_const(m_keys))
        m_keywordPtrs.push_back(k.constData());
    for (const QByteArray &v : std::as_const(m_values))
        m_valuePtrs.push_back(v.constData());
    m_keywordPtrs.push_back(nullptr);
    m_valuePtrs.push_back(nullptr);
}

void ConnectParams::add(const QByteArray &keyword, const QString &value)
{
    if (value.isEmpty())
        return;
    // One entry per keyword: a later layer replaces the value in place.
    const qsizetype i = m_keys.indexOf(keyword);
    if (i >= 0) {
        m_values[i] = value.toUtf8();
        return;
    }
    m_keys << keyword;
    m_values << value.toUtf8();
}

QString ConnectParams::value(const QByteArray &keyword) const
{
    const qsizetype i = m_keys.indexOf(keyword);
    return i >= 0 ? QString::fromUtf8(m_values.at(i)) : QString();
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
