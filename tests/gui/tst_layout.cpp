#include "songsdemodb.h"
#include "testenv.h"

#include <models/activitymodel.h>
#include <models/migrationlistmodel.h>
#include <models/songtablemodel.h>
#include <session/connectionsession.h>
#include <style/theme.h>
#include <util/logging.h>
#include <views/activitypanel.h>
#include <views/dashboardview.h>
#include <views/mainwindow.h>
#include <views/migrationsview.h>
#include <views/partitionsview.h>
#include <views/songsview.h>

#include <QAbstractScrollArea>
#include <QApplication>
#include <QDir>
#include <QMainWindow>
#include <QProgressBar>
#include <QScreen>
#include <QSettings>
#include <QSignalSpy>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <functional>

using namespace melodee;
using melodee::test::TestEnv;

// The main window with each view, at the smallest supported size, a laptop and a desktop screen,
// on a demo library so the views show real rows. The same binary runs once per scale factor
// (QT_SCALE_FACTOR from the environment; tests/gui/CMakeLists.txt registers both). A row fails
// when a visible widget is cut off by its parent or the window, overlaps a visible sibling, when
// the window changes its own size once the view is shown and its data is in, or when a progress
// bar shows while the view runs nothing.
class tst_Layout : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void scaleIsInEffect();
    void views_data();
    void views();
    void screenshots();

private:
    QTemporaryDir m_dir;
    AppConfig m_config;
};

namespace {

QString describe(const QWidget *w)
{
    QString path;
    for (const QWidget *p = w; p && !p->isWindow(); p = p->parentWidget()) {
        const QString name
            = p->objectName().isEmpty()
                  ? QString::fromLatin1(p->metaObject()->className())
                  : QStringLiteral("%1#%2").arg(QString::fromLatin1(p->metaObject()->className()),
                                                p->objectName());
        path = path.isEmpty() ? name : name + QStringLiteral(" > ") + path;
    }
    return path;
}

QString rectText(const QRect &r)
{
    return QStringLiteral("%1,%2 %3x%4").arg(r.x()).arg(r.y()).arg(r.width()).arg(r.height());
}

// The scrolled content of a scroll area (a QScrollArea's widget, an item view's editors) lives
// in the viewport and is clipped by it on purpose: it may be larger than the window.
bool isScrollViewport(const QWidget *w)
{
    const auto *area = qobject_cast<const QAbstractScrollArea *>(w ? w->parentWidget() : nullptr);
    return area && area->viewport() == w;
}

bool insideScrolledContent(const QWidget *w, const QWidget *window)
{
    for (const QWidget *p = w->parentWidget(); p && p != window; p = p->parentWidget()) {
        if (isScrollViewport(p))
            return true;
    }
    return false;
}

// Children that may cover a sibling on purpose.
bool mayStack(const QWidget *parent, const QWidget *child)
{
    // A tab bar overlaps its page's frame by the style's base overlap: that is how tabs join
    // their page.
    if (qobject_cast<const QTabWidget *>(parent))
        return true;
    // Splitter handles sit between the panes and are widened by the style into their
    // neighbours' margins on some styles: they are the drag area, not content.
    if (qobject_cast<const QSplitterHandle *>(child))
        return true;
    return false;
}

// A widget with no area shows nothing: it cannot overlap, and a collapsed splitter pane or an
// empty layout slot has none on purpose.
bool hasArea(const QWidget *w)
{
    return w->width() > 0 && w->height() > 0;
}

QStringList layoutDefects(QWidget *window)
{
    QStringList defects;
    const QRect windowRect = window->rect();
    const QList<QWidget *> all = window->findChildren<QWidget *>();
    for (QWidget *w : all) {
        if (w->isWindow() || !w->isVisible() || !hasArea(w))
            continue;
        QWidget *parent = w->parentWidget();
        const QRect inWindow(w->mapTo(window, QPoint(0, 0)), w->size());
        const bool scrolled = insideScrolledContent(w, window);
        // Cut off by the window: only content that does not scroll must fit.
        if (!scrolled && !windowRect.contains(inWindow)) {
            defects << QStringLiteral("clipped by the window: %1 at %2 (window %3)")
                           .arg(describe(w), rectText(inWindow), rectText(windowRect));
        }
        // Cut off by its parent: a layout that got less room than its minimum puts children
        // past the parent's edge. A viewport's child is the scrolled content itself.
        if (parent != window && !isScrollViewport(parent)
            && !parent->rect().contains(w->geometry())) {
            defects << QStringLiteral("clipped by its parent: %1 at %2 in %3")
                           .arg(describe(w), rectText(w->geometry()), rectText(parent->rect()));
        }
        // Overlaps: each pair of visible siblings once.
        if (isScrollViewport(parent) || mayStack(parent, w))
            continue;
        for (QObject *o : parent->children()) {
            auto *sibling = qobject_cast<QWidget *>(o);
            if (!sibling || sibling == w || sibling->isWindow() || !sibling->isVisible()
                || !hasArea(sibling) || mayStack(parent, sibling)
                || std::less<const QWidget *>()(sibling, w))
                continue;
            const QRect overlap = w->geometry() & sibling->geometry();
            if (!overlap.isEmpty()) {
                defects << QStringLiteral("overlap: %1 at %2 and %3 at %4")
                               .arg(describe(w),
                                    rectText(w->geometry()),
                                    describe(sibling),
                                    rectText(sibling->geometry()));
            }
        }
    }
    return defects;
}

// True once the view shows its data (rows from the server) and runs nothing.
bool populated(ViewPage *page)
{
    if (page->isBusy())
        return false;
    if (auto *dashboard = qobject_cast<DashboardView *>(page))
        return dashboard->activityPanel()->model()->rowCount() > 0
               && !dashboard->isLoadTestRunning();
    if (auto *migrations = qobject_cast<MigrationsView *>(page))
        return migrations->model()->rowCount() > 0 && migrations->plan().has_value();
    if (auto *partitions = qobject_cast<PartitionsView *>(page))
        return !partitions->tables().isEmpty();
    if (auto *songs = qobject_cast<SongsView *>(page)) {
        SongTableModel *model = songs->model();
        return model->rowCount() > 0
               && model->data(model->index(0, 0), SongTableModel::LoadedRole).toBool();
    }
    return false;
}

} // namespace

