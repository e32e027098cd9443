#include <util/englishcount.h>

#include <QTest>

using namespace melodee;

class tst_EnglishCount : public QObject
{
    Q_OBJECT

private slots:
    void count_data()
    {
        QTest::addColumn<qint64>("n");
        QTest::addColumn<QString>("expected");
        QTest::newRow("zero is plural") << qint64(0) << QStringLiteral("0 rows");
        QTest::newRow("one") << qint64(1) << QStringLiteral("1 row");
        QTest::newRow("two") << qint64(2) << QStringLiteral("2 rows");
        QTest::newRow("minus one is plural") << qint64(-1) << QStringLiteral("-1 rows");
        QTest::newRow("beyond 32 bits")
            << qint64(10'000'000'000) << QStringLiteral("10000000000 rows");
    }
    void count()
    {
        QFETCH(qint64, n);
        QFETCH(QString, expected);
        QCOMPARE(englishCount(n, QStringLiteral("row"), QStringLiteral("rows")), expected);
    }
};

QTEST_GUILESS_MAIN(tst_EnglishCount)
#include "tst_englishcount.moc"
