#include <db/sqlident.h>

#include <QTest>

using namespace melodee;

// quoteIdent(): always quoted, embedded quotes doubled, anything else kept as it is.
class tst_SqlIdent : public QObject
{
    Q_OBJECT

private slots:
    void quoteIdent_data();
    void quoteIdent();
};

void tst_SqlIdent::quoteIdent_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("quoted");
    QTest::newRow("plain") << QStringLiteral("songs") << QStringLiteral("\"songs\"");
    QTest::newRow("upper case kept") << QStringLiteral("Songs") << QStringLiteral("\"Songs\"");
    QTest::newRow("embedded quote") << QStringLiteral("a\"b") << QStringLiteral("\"a\"\"b\"");
    QTest::newRow("only a quote") << QStringLiteral("\"") << QStringLiteral("\"\"\"\"");
    QTest::newRow("single quote, space, newline, emoji")
        << QStringLiteral("it's a\nname 🎵") << QStringLiteral("\"it's a\nname 🎵\"");
    QTest::newRow("injection attempt") << QStringLiteral("x\"; DROP TABLE songs; --")
                                       << QStringLiteral("\"x\"\"; DROP TABLE songs; --\"");
    QTest::newRow("empty") << QString() << QStringLiteral("\"\"");
}

void tst_SqlIdent::quoteIdent()
{
    QFETCH(QString, name);
    QFETCH(QString, quoted);
    QCOMPARE(melodee::quoteIdent(name), quoted);
}

QTEST_GUILESS_MAIN(tst_SqlIdent)
#include "tst_sqlident.moc"
