#include "pgarray.h"

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
        for (const char c : item.toUtf8()) {
            if (c == '"' || c == '\\')
                out += '\\';
            out += c;
        }
        out += '"';
    }
    out += '}';
    return out;
}

} // namespace melodee
