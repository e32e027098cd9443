#include <util/redactor.h>

#include <QTest>

using namespace melodee;

// The redaction helper every log line and error goes through.
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
};

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

QTEST_GUILESS_MAIN(tst_Redactor)
#include "tst_redactor.moc"
