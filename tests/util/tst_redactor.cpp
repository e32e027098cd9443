#include <util/redactor.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <functional>

using namespace melodee;

// The redaction helper: patterns and registered secrets for composed text (log lines, errors),
// registered secrets only for data and for the values of a document before it is serialized.
class tst_Redactor : public QObject
{
    Q_OBJECT

private slots:
    void cleanup() { Redactor::clearSecrets(); }
    void patterns_data();
    void patterns();
    void registeredSecrets_data();
    void registeredSecrets();
    void longestSecretFirst();
    void emptySecretIgnored();
    void jsonStructureKept_data();
    void jsonStructureKept();
    void dataIsNotPatternRedacted_data();
    void dataIsNotPatternRedacted();
};

namespace {

// Hostile values a database can hold: password- and secret-shaped text, JSON and YAML fragments,
// quotes, backslashes, control characters, emoji and the replacement for invalid UTF-8.
QStringList hostileStrings()
{
    return {QStringLiteral("Secret: Love"),
            QStringLiteral("password=hunter2 dbname=x"),
            QStringLiteral("postgres://u:pw@h/db"),
            QStringLiteral(R"({"password":"x"})"),
            QStringLiteral(R"(say "hi" \ back\slash)"),
            QStringLiteral("line\nbreak\r\ttab\x01"),
            QStringLiteral("emoji 🎸🎶 𝄞"),
            QString::fromUtf8("bad \xff\xfe utf8 \xc3"),
            QStringLiteral("passwd: 'it''s'"),
            QStringLiteral("secret:\"unterminated"),
            QStringLiteral("ends with backslash\\")};
}

// Every string of v, with the path to it.
void strings(const QJsonValue &v, const QString &path, QMap<QString, QString> *out)
{
    if (v.isString()) {
        out->insert(path, v.toString());
    } else if (v.isArray()) {
        const QJsonArray a = v.toArray();
        for (qsizetype i = 0; i < a.size(); ++i)
            strings(a.at(i), path + QStringLiteral("[%1]").arg(i), out);
    } else if (v.isObject()) {
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            strings(it.value(), path + QLatin1Char('.') + it.key(), out);
    }
}

// The document with every string replaced by a marker: what must not change.
QJsonValue shape(const QJsonValue &v)
{
    if (v.isString())
        return QStringLiteral("<s>");
    if (v.isArray()) {
        QJsonArray out;
        for (const QJsonValue &e : v.toArray())
            out.append(shape(e));
        return out;
    }
    if (v.isObject()) {
        QJsonObject out;
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            out.insert(it.key(), shape(it.value()));
        return out;
    }
    return v;
}

} // namespace

