// libFuzzer target for everything that parses text a user or a config file hands us: Go
// durations, Melodee's YAML, --set values, --dsn conninfo/URIs, and the redaction helper.
// The first byte picks the parser: d, y, s, c, r, j (or any byte, modulo 6).
#include "fuzzcheck.h"

#include <config/configloader.h>
#include <config/duration.h>
#include <db/connectparams.h>
#include <util/redactor.h>

#include <QJsonArray>
#include <QJsonObject>

#include <cstdint>
#include <cstdlib>

using namespace melodee;
using melodee::fuzz::broken;
using melodee::fuzz::check;

namespace {

void duration(const QString &text)
{
    const auto d = parseGoDuration(text);
    if (!d)
        return;
    if (d->count() < 0)
        broken("negative duration accepted");
    // Whatever we print must parse back (the GUI shows it, the user may paste it).
    if (!parseGoDuration(formatGoDuration(*d)))
        broken("formatGoDuration output does not parse");
}

void yaml(const QString &text)
{
    ConfigLoader loader;
    try {
        loader.loadYamlText(text, QStringLiteral("fuzz.yaml"));
        const AppConfig c = loader.finish();
        if (c.database.maxIdleConns > c.database.maxOpenConns && c.database.maxOpenConns > 0)
            broken("max_idle_conns not clamped");
        if (c.database.port < 0 || c.database.maxOpenConns < 0 || c.database.maxIdleConns < 0)
            broken("negative size accepted");
    } catch (const ConfigError &) {
    }
}

void setKey(const QString &text)
{
    // "<key index byte><value>": every known key gets arbitrary values.
    const QStringList keys = ConfigLoader::knownKeys();
    if (text.isEmpty())
        return;
    const QString key = keys.at(int(text.at(0).unicode()) % keys.size());
    ConfigLoader loader;
    try {
        loader.set(key, text.mid(1), QStringLiteral("fuzz"));
        loader.finish();
    } catch (const ConfigError &e) {
        if (ConfigLoader::isSecretKey(key) && text.size() > 4 && e.message().contains(text.mid(1)))
            broken("a secret value was echoed in a config error");
    }
}

void conninfo(const QString &text)
{
    QString error;
    const auto pairs = parseConninfo(text, &error);
    DatabaseConfig c;
    c.host = QStringLiteral("127.0.0.1");
    c.password = QStringLiteral("fuzz-field-password");
    c.dsn = text;
    const ConnectParams params(c);
    if (!pairs && params.error().isEmpty())
        broken("unparsable DSN accepted by ConnectParams");
    const QString described = params.describe();
    if (described.contains(QLatin1String("fuzz-field-password")))
        broken("describe() shows the password");
    // The arrays are NULL-terminated and of equal length.
    int n = 0;
    while (params.keywords()[n])
        ++n;
    if (params.values()[n] != nullptr)
        broken("keyword/value arrays differ in length");
    for (int i = 0; i < n; ++i) {
        if (!params.values()[i])
            broken("null value in the middle of the arrays");
    }
    ConfigLoader loader;
    try {
        loader.setDsn(text);
    } catch (const ConfigError &) {
        if (pairs)
            broken("ConfigLoader refused a DSN libpq parses");
    }
}

void redact(const QString &text)
{
    // "<secret>\x01<text>": a registered secret never survives redaction.
    const qsizetype sep = text.indexOf(QChar(1));
    if (sep < 0) {
        Redactor::redact(text);
        return;
    }
    const QString secret = text.left(sep);
    if (secret.size() < 3 || secret.contains(QLatin1Char('*')))
        return;
    Redactor::registerSecret(secret);
    const QString rest = text.mid(sep + 1);
    const QString out = Redactor::redact(rest + secret + rest);
    if (out.contains(secret))
        broken("a registered secret survived redaction");
}

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

QJsonValue redactValues(const QJsonValue &v)
{
    if (v.isString())
        return Redactor::redact(v.toString());
    if (v.isObject()) {
        QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            it.value() = redactValues(it.value());
        return o;
    }
    if (v.isArray()) {
        QJsonArray a = v.toArray();
        for (qsizetype i = 0; i < a.size(); ++i)
            a[i] = redactValues(a.at(i));
        return a;
    }
    return v;
}

void stringValues(const QJsonValue &v, QStringList *out)
{
    if (v.isString()) {
        *out << v.toString();
    } else if (v.isObject()) {
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            stringValues(it.value(), out);
    } else if (v.isArray()) {
        for (const QJsonValue &item : v.toArray())
            stringValues(item, out);
    }
}

QJsonValue root(const QJsonDocument &doc)
{
    return doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(doc.array());
}

// "<secret choice byte><JSON>": redaction of JSON output (--json, logs) keeps it JSON.
void json(const QByteArray &bytes)
{
    if (bytes.isEmpty())
        return;
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes.mid(1), &err);
    if (err.error != QJsonParseError::NoError)
        return;
    // A password that made it into a value, as a registered secret (config, env, keychain).
    QStringList values;
    stringValues(root(doc), &values);
    if (!values.isEmpty()) {
        const QString secret = values.at(uchar(bytes.at(0)) % values.size());
        if (secret.size() >= 3 && !secret.contains(QLatin1Char('*')))
            Redactor::registerSecret(secret);
    }
    // Redacting the values of the parsed document keeps its keys and shape.
    const QJsonValue redacted = redactValues(root(doc));
    const QByteArray written = redacted.isObject() ? QJsonDocument(redacted.toObject()).toJson()
                                                   : QJsonDocument(redacted.toArray()).toJson();
    const QJsonDocument reread = fuzz::mustParseJson(written, "redacted JSON values do not parse");
    check(sameShape(root(doc), root(reread)),
          "redacting values changed the JSON shape",
          QString::fromUtf8(written.left(400)));
    // Redactor over the JSON text, as CliContext::printJson writes --json output: still JSON.
    const QString text = QString::fromUtf8(doc.toJson(QJsonDocument::Compact));
    fuzz::mustParseJson(Redactor::redact(text).toUtf8(), "Redactor broke a JSON text");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const QString text
        = QString::fromUtf8(reinterpret_cast<const char *>(data) + 1, qsizetype(size - 1));
    switch (data[0]) {
    case 'd':
        duration(text);
        break;
    case 'y':
        yaml(text);
        break;
    case 's':
        setKey(text);
        break;
    case 'c':
        conninfo(text);
        break;
    case 'r':
        redact(text);
        break;
    case 'j':
        json(QByteArray(reinterpret_cast<const char *>(data) + 1, qsizetype(size - 1)));
        break;
    default:
        switch (data[0] % 6) {
        case 0:
            duration(text);
            break;
        case 1:
            yaml(text);
            break;
        case 2:
            setKey(text);
            break;
        case 3:
            conninfo(text);
            break;
        case 4:
            redact(text);
            break;
        default:
            json(QByteArray(reinterpret_cast<const char *>(data) + 1, qsizetype(size - 1)));
            break;
        }
    }
    // Secrets registered by one input must not pile up across millions of runs.
    Redactor::clearSecrets();
    return 0;
}
