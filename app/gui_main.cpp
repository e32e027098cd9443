// melodee-admin: parses the command line and hands over to ui/ (MainWindow, planStartup).
#include "startupprobe.h"

#include <about/selfcheck.h>
#include <db/pgconnection.h>
#include <i18n/translator.h>
#include <session/startup.h>
#include <style/theme.h>
#include <util/logging.h>
#include <views/mainwindow.h>

#include <melodee/version.h>

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QSettings>
#include <QTextStream>

#include <cstdio>

int main(int argc, char *argv[])
{
    melodee::StartupProbe::markMainEntered();
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Melodee"));
    QApplication::setApplicationName(QStringLiteral("melodee-admin"));
    QApplication::setApplicationDisplayName(QStringLiteral("Melodee Admin"));
    QApplication::setApplicationVersion(QStringLiteral(MELODEE_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("melodee-admin"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/melodee-admin.png")));
    // A focus ring and scroll bar handles that can be seen, in light and dark palettes.
    melodee::Theme::apply(&app);
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
    melodee::PgConnection::setDefaultSlowThreshold(plan.config.session.slowThreshold);
    if (qEnvironmentVariableIntValue("MELODEE_STARTUP_PROBE"))
        new melodee::StartupProbe(&window);
    window.restoreSettings();
    window.applyStartup(plan);
    window.show();
    return app.exec();
}
