// libFuzzer target for redaction of JSON output: every --json output goes through
// Redactor::redactJson before it is serialized (CliContext::printJson), and must parse whatever
// the database holds. Input: "<secret choice byte><JSON document>". One of the document's string
// values is registered as a secret (a password that made it into the output). Then redacting the
// document and writing it gives JSON that parses, has the same keys and shape, and holds the
// secret in none of its values.
#include "fuzzcheck.h"

#include <util/redactor.h>

#include <QJsonArray>
#include <QJsonObject>

using namespace melodee;
using namespace melodee::fuzz;

namespace {

// The same keys in the same order, the same array lengths, the same type at every place.
bool sameShape(const QJsonValue &a, const QJsonValue &b)
{
    if (a.type() != b.type())
        return false;
    if (a.isObject()) {
        const QJsonObject oa = a.toObject();
        const QJsonObject ob = b.toObject();
        if (oa.keys() != ob.keys())
            return false;
        for (auto it = oa.begin(); it != oa.end(); ++it) {
            if (!sameShape(it.value(), ob.value(it.key())))
                return false;
        }
    } else if (a.isArray()) {
        const QJsonArray aa = a.toArray();
        const QJsonArray ab = b.toArray();
        if (aa.size() != ab.size())
            return false;
        for (qsizetype i = 0; i < aa.size(); ++i) {
            if (!sameShape(aa.at(i), ab.at(i)))
                return false;
        }
    }
    return true;
}

// Every string of the document; keys too when withKeys.
void strings(const QJsonValue &v, bool withKeys, QStringList *out)
{
    if (v.isString()) {
        *out << v.toString();
    } else if (v.isObject()) {
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            if (withKeys)
                *out << it.key();
            strings(it.value(), withKeys, out);
        }
    } else if (v.isArray()) {
        for (const QJsonValue &item : v.toArray())
            strings(item, withKeys, out);
    }
}

QJsonValue root(const QJsonDocument &doc)
{
    return doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(doc.array());
}

QByteArray write(const QJsonValue &v, QJsonDocument::JsonFormat format)
{
    return v.isObject() ? QJsonDocument(v.toObject()).toJson(format)
                        : QJsonDocument(v.toArray()).toJson(format);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(
        QByteArray(reinterpret_cast<const char *>(data) + 1, qsizetype(size - 1)), &err);
    if (err.error != QJsonParseError::NoError)
        return 0;
    QStringList values;
    strings(root(doc), false, &values);
    QString secret;
    if (!values.isEmpty()) {
        const QString candidate = values.at(data[0] % values.size());
        // A mask cannot hide a secret made of mask characters; short ones match everywhere.
        if (candidate.size() >= 3 && !candidate.contains(QLatin1Char('*'))) {
            secret = candidate;
            Redactor::registerSecret(secret);
        }
    }

    const QJsonValue redacted = Redactor::redactJson(root(doc));
    for (const auto format : {QJsonDocument::Compact, QJsonDocument::Indented}) {
        const QByteArray written = write(redacted, format);
        const QJsonDocument reread = mustParseJson(written, "redacted JSON does not parse");
        check(sameShape(root(doc), root(reread)),
              "redacting the values changed the JSON shape",
              QString::fromUtf8(written.left(400)));
        if (!secret.isEmpty()) {
            QStringList left;
            strings(root(reread), false, &left);
            for (const QString &v : std::as_const(left))
                check(!v.contains(secret),
                      "a registered secret survived redaction of JSON",
                      QString::fromUtf8(written.left(400)));
        }
    }
    // Secrets registered by one input must not pile up across millions of runs.
    Redactor::clearSecrets();
    return 0;
}
