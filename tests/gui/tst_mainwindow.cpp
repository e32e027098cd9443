#include <about/aboutdialog.h>
#include <charts/timeserieschart.h>
#include <config/profilestore.h>
#include <dialogs/connectionprofilesdialog.h>
#include <models/activitymodel.h>
#include <models/logmodel.h>
#include <models/songtablemodel.h>
#include <session/connectionsession.h>
#include <util/logging.h>
#include <views/activitypanel.h>
#include <views/conversiondialog.h>
#include <views/dashboardview.h>
#include <views/logdock.h>
#include <views/mainwindow.h>
#include <views/songsview.h>
#include <views/viewpage.h>

#include <melodee/version.h>
#include <testenv.h>

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAction>
#include <QApplication>
#include <QDir>
#include <QDirIterator>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QSet>
#include <QSettings>
#include <QSignalSpy>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <thread>

using namespace melodee;
using namespace melodee::test;

class tst_MainWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void opensWithFourViews();
    void shortcuts_data();
    void shortcuts();
    void startupView_data();
    void startupView();
    void restoresGeometryAndLastView();
    void healthInStatusBar_data();
    void healthInStatusBar();
    void schemaInStatusBar_data();
    void schemaInStatusBar();
    void songsOnMelodeeNext();
    void passwordNeverInSettings();
    void logDockGetsLinesFromWorkers();
    void dashboardAtTheSmallestSize();
    void profilesDialogConnects();
    void profilesDialogOpensOnTheLastConnection_data();
    void profilesDialogOpensOnTheLastConnection();
    void about();
    void navigationHasIcons();
    void splittersRememberedPerView_data();
    void splittersRememberedPerView();
    void sentenceCaseRule_data();
    void sentenceCaseRule();
    void visibleTextsUseSentenceCase();

private:
    QString settingsText() const;
    QTemporaryDir m_dir;
};

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

void tst_MainWindow::initTestCase()
{
    qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    QApplication::setOrganizationName(QStringLiteral("MelodeeTest"));
    QApplication::setApplicationName(QStringLiteral("melodee-admin-test"));
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.path());
    setupLogging(LogLevel::Info);
    MELODEE_REQUIRE_POSTGRES();
}

QString tst_MainWindow::settingsText() const
{
    QString all;
    QDirIterator it(m_dir.path(), QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        if (f.open(QIODevice::ReadOnly))
            all += QString::fromUtf8(f.readAll());
    }
    return all;
}

void tst_MainWindow::opensWithFourViews()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QStringList titles;
    for (int i = 0; i < kViewCount; ++i) {
        ViewPage *page = window.page(ViewId(i));
        QVERIFY(page);
        QCOMPARE(page->viewId(), ViewId(i));
        titles << page->title();
    }
    QCOMPARE(titles,
             (QStringList{QStringLiteral("Dashboard"),
                          QStringLiteral("Migrations"),
                          QStringLiteral("Partitions"),
                          QStringLiteral("Songs")}));
    QCOMPARE(window.currentView(), ViewId::Dashboard);
    QVERIFY(window.page(ViewId::Dashboard)->isActive());
    QVERIFY(!window.page(ViewId::Songs)->isActive());
    QVERIFY2(window.connectionText().contains(QLatin1String("Not connected")),
             qPrintable(window.connectionText()));
    QVERIFY(window.logDock()->isVisible());
}

void tst_MainWindow::shortcuts_data()
{
    QTest::addColumn<int>("key");
    QTest::addColumn<int>("view");
    QTest::newRow("Ctrl+4 songs") << int(Qt::Key_4) << int(ViewId::Songs);
    QTest::newRow("Ctrl+2 migrations") << int(Qt::Key_2) << int(ViewId::Migrations);
    QTest::newRow("Ctrl+3 partitions") << int(Qt::Key_3) << int(ViewId::Partitions);
    QTest::newRow("Ctrl+1 dashboard") << int(Qt::Key_1) << int(ViewId::Dashboard);
}

void tst_MainWindow::shortcuts()
{
    QFETCH(int, key);
    QFETCH(int, view);
    MainWindow window;
    window.show();
    QApplication::setActiveWindow(&window);
    QVERIFY(QTest::qWaitForWindowActive(&window));
    window.showView(view == 0 ? ViewId::Songs : ViewId::Dashboard);
    QSignalSpy activated(window.page(ViewId(view)), &ViewPage::activeChanged);
    QTest::keyClick(&window, Qt::Key(key), Qt::ControlModifier);
    QCOMPARE(int(window.currentView()), view);
    // Only the visible page is active: hidden views pause their polling.
    QCOMPARE(activated.count(), 1);
    for (int i = 0; i < kViewCount; ++i)
        QCOMPARE(window.page(ViewId(i))->isActive(), i == view);
}

