// Starts the main window (and the About dialog) in German and checks what the user sees: known
// labels are German, and no visible text is an English source string that has a translation.
#include "tsfile.h"

#include <about/aboutdialog.h>
#include <i18n/translator.h>
#include <session/connectionsession.h>
#include <views/mainwindow.h>
#include <views/migrationsview.h>

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QGroupBox>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTest>

using namespace melodee;

namespace {

// Everything a user can read in a widget tree: titles, labels, buttons, list items, tabs,
// menus and actions (with '&' mnemonics removed).
QStringList visibleTexts(QWidget *root)
{
    QStringList texts{root->windowTitle()};
    auto add = [&texts](QString text) {
        text.remove(QRegularExpression(QStringLiteral("&(?!&)")));
        if (!text.trimmed().isEmpty())
            texts << text;
    };
    for (QLabel *w : root->findChildren<QLabel *>())
        add(w->text());
    for (QAbstractButton *w : root->findChildren<QAbstractButton *>())
        add(w->text());
    for (QGroupBox *w : root->findChildren<QGroupBox *>())
        add(w->title());
    for (QDockWidget *w : root->findChildren<QDockWidget *>())
        add(w->windowTitle());
    for (QListWidget *w : root->findChildren<QListWidget *>())
        for (int i = 0; i < w->count(); ++i)
            add(w->item(i)->text());
    for (QTabWidget *w : root->findChildren<QTabWidget *>())
        for (int i = 0; i < w->count(); ++i)
            add(w->tabText(i));
    for (QAction *a : root->findChildren<QAction *>())
        add(a->text());
    return texts;
}

} // namespace

class tst_GermanUi : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void mainWindowLabels_data();
    void mainWindowLabels();
    void noEnglishLeft_data();
    void noEnglishLeft();
    void migrationsTextsOutsideTheClass();

private:
    QHash<QString, QString> m_german; // English source -> German, from the .ts file
};

void tst_GermanUi::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("MelodeeTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_germanui"));
    QVERIFY2(Translator::install(qApp, QLocale(QLocale::German, QLocale::Germany)),
             "the German catalogue is not embedded");
    TsFile ts;
    QString error;
    QVERIFY2(
        ts.load(QStringLiteral(MELODEE_SOURCE_DIR "/translations/melodee-admin_de.ts"), &error),
        qPrintable(error));
    for (const TsMessage &m : std::as_const(ts.messages)) {
        if (!m.numerus && !m.translation.isEmpty() && m.translation != m.source) {
            QString source = m.source;
            m_german.insert(source.remove(QRegularExpression(QStringLiteral("&(?!&)"))),
                            m.translation);
        }
    }
    QVERIFY(!m_german.isEmpty());
}

void tst_GermanUi::mainWindowLabels_data()
{
    QTest::addColumn<QString>("german");
    // Navigation entries and menus a German user sees first.
    QTest::newRow("navigation: migrations") << QStringLiteral("Migrationen");
    QTest::newRow("navigation: partitions") << QStringLiteral("Partitionen");
    QTest::newRow("navigation: songs") << QStringLiteral("Titel");
    QTest::newRow("menu: file") << QStringLiteral("Datei");
    QTest::newRow("menu: help") << QStringLiteral("Hilfe");
    QTest::newRow("action: quit") << QStringLiteral("Beenden");
}

void tst_GermanUi::mainWindowLabels()
{
    QFETCH(QString, german);
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const QStringList texts = visibleTexts(&window);
    QVERIFY2(texts.contains(german),
             qPrintable(QStringLiteral("\"%1\" not found among: %2")
                            .arg(german, texts.join(QStringLiteral(" | ")))));
}

void tst_GermanUi::noEnglishLeft_data()
{
    QTest::addColumn<QString>("which");
    QTest::newRow("main window") << QStringLiteral("main");
    QTest::newRow("about dialog") << QStringLiteral("about");
}

void tst_GermanUi::noEnglishLeft()
{
    QFETCH(QString, which);
    std::unique_ptr<QWidget> widget;
    if (which == QLatin1String("main"))
        widget = std::make_unique<MainWindow>();
    else
        widget = std::make_unique<AboutDialog>();
    widget->show();
    QVERIFY(QTest::qWaitForWindowExposed(widget.get()));
    QStringList english;
    int german = 0;
    for (const QString &text : visibleTexts(widget.get())) {
        if (m_german.contains(text))
            english << QStringLiteral("\"%1\" (should be \"%2\")").arg(text, m_german.value(text));
        else if (std::find(m_german.cbegin(), m_german.cend(), text) != m_german.cend())
            ++german;
    }
    QVERIFY2(english.isEmpty(), qPrintable(english.join(QLatin1Char('\n'))));
    QVERIFY2(german >= 3, qPrintable(QStringLiteral("only %1 German texts found").arg(german)));
}

void tst_GermanUi::migrationsTextsOutsideTheClass()
{
    // The Migrations view's summary and hints are built in free functions that carry the view's
    // translation context: German too, not the English source.
    ConnectionSession offline;
    MigrationsView view(&offline);
    view.resize(1024, 640);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QCOMPARE(view.rehearseHint()->text(),
             QStringLiteral("Für eine Generalprobe mit einer Datenbank verbinden"));
}

QTEST_MAIN(tst_GermanUi)
#include "tst_germanui.moc"
