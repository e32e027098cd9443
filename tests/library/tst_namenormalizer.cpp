#include "library/namenormalizer.h"

#include <QTest>

using namespace melodee;

class tst_NameNormalizer : public QObject
{
    Q_OBJECT
private slots:
    void normalize_data();
    void normalize();
    void truncate_data();
    void truncate();
};

void tst_NameNormalizer::normalize_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");
    QTest::newRow("empty") << QString() << QString();
    QTest::newRow("only spaces") << QStringLiteral(" \t\n ") << QString();
    QTest::newRow("ascii upper") << QStringLiteral("Hello World") << QStringLiteral("hello world");
    QTest::newRow("acute") << QStringLiteral("Beyoncé") << QStringLiteral("beyonce");
    QTest::newRow("decomposed input")
        << QStringLiteral("Beyonce\u0301") << QStringLiteral("beyonce");
    QTest::newRow("umlaut") << QStringLiteral("Motörhead") << QStringLiteral("motorhead");
    QTest::newRow("cedilla+tilde") << QStringLiteral("Façade São") << QStringLiteral("facade sao");
    QTest::newRow("collapse") << QStringLiteral("  A   b\t\tC  ") << QStringLiteral("a b c");
    QTest::newRow("nbsp") << QStringLiteral("a\u00a0b") << QStringLiteral("a b");
    QTest::newRow("ligature fi (NFKD)") << QStringLiteral("\ufb01ne") << QStringLiteral("fine");
    QTest::newRow("fullwidth") << QStringLiteral("\uff21\uff22") << QStringLiteral("ab");
    QTest::newRow("superscript two") << QStringLiteral("x\u00b2") << QStringLiteral("x2");
    QTest::newRow("greek accent") << QStringLiteral("Ἀθῆναι") << QStringLiteral("αθηναι");
    QTest::newRow("cyrillic") << QStringLiteral("ЙОЖ") << QStringLiteral("иож");
    QTest::newRow("cjk unchanged") << QStringLiteral("東京") << QStringLiteral("東京");
    QTest::newRow("emoji kept") << QStringLiteral("Love \U0001F3B5 Song")
                                << QStringLiteral("love \U0001F3B5 song");
    QTest::newRow("deseret upper (surrogates)")
        << QStringLiteral("\U00010400") << QStringLiteral("\U00010428");
    QTest::newRow("percent and underscore kept")
        << QStringLiteral("100% Pure_Love") << QStringLiteral("100% pure_love");
    QTest::newRow("control chars as space") << QStringLiteral("a\u0007b") << QStringLiteral("a b");
    // Raw UTF-16 halves around a dropped mark must not become one character (U+10060).
    static const char16_t lone[] = {0xd800, 0x1062, 0xdc60};
    QTest::newRow("lone surrogates around a mark")
        << QString::fromUtf16(lone, 3) << QStringLiteral("\ufffd\ufffd");
}

void tst_NameNormalizer::normalize()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    QCOMPARE(normalizeName(input), expected);
    // Idempotent: search text normalised twice still matches the stored form.
    QCOMPARE(normalizeName(normalizeName(input)), expected);
}

void tst_NameNormalizer::truncate_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<int>("max");
    QTest::addColumn<QString>("expected");
    QTest::newRow("short") << QStringLiteral("abc") << 5 << QStringLiteral("abc");
    QTest::newRow("exact") << QStringLiteral("abc") << 3 << QStringLiteral("abc");
    QTest::newRow("cut") << QStringLiteral("abcdef") << 3 << QStringLiteral("abc");
    QTest::newRow("surrogate counted once")
        << QStringLiteral("\U0001F3B5\U0001F3B5x") << 2 << QStringLiteral("\U0001F3B5\U0001F3B5");
    QTest::newRow("never splits a pair")
        << QStringLiteral("a\U0001F3B5") << 1 << QStringLiteral("a");
    QTest::newRow("zero") << QStringLiteral("abc") << 0 << QString();
}

void tst_NameNormalizer::truncate()
{
    QFETCH(QString, input);
    QFETCH(int, max);
    QFETCH(QString, expected);
    QCOMPARE(truncateCodePoints(input, max), expected);
}

QTEST_GUILESS_MAIN(tst_NameNormalizer)
#include "tst_namenormalizer.moc"