void tst_MainWindow::startupView_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("view");
    QTest::newRow("dashboard") << "dashboard" << int(ViewId::Dashboard);
    QTest::newRow("migrations") << "migrations" << int(ViewId::Migrations);
    QTest::newRow("partitions") << "partitions" << int(ViewId::Partitions);
    QTest::newRow("songs") << "songs" << int(ViewId::Songs);
}

void tst_MainWindow::startupView()
{
    QFETCH(QString, name);
    QFETCH(int, view);
    MainWindow window;
    StartupPlan plan = planStartup({QString(), QString(), QString(), name},
                                   QString(),
                                   QProcessEnvironment(),
                                   m_dir.filePath(QStringLiteral("none.ini")));
    window.applyStartup(plan);
    QCOMPARE(int(window.currentView()), view);
    QVERIFY(!window.session()->isConnected());
}

void tst_MainWindow::restoresGeometryAndLastView()
{
    QSize saved;
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        // Larger than the layout's minimum, so the window can really take this size.
        window.resize(window.minimumSizeHint().expandedTo(QSize(1010, 790)));
        saved = window.size();
        window.showView(ViewId::Partitions);
        window.close(); // saves
    }
    MainWindow window;
    window.restoreSettings();
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QCOMPARE(window.currentView(), ViewId::Partitions);
    QCOMPARE(window.size(), saved);
    QCOMPARE(QSettings().value(QStringLiteral("MainWindow/lastView")).toString(),
             QStringLiteral("partitions"));
}

void tst_MainWindow::healthInStatusBar_data()
{
    QTest::addColumn<bool>("reachable");
    QTest::addColumn<QString>("word");
    QTest::newRow("fixture") << true << "● healthy";
    QTest::newRow("closed port") << false << "● unhealthy";
}

void tst_MainWindow::healthInStatusBar()
{
    QFETCH(bool, reachable);
    QFETCH(QString, word);
    AppConfig config;
    config.database = TestEnv::superuser();
    config.database.connectTimeout = std::chrono::seconds(2);
    if (!reachable) {
        QTcpServer s;
        QVERIFY(s.listen(QHostAddress::LocalHost));
        config.database.port = s.serverPort();
    }
    MainWindow window;
    window.show();
    QSignalSpy reports(window.session()->health(), &HealthMonitor::reportChanged);
    window.connectWith(config);
    QVERIFY(window.session()->isConnected());
    QVERIFY(window.session()->pool());
    const QString target
        = QStringLiteral("postgres@127.0.0.1:%1/postgres").arg(config.database.port);
    QVERIFY2(window.connectionText().contains(target), qPrintable(window.connectionText()));
    // The check is off the GUI thread: right after connecting it is still running.
    QVERIFY2(window.healthText().contains(QLatin1String("checking")),
             qPrintable(window.healthText()));
    QTRY_COMPARE_WITH_TIMEOUT(reports.count(), 1, 15000);
    QVERIFY2(window.healthText().startsWith(word), qPrintable(window.healthText()));
    window.session()->disconnectFromServer();
    QVERIFY2(window.healthText().contains(QLatin1String("not connected")),
             qPrintable(window.healthText()));
}

void tst_MainWindow::schemaInStatusBar_data()
{
    QTest::addColumn<QString>("database"); // "next", "empty" or "unreachable"
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("tooltip");
    QTest::newRow("melodee-next") << QStringLiteral("next")
                                  << QStringLiteral("Schema: melodee-next (songs read-only)")
                                  << QStringLiteral("partition maintenance");
    QTest::newRow("unknown") << QStringLiteral("empty") << QStringLiteral("Schema: unknown")
                             << QStringLiteral("no melodee-next tables");
    QTest::newRow("unreachable") << QStringLiteral("unreachable")
                                 << QStringLiteral("Schema: not recognised")
                                 << QString(); // the connection error
}

