#include "tst_mainwindow.h"

#include <about/aboutdialog.h>
#include <views/conversiondialog.h>

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAction>
#include <QGroupBox>
#include <QLabel>
#include <QTabWidget>

namespace {

// Why a visible text breaks sentence case, or empty when it does not. Names of things (window
// titles, group boxes, buttons, menu items, tabs, column headers, short labels) capitalise only
// their first word, proper nouns and acronyms; a tooltip starts with a capital.
QString sentenceCaseProblem(const QString &text, bool sentence)
{
    QString plain = text;
    plain.replace(QLatin1String("&&"), QLatin1String("\x01")).remove(QLatin1Char('&'));
    plain = plain.section(QLatin1Char('\n'), 0, 0).trimmed();
    if (plain.isEmpty() || Qt::mightBeRichText(plain))
        return {};
    if (sentence) {
        return plain.front().isLower() ? QStringLiteral("starts in lower case") : QString();
    }
    const QStringList words = plain.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    // Longer texts and sentences name buttons and menus inside them ("press Check"): only names
    // are held to the rule.
    static const QRegularExpression sentenceMark(QStringLiteral("[.!?:;]\\s|[.!?]$"));
    if (words.size() > 5 || plain.contains(sentenceMark))
        return {};
    // Proper nouns whose case is all there is to tell them from ordinary words.
    static const QStringList proper{QStringLiteral("Melodee"),
                                    QStringLiteral("Admin"), // only as "Melodee Admin"
                                    QStringLiteral("Qt"),
                                    QStringLiteral("Redis"),
                                    QStringLiteral("Linux"),
                                    QStringLiteral("Windows")};
    static const QRegularExpression edge(QStringLiteral("^[^\\w]+|[^\\w]+$"));
    bool first = true; // the first word with letters ("◀ Prev")
    for (qsizetype i = 0; i < words.size(); ++i) {
        QString w = words[i];
        w.remove(edge);
        if (w.isEmpty() || !w.front().isLetter())
            continue;
        if (std::exchange(first, false))
            continue;
        // Placeholders and versions (V%1), acronyms (SQL, WAL) and names with capitals inside
        // (PostgreSQL, PgBouncer, macOS).
        if (!w.front().isUpper()
            || std::any_of(w.cbegin(), w.cend(), [](QChar c) { return !c.isLetter(); })
            || std::any_of(w.cbegin() + 1, w.cend(), [](QChar c) { return c.isUpper(); }))
            continue;
        if (w == QLatin1String("Admin") && words[i - 1] != QLatin1String("Melodee"))
            return QStringLiteral("\"%1\" is capitalised").arg(w);
        if (!proper.contains(w))
            return QStringLiteral("\"%1\" is capitalised").arg(w);
    }
    return {};
}

// Every visible text of a window and its children that names something, with what it is.
QList<std::pair<QString, QString>> namesIn(QWidget *root, int &walked)
{
    QList<std::pair<QString, QString>> out; // (where, problem)
    const auto check = [&](const QString &where, const QString &text, bool sentence = false) {
        walked += text.isEmpty() ? 0 : 1;
        const QString problem = sentenceCaseProblem(text, sentence);
        if (!problem.isEmpty())
            out << std::pair{QStringLiteral("%1 \"%2\"").arg(where, text), problem};
    };
    QList<QWidget *> widgets = root->findChildren<QWidget *>();
    widgets.prepend(root);
    for (QWidget *w : std::as_const(widgets)) {
        const QString where = QString::fromLatin1(w->metaObject()->className());
        if (w->isWindow())
            check(where + QStringLiteral(" window title"), w->windowTitle());
        check(where + QStringLiteral(" tooltip"), w->toolTip(), true);
        if (auto *label = qobject_cast<QLabel *>(w))
            check(where, label->text());
        if (auto *button = qobject_cast<QAbstractButton *>(w))
            check(where, button->text());
        if (auto *box = qobject_cast<QGroupBox *>(w))
            check(where, box->title());
        if (auto *tabs = qobject_cast<QTabWidget *>(w)) {
            for (int i = 0; i < tabs->count(); ++i)
                check(where + QStringLiteral(" tab"), tabs->tabText(i));
        }
        if (auto *view = qobject_cast<QAbstractItemView *>(w); view && view->model()) {
            const QAbstractItemModel *model = view->model();
            for (int c = 0; c < model->columnCount(); ++c)
                check(where + QStringLiteral(" column"),
                      model->headerData(c, Qt::Horizontal).toString());
        }
        for (QAction *action : w->actions()) {
            check(where + QStringLiteral(" action"), action->text());
            check(where + QStringLiteral(" action tooltip"), action->toolTip(), true);
        }
    }
    return out;
}

} // namespace

void tst_MainWindow::sentenceCaseRule_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("sentence");
    QTest::addColumn<bool>("ok");
    QTest::newRow("sentence case") << "Server activity" << false << true;
    QTest::newRow("title case") << "Server Activity" << false << false;
    QTest::newRow("mnemonic inside a word") << "Connection &Profiles…" << false << false;
    QTest::newRow("mnemonic, sentence case") << "&Check health now" << false << true;
    QTest::newRow("acronym") << "Last WAL (UTC)" << false << true;
    QTest::newRow("product name") << "&About Melodee Admin" << false << true;
    QTest::newRow("Admin alone") << "Database Admin" << false << false;
    QTest::newRow("capitals inside") << "PostgreSQL server" << false << true;
    QTest::newRow("after a proper noun") << "PgBouncer Pools" << false << false;
    QTest::newRow("a sentence naming a button") << "Press Check to start." << false << true;
    QTest::newRow("version placeholder") << "Rehearsal failed at V%1" << false << true;
    QTest::newRow("arrow first") << "◀ Prev" << false << true;
    QTest::newRow("arrow first, title case") << "◀ Prev Page" << false << false;
    QTest::newRow("tooltip") << "Zoom: right zooms in" << true << true;
    QTest::newRow("tooltip in lower case") << "zoom: right zooms in" << true << false;
}

void tst_MainWindow::sentenceCaseRule()
{
    QFETCH(QString, text);
    QFETCH(bool, sentence);
    QFETCH(bool, ok);
    QCOMPARE(sentenceCaseProblem(text, sentence).isEmpty(), ok);
}

// The main window with every view built, its menus, the profiles dialog, the conversion dialog
// and About: every name in them (title, button, menu item, tab, group box, column header, short
// label) is in sentence case, and every tooltip starts with a capital.
void tst_MainWindow::visibleTextsUseSentenceCase()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    for (int i = 0; i < kViewCount; ++i)
        QVERIFY(window.page(ViewId(i)));
    int walked = 0;
    QList<std::pair<QString, QString>> problems = namesIn(&window, walked);
    window.openProfilesDialog();
    QVERIFY(window.profilesDialog());
    problems += namesIn(window.profilesDialog(), walked);
    window.profilesDialog()->reject();
    ConnectionSession session;
    ConversionDialog conversion(&session);
    problems += namesIn(&conversion, walked);
    AboutDialog about;
    problems += namesIn(&about, walked);
    QStringList lines;
    for (const auto &[where, problem] : std::as_const(problems))
        lines << where + QStringLiteral(": ") + problem;
    lines.removeDuplicates();
    // The walk reached the texts: four views, menus, three dialogs.
    QVERIFY2(walked > 300, qPrintable(QString::number(walked)));
    QVERIFY2(lines.isEmpty(), qPrintable(lines.join(QLatin1Char('\n'))));
}