void tst_Layout::initTestCase()
{
    qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    QApplication::setOrganizationName(QStringLiteral("MelodeeTest"));
    QApplication::setApplicationName(QStringLiteral("melodee-admin-layout-test"));
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.path());
    setupLogging(LogLevel::Info);
    Theme::apply(qApp); // the scroll bars and focus colours the app runs with
    MELODEE_REQUIRE_POSTGRES();
    m_config.database = test::createDemoDatabase(QStringLiteral("layout"), 3000);
}

// The scale factor the environment asks for is the one the window is drawn at, so the scale-2
// run really is one.
void tst_Layout::scaleIsInEffect()
{
    const qreal wanted = qEnvironmentVariableIsSet("QT_SCALE_FACTOR")
                             ? qEnvironmentVariable("QT_SCALE_FACTOR").toDouble()
                             : 1.0;
    QWidget probe;
    probe.show();
    QVERIFY(QTest::qWaitForWindowExposed(&probe));
    QCOMPARE(probe.devicePixelRatio(), wanted);
}

void tst_Layout::views_data()
{
    QTest::addColumn<int>("view");
    QTest::addColumn<QSize>("size");
    const QList<QSize> sizes{{1024, 640}, {1366, 768}, {1920, 1080}};
    for (int v = 0; v < kViewCount; ++v) {
        for (const QSize &s : sizes) {
            QTest::addRow("%s %dx%d", qPrintable(viewIdName(ViewId(v))), s.width(), s.height())
                << v << s;
        }
    }
}

