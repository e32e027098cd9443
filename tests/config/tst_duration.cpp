#include <config/duration.h>

#include <QTest>

using namespace melodee;
using namespace std::chrono_literals;

class tst_Duration : public QObject
{
    Q_OBJECT

private slots:
    void parse_data();
    void parse();
    void reject_data();
    void reject();
    void format_data();
    void format();
};

void tst_Duration::parse_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("nanos");
    QTest::newRow("zero") << "0" << qint64(0);
    QTest::newRow("seconds") << "90s" << qint64(90'000'000'000);
    QTest::newRow("minutes") << "30m" << qint64(1'800'000'000'000);
    QTest::newRow("hours") << "1h" << qint64(3'600'000'000'000);
    QTest::newRow("compound") << "1h30m" << qint64(5'400'000'000'000);
    QTest::newRow("milliseconds") << "500ms" << qint64(500'000'000);
    QTest::newRow("microseconds") << "250us" << qint64(250'000);
    QTest::newRow("micro sign") << QString::fromUtf8("3\u00b5s") << qint64(3'000);
    QTest::newRow("nanoseconds") << "7ns" << qint64(7);
    QTest::newRow("fraction") << "1.5h" << qint64(5'400'000'000'000);
    QTest::newRow("plus sign") << "+5s" << qint64(5'000'000'000);
    QTest::newRow("all units") << "1h1m1s1ms1us1ns" << qint64(3'661'001'001'001);
    QTest::newRow("spaces around") << "  10s " << qint64(10'000'000'000);
}

void tst_Duration::parse()
{
    QFETCH(QString, text);
    QFETCH(qint64, nanos);
    QString error;
    const auto d = parseGoDuration(text, &error);
    QVERIFY2(d.has_value(), qPrintable(error));
    QCOMPARE(qint64(d->count()), nanos);
}

void tst_Duration::reject_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("needle");
    QTest::newRow("empty") << ""
                           << "empty";
    QTest::newRow("no unit") << "30"
                             << "missing unit";
    QTest::newRow("bad unit") << "30d"
                              << "unknown unit \"d\"";
    QTest::newRow("negative") << "-5s"
                              << "negative";
    QTest::newRow("letters only") << "abc"
                                  << "expected a number";
    QTest::newRow("two dots") << "1.2.3s"
                              << "expected a number";
    QTest::newRow("trailing number") << "1h30"
                                     << "missing unit";
    QTest::newRow("huge") << "9999999999h"
                          << "too large";
}

void tst_Duration::reject()
{
    QFETCH(QString, text);
    QFETCH(QString, needle);
    QString error;
    QVERIFY(!parseGoDuration(text, &error).has_value());
    QVERIFY2(error.contains(needle), qPrintable(error));
}

void tst_Duration::format_data()
{
    QTest::addColumn<qint64>("nanos");
    QTest::addColumn<QString>("text");
    QTest::newRow("zero") << qint64(0) << "0s";
    QTest::newRow("ms") << qint64(500'000'000) << "500ms";
    QTest::newRow("h m") << qint64(5'400'000'000'000) << "1h30m";
    QTest::newRow("m s") << qint64(90'000'000'000) << "1m30s";
    QTest::newRow("us") << qint64(250'000) << "250us";
    QTest::newRow("ns") << qint64(500) << "500ns";
}

void tst_Duration::format()
{
    QFETCH(qint64, nanos);
    QFETCH(QString, text);
    QCOMPARE(formatGoDuration(Duration(nanos)), text);
    // Whatever is printed parses back to the same value.
    QCOMPARE(qint64(parseGoDuration(text)->count()), nanos);
}

QTEST_GUILESS_MAIN(tst_Duration)
#include "tst_duration.moc"
