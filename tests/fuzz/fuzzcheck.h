#pragma once

// Shared by the libFuzzer targets: how a broken invariant is reported, and how bytes become text.
#include <QByteArray>
#include <QJsonDocument>
#include <QString>

#include <cstdio>
#include <cstdlib>

namespace melodee::fuzz {

// abort() makes libFuzzer keep the input as a crash artifact, like a sanitizer report does.
[[noreturn]] inline void broken(const char *what, const QString &detail = {})
{
    std::fprintf(stderr, "invariant broken: %s\n", what);
    if (!detail.isEmpty()) {
        QString shown = detail;
        shown.replace(QChar(0), QLatin1String("\\0")); // printf would stop at a NUL
        std::fprintf(stderr, "  %s\n", shown.toUtf8().constData());
    }
    std::abort();
}

inline void check(bool ok, const char *what, const QString &detail = {})
{
    if (!ok)
        broken(what, detail);
}

inline QString utf8(const uint8_t *data, size_t size)
{
    return QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
}

inline QString utf8(const std::string &bytes)
{
    return QString::fromUtf8(bytes.data(), qsizetype(bytes.size()));
}

// Every JSON text we write must parse back: returns the document or reports what broke.
inline QJsonDocument mustParseJson(const QByteArray &json, const char *what)
{
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &err);
    if (err.error != QJsonParseError::NoError)
        broken(what, err.errorString() + QStringLiteral(": ") + QString::fromUtf8(json.left(400)));
    return doc;
}

} // namespace melodee::fuzz
