#include "redactor.h"

#include <QMutex>
#include <QRegularExpression>
#include <QStringList>

#include <algorithm>

namespace melodee {

namespace {

QMutex s_mutex;
QStringList &secrets()
{
    static QStringList list;
    return list;
}

} // namespace

QString Redactor::redact(const QString &text)
{
    QString out = text;
    {
        QMutexLocker lock(&s_mutex);
        // Longest first, so a secret that contains another is masked whole.
        for (const QString &secret : std::as_const(secrets()))
            out.replace(secret, QLatin1String(kMask));
    }
    // conninfo: password=value, password='quoted \' value'
    static const QRegularExpression conninfo(
        QStringLiteral(R"re((password\s*=\s*)('(?:[^'\\]|\\.)*'?|[^\s]+))re"),
        QRegularExpression::CaseInsensitiveOption);
    out.replace(conninfo, QStringLiteral("\\1***"));
    // URIs: scheme://user:password@host
    static const QRegularExpression uri(QStringLiteral(R"re(([a-z][a-z0-9+.-]*://[^:/@\s]*:)[^@\s]*@)re"),
                                        QRegularExpression::CaseInsensitiveOption);
    out.replace(uri, QStringLiteral("\\1***@"));
    // JSON and YAML: "password": "value" / password: value
    static const QRegularExpression keyed(
        QStringLiteral(R"re(("?(?:password|secret|passwd)"?\s*:\s*)("(?:[^"\\]|\\.)*"|[^\s,}]+))re"),
        QRegularExpression::CaseInsensitiveOption);
    out.replace(keyed, QStringLiteral("\\1\"***\""));
    return out;
}

void Redactor::registerSecret(const QString &secret)
{
    if (secret.isEmpty())
        return;
    QMutexLocker lock(&s_mutex);
    QStringList &list = secrets();
    if (list.contains(secret))
        return;
    list << secret;
    std::sort(list.begin(), list.end(), [](const QString &a, const QString &b) {
        return a.size() > b.size();
    });
}

void Redactor::clearSecrets()
{
    QMutexLocker lock(&s_mutex);
    secrets().clear();
}

} // namespace melodee
