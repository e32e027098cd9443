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

} // namespace melodee