void tst_Redactor::patterns_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("secret"); // must be gone from the output
    QTest::addColumn<QString>("kept");   // must still be there (context for the reader)

    // conninfo forms
    QTest::newRow("plain") << "host=db password=hunter2 dbname=x"
                           << "hunter2"
                           << "dbname=x";
    QTest::newRow("spaces around =") << "password = hunter2 user=u"
                                     << "hunter2"
                                     << "user=u";
    QTest::newRow("quoted with space") << "password='p a ss' dbname=x"
                                       << "p a ss"
                                       << "dbname=x";
    QTest::newRow("quoted escaped quote") << R"(password='it\'s a\\b' user=u)"
                                          << R"(s a\\b)"
                                          << "user=u";
    QTest::newRow("unquoted escaped space") << R"(password=p\ a\ ss host=h)"
                                            << R"(a\ ss)"
                                            << "host=h";
    QTest::newRow("upper case key") << "PASSWORD=hunter2"
                                    << "hunter2"
                                    << "PASSWORD=";
    QTest::newRow("PGPASSWORD env dump") << "PGPASSWORD=hunter2 PGHOST=h"
                                         << "hunter2"
                                         << "PGHOST=h";
    QTest::newRow("MELODEE env") << "MELODEE_DATABASE_PASSWORD=hunter2"
                                 << "hunter2"
                                 << "MELODEE";
    QTest::newRow("unterminated quote") << "password='never closed"
                                        << "never closed"
                                        << "password=";
    QTest::newRow("odd password in quotes") << R"(password='p a\'ss\\ dbname=evil')"
                                            << "evil"
                                            << "password=";
    // URIs
    QTest::newRow("postgres uri") << "postgres://melodee:hunter2@db:5432/music"
                                  << "hunter2"
                                  << "@db:5432/music";
    QTest::newRow("postgresql uri") << "postgresql://u:p%20a%27ss@127.0.0.1/x"
                                    << "p%20a%27ss"
                                    << "127.0.0.1/x";
    QTest::newRow("redis uri") << "redis://:hunter2@127.0.0.1:6379/0"
                               << "hunter2"
                               << "6379";
    QTest::newRow("uri password query") << "postgres://h/db?password=hunter2&sslmode=require"
                                        << "hunter2"
                                        << "postgres://h/db";
    QTest::newRow("uri in sentence") << "cannot reach postgres://u:hunter2@h/db now"
                                     << "hunter2"
                                     << "now";
    // JSON and YAML
    QTest::newRow("json") << R"({"user":"u","password":"hunter2"})"
                          << "hunter2"
                          << R"("user":"u")";
    QTest::newRow("json escaped quote") << R"({"password":"hu\"nter2","x":1})"
                                        << "nter2"
                                        << R"("x":1)";
    QTest::newRow("json spaced") << R"({ "password" : "hunter2" })"
                                 << "hunter2"
                                 << "{";
    QTest::newRow("yaml plain") << "database:\n  password: hunter2\n  user: u\n"
                                << "hunter2"
                                << "user: u";
    QTest::newRow("yaml with spaces") << "  password: p a'ss\\ dbname=evil\n  port: 1"
                                      << "evil"
                                      << "port: 1";
    QTest::newRow("yaml single quoted") << "password: 'it''s secret'\nx: 1"
                                        << "secret'"
                                        << "x: 1";
    QTest::newRow("yaml double quoted") << "password: \"hun ter2\"\nx: 1"
                                        << "hun ter2"
                                        << "x: 1";
    QTest::newRow("redis secret key") << "secret: hunter2"
                                      << "hunter2"
                                      << "secret:";
    QTest::newRow("passwd key") << "passwd: hunter2"
                                << "hunter2"
                                << "passwd";
    // Nothing to hide: unchanged
    QTest::newRow("no secret") << "host=db port=5432 user=melodee"
                               << ""
                               << "host=db port=5432 user=melodee";
    QTest::newRow("uri without password") << "postgres://melodee@db/music"
                                          << ""
                                          << "postgres://melodee@db/music";
}

void tst_Redactor::patterns()
{
    QFETCH(QString, input);
    QFETCH(QString, secret);
    QFETCH(QString, kept);
    const QString out = Redactor::redact(input);
    if (!secret.isEmpty()) {
        QVERIFY2(!out.contains(secret), qPrintable(out));
        QVERIFY2(out.contains(QLatin1String(Redactor::kMask)), qPrintable(out));
    } else {
        QCOMPARE(out, input);
    }
    QVERIFY2(out.contains(kept), qPrintable(out));
}

void tst_Redactor::registeredSecrets_data()
{
    QTest::addColumn<QString>("secret");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("leak"); // the form that must not survive

    const QString odd = QStringLiteral(R"(p a'ss\ dbname=evil)");
    QTest::newRow("verbatim in prose") << odd << "login with " + odd + " failed" << odd;
    QTest::newRow("json escaped") << odd << R"({"m":"p a'ss\\ dbname=evil"})"
                                  << R"(p a'ss\\ dbname=evil)";
    QTest::newRow("percent encoded") << odd << "x p%20a%27ss%5C%20dbname%3Devil y"
                                     << "p%20a%27ss%5C%20dbname%3Devil";
    QTest::newRow("keychain token") << "tok-1234567890"
                                    << "got tok-1234567890 from keychain"
                                    << "tok-1234567890";
    QTest::newRow("unicode") << QStringLiteral("pässwörd✓") << QStringLiteral("x pässwörd✓ y")
                             << QStringLiteral("pässwörd✓");
}

void tst_Redactor::registeredSecrets()
{
    QFETCH(QString, secret);
    QFETCH(QString, text);
    QFETCH(QString, leak);
    QVERIFY(Redactor::redact(text).contains(leak)); // not a pattern: only registration hides it
    Redactor::registerSecret(secret);
    const QString out = Redactor::redact(text);
    QVERIFY2(!out.contains(leak), qPrintable(out));
    QVERIFY2(out.contains(QLatin1String(Redactor::kMask)), qPrintable(out));
}