void tst_Layout::views()
{
    QFETCH(int, view);
    QFETCH(QSize, size);
    QSettings().clear(); // no dock or splitter sizes from another row
    MainWindow window;
    window.connectWith(m_config);
    window.resize(size);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    // The window's minimum fits the smallest supported size: it takes the size asked for.
    QCOMPARE(window.size(), size);
    window.showView(ViewId(view));
    ViewPage *page = window.page(ViewId(view));
    QVERIFY(page);
    QTRY_VERIFY_WITH_TIMEOUT(populated(page), 60000);
    // Let the layouts settle after the data came in (queued relayouts, column resizes).
    QCoreApplication::sendPostedEvents();
    QCoreApplication::processEvents();
    QCOMPARE(window.size(), size);

    // A panel that rearranges itself on resize (the vitals charts: four, two or one a row) asks
    // its parents for a relayout in turn, a posted event at each level: give that chain a moment.
    // A defect that lasts fails once the wait is over.
    QStringList defects;
    QTRY_VERIFY2_WITH_TIMEOUT((defects = layoutDefects(&window)).isEmpty(),
                              qPrintable(defects.join(QLatin1Char('\n'))),
                              2000);

    // Nothing runs: no progress bar may look busy.
    QVERIFY(!page->isBusy());
    for (const QProgressBar *bar : window.findChildren<QProgressBar *>())
        QVERIFY2(!bar->isVisible(), qPrintable(describe(bar)));
}

// docs/screenshots: the main window on the Songs view at 1366x768 in a dark palette (scale 1), or
// at QT_SCALE_FACTOR=2. Written only when MELODEE_SCREENSHOT_DIR is set: it produces files, it
// checks nothing the rows above do not.
void tst_Layout::screenshots()
{
    const QString dir = qEnvironmentVariable("MELODEE_SCREENSHOT_DIR");
    if (dir.isEmpty())
        QSKIP("set MELODEE_SCREENSHOT_DIR to write the screenshots");
    QSettings().clear();
    const bool scaled = qApp->devicePixelRatio() > 1;
    const QPalette before = QApplication::palette();
    if (!scaled) {
        // A dark desktop palette, as a dark platform theme would hand it to the app.
        QPalette dark;
        dark.setColor(QPalette::Window, QColor(0x2d, 0x2d, 0x30));
        dark.setColor(QPalette::WindowText, QColor(0xe6, 0xe6, 0xe6));
        dark.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
        dark.setColor(QPalette::AlternateBase, QColor(0x26, 0x26, 0x28));
        dark.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
        dark.setColor(QPalette::Button, QColor(0x3a, 0x3a, 0x3d));
        dark.setColor(QPalette::ButtonText, QColor(0xe6, 0xe6, 0xe6));
        dark.setColor(QPalette::ToolTipBase, QColor(0x3a, 0x3a, 0x3d));
        dark.setColor(QPalette::ToolTipText, QColor(0xe6, 0xe6, 0xe6));
        dark.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9a, 0x9a));
        dark.setColor(QPalette::Highlight, QColor(0x2a, 0x82, 0xda));
        dark.setColor(QPalette::HighlightedText, Qt::white);
        dark.setColor(QPalette::Link, QColor(0x6c, 0xb4, 0xff));
        for (const auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
            dark.setColor(QPalette::Disabled, role, QColor(0x80, 0x80, 0x80));
        QApplication::setPalette(dark); // Theme::apply follows the change
    }
    const QList<std::pair<ViewId, QString>> shots
        = scaled ? QList<std::pair<ViewId, QString>>{{ViewId::Songs,
                                                      QStringLiteral("main-window-scale2.png")}}
                 : QList<std::pair<ViewId, QString>>{
                     {ViewId::Songs, QStringLiteral("main-window-dark.png")},
                     {ViewId::Dashboard, QStringLiteral("dashboard-dark.png")}};
    for (const auto &[view, file] : shots) {
        MainWindow window;
        window.connectWith(m_config);
        window.resize(1366, 768);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.showView(view);
        QTRY_VERIFY_WITH_TIMEOUT(populated(window.page(view)), 60000);
        if (auto *songs = qobject_cast<SongsView *>(window.page(view))) {
            songs->table()->setCurrentIndex(songs->model()->index(2, 0));
            QSignalSpy shown(songs, &SongsView::detailsShown);
            QVERIFY(shown.wait(30000));
        } else if (auto *dashboard = qobject_cast<DashboardView *>(window.page(view))) {
            QSignalSpy sampled(dashboard, &DashboardView::sampled);
            QTRY_VERIFY_WITH_TIMEOUT(sampled.count() >= 3, 30000);
        }
        QVERIFY(window.grab().save(QDir(dir).filePath(file)));
    }
    QApplication::setPalette(before);
}

QTEST_MAIN(tst_Layout)
#include "tst_layout.moc"
