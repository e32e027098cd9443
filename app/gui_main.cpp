// melodee-admin: parses the command line and hands over to ui/ (MainWindow, planStartup).
#include <about/selfcheck.h>
#include <app/startup.h>
#include <i18n/translator.h>
#include <models/songtablemodel.h>
#include <util/logging.h>
#include <views/dashboardview.h>
#include <views/mainwindow.h>
#include <views/migrationsview.h>
#include <views/partitionsview.h>
#include <views/songsview.h>

#include <melodee/version.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QSettings>
#include <QTextStream>
#include <QTimer>

#include <chrono>
#include <cstdio>

namespace {

// MELODEE_STARTUP_PROBE=1 (tests/bench/bench_gui.sh): prints "startup-probe shown|populated NS"
// to stderr, NS being std::chrono::steady_clock (CLOCK_MONOTONIC) so the caller subtracts its own
// spawn time, after the window's first paint and after the opening view's first data was painted;
// then quits.
class StartupProbe : public QObject
{
public:
    explicit StartupProbe(melodee::MainWindow *window)
        : QObject(window)
        , m_window(window)
    {
        using namespace melodee;
        window->installEventFilter(this);
        auto *songs = qobject_cast<SongsView *>(window->page(ViewId::Songs));
        connect(songs->model(), &SongTableModel::blockLoaded, this, [this, songs] {
            populated(songs);
        });
        auto *migrations = qobject_cast<MigrationsView *>(window->page(ViewId::Migrations));
        connect(migrations, &MigrationsView::refreshed, this, [this, migrations] {
            populated(migrations);
        });
        auto *partitions = qobject_cast<PartitionsView *>(window->page(ViewId::Partitions));
        connect(partitions, &PartitionsView::loaded, this, [this, partitions] {
            populated(partitions);
        });
        auto *dashboard = qobject_cast<DashboardView *>(window->page(ViewId::Dashboard));
        connect(
            dashboard, &DashboardView::sampled, this, [this, dashboard] { populated(dashboard); });
    }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (watched == m_window && event->type() == QEvent::Paint && !m_shown) {
            m_shown = true;
            report("shown", false);
        }
        return false;
    }

private:
    void populated(QWidget *page)
    {
        if (!m_populated && page == m_window->page(m_window->currentView())) {
            m_populated = true;
            report("populated", true);
        }
    }
    static void report(const char *what, bool quit)
    {
        // Queued behind the paint that the change has posted.
        QTimer::singleShot(0, qApp, [what, quit] {
            const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                std::chrono::steady_clock::now().time_since_epoch());
            std::fprintf(
                stderr, "startup-probe %s %lld\n", what, static_cast<long long>(ns.count()));
            std::fflush(stderr);
            if (quit)
                QCoreApplication::quit();
        });
    }

    melodee::MainWindow *m_window;
    bool m_shown = false;
    bool m_populated = false;
};

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Melodee"));
    QApplication::setApplicationName(QStringLiteral("melodee-admin"));
    QApplication::setApplicationDisplayName(QStringLiteral("Melodee Admin"));
    QApplication::setApplicationVersion(QStringLiteral(MELODEE_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("melodee-admin"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/melodee-admin.png")));
    // Before the parser, so --help is translated too (docs/translations.md).
    melodee::Translator::install(&app, melodee::Translator::uiLocale());

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate(
        "main", "Administration of the PostgreSQL database of the Melodee music server."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption config(
        QStringLiteral("config"),
        QApplication::translate("main", "Read Melodee's YAML config FILE."),
        QStringLiteral("FILE"));
    const QCommandLineOption dsn(
        QStringLiteral("dsn"),
        QApplication::translate("main",
                                "Connect with a libpq conninfo string or a postgres:// URI."),
        QStringLiteral("CONNINFO"));
    const QCommandLineOption profile(
        QStringLiteral("profile"),
        QApplication::translate("main", "Connect with the saved profile NAME."),
        QStringLiteral("NAME"));
    const QCommandLineOption view(
        QStringLiteral("view"),
        QApplication::translate("main", "Open VIEW: dashboard, migrations, partitions or songs."),
        QStringLiteral("VIEW"));
    const QCommandLineOption selfCheck(
        QStringLiteral("self-check"),
        QApplication::translate(
            "main", "Check that the plugins load and the main window shows, then exit."));
    parser.addOptions({config, dsn, profile, view, selfCheck});
    parser.process(app);

    const melodee::StartupRequest request{
        parser.value(config), parser.value(dsn), parser.value(profile), parser.value(view)};
    if (const QString usage = melodee::checkStartupRequest(request); !usage.isEmpty()) {
        std::fprintf(stderr, "melodee-admin: %s\n", qPrintable(usage));
        return 3; // the CLI's usage exit code
    }

    melodee::MainWindow window;
    if (parser.isSet(selfCheck)) { // tests/packaging/install-test.sh
        QTextStream out(stdout);
        return melodee::SelfCheck::run(&window, out);
    }
    const melodee::StartupPlan plan = melodee::planStartup(request, window.lastProfile());
    // The log dock shows Info and up unless the configuration silences logging.
    melodee::setupLogging(plan.config.session.logLevel == melodee::LogLevel::Silent
                              ? melodee::LogLevel::Silent
                              : melodee::LogLevel::Info);
    if (qEnvironmentVariableIntValue("MELODEE_STARTUP_PROBE"))
        new StartupProbe(&window);
    window.restoreSettings();
    window.applyStartup(plan);
    window.show();
    return app.exec();
}
