// libFuzzer target for everything that parses text a user or a config file hands us: Go
// durations, Melodee's YAML, --set values, --dsn conninfo/URIs, and the redaction helper.
// The first byte picks the parser: d, y, s, c, r (or any byte, modulo 5).
#include <config/configloader.h>
#include <config/duration.h>
#include <db/connectparams.h>
#include <util/redactor.h>

#include <cstdint>
#include <cstdlib>

using namespace melodee;

namespace {

[[noreturn]] void broken(const char *what)
{
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
}

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
    default:
        switch (data[0] % 5) {
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
        default:
            redact(text);
            break;
        }
    }
    // Secrets registered by one input must not pile up across millions of runs.
    Redactor::clearSecrets();
    return 0;
}
