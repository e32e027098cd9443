#include "conninfo.h"

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

bool conninfoHasPassword(const QString &dsn)
{
    const auto pairs = parseConninfo(dsn);
    if (!pairs)
        return false;
    for (const auto &[keyword, value] : *pairs) {
        if (keyword == "password")
            return true;
    }
    return false;
}

} // namespace melodee
