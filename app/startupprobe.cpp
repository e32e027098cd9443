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
    // "Populated" is each view's own first-data signal, counted only for the view on screen.
    auto *songs = qobject_cast<SongsView *>(window->page(ViewId::Songs));
    connect(
        songs->model(), &SongTableModel::blockLoaded, this, [this, songs] { populated(songs); });
    auto *migrations = qobject_cast<MigrationsView *>(window->page(ViewId::Migrations));
    connect(migrations, &MigrationsView::refreshed, this, [this, migrations] {
        populated(migrations);
    });
    auto *partitions = qobject_cast<PartitionsView *>(window->page(ViewId::Partitions));
    connect(
        partitions, &PartitionsView::loaded, this, [this, partitions] { populated(partitions); });
    auto *dashboard = qobject_cast<DashboardView *>(window->page(ViewId::Dashboard));
    connect(dashboard, &DashboardView::sampled, this, [this, dashboard] { populated(dashboard); });
}

bool StartupProbe::eventFilter(QObject *watched, QEvent *event)
{
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
