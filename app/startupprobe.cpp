#include "startupprobe.h"

#include <models/songtablemodel.h>
#include <views/dashboardview.h>
#include <views/mainwindow.h>
#include <views/migrationsview.h>
#include <views/partitionsview.h>
#include <views/songsview.h>

#include <QCoreApplication>
#include <QEvent>
#include <QTimer>

#include <cstdio>

namespace melodee {

namespace {
std::chrono::steady_clock::time_point g_mainEntered;
} // namespace

void StartupProbe::markMainEntered()
{
    g_mainEntered = std::chrono::steady_clock::now();
}

StartupProbe::StartupProbe(MainWindow *window)
    : QObject(window)
    , m_window(window)
{
    print("main", g_mainEntered);
    window->installEventFilter(this);
}

void StartupProbe::watchOpeningView()
{
    // "Populated" is the opening view's own first-data signal. Only that view is asked for: the
    // window builds a view when it is first shown, and the probe must not build the others.
    QWidget *page = m_window->page(m_window->currentView());
    if (auto *songs = qobject_cast<SongsView *>(page))
        connect(songs->model(), &SongTableModel::blockLoaded, this, [this, songs] {
            populated(songs);
        });
    else if (auto *migrations = qobject_cast<MigrationsView *>(page))
        connect(migrations, &MigrationsView::refreshed, this, [this, migrations] {
            populated(migrations);
        });
    else if (auto *partitions = qobject_cast<PartitionsView *>(page))
        connect(partitions, &PartitionsView::loaded, this, [this, partitions] {
            populated(partitions);
        });
    else if (auto *dashboard = qobject_cast<DashboardView *>(page))
        connect(
            dashboard, &DashboardView::sampled, this, [this, dashboard] { populated(dashboard); });
}

bool StartupProbe::eventFilter(QObject *watched, QEvent *event)
{
    // The Show event reaches this filter before MainWindow::showEvent(); the view is built here
    // and its data arrives through the event loop, after the connection below.
    if (watched == m_window && event->type() == QEvent::Show && !m_watching) {
        m_watching = true;
        watchOpeningView();
    }
    if (watched == m_window && event->type() == QEvent::Paint && !m_shown) {
        m_shown = true;
        report("shown", false);
        if (m_populated) // data came before the first paint: it is on screen now
            report("populated", true);
    }
    return false;
}

void StartupProbe::populated(QWidget *page)
{
    if (!m_populated && page == m_window->page(m_window->currentView())) {
        m_populated = true;
        if (m_shown)
            report("populated", true);
    }
}

void StartupProbe::report(const char *what, bool quit)
{
    // Queued behind the paint that the change has posted.
    QTimer::singleShot(0, qApp, [what, quit] {
        print(what, std::chrono::steady_clock::now());
        if (quit)
            QCoreApplication::quit();
    });
}

void StartupProbe::print(const char *what, std::chrono::steady_clock::time_point at)
{
    const auto ns
        = std::chrono::duration_cast<std::chrono::nanoseconds>(at.time_since_epoch()).count();
    std::fprintf(stderr, "startup-probe %s %lld\n", what, static_cast<long long>(ns));
    std::fflush(stderr);
}

} // namespace melodee
