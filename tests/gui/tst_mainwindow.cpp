#include "tst_mainwindow.h"

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

QTEST_MAIN(tst_MainWindow)
