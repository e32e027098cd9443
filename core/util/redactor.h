#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

namespace melodee {

// Keeps secrets out of everything the program writes. Two kinds of text need different care:
// - text this program composes (a log line, an error message that may quote a conninfo string or
//   a URI): redact() masks every registered secret and also the shapes a password takes in such
//   text, password=... in conninfo, user:password@ in URIs, "password": ... in JSON or YAML;
// - data (names read from the database, values of a document about to be serialized):
//   redactSecrets() and redactJson() mask the registered secrets only. Patterns never run over
//   data, so a song named "Secret: Love" stays intact, and never over a serialized document, so a
//   mask can never cut a JSON string open.
// Registered secrets are the passwords read from the config, the environment, a password file,
// --set, a DSN or the keychain; each is also caught JSON-escaped and percent-encoded.
class Redactor
{
public:
    static constexpr auto kMask = "***";

    static QString redact(const QString &text);
    static QString redactSecrets(const QString &text);
    // The same value with registered secrets masked in its strings; keys, numbers, booleans,
    // nulls and the nesting are left exactly as they are.
    static QJsonValue redactJson(const QJsonValue &value);
    static QJsonObject redactJson(const QJsonObject &object);
    // Registers a secret to be masked wherever it appears verbatim. Thread-safe.
    static void registerSecret(const QString &secret);
    static bool hasSecrets();
    static void clearSecrets(); // for tests
};

} // namespace melodee
