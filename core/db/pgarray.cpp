#include "pgarray.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace melodee {

QByteArray textArrayLiteral(const QStringList &items)
{
    QByteArray out("{");
    bool first = true;
    for (const QString &item : items) {
        if (!first)
            out += ',';
        first = false;
        out += '"';
        const QByteArray utf8 = item.toUtf8();
        for (const char c : utf8) {
            if (c == '"' || c == '\\')
                out += '\\';
            out += c;
        }
        out += '"';
    }
    out += '}';
    return out;
}

QStringList stringsOfJsonArray(const QString &json)
{
    QStringList out;
    const QJsonArray items = QJsonDocument::fromJson(json.toUtf8()).array();
    for (const QJsonValue &v : items)
        out << v.toString();
    return out;
}

} // namespace melodee
