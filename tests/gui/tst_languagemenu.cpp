#include <i18n/translator.h>
#include <views/mainwindow.h>

#include <QAction>
#include <QApplication>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace melodee;

// View > Language in MainWindow: the entries, which one is checked for a stored override, and
// that choosing one stores the QSettings key "language" and says it applies at the next start.
class tst_LanguageMenu : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void entries();
    void choiceForOverride_data();
    void choiceForOverride();
    void choose_data();
    void choose();
    void nextStartUsesTheChoice();

private:
    static QMenu *languageMenu(MainWindow &window)
    {
        return window.findChild<QMenu *>(QStringLiteral("languageMenu"));
    }
    static QStringList checkedNames(QMenu *menu)
    {
        QStringList names;
        for (QAction *a : menu->actions())
            if (a->isChecked())
                names << a->objectName();
        return names;
    }
    QTemporaryDir m_dir;
};

void tst_LanguageMenu::initTestCase()
{
    QApplication::setOrganizationName(QStringLiteral("MelodeeTest"));
    QApplication::setApplicationName(QStringLiteral("melodee-admin-language-test"));
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.path());
    // The source language, whatever the machine's locale is.
    QVERIFY(Translator::install(qApp, QLocale(QLocale::English)));
}

void tst_LanguageMenu::init()
{
    QSettings().remove(QLatin1String(Translator::SettingsKey));
}

void tst_LanguageMenu::cleanup()
{
    Translator::install(qApp, QLocale(QLocale::English));
}

void tst_LanguageMenu::entries()
{
    MainWindow window;
    QMenu *menu = languageMenu(window);
    QVERIFY(menu);
    QStringList texts;
    for (QAction *a : menu->actions())
        if (!a->isSeparator()) {
            QVERIFY(a->isCheckable());
            texts << a->text();
        }
    // Native names, untranslated; the system default first.
    QCOMPARE(texts,
             (QStringList{QStringLiteral("System default"),
                          QStringLiteral("Deutsch"),
                          QStringLiteral("English"),
                          QStringLiteral("Français")}));
    QCOMPARE(checkedNames(menu), QStringList{QStringLiteral("language_system")});
}

void tst_LanguageMenu::choiceForOverride_data()
{
    QTest::addColumn<QString>("stored");
    QTest::addColumn<QString>("checked");
    QTest::newRow("no key") << QString() << "language_system";
    QTest::newRow("system") << "system"
                            << "language_system";
    QTest::newRow("blank") << "  "
                           << "language_system";
    QTest::newRow("de") << "de"
                        << "language_de";
    QTest::newRow("regional fr_CA") << "fr_CA"
                                    << "language_fr";
    QTest::newRow("regional de_AT") << "de_AT"
                                    << "language_de";
    QTest::newRow("en_GB") << "en_GB"
                           << "language_en";
    QTest::newRow("no catalogue: English source") << "ja"
                                                  << "language_en";
    QTest::newRow("not a language: system") << "zz"
                                            << "language_system";
}

void tst_LanguageMenu::choiceForOverride()
{
    QFETCH(QString, stored);
    QFETCH(QString, checked);
    if (!stored.isNull())
        QSettings().setValue(QLatin1String(Translator::SettingsKey), stored);
    MainWindow window;
    QCOMPARE(checkedNames(languageMenu(window)), QStringList{checked});
}

void tst_LanguageMenu::choose_data()
{
    QTest::addColumn<QString>("stored");
    QTest::addColumn<QString>("action");
    QTest::addColumn<QVariant>("expectedKey"); // invalid = key removed
    QTest::addColumn<bool>("notice");
    QTest::newRow("system -> Deutsch") << QString() << "language_de" << QVariant("de") << true;
    QTest::newRow("system -> Français") << QString() << "language_fr" << QVariant("fr") << true;
    QTest::newRow("de -> English") << "de"
                                   << "language_en" << QVariant("en") << true;
    QTest::newRow("fr -> system default") << "fr"
                                          << "language_system" << QVariant() << true;
    QTest::newRow("de -> Deutsch again: nothing") << "de"
                                                  << "language_de" << QVariant("de") << false;
    QTest::newRow("fr_CA -> Français: kept regional")
        << "fr_CA"
        << "language_fr" << QVariant("fr_CA") << false;
    QTest::newRow("system -> system: nothing")
        << QString() << "language_system" << QVariant() << false;
}

void tst_LanguageMenu::choose()
{
    QFETCH(QString, stored);
    QFETCH(QString, action);
    QFETCH(QVariant, expectedKey);
    QFETCH(bool, notice);
    if (!stored.isNull())
        QSettings().setValue(QLatin1String(Translator::SettingsKey), stored);
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QMenu *menu = languageMenu(window);
    auto *chosen = menu->findChild<QAction *>(action);
    if (!chosen) {
        for (QAction *a : menu->actions())
            if (a->objectName() == action)
                chosen = a;
    }
    QVERIFY(chosen);
    chosen->trigger();
    QCOMPARE(QSettings().value(QLatin1String(Translator::SettingsKey)), expectedKey);
    QCOMPARE(checkedNames(menu), QStringList{action});
    auto *box = window.findChild<QMessageBox *>(QStringLiteral("languageRestartNotice"));
    QCOMPARE(box != nullptr, notice);
    if (box) {
        QTRY_VERIFY(box->isVisible());
        QVERIFY2(box->text().contains(chosen->text()), qPrintable(box->text()));
        QVERIFY2(box->text().contains(QLatin1String("next time")), qPrintable(box->text()));
        QVERIFY(!box->isModal() || box->windowModality() == Qt::WindowModal);
        box->accept();
    }
    // The UI did not switch under the user: it still speaks the language it started with.
    QCOMPARE(window.menuBar()->actions().at(1)->text(), QStringLiteral("&View"));
}

void tst_LanguageMenu::nextStartUsesTheChoice()
{
    {
        MainWindow window;
        QAction *de = nullptr;
        for (QAction *a : languageMenu(window)->actions())
            if (a->objectName() == QLatin1String("language_de"))
                de = a;
        QVERIFY(de);
        de->trigger();
    }
    // What gui_main does at start-up.
    QVERIFY(Translator::install(qApp, Translator::uiLocale()));
    const QString view = QCoreApplication::translate("melodee::MainWindow", "&View");
    QVERIFY2(view != QLatin1String("&View"), "no German catalogue for MainWindow");
    MainWindow window;
    QCOMPARE(window.menuBar()->actions().at(1)->text(), view);
    QCOMPARE(checkedNames(languageMenu(window)), QStringList{QStringLiteral("language_de")});
    // The language names stay native in any UI language.
    QStringList texts;
    for (QAction *a : languageMenu(window)->actions())
        if (!a->isSeparator())
            texts << a->text();
    QCOMPARE(texts.mid(1),
             (QStringList{QStringLiteral("Deutsch"),
                          QStringLiteral("English"),
                          QStringLiteral("Français")}));
}

QTEST_MAIN(tst_LanguageMenu)
#include "tst_languagemenu.moc"
