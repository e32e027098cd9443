#include "connectparams.h"

#include "redactor.h"

#include <libpq-fe.h>

#include <QRegularExpression>

namespace melodee {

namespace {

// libpq quotes pieces of the input in its parse errors ("missing "=" after "a'ss" ..."); those
// pieces may be parts of a password, so everything quoted is dropped except libpq's own
// punctuation.
QString sanitizeParseError(const QString &message)
{
    static const QRegularExpression quoted(QStringLiteral("\"([^\"]*)\""));
    QString out;
    qsizetype last = 0;
    auto it = quoted.globalMatch(message);
    while (it.hasNext()) {
        const QRegularExpressionMatch m = it.next();
        out += message.mid(last, m.capturedStart() - last);
        const QString inner = m.captured(1);
        out += (inner == QLatin1String("=") || inner == QLatin1String("]"))
                   ? m.captured(0)
                   : QStringLiteral("\"...\"");
        last = m.capturedEnd();
    }
    out += message.mid(last);
    return out.trimmed();
}

bool looksLikeConninfo(const QString &dsn)
{
    return dsn.startsWith(QLatin1String("postgresql://"))
           || dsn.startsWith(QLatin1String("postgres://")) || dsn.contains(QLatin1Char('='));
}

} // namespace

std::optional<ConninfoPairs> parseConninfo(const QString &dsn, QString *error)
{
    ConninfoPairs pairs;
    if (!looksLikeConninfo(dsn)) {
        if (!dsn.isEmpty())
            pairs.append({QByteArrayLiteral("dbname"), dsn});
        return pairs;
    }
    char *message = nullptr;
    PQconninfoOption *options = PQconninfoParse(dsn.toUtf8().constData(), &message);
    if (!options) {
        if (error) {
            *error = message ? sanitizeParseError(QString::fromUtf8(message))
                             : QStringLiteral("out of memory");
        }
        if (message)
            PQfreemem(message);
        return std::nullopt;
    }
    for (const PQconninfoOption *o = options; o->keyword; ++o) {
        if (o->val && *o->val)
            pairs.append({QByteArray(o->keyword), QString::fromUtf8(o->val)});
    }
    PQconninfoFree(options);
    return pairs;
}

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

    if (!c.dsn.isEmpty()) {
        QString error;
        const auto pairs = parseConninfo(c.dsn, &error);
        if (!pairs) {
            m_error = QStringLiteral("--dsn is not a valid libpq connection string or URI: %1")
                          .arg(error);
        } else {
            for (const auto &[keyword, value] : *pairs) {
                if (keyword == "password")
                    Redactor::registerSecret(value);
                add(keyword, value);
            }
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
