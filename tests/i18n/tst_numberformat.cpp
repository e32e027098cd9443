#include <i18n/numberformat.h>

#include <QDirIterator>
#include <QFile>
#include <QLocale>
#include <QRegularExpression>
#include <QTest>

using namespace melodee;

// The GUI's one number formatter: the user's locale, group separators, fixed decimals; and no
// other way of printing numbers left in ui/ (a count printed with arg(int) or a measurement with
// arg(double, 0, 'f', n) has no separators and mixes with the ones that do).
class tst_NumberFormat : public QObject
{
    Q_OBJECT

private slots:
    void cleanup() { QLocale::setDefault(QLocale::c()); }
    void counts_data();
    void counts();
    void decimals_data();
    void decimals();
    void noOtherFormatterInUi();
};

void tst_NumberFormat::counts_data()
{
    QTest::addColumn<QString>("locale");
    QTest::addColumn<qint64>("value");
    QTest::addColumn<QString>("text");
    QTest::newRow("en ops") << "en_US" << qint64(618611) << "618,611";
    QTest::newRow("en million") << "en_US" << qint64(1000000) << "1,000,000";
    QTest::newRow("en small") << "en_US" << qint64(999) << "999";
    QTest::newRow("en zero") << "en_US" << qint64(0) << "0";
    QTest::newRow("en negative") << "en_US" << qint64(-4200) << "-4,200";
    QTest::newRow("en int64 max") << "en_US" << std::numeric_limits<qint64>::max()
                                  << "9,223,372,036,854,775,807";
    QTest::newRow("de") << "de_DE" << qint64(618611) << "618.611";
    QTest::newRow("fr") << "fr_FR" << qint64(1000000) << "1\u202f000\u202f000";
}

void tst_NumberFormat::counts()
{
    QFETCH(QString, locale);
    QFETCH(qint64, value);
    QFETCH(QString, text);
    QLocale::setDefault(QLocale(locale));
    QCOMPARE(formatCount(value), text);
}

void tst_NumberFormat::decimals_data()
{
    QTest::addColumn<QString>("locale");
    QTest::addColumn<double>("value");
    QTest::addColumn<int>("decimals");
    QTest::addColumn<QString>("text");
    QTest::newRow("en ms") << "en_US" << 1.7 << 3 << "1.700";
    QTest::newRow("en rate") << "en_US" << 12345.678 << 0 << "12,346";
    QTest::newRow("en seconds") << "en_US" << 3170.25 << 2 << "3,170.25";
    QTest::newRow("de") << "de_DE" << 3170.25 << 2 << "3.170,25";
    QTest::newRow("en negative") << "en_US" << -1234.5 << 1 << "-1,234.5";
}

void tst_NumberFormat::decimals()
{
    QFETCH(QString, locale);
    QFETCH(double, value);
    QFETCH(int, decimals);
    QFETCH(QString, text);
    QLocale::setDefault(QLocale(locale));
    QCOMPARE(formatDecimal(value, decimals), text);
}

void tst_NumberFormat::noOtherFormatterInUi()
{
    // arg(x, 0, 'f', n) and QLocale::toString(number) outside the formatter.
    const QRegularExpression fixed(QStringLiteral(R"(\.arg\([^;]*,\s*0,\s*'[fg]',)"));
    const QRegularExpression localeNumber(
        QStringLiteral(R"((QLocale\(\)|\bloc(ale)?)\.toString\((?![^)]*(Date|Time|Format)))"));
    QStringList offenders;
    QDirIterator it(QStringLiteral(MELODEE_SOURCE_DIR "/ui"),
                    {QStringLiteral("*.cpp"), QStringLiteral("*.h")},
                    QDir::Files,
                    QDirIterator::Subdirectories);
    int files = 0;
    while (it.hasNext()) {
        const QString path = it.next();
        if (path.endsWith(QLatin1String("i18n/numberformat.cpp")))
            continue;
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        ++files;
        int line = 0;
        for (const QByteArray &raw : f.readAll().split('\n')) {
            ++line;
            const QString text = QString::fromUtf8(raw);
            if (fixed.match(text).hasMatch() || localeNumber.match(text).hasMatch())
                offenders << QStringLiteral("%1:%2: %3").arg(path).arg(line).arg(text.trimmed());
        }
    }
    QVERIFY(files > 50); // the scan saw the sources
    QVERIFY2(offenders.isEmpty(), qPrintable(offenders.join(QLatin1Char('\n'))));
}

QTEST_MAIN(tst_NumberFormat)
#include "tst_numberformat.moc"