void tst_MainWindow::schemaInStatusBar()
{
    QFETCH(QString, database);
    QFETCH(QString, text);
    QFETCH(QString, tooltip);
    AppConfig config;
    QTcpServer silent;
    if (database == QLatin1String("next")) {
        config.database = TestEnv::melodeeNextDatabase(QStringLiteral("gui_next"));
    } else if (database == QLatin1String("empty")) {
        config.database = TestEnv::freshDatabase(QStringLiteral("gui_empty"));
    } else {
        QVERIFY(silent.listen(QHostAddress::LocalHost));
        config.database = TestEnv::superuser();
        config.database.port = silent.serverPort();
        config.database.connectTimeout = std::chrono::seconds(1);
        config.database.acquireTimeout = std::chrono::seconds(2);
    }
    MainWindow window;
    window.show();
    auto *label = window.findChild<QLabel *>(QStringLiteral("schemaStatus"));
    QVERIFY(label);
    QVERIFY(label->text().isEmpty());
    QSignalSpy detected(window.session(), &ConnectionSession::schemaChanged);
    window.connectWith(config);
    QTRY_COMPARE_WITH_TIMEOUT(detected.count(), 1, 20000);
    QCOMPARE(label->text(), text);
    QVERIFY(!label->toolTip().isEmpty());
    QVERIFY2(label->toolTip().contains(tooltip), qPrintable(label->toolTip()));
    window.session()->disconnectFromServer();
    QVERIFY(label->text().isEmpty());
}

void tst_MainWindow::songsOnMelodeeNext()
{
    AppConfig config;
    config.database = TestEnv::melodeeNextDatabase(QStringLiteral("gui_songs"));
    config.redis.enabled = false;
    MainWindow window;
    window.resize(1366, 768);
    window.show();
    window.connectWith(config);
    window.showView(ViewId::Songs);
    auto *songs = qobject_cast<SongsView *>(window.page(ViewId::Songs));
    QVERIFY(songs);
    // The Songs view waits for the schema, then reads tracks: the estimate is the fixture's size.
    QTRY_COMPARE_WITH_TIMEOUT(songs->model()->rowCount(), 200000, 20000);
    SongTableModel *model = songs->model();
    QTRY_VERIFY_WITH_TIMEOUT(model->data(model->index(0, 0), SongTableModel::LoadedRole).toBool(),
                             20000);
    QCOMPARE(model->data(model->index(0, SongTableModel::NameColumn)).toString(),
             QStringLiteral("Sunrise 1"));
    // The details panel joins albums and artists and says the cache is not used on tracks.
    QSignalSpy shown(songs, &SongsView::detailsShown);
    songs->table()->setCurrentIndex(model->index(0, 0));
    QVERIFY(shown.wait(20000));
    QTRY_VERIFY_WITH_TIMEOUT(songs->detailsLabel()->text().contains(QLatin1String("Cache:")),
                             20000);
    auto *schema = window.findChild<QLabel *>(QStringLiteral("schemaStatus"));
    QVERIFY(schema);
    QCOMPARE(schema->text(), QStringLiteral("Schema: melodee-next (songs read-only)"));

    // The docs screenshot (docs/existing-databases.md) when MELODEE_SCREENSHOT_DIR is set.
    const QPixmap shot = window.grab();
    QVERIFY(!shot.isNull());
    const QByteArray dir = qgetenv("MELODEE_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        QVERIFY(shot.save(
            QDir(QString::fromLocal8Bit(dir)).filePath(QStringLiteral("melodee-next-songs.png"))));
}

void tst_MainWindow::passwordNeverInSettings()
{
    const QString secret = QStringLiteral("Pw-never-in-settings-7731");
    {
        MainWindow window;
        window.show();
        AppConfig config;
        config.database = TestEnv::superuser();
        config.database.password = secret; // trust auth: accepted and ignored by the server
        window.connectWith(config, QStringLiteral("someprofile"));
        QSignalSpy reports(window.session()->health(), &HealthMonitor::reportChanged);
        QTRY_COMPARE_WITH_TIMEOUT(reports.count(), 1, 15000);
        window.close();
    }
    const QString all = settingsText();
    QVERIFY(all.contains(QLatin1String("someprofile"))); // the settings were written
    QVERIFY(!all.contains(secret));
}

void tst_MainWindow::logDockGetsLinesFromWorkers()
{
    MainWindow window;
    LogModel *model = window.logDock()->model();
    const int before = model->rowCount();
    std::thread worker([] { qCWarning(lcPool) << "from a worker thread"; });
    worker.join();
    QTRY_VERIFY(model->rowCount() > before);
    const LogEntry &e = model->entry(model->rowCount() - 1);
    QCOMPARE(e.category, QStringLiteral("melodee.pool"));
    QCOMPARE(e.type, QtWarningMsg);
    QVERIFY(e.message.contains(QLatin1String("from a worker thread")));
}

