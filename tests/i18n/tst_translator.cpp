// Translator: which language the UI picks (system locale, settings override) and whether the
// embedded catalogues load.
#include <i18n/translator.h>

#include <QApplication>
#include <QSettings>
#include <QStandardPaths>
#include <QTest>

using namespace melodee;

class tst_Translator : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void availableLanguages();
    void uiLocale_data();
    void uiLocale();
    void install_data();
    void install();
    void switchingBackToEnglish();
    void englishPlurals_data();
    void englishPlurals();
};

void tst_Translator::initTestCase()
{
    // Keep the user's real settings out of reach.
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("MelodeeTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_translator"));
}

void tst_Translator::cleanup()
{
    Translator::setLanguageOverride(QString());
    Translator::install(qApp, QLocale(QLocale::English));
}

void tst_Translator::availableLanguages()
{
    const QStringList languages = Translator::availableLanguages();
    QVERIFY2(languages.contains(QStringLiteral("de")), qPrintable(languages.join(u',')));
    QVERIFY2(languages.contains(QStringLiteral("fr")), qPrintable(languages.join(u',')));
    QVERIFY(languages.contains(QStringLiteral("en")));
}

void tst_Translator::uiLocale_data()
{
    QTest::addColumn<QString>("setting");
    QTest::addColumn<bool>("followsSystem");
    QTest::addColumn<QLocale::Language>("language");
    QTest::newRow("unset follows the system") << QString() << true << QLocale::AnyLanguage;
    QTest::newRow("'system' follows the system")
        << QStringLiteral("system") << true << QLocale::AnyLanguage;
    QTest::newRow("de") << QStringLiteral("de") << false << QLocale::German;
    QTest::newRow("fr_CA") << QStringLiteral("fr_CA") << false << QLocale::French;
    QTest::newRow("blanks trimmed") << QStringLiteral("  de  ") << false << QLocale::German;
    QTest::newRow("garbage falls back to the system")
        << QStringLiteral("zz-nonsense") << true << QLocale::AnyLanguage;
}

void tst_Translator::uiLocale()
{
    QFETCH(QString, setting);
    QFETCH(bool, followsSystem);
    QFETCH(QLocale::Language, language);
    Translator::setLanguageOverride(setting);
    QCOMPARE(QSettings().value(QLatin1String(Translator::SettingsKey)).toString(), setting);
    const QLocale locale = Translator::uiLocale();
    if (followsSystem)
        QCOMPARE(locale, QLocale::system());
    else
        QCOMPARE(locale.language(), language);
}

void tst_Translator::install_data()
{
    QTest::addColumn<QString>("locale");
    QTest::addColumn<bool>("loaded");
    QTest::addColumn<QString>("expected"); // the About dialog's "Third-party notices" tab
    const QString de = QStringLiteral("Hinweise zu Drittkomponenten");
    const QString fr = QStringLiteral("Mentions des composants tiers");
    const QString en = QStringLiteral("Third-party notices");
    QTest::newRow("de") << QStringLiteral("de_DE") << true << de;
    QTest::newRow("de_AT falls back to de") << QStringLiteral("de_AT") << true << de;
    QTest::newRow("fr") << QStringLiteral("fr_FR") << true << fr;
    QTest::newRow("en needs nothing") << QStringLiteral("en_US") << true << en;
    QTest::newRow("ja has no translation") << QStringLiteral("ja_JP") << false << en;
}

void tst_Translator::install()
{
    QFETCH(QString, locale);
    QFETCH(bool, loaded);
    QFETCH(QString, expected);
    QCOMPARE(Translator::install(qApp, QLocale(locale)), loaded);
    QCOMPARE(QLocale().name(), QLocale(locale).name());
    QCOMPARE(QCoreApplication::translate("melodee::AboutDialog", "Third-party notices"), expected);
}

void tst_Translator::switchingBackToEnglish()
{
    QVERIFY(Translator::install(qApp, QLocale(QStringLiteral("de"))));
    QVERIFY(Translator::install(qApp, QLocale(QStringLiteral("en"))));
    QCOMPARE(QCoreApplication::translate("melodee::AboutDialog", "Third-party notices"),
             QStringLiteral("Third-party notices"));
}

void tst_Translator::englishPlurals_data()
{
    QTest::addColumn<QString>("locale");
    QTest::addColumn<QByteArray>("context");
    QTest::addColumn<QByteArray>("source");
    QTest::addColumn<int>("n");
    QTest::addColumn<QString>("expected");
    const QByteArray panel = "melodee::ActivityPanel";
    const QByteArray partitions = "melodee::PartitionsView";
    const QByteArray sessions = "%n session(s) on the server";
    const QByteArray years = "%n year(s)";
    QTest::newRow("0 sessions") << QStringLiteral("en_US") << panel << sessions << 0
                                << QStringLiteral("0 sessions on the server");
    QTest::newRow("1 session") << QStringLiteral("en_US") << panel << sessions << 1
                               << QStringLiteral("1 session on the server");
    QTest::newRow("2 sessions") << QStringLiteral("en_GB") << panel << sessions << 2
                                << QStringLiteral("2 sessions on the server");
    QTest::newRow("1 year") << QStringLiteral("en") << partitions << years << 1
                            << QStringLiteral("1 year");
    QTest::newRow("25 years") << QStringLiteral("en") << partitions << years << 25
                              << QStringLiteral("25 years");
    // The C locale (LANG=C) and a language without a catalogue show the English source, with
    // the English plural forms.
    QTest::newRow("C") << QStringLiteral("C") << partitions << years << 1
                       << QStringLiteral("1 year");
    QTest::newRow("ja falls back to English")
        << QStringLiteral("ja_JP") << partitions << years << 2 << QStringLiteral("2 years");
}

// English is the source language, but "%n year(s)" needs its plural forms from a catalogue.
void tst_Translator::englishPlurals()
{
    QFETCH(QString, locale);
    QFETCH(QByteArray, context);
    QFETCH(QByteArray, source);
    QFETCH(int, n);
    QFETCH(QString, expected);
    Translator::install(qApp, QLocale(locale));
    QCOMPARE(QCoreApplication::translate(context.constData(), source.constData(), nullptr, n),
             expected);
}

QTEST_MAIN(tst_Translator)
#include "tst_translator.moc"
