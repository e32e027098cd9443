#include "mainwindow.h"

#include "dashboardview.h"
#include "logdock.h"
#include "migrationsview.h"
#include "partitionsview.h"
#include "songsview.h"

#include <about/aboutdialog.h>
#include <dialogs/connectionprofilesdialog.h>
#include <i18n/numberformat.h>
#include <i18n/translator.h>
#include <melodee/version.h>
#include <session/connectionsession.h>
#include <style/theme.h>
#include <util/logging.h>

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>

#include <libpq-fe.h>

#include <array>

namespace melodee {

namespace {

// QSettings takes its keys as QAnyStringView: no QString needed.
constexpr QLatin1StringView kGeometryKey("MainWindow/geometry");
constexpr QLatin1StringView kStateKey("MainWindow/state");
constexpr QLatin1StringView kLastViewKey("MainWindow/lastView");
constexpr QLatin1StringView kLastProfileKey("Connection/lastProfile");

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_session(new ConnectionSession(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Melodee Admin"));

    auto *splitter = new QSplitter(this);
    m_navigation = new QListWidget(splitter);
    m_navigation->setObjectName(QStringLiteral("navigation"));
    m_navigation->setFrameShape(QFrame::NoFrame);
    m_pages = new QStackedWidget(splitter);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    setCentralWidget(splitter);

    // Each view is built when it is first shown (or asked for through page()): the start-up cost
    // is then the one view the user sees, not all four (the Dashboard's charts alone took 36-54
    // ms).
    for (int i = 0; i < kViewCount; ++i) {
        m_navigation->addItem(new QListWidgetItem(viewIcon(ViewId(i)), viewTitle(ViewId(i))));
        m_pages->addWidget(new QWidget(m_pages));
        m_viewPages.append(nullptr);
    }
    m_navigation->setMaximumWidth(m_navigation->sizeHintForColumn(0) + 48);
    splitter->setSizes({m_navigation->maximumWidth(), 1000});
    connect(m_navigation, &QListWidget::currentRowChanged, this, &MainWindow::onCurrentPageChanged);

    m_logDock = new LogDock(this);
    addDockWidget(Qt::BottomDockWidgetArea, m_logDock);
    // A few lines of log; the height belongs to the view (the user can drag it bigger).
    resizeDocks({m_logDock}, {130}, Qt::Vertical);
    m_logDock->captureApplicationLog();

    m_connectionLabel = new QLabel(this);
    m_connectionLabel->setObjectName(QStringLiteral("connectionStatus"));
    m_connectionLabel->setTextFormat(Qt::PlainText);
    m_healthLabel = new QLabel(this);
    m_healthLabel->setObjectName(QStringLiteral("healthStatus"));
    m_healthLabel->setTextFormat(Qt::PlainText);
    m_schemaLabel = new QLabel(this);
    m_schemaLabel->setObjectName(QStringLiteral("schemaStatus"));
    m_schemaLabel->setTextFormat(Qt::PlainText);
    statusBar()->addWidget(m_connectionLabel, 1);
    statusBar()->addPermanentWidget(m_schemaLabel);
    statusBar()->addPermanentWidget(m_healthLabel);
    connect(m_session, &ConnectionSession::schemaChanged, this, &MainWindow::updateSchemaStatus);

    connect(m_session,
            &ConnectionSession::connectionChanged,
            this,
            &MainWindow::updateConnectionStatus);
    connect(
        m_session->health(), &HealthMonitor::checkStarted, this, &MainWindow::onHealthCheckStarted);
    connect(m_session->health(), &HealthMonitor::reportChanged, this, &MainWindow::onHealthReport);
    connect(m_session->health(), &HealthMonitor::targetCleared, this, [this] {
        onHealthReport(HealthReport{});
    });

    createActions();
    m_navigation->setCurrentRow(0);
    updateConnectionStatus();
    resize(1200, 800);
}

MainWindow::~MainWindow() = default;

void MainWindow::createActions()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *profiles = file->addAction(tr("Connection &profiles…"));
    profiles->setObjectName(QStringLiteral("profilesAction"));
    profiles->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    connect(profiles, &QAction::triggered, this, &MainWindow::openProfilesDialog);
    QAction *refresh = file->addAction(tr("&Check health now"));
    refresh->setObjectName(QStringLiteral("checkHealthAction"));
    refresh->setShortcut(QKeySequence::Refresh);
    connect(refresh, &QAction::triggered, m_session->health(), &HealthMonitor::checkNow);
    QAction *disconnectAction = file->addAction(tr("&Disconnect"));
    connect(
        disconnectAction, &QAction::triggered, m_session, &ConnectionSession::disconnectFromServer);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    for (int i = 0; i < kViewCount; ++i) {
        QAction *action = view->addAction(viewTitle(ViewId(i)));
        action->setObjectName(viewIdName(ViewId(i)) + QStringLiteral("Action"));
        action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
        connect(action, &QAction::triggered, this, [this, i] { showView(ViewId(i)); });
    }
    view->addSeparator();
    QAction *logAction = m_logDock->toggleViewAction();
    logAction->setText(tr("&Log"));
    logAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    view->addAction(logAction);
    view->addSeparator();
    createLanguageMenu(view);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *about = help->addAction(tr("&About Melodee Admin"));
    about->setObjectName(QStringLiteral("aboutAction"));
    about->setMenuRole(QAction::AboutRole);
    connect(about, &QAction::triggered, this, &MainWindow::showAbout);
    QAction *aboutQt = help->addAction(tr("About &Qt"));
    aboutQt->setMenuRole(QAction::AboutQtRole);
    connect(aboutQt, &QAction::triggered, qApp, &QApplication::aboutQt);
}

QString MainWindow::languageDisplayName(const QString &language)
{
    // Each language in its own name, untranslated, so a user lost in a foreign UI finds theirs.
    if (language == QLatin1String("en"))
        return QStringLiteral("English");
    if (language == QLatin1String("de"))
        return QStringLiteral("Deutsch");
    if (language == QLatin1String("fr"))
        return QStringLiteral("Français");
    const QString native = QLocale(language).nativeLanguageName();
    if (native.isEmpty())
        return language;
    return native.left(1).toUpper() + native.mid(1);
}

void MainWindow::createLanguageMenu(QMenu *parent)
{
    // The views set their texts once, when built, and none handles QEvent::LanguageChange; so the
    // choice is stored and applies at the next start (see docs/translations.md).
    QMenu *menu = parent->addMenu(tr("L&anguage"));
    menu->setObjectName(QStringLiteral("languageMenu"));
    m_languageGroup = new QActionGroup(this);
    m_languageGroup->setExclusionPolicy(QActionGroup::ExclusionPolicy::Exclusive);
    const auto add = [this, menu](const QString &text, const QString &code) {
        QAction *action = menu->addAction(text);
        action->setObjectName(QStringLiteral("language_")
                              + (code.isEmpty() ? QStringLiteral("system") : code));
        action->setCheckable(true);
        action->setData(code);
        m_languageGroup->addAction(action);
    };
    add(tr("System default"), QString());
    menu->addSeparator();
    for (const QString &code : Translator::availableLanguages())
        add(languageDisplayName(code), code);
    updateLanguageMenu();
    connect(m_languageGroup, &QActionGroup::triggered, this, &MainWindow::chooseLanguage);
}

QString MainWindow::languageMenuChoice(const QString &language)
{
    // The stored override may be regional ("fr_CA") or have no catalogue ("ja"): map it to the
    // menu entry that is actually in effect, the language's catalogue or the system default.
    const QString trimmed = language.trimmed();
    if (trimmed.isEmpty() || trimmed == QLatin1String("system"))
        return QString();
    const QLocale locale(trimmed);
    if (locale.language() == QLocale::C)
        return QString();
    for (const QString &code : Translator::availableLanguages()) {
        if (QLocale(code).language() == locale.language())
            return code;
    }
    return QStringLiteral("en"); // a language without a catalogue shows the English source
}

void MainWindow::updateLanguageMenu()
{
    const QString choice = languageMenuChoice(Translator::languageOverride());
    for (QAction *action : m_languageGroup->actions())
        action->setChecked(action->data().toString() == choice);
}

void MainWindow::chooseLanguage(QAction *action)
{
    const QString code = action->data().toString();
    if (code == languageMenuChoice(Translator::languageOverride()))
        return;
    Translator::setLanguageOverride(code);
    qCInfo(lcUi).noquote() << "UI language set to" << (code.isEmpty() ? "system" : code);
    auto *box = new QMessageBox(QMessageBox::Information,
                                tr("Language"),
                                tr("The language changes to %1 the next time you start Melodee "
                                   "Admin.")
                                    .arg(action->text()),
                                QMessageBox::Ok,
                                this);
    box->setObjectName(QStringLiteral("languageRestartNotice"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open(); // not exec(): nothing waits on the user
}

namespace {

// Per ViewId, in its order: the title the navigation shows before the view exists, and how to
// build the view.
struct ViewKind
{
    QString (*title)();
    ViewPage *(*build)(ConnectionSession *session, QWidget *parent);
};

template<typename View>
constexpr ViewKind viewKind()
{
    return {&View::viewTitle, [](ConnectionSession *session, QWidget *parent) -> ViewPage * {
                return new View(session, parent);
            }};
}

constexpr std::array kViewKinds{viewKind<DashboardView>(),
                                viewKind<MigrationsView>(),
                                viewKind<PartitionsView>(),
                                viewKind<SongsView>()};
static_assert(kViewKinds.size() == kViewCount);

} // namespace

QIcon MainWindow::viewIcon(ViewId view)
{
    // The style's own icons: they match the platform theme and need no artwork or licence.
    QStyle::StandardPixmap pixmap = QStyle::SP_ComputerIcon;
    switch (view) {
    case ViewId::Dashboard:
        pixmap = QStyle::SP_ComputerIcon;
        break;
    case ViewId::Migrations:
        pixmap = QStyle::SP_FileDialogDetailedView;
        break;
    case ViewId::Partitions:
        pixmap = QStyle::SP_DirIcon;
        break;
    case ViewId::Songs:
        pixmap = QStyle::SP_MediaVolume;
        break;
    }
    return QApplication::style()->standardIcon(pixmap);
}

QString MainWindow::viewTitle(ViewId view)
{
    const int index = int(view);
    return index >= 0 && index < kViewCount ? kViewKinds[index].title() : QString();
}

ViewPage *MainWindow::page(ViewId view)
{
    const int index = int(view);
    if (index < 0 || index >= kViewCount)
        return nullptr;
    if (!m_viewPages[index]) {
        ViewPage *built = kViewKinds[index].build(m_session, m_pages);
        built->restoreSplitters();
        m_viewPages[index] = built;
        // Swap the placeholder for the view without changing which page is current.
        const int current = m_pages->currentIndex();
        QWidget *placeholder = m_pages->widget(index);
        m_pages->insertWidget(index, built);
        m_pages->removeWidget(placeholder);
        delete placeholder;
        m_pages->setCurrentIndex(current);
        updateActivePages();
    }
    return m_viewPages[index];
}

void MainWindow::showView(ViewId view)
{
    m_navigation->setCurrentRow(int(view));
}

ViewId MainWindow::currentView() const
{
    return ViewId(std::max(0, m_pages->currentIndex()));
}

void MainWindow::onCurrentPageChanged(int index)
{
    if (index < 0)
        return;
    m_pages->setCurrentIndex(index);
    // Before the window is shown the start-up may still switch to another view: build none yet.
    if (isVisible())
        page(ViewId(index));
    updateActivePages();
}

void MainWindow::updateActivePages()
{
    // Only the visible page of a visible, non-minimised window is active.
    const bool shown = isVisible() && !isMinimized();
    for (ViewPage *p : std::as_const(m_viewPages)) {
        if (p)
            p->setActive(shown && p == m_pages->currentWidget());
    }
}

void MainWindow::showEvent(QShowEvent *event)
{
    QMainWindow::showEvent(event);
    page(currentView());
    updateActivePages();
}

void MainWindow::hideEvent(QHideEvent *event)
{
    QMainWindow::hideEvent(event);
    updateActivePages();
}

void MainWindow::changeEvent(QEvent *event)
{
    QMainWindow::changeEvent(event);
    if (event->type() == QEvent::WindowStateChange)
        updateActivePages();
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    restoreGeometry(settings.value(kGeometryKey).toByteArray());
    restoreState(settings.value(kStateKey).toByteArray());
    if (const auto view = viewIdFromName(settings.value(kLastViewKey).toString()))
        showView(*view);
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.setValue(kGeometryKey, saveGeometry());
    settings.setValue(kStateKey, saveState());
    settings.setValue(kLastViewKey, viewIdName(currentView()));
    for (const ViewPage *p : m_viewPages) {
        if (p)
            p->saveSplitters();
    }
}

QString MainWindow::lastProfile() const
{
    return QSettings().value(kLastProfileKey).toString();
}

void MainWindow::setLastProfile(const QString &profile)
{
    QSettings().setValue(kLastProfileKey, profile);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveSettings();
    QMainWindow::closeEvent(event);
}

void MainWindow::showAbout()
{
    // Version, build facts and the licences of what ships (ui/about).
    AboutDialog dialog(this);
    dialog.exec();
}

QString MainWindow::connectionText() const
{
    return m_connectionLabel->text();
}

QString MainWindow::healthText() const
{
    return m_healthLabel->text();
}

void MainWindow::updateConnectionStatus()
{
    if (!m_session->isConnected()) {
        m_connectionLabel->setText(tr("Not connected: open File → Connection profiles… (%1)")
                                       .arg(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O)
                                                .toString(QKeySequence::NativeText)));
        setWindowTitle(tr("Melodee Admin"));
    } else {
        const QString profile = m_session->profileName();
        const QString target = m_session->displayName();
        m_connectionLabel->setText(profile.isEmpty()
                                       ? tr("Database: %1").arg(target)
                                       : tr("Database: %1 (profile \"%2\")").arg(target, profile));
        setWindowTitle(tr("%1 — Melodee Admin").arg(profile.isEmpty() ? target : profile));
    }
    onHealthReport(m_session->health()->lastReport());
    updateSchemaStatus();
}

void MainWindow::updateSchemaStatus()
{
    if (!m_session->isConnected()) {
        m_schemaLabel->clear();
        m_schemaLabel->setToolTip(QString());
        return;
    }
    if (!m_session->schemaDetected()) {
        m_schemaLabel->setText(tr("Schema: …"));
        m_schemaLabel->setToolTip(QString());
        return;
    }
    const SchemaReport &schema = m_session->schema();
    if (!m_session->schemaError().isEmpty()) {
        m_schemaLabel->setText(tr("Schema: not recognised"));
        m_schemaLabel->setToolTip(m_session->schemaError());
        return;
    }
    switch (schema.kind) {
    case SchemaKind::Melodee:
        m_schemaLabel->setText(tr("Schema: Melodee v%1").arg(schema.version.value_or(0)));
        break;
    case SchemaKind::MelodeeNext:
        m_schemaLabel->setText(tr("Schema: melodee-next (songs read-only)"));
        break;
    case SchemaKind::Unknown:
        m_schemaLabel->setText(tr("Schema: unknown"));
        break;
    }
    QString tip = schema.evidence;
    const QStringList missing = schema.notAvailable();
    if (!missing.isEmpty())
        tip += QLatin1Char('\n') + tr("Not available here:") + QStringLiteral("\n• ")
               + missing.join(QStringLiteral("\n• "));
    m_schemaLabel->setToolTip(tip);
}

void MainWindow::onHealthCheckStarted()
{
    if (!m_session->health()->hasReport())
        showHealth(Theme::Status::Neutral, tr("checking…"), QString(), QString());
}

void MainWindow::showHealth(Theme::Status status,
                            const QString &word,
                            const QString &message,
                            const QString &tooltip)
{
    // The full message can be long (a DbError); the label keeps one line, the tooltip has it all.
    const QString line = message.section(QLatin1Char('\n'), 0, 0);
    const QString shortLine = line.size() > 90 ? line.left(87) + QStringLiteral("…") : line;
    m_healthLabel->setText(shortLine.isEmpty() ? QStringLiteral("● %1").arg(word)
                                               : QStringLiteral("● %1 — %2").arg(word, shortLine));
    QPalette pal = m_healthLabel->palette();
    pal.setColor(QPalette::WindowText, Theme::statusColor(status, palette()));
    m_healthLabel->setPalette(pal);
    m_healthLabel->setToolTip(tooltip);
}

void MainWindow::onHealthReport(const HealthReport &report)
{
    if (!m_session->isConnected()) {
        showHealth(Theme::Status::Neutral, tr("not connected"), QString(), QString());
        return;
    }
    if (!m_session->health()->hasReport()) {
        showHealth(Theme::Status::Neutral, tr("checking…"), QString(), QString());
        return;
    }
    Theme::Status status = Theme::Status::Bad;
    QString word = tr("unhealthy");
    QString message = report.message;
    if (report.status == HealthStatus::Healthy) {
        status = Theme::Status::Good;
        word = tr("healthy");
    } else if (report.status == HealthStatus::Degraded) {
        status = Theme::Status::Warn;
        word = tr("degraded");
    }
    QStringList tip{report.message};
    tip << report.degradations;
    if (report.status != HealthStatus::Unhealthy) {
        message = tr("SELECT 1 in %1 ms").arg(formatDecimal(report.latencyMs, 2));
        if (!report.degradations.isEmpty())
            message = report.degradations.first();
        tip << tr("PostgreSQL %1, database \"%2\"; TLS: %3")
                   .arg(report.serverVersion,
                        report.database,
                        report.tls ? report.tlsDescription : tr("not in use"));
        tip << tr("Pool: %1 open, %2 in use, %3 idle (max %4)")
                   .arg(formatCount(report.pool.openConnections),
                        formatCount(report.pool.inUse),
                        formatCount(report.pool.idle),
                        formatCount(report.pool.maxOpenConnections));
    } else {
        qCWarning(lcUi).noquote() << "health check failed:" << report.message;
    }
    tip << tr("Checked at %1")
               .arg(m_session->health()->lastCheckedAt().toString(QStringLiteral("HH:mm:ss")));
    tip.removeAll(QString());
    showHealth(status, word, message, tip.join(QLatin1Char('\n')));
}

} // namespace melodee