void tst_MainWindow::profilesDialogConnects()
{
    MainWindow window;
    window.setProfileSettingsFile(m_dir.filePath(QStringLiteral("profiles.ini")));
    window.show();
    window.openProfilesDialog();
    ConnectionProfilesDialog *dialog = window.profilesDialog();
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    dialog->setForm(QStringLiteral("fixture"), TestEnv::superuser());
    QVERIFY(dialog->saveProfile());
    dialog->connectToServer();
    QVERIFY(window.session()->isConnected());
    QCOMPARE(window.session()->profileName(), QStringLiteral("fixture"));
    QCOMPARE(window.lastProfile(), QStringLiteral("fixture"));
    QVERIFY2(window.connectionText().contains(QLatin1String("profile \"fixture\"")),
             qPrintable(window.connectionText()));
    QTRY_VERIFY2_WITH_TIMEOUT(window.healthText().startsWith(QStringLiteral("● healthy")),
                              qPrintable(window.healthText()),
                              15000);
}

void tst_MainWindow::profilesDialogOpensOnTheLastConnection_data()
{
    QTest::addColumn<bool>("withProfile");
    QTest::addColumn<bool>("disconnect");
    QTest::newRow("profile, connected") << true << false;
    QTest::newRow("profile, after disconnecting") << true << true;
    QTest::newRow("no profile, connected") << false << false;
    QTest::newRow("no profile, after disconnecting") << false << true;
}

// Reconnecting starts from the connection used last: its saved profile selected, or (when it
// came from no profile) its settings in a new form; never its password.
void tst_MainWindow::profilesDialogOpensOnTheLastConnection()
{
    QFETCH(bool, withProfile);
    QFETCH(bool, disconnect);
    const QString ini = m_dir.filePath(QStringLiteral("prefill.ini"));
    QFile::remove(ini);
    DatabaseConfig other; // listed first, so a dialog that ignored the connection shows it
    other.host = QStringLiteral("127.0.0.9");
    ProfileStore(ini).save(QStringLiteral("aaa-other"), other);
    AppConfig config;
    config.database = TestEnv::superuser();
    config.database.password = QStringLiteral("typed-only");
    if (withProfile)
        ProfileStore(ini).save(QStringLiteral("the-fixture"), TestEnv::superuser());
    MainWindow window;
    window.setProfileSettingsFile(ini);
    window.show();
    window.connectWith(config, withProfile ? QStringLiteral("the-fixture") : QString());
    if (disconnect)
        window.session()->disconnectFromServer();
    window.openProfilesDialog();
    ConnectionProfilesDialog *dialog = window.profilesDialog();
    QVERIFY(dialog);
    QCOMPARE(dialog->currentProfile(), withProfile ? QStringLiteral("the-fixture") : QString());
    QCOMPARE(dialog->formName(), withProfile ? QStringLiteral("the-fixture") : QString());
    const std::optional<DatabaseConfig> form = dialog->formConfig();
    QVERIFY(form);
    QCOMPARE(form->host, config.database.host);
    QCOMPARE(form->port, config.database.port);
    QCOMPARE(form->user, config.database.user);
    QCOMPARE(form->dbname, config.database.dbname);
    QVERIFY(form->password.isEmpty());
    // Opened on what was there: nothing to discard, and no error shown for the empty name.
    QVERIFY(!dialog->hasUnsavedChanges());
    QVERIFY(dialog->findChild<QLabel *>(QStringLiteral("validationLabel"))->isHidden());
}

// Each navigation entry has its own icon.
void tst_MainWindow::navigationHasIcons()
{
    MainWindow window;
    auto *navigation = window.findChild<QListWidget *>(QStringLiteral("navigation"));
    QVERIFY(navigation);
    QCOMPARE(navigation->count(), kViewCount);
    QSet<qint64> keys;
    for (int i = 0; i < navigation->count(); ++i) {
        const QIcon icon = navigation->item(i)->icon();
        QVERIFY2(!icon.isNull() && !icon.pixmap(16, 16).isNull(),
                 qPrintable(viewIdName(ViewId(i))));
        keys.insert(icon.cacheKey());
    }
    QCOMPARE(keys.size(), kViewCount);
}

