#include "redactor.h"

#include <QJsonArray>
#include <QMutex>
#include <QRegularExpression>
#include <QStringList>
#include <QUrl>

#include <algorithm>
#include <atomic>

namespace melodee {

namespace {

QMutex &secretsMutex()
{
    static QMutex mutex;
    return mutex;
}

// Lets the common case, nothing registered, skip the lock: every string of a --json document
// passes through redactSecrets().
std::atomic<bool> s_any{false};

QStringList &secrets()
{
    static QStringList list;
    return list;
}

// The forms a secret takes once embedded in JSON or a URI, so "p\q" is also caught as "p\\q".
QStringList variants(const QString &secret)
{
    QString json = secret;
    json.replace(QLatin1Char('\\'), QLatin1String("\\\\"))
        .replace(QLatin1Char('"'), QLatin1String("\\\""));
    const QString percent = QString::fromLatin1(QUrl::toPercentEncoding(secret));
    QStringList out{secret};
    for (const QString &v : {json, percent}) {
        if (!out.contains(v))
            out << v;
    }
    return out;
}

QString maskRegistered(const QString &text)
{
    if (!s_any.load(std::memory_order_acquire) || text.isEmpty())
        return text;
    QString out = text;
    QMutexLocker lock(&secretsMutex());
    // Longest first, so a secret that contains another is masked whole.
    for (const QString &secret : std::as_const(secrets()))
        out.replace(secret, QLatin1String(Redactor::kMask));
    return out;
}

} // namespace

QString Redactor::redactSecrets(const QString &text)
{
    return maskRegistered(text);
}

QString Redactor::redact(const QString &text)
{
    QString out = maskRegistered(text);
    // conninfo: password=value, password='quoted \' value', password=back\ slashed (libpq
    // unescapes "\ " in unquoted values too, so the value runs on past an escaped space).
    static const QRegularExpression conninfo(
        QStringLiteral(R"re((password\s*=\s*)('(?:[^'\\]|\\.)*'?|(?:\\.|[^\s\\])+\\?))re"),
        QRegularExpression::CaseInsensitiveOption);
    out.replace(conninfo, QStringLiteral("\\1***"));
    // URIs: scheme://user:password@host
    static const QRegularExpression uri(
        QStringLiteral(R"re(([a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@\s]*@)re"),
        QRegularExpression::CaseInsensitiveOption);
    out.replace(uri, QStringLiteral("\\1***@"));
    // JSON and YAML: "password": "value", password: 'it''s', password: plain text to line end.
    static const QRegularExpression keyed(
        QStringLiteral(
            R"re(("?(?:password|passwd|secret)"?[ \t]*:[ \t]*)("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s"'][^\r\n]*))re"),
        QRegularExpression::CaseInsensitiveOption);
    out.replace(keyed, QStringLiteral("\\1\"***\""));
    return out;
}

QJsonValue Redactor::redactJson(const QJsonValue &value)
{
    if (!s_any.load(std::memory_order_acquire))
        return value;
    switch (value.type()) {
    case QJsonValue::String:
        return maskRegistered(value.toString());
    case QJsonValue::Array: {
        QJsonArray out;
        for (const QJsonArray items = value.toArray(); const QJsonValue &v : items)
            out.append(redactJson(v));
        return out;
    }
    case QJsonValue::Object:
        return redactJson(value.toObject());
    default:
        return value;
    }
}

QJsonObject Redactor::redactJson(const QJsonObject &object)
{
    if (!s_any.load(std::memory_order_acquire))
        return object;
    QJsonObject out;
    for (auto it = object.constBegin(); it != object.constEnd(); ++it)
        out.insert(it.key(), redactJson(it.value()));
    return out;
}

void Redactor::registerSecret(const QString &secret)
{
    if (secret.isEmpty())
        return;
    QMutexLocker lock(&secretsMutex());
    QStringList &list = secrets();
    bool added = false;
    for (const QString &v : variants(secret)) {
        if (!list.contains(v)) {
            list << v;
            added = true;
        }
    }
    if (!added)
        return;
    std::sort(list.begin(), list.end(), [](const QString &a, const QString &b) {
        return a.size() > b.size();
    });
    s_any.store(true, std::memory_order_release);
}

bool Redactor::hasSecrets()
{
    return s_any.load(std::memory_order_acquire);
}

void Redactor::clearSecrets()
{
    QMutexLocker lock(&secretsMutex());
    secrets().clear();
    s_any.store(false, std::memory_order_release);
}

} // namespace melodee