void tst_Redactor::longestSecretFirst()
{
    Redactor::registerSecret(QStringLiteral("abc"));
    Redactor::registerSecret(QStringLiteral("abcdef"));
    // Masking "abc" first would leave "def" behind.
    QCOMPARE(Redactor::redact(QStringLiteral("x abcdef y")), QStringLiteral("x *** y"));
}

void tst_Redactor::emptySecretIgnored()
{
    Redactor::registerSecret(QString());
    QCOMPARE(Redactor::redact(QStringLiteral("hello")), QStringLiteral("hello"));
}

void tst_Redactor::jsonStructureKept_data()
{
    QTest::addColumn<QString>("secret"); // registered before redacting; may be empty
    QTest::newRow("no secret registered") << QString();
    QTest::newRow("plain secret") << QStringLiteral("hunter2");
    QTest::newRow("secret with quote and backslash") << QStringLiteral(R"(p"a\ss)");
    QTest::newRow("secret equal to a JSON fragment") << QStringLiteral(R"(","x":")");
    QTest::newRow("secret with newline") << QStringLiteral("a\nb");
    QTest::newRow("one-letter secret") << QStringLiteral("e");
}

void tst_Redactor::jsonStructureKept()
{
    QFETCH(QString, secret);
    // A document shaped like the CLI's --json output, holding every hostile string everywhere:
    // as a value, in an array, in a nested object, and next to the secret.
    QJsonArray songs;
    qint64 id = 1;
    for (const QString &h : hostileStrings()) {
        songs.append(QJsonObject{{QStringLiteral("id"), double(id++)},
                                 {QStringLiteral("name"), h},
                                 {QStringLiteral("tags"), QJsonArray{h, secret + h, 1, true}},
                                 {QStringLiteral("password"), h},
                                 {QStringLiteral("nested"), QJsonObject{{h, secret}}},
                                 {QStringLiteral("none"), QJsonValue()}});
    }
    const QJsonObject doc{{QStringLiteral("songs"), songs},
                          {QStringLiteral("next_cursor"), QStringLiteral("eyJrIjoxfQ")},
                          {QStringLiteral("count"), 11}};
    if (!secret.isEmpty())
        Redactor::registerSecret(secret);
    const QJsonObject out = Redactor::redactJson(doc);

    // The same keys, types, array lengths and non-string values.
    QCOMPARE(shape(out), shape(doc));
    // Each string is the original with the secret masked, nothing else.
    QMap<QString, QString> before;
    QMap<QString, QString> after;
    strings(doc, QString(), &before);
    strings(out, QString(), &after);
    QCOMPARE(after.keys(), before.keys());
    for (auto it = before.cbegin(); it != before.cend(); ++it) {
        QString expected = it.value();
        if (!secret.isEmpty())
            expected.replace(secret, QLatin1String(Redactor::kMask));
        QCOMPARE(after.value(it.key()), expected);
        if (!secret.isEmpty())
            QVERIFY(!after.value(it.key()).contains(secret));
    }
    // And it serializes to a document that parses back to the same value.
    QJsonParseError error;
    const QJsonDocument parsed
        = QJsonDocument::fromJson(QJsonDocument(out).toJson(QJsonDocument::Compact), &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(parsed.object(), out);
}

void tst_Redactor::dataIsNotPatternRedacted_data()
{
    QTest::addColumn<QString>("data");
    for (const QString &h : hostileStrings())
        QTest::newRow(qPrintable(h.left(24))) << h;
}

void tst_Redactor::dataIsNotPatternRedacted()
{
    QFETCH(QString, data);
    Redactor::registerSecret(QStringLiteral("registered-elsewhere"));
    // Data keeps its password- and secret-shaped text; only registered secrets are masked.
    QCOMPARE(Redactor::redactSecrets(data), data);
    QCOMPARE(Redactor::redactJson(QJsonValue(data)).toString(), data);
    QCOMPARE(Redactor::redactSecrets(data + QStringLiteral(" registered-elsewhere")),
             data + QStringLiteral(" ***"));
}

QTEST_GUILESS_MAIN(tst_Redactor)
#include "tst_redactor.moc"