void tst_MainWindow::splittersRememberedPerView_data()
{
    QTest::addColumn<int>("view");
    for (int i = 0; i < kViewCount; ++i)
        QTest::addRow("%s", qPrintable(viewIdName(ViewId(i)))) << i;
}

// Where the user put a view's splitters is where they are at the next start, for that view only.
void tst_MainWindow::splittersRememberedPerView()
{
    QFETCH(int, view);
    QSettings().clear();
    QList<QList<int>> moved;
    QList<QList<int>> othersBefore;
    const auto splittersOf = [](MainWindow &w, ViewId v) {
        return w.page(v)->findChildren<QSplitter *>();
    };
    {
        MainWindow window;
        window.resize(1366, 768);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.showView(ViewId(view));
        const QList<QSplitter *> splitters = splittersOf(window, ViewId(view));
        QVERIFY(!splitters.isEmpty());
        for (QSplitter *s : splitters) {
            QList<int> sizes = s->sizes();
            QVERIFY(sizes.size() >= 2);
            // Drag the first handle by a distinctive amount (as a user would).
            const int delta = std::min(37, sizes.at(1) / 3);
            QVERIFY(delta > 0);
            sizes[0] += delta;
            sizes[1] -= delta;
            s->setSizes(sizes);
            moved << s->sizes();
        }
        window.close(); // saves
    }
    {
        MainWindow window;
        window.resize(1366, 768);
        window.restoreSettings();
        window.resize(1366, 768);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.showView(ViewId(view));
        const QList<QSplitter *> splitters = splittersOf(window, ViewId(view));
        QCOMPARE(splitters.size(), moved.size());
        for (int i = 0; i < splitters.size(); ++i)
            QCOMPARE(splitters.at(i)->sizes(), moved.at(i));
    }
    // Under the view's own key: another view's splitters never take these sizes.
    QSettings settings;
    QVERIFY(settings.contains(QStringLiteral("Views/%1/splitter0").arg(viewIdName(ViewId(view)))));
}

void tst_MainWindow::about()
{
    MainWindow window;
    QString text;
    bool found = false;
    // Help > About is modal: read it while it is open, then close it so showAbout() returns.
    QTimer::singleShot(200, this, [&] {
        auto *dialog = qobject_cast<AboutDialog *>(QApplication::activeModalWidget());
        if (!dialog) {
            if (auto *modal = qobject_cast<QDialog *>(QApplication::activeModalWidget()))
                modal->reject();
            return;
        }
        found = true;
        for (const QLabel *label : dialog->findChildren<QLabel *>())
            text += label->text() + QLatin1Char('\n');
        dialog->accept();
    });
    window.showAbout();
    QVERIFY(found);
    QVERIFY2(text.contains(QLatin1String(MELODEE_VERSION)), qPrintable(text));
    QVERIFY2(text.contains(QString::fromLatin1(qVersion())), qPrintable(text));
}

// 1024×640, the smallest window supported: the Dashboard's charts keep their axes (they scroll)
// and the server activity gets real rows, not what the log dock leaves over.
void tst_MainWindow::dashboardAtTheSmallestSize()
{
    QSettings().clear(); // no saved dock sizes from another test
    MainWindow window;
    AppConfig config;
    config.database = TestEnv::superuser();
    window.connectWith(config);
    window.resize(1024, 640);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.showView(ViewId::Dashboard);
    auto *dashboard = qobject_cast<DashboardView *>(window.page(ViewId::Dashboard));
    QVERIFY(dashboard);
    QTRY_VERIFY_WITH_TIMEOUT(dashboard->activityPanel()->model()->rowCount() > 0, 30000);
    QVERIFY(window.logDock()->isVisible());
    QVERIFY2(window.logDock()->height() <= 200,
             qPrintable(QString::number(window.logDock()->height())));
    for (TimeSeriesChart *chart : dashboard->charts())
        QVERIFY2(chart->height() >= 190, qPrintable(QString::number(chart->height())));
    QTableView *table = dashboard->activityPanel()->table();
    const int rows = table->viewport()->height() / table->verticalHeader()->defaultSectionSize();
    QVERIFY2(rows >= 5, qPrintable(QString::number(rows)));
    const QPixmap shot = window.grab();
    QVERIFY(!shot.isNull());
    const QByteArray dir = qgetenv("MELODEE_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        QVERIFY(shot.save(
            QDir(QString::fromLocal8Bit(dir)).filePath(QStringLiteral("dashboard-1024x640.png"))));
}

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

QTEST_MAIN(tst_MainWindow)
#include "tst_mainwindow.moc"
