#pragma once

#include <QString>

namespace melodee {

// Removes secrets from any text that may reach a log, an error message or the screen:
// password=... in conninfo strings, user:password@ in URIs, "password" fields in JSON, and
// every secret registered at run time (passwords read from config, env or the keychain), also
// in its JSON-escaped and percent-encoded forms.
class Redactor
{
public:
    static constexpr auto kMask = "***";

    static QString redact(const QString &text);
    // Registers a secret to be masked wherever it appears verbatim. Thread-safe.
    static void registerSecret(const QString &secret);
    static void clearSecrets(); // for tests
};

} // namespace melodee
