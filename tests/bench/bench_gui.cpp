// The desktop app's responsiveness benchmark; tests/bench/bench_gui.sh loads the data
// and runs it. Drives the real MainWindow offscreen against a demo library and measures:
//  - the longest gap (and p99) between ticks of a 5 ms timer on the GUI thread while the Songs
//    view jumps, pages, scrolls and searches, while a Migrations view plans and rehearses, and
//    while it applies during song jumps; an idle window gives the floor;
//  - how long a jump takes until the visible rows are in the model, next to the OFFSET
//    query for the same depth (server time of the query alone);
//  - cold start of melodee-admin (spawn to first paint, and to the Songs view's first rows),
//    next to `melodee-admin --version` (spawn to exit, no window) as the floor;
//  - RSS after the jumps; process CPU with the dashboard visible, on another view and hidden.
// Prints one JSON object. Fails (exit 1) when an action never finishes, not when it is slow.
#include "guiloopprobe.h"

#include <db/dberror.h>
#include <db/pgconnection.h>
#include <models/songtablemodel.h>
#include <session/connectionsession.h>
#include <session/startup.h>
#include <util/logging.h>
#include <views/dashboardview.h>
#include <views/mainwindow.h>
#include <views/migrationsview.h>
#include <views/songsview.h>

#include <QApplication>
#include <QCheckBox>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QProcess>
#include <QRandomGenerator>
#include <QScrollBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QWheelEvent>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <utility>
#include <vector>

using namespace melodee;
using namespace melodee::bench;

namespace {

[[noreturn]] void die(const QString &message)
{
    std::fprintf(stderr, "bench_gui: %s\n", qPrintable(message));
    std::exit(1);
}

class Bench
{
public:
    struct Options
    {
        QString dsn, migrateDsn, admin;
        int jumps = 200;
        int cpuSeconds = 10;
        int startupRuns = 5;
        int idleSeconds = 2;
    };
    explicit Bench(const Options &o)
        : m_opt(o)
    {}
    QJsonObject run();

private:
    SongsView *songs() const { return qobject_cast<SongsView *>(m_window->page(ViewId::Songs)); }
    std::optional<std::pair<int, int>> visibleRows() const; // first and last row on screen
    bool visibleLoaded() const;
    int missingVisibleBlocks() const; // blocks of the visible rows not yet in the model
    // ms until the visible rows are in the model; missingBlocks: how many of their blocks were
    // not, once the view had asked for them.
    double waitVisible(const QString &what, int *missingBlocks = nullptr);
    void jumpToRow(int row);
    void wheel(int notches);
    QJsonObject coldStart();
    QJsonObject offsetReference();
    QJsonObject cpu(const std::function<void()> &setup);

    Options m_opt;
    MainWindow *m_window = nullptr;
    LoopProbe m_probe;
    std::unique_ptr<PgConnection> m_db;
};

std::optional<std::pair<int, int>> Bench::visibleRows() const
{
    QTableView *t = songs()->table();
    SongTableModel *m = songs()->model();
    const int top = t->rowAt(0);
    if (m->rowCount() == 0 || top < 0)
        return std::nullopt;
    const int bottom = t->rowAt(t->viewport()->height() - 1);
    return std::pair(top, bottom < 0 ? m->rowCount() - 1 : bottom);
}

bool Bench::visibleLoaded() const
{
    const auto rows = visibleRows();
    if (!rows)
        return false;
    for (int r = rows->first; r <= rows->second; ++r) {
        if (!songs()->model()->isLoaded(r))
            return false;
    }
    return true;
}

int Bench::missingVisibleBlocks() const
{
    const auto rows = visibleRows();
    if (!rows)
        return 0;
    const SongTableModel *m = songs()->model();
    int missing = 0;
    for (int b = rows->first / m->blockSize(); b <= rows->second / m->blockSize(); ++b) {
        if (!m->isLoaded(b * m->blockSize()))
            ++missing;
    }
    return missing;
}

double Bench::waitVisible(const QString &what, int *missingBlocks)
{
    QElapsedTimer clock;
    clock.start();
    // Let the view paint (and so ask for) the rows it now shows before checking.
    spinFor(0);
    if (missingBlocks)
        *missingBlocks = missingVisibleBlocks();
    if (!spinUntil([this] { return visibleLoaded(); }, 60000))
        die(QStringLiteral("the visible rows never loaded after %1 (model error: %2)")
                .arg(what, songs()->model()->lastError()));
    return double(clock.nsecsElapsed()) / 1e6;
}

void Bench::jumpToRow(int row)
{
    songs()->table()->scrollTo(songs()->model()->index(row, 0), QAbstractItemView::PositionAtTop);
}

void Bench::wheel(int notches)
{
    // Like a mouse wheel: each notch scrolls QApplication::wheelScrollLines() rows.
    QWidget *viewport = songs()->table()->viewport();
    const QPointF pos(viewport->width() / 2.0, viewport->height() / 2.0);
    QWheelEvent event(pos,
                      viewport->mapToGlobal(pos),
                      QPoint(),
                      QPoint(0, -120 * notches),
                      Qt::NoButton,
                      Qt::NoModifier,
                      Qt::NoScrollPhase,
                      false);
    QApplication::sendEvent(viewport, &event);
}

QJsonObject Bench::coldStart()
{
    QTemporaryDir config; // no saved geometry/view/profile; nothing written to the user's
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), config.path());
    env.insert(QStringLiteral("MELODEE_STARTUP_PROBE"), QStringLiteral("1"));
    // As the desktop entry and scripts/run-demo.sh start it (docs/gui.md, "Cold start").
    if (!env.contains(QStringLiteral("GLIBC_TUNABLES")))
        env.insert(QStringLiteral("GLIBC_TUNABLES"), QStringLiteral("glibc.malloc.hugetlb=1"));
    const auto now = [] {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
            .count();
    };
    std::vector<double> toMain, shown, populated, version;
    for (int i = 0; i < m_opt.startupRuns; ++i) {
        QProcess p;
        p.setProcessEnvironment(env);
        const qint64 t0 = now();
        p.start(m_opt.admin, {QStringLiteral("--version")});
        if (!p.waitForFinished(30000) || p.exitCode() != 0)
            die(QStringLiteral("%1 --version failed: %2").arg(m_opt.admin, p.errorString()));
        version.push_back(double(now() - t0) / 1e6);

        QProcess app;
        app.setProcessEnvironment(env);
        const qint64 start = now();
        app.start(m_opt.admin,
                  {QStringLiteral("--dsn"),
                   m_opt.dsn,
                   QStringLiteral("--view"),
                   QStringLiteral("songs")});
        if (!app.waitForFinished(60000)) {
            app.kill();
            app.waitForFinished();
            die(QStringLiteral("melodee-admin did not report its first rows within 60 s: %1")
                    .arg(QString::fromLocal8Bit(app.readAllStandardError()).right(2000)));
        }
        qint64 mainNs = 0, shownNs = 0, populatedNs = 0;
        const QByteArray err = app.readAllStandardError();
        for (const QByteArray &line : err.split('\n')) {
            const QList<QByteArray> f = line.trimmed().split(' ');
            if (f.size() == 3 && f[0] == "startup-probe")
                (f[1] == "main"    ? mainNs
                 : f[1] == "shown" ? shownNs
                                   : populatedNs)
                    = f[2].toLongLong();
        }
        if (!mainNs || !shownNs || !populatedNs)
            die(QStringLiteral("melodee-admin printed no startup-probe lines (exit %1): %2")
                    .arg(app.exitCode())
                    .arg(QString::fromLocal8Bit(err).right(2000)));
        toMain.push_back(double(mainNs - start) / 1e6);
        shown.push_back(double(shownNs - start) / 1e6);
        populated.push_back(double(populatedNs - start) / 1e6);
    }
    return {{QStringLiteral("runs"), m_opt.startupRuns},
            {QStringLiteral("view"), QStringLiteral("songs")},
            {QStringLiteral("main_entered_ms"), distribution(toMain)},
            {QStringLiteral("shown_ms"), distribution(shown)},
            {QStringLiteral("populated_ms"), distribution(populated)},
            {QStringLiteral("target_ms"), 400},
            {QStringLiteral("meets_target"), percentile(populated, 50) < 400},
            {QStringLiteral("reference_version_exit_ms"), distribution(version)},
            {QStringLiteral("note"),
             QStringLiteral("spawn to main() (dynamic loading), to the main window's first paint "
                            "(shown) and to the first block of songs painted (populated), "
                            "offscreen, warm file cache, started as the desktop entry starts "
                            "it (GLIBC_TUNABLES=\"glibc.malloc.hugetlb=1\"); "
                            "the reference is `melodee-admin --version` (spawn, load Qt, exit)")}};
}

QJsonObject Bench::offsetReference()
{
    const qint64 rows = m_db->exec("SELECT count(*) FROM melodee_songs").toInt64(0, 0);
    QJsonObject out;
    for (const auto &[name, offset] : {std::pair{QStringLiteral("middle"), rows / 2},
                                       std::pair{QStringLiteral("end"), rows - 50}}) {
        std::vector<double> t;
        for (int i = 0; i < 3; ++i) {
            QElapsedTimer c;
            c.start();
            m_db->exec("SELECT * FROM melodee_songs ORDER BY id OFFSET $1 LIMIT 50",
                       PgParams{QByteArray::number(std::max<qint64>(0, offset))});
            t.push_back(double(c.nsecsElapsed()) / 1e6);
        }
        out.insert(name + QStringLiteral("_ms"), round2(percentile(t, 50)));
    }
    out.insert(QStringLiteral("songs"), rows);
    return out;
}

QJsonObject Bench::cpu(const std::function<void()> &setup)
{
    setup();
    spinFor(1500); // let the switch settle (first sample, repaint)
    auto *dash = qobject_cast<DashboardView *>(m_window->page(ViewId::Dashboard));
    const qint64 samples0 = dash->sampleCount();
    const double cpu0 = processCpuSeconds();
    QElapsedTimer wall;
    wall.start();
    spinFor(m_opt.cpuSeconds * 1000);
    const double cpuS = processCpuSeconds() - cpu0;
    const double wallS = double(wall.nsecsElapsed()) / 1e9;
    return {{QStringLiteral("cpu_percent"), round2(100.0 * cpuS / wallS)},
            {QStringLiteral("seconds"), round2(wallS)},
            {QStringLiteral("dashboard_samples"), dash->sampleCount() - samples0}};
}

QJsonObject Bench::run()
{
    QJsonObject out{{QStringLiteral("benchmark"), QStringLiteral("gui_responsiveness")},
                    {QStringLiteral("qt"), QString::fromLatin1(qVersion())},
                    {QStringLiteral("platform"), QGuiApplication::platformName()}};

    // Cold start first, while this process holds nothing.
    if (!m_opt.admin.isEmpty())
        out.insert(QStringLiteral("cold_start"), coldStart());

    const StartupPlan plan
        = planStartup({QString(), m_opt.dsn, QString(), QStringLiteral("songs")});
    if (!plan.error.isEmpty())
        die(QStringLiteral("bad --dsn: %1").arg(plan.error));
    m_db = PgConnection::open(plan.config.database);
    const QJsonObject offset = offsetReference();
    const qint64 songCount = offset.value(QStringLiteral("songs")).toInteger();
    out.insert(QStringLiteral("songs"), songCount);
    // Search terms: the longest word of the first song (rare) and the first word of a middle one.
    const QString rare = m_db->exec("SELECT w FROM regexp_split_to_table((SELECT name_normalized "
                                    "FROM melodee_songs ORDER BY id LIMIT 1), ' ') AS w "
                                    "ORDER BY length(w) DESC, w LIMIT 1")
                             .text(0, 0);
    const QString common = m_db->exec("SELECT split_part(name_normalized, ' ', 1) FROM "
                                      "melodee_songs ORDER BY id OFFSET 1000 LIMIT 1")
                               .text(0, 0);

    MainWindow window;
    m_window = &window;
    window.resize(1280, 800);
    window.applyStartup(plan);
    window.show();
    if (!QTest::qWaitForWindowExposed(&window))
        die(QStringLiteral("the main window was never exposed"));
    SongTableModel *model = songs()->model();
    QTableView *table = songs()->table();
    waitVisible(QStringLiteral("start-up"));
    if (!spinUntil([model] { return model->isIdle(); }, 60000))
        die(QStringLiteral("the songs model never became idle"));
    const double rssBefore = procStatusMb("VmRSS:");

    QJsonObject loop{{QStringLiteral("probe_interval_ms"), 5},
                     {QStringLiteral("target_max_gap_ms"), 50}};

    // Floor: the same probe with the window shown and nothing happening.
    m_probe.start();
    spinFor(m_opt.idleSeconds * 1000);
    loop.insert(QStringLiteral("idle_reference"), m_probe.stop());

    // Jumps: end, middle, pages, then seeded random jumps across the whole table.
    std::vector<double> jumpMs, scrollJumpMs, pageJumpMs;
    std::map<int, std::vector<double>> jumpMsByBlocks; // random jumps by the blocks they loaded
    QRandomGenerator rng(42);
    m_probe.start();
    m_probe.mark(QStringLiteral("jump to the end"));
    table->scrollToBottom();
    const double endMs = waitVisible(QStringLiteral("jumping to the end"));
    jumpMs.push_back(endMs);
    m_probe.mark(QStringLiteral("jump to the middle"));
    jumpToRow(model->rowCount() / 2);
    const double middleMs = waitVisible(QStringLiteral("jumping to the middle"));
    jumpMs.push_back(middleMs);
    const int pages = songs()->pageCountEstimate();
    std::vector<double> pageMs;
    for (const int page : {1, pages / 10, pages / 3, (pages * 9) / 10, pages - 1, 0}) {
        QElapsedTimer c;
        c.start();
        m_probe.mark(QStringLiteral("go to page %1").arg(page + 1));
        songs()->goToPage(page);
        waitVisible(QStringLiteral("going to page %1").arg(page + 1));
        pageMs.push_back(double(c.nsecsElapsed()) / 1e6);
    }
    for (int i = 0; i < m_opt.jumps; ++i) {
        const int row = int(rng.bounded(quint32(std::max(1, model->rowCount()))));
        QElapsedTimer c;
        c.start();
        m_probe.mark(QStringLiteral("random jump %1 (%2 to row %3)")
                         .arg(i)
                         .arg(i % 2 ? QStringLiteral("page") : QStringLiteral("scroll"))
                         .arg(row));
        if (i % 2)
            songs()->goToPage(row / songs()->pageSize());
        else
            jumpToRow(row);
        int missing = 0;
        waitVisible(QStringLiteral("jump %1 to row %2").arg(i).arg(row), &missing);
        jumpMs.push_back(double(c.nsecsElapsed()) / 1e6);
        jumpMsByBlocks[missing].push_back(jumpMs.back());
        (i % 2 ? pageJumpMs : scrollJumpMs).push_back(jumpMs.back());
    }
    loop.insert(QStringLiteral("songs_jumps"), m_probe.stop());
    spinUntil([model] { return model->isIdle(); }, 60000);
    const double rssAfterJumps = procStatusMb("VmRSS:");

    // Scrolling: drag the thumb from top to bottom in 2 s, then 100 mouse-wheel notches.
    QScrollBar *bar = table->verticalScrollBar();
    m_probe.start();
    m_probe.mark(QStringLiteral("dragging the scrollbar thumb"));
    bar->setValue(0);
    const int steps = 120;
    for (int i = 1; i <= steps; ++i) {
        bar->setValue(int(qint64(bar->maximum()) * i / steps));
        spinFor(16);
    }
    const double afterDragMs = waitVisible(QStringLiteral("dragging the scrollbar"));
    jumpToRow(model->rowCount() / 3);
    waitVisible(QStringLiteral("jumping before wheel scrolling"));
    m_probe.mark(QStringLiteral("wheel scrolling"));
    for (int i = 0; i < 100; ++i) {
        wheel(1);
        spinFor(16);
    }
    waitVisible(QStringLiteral("wheel scrolling"));
    loop.insert(QStringLiteral("songs_scroll"), m_probe.stop());
    spinUntil([model] { return model->isIdle(); }, 60000);

    // Search: typed into the box (debounced), waited for the first rows, then cleared.
    std::vector<double> searchMs;
    m_probe.start();
    for (const QString &term : {rare, common}) {
        QLineEdit *edit = songs()->searchEdit();
        QElapsedTimer c;
        c.start();
        m_probe.mark(QStringLiteral("search \"%1\"").arg(term));
        QTest::keyClicks(edit, term);
        if (!spinUntil([model, term] { return model->filter().search == term; }, 10000))
            die(QStringLiteral("the search for \"%1\" never started").arg(term));
        spinUntil([model] { return model->isIdle(); }, 60000);
        if (model->rowCount() > 0)
            waitVisible(QStringLiteral("searching \"%1\"").arg(term));
        searchMs.push_back(double(c.nsecsElapsed()) / 1e6);
        m_probe.mark(QStringLiteral("clearing the search"));
        edit->clear();
        spinUntil([model] { return model->filter().search.isEmpty(); }, 10000);
        spinUntil([model] { return model->isIdle(); }, 60000);
        waitVisible(QStringLiteral("clearing the search"));
    }
    loop.insert(QStringLiteral("songs_search"), m_probe.stop());

    // Migrations on an empty database: load, dry run and rehearse, then apply while jumping.
    auto *migSession = new ConnectionSession;
    const StartupPlan migPlan = planStartup({QString(), m_opt.migrateDsn, QString(), QString()});
    if (!migPlan.error.isEmpty())
        die(QStringLiteral("bad --migrate-dsn: %1").arg(migPlan.error));
    migSession->connectTo(migPlan.config);
    auto *migrations = new MigrationsView(migSession);
    migrations->setDestructiveConfirmer([](const QStringList &) { return true; });
    migrations->resize(1200, 800);
    migrations->show();
    bool refreshed = false, dryRun = false, rehearsed = false, applied = false;
    bool rehearseOk = false, applyOk = false;
    QObject::connect(migrations, &MigrationsView::refreshed, [&] { refreshed = true; });
    QObject::connect(migrations, &MigrationsView::dryRunFinished, [&] { dryRun = true; });
    QObject::connect(migrations, &MigrationsView::rehearseFinished, [&](bool ok) {
        rehearsed = true;
        rehearseOk = ok;
    });
    QObject::connect(migrations, &MigrationsView::applyFinished, [&](bool ok) {
        applied = true;
        applyOk = ok;
    });
    QElapsedTimer migClock;
    migClock.start();
    m_probe.start();
    m_probe.mark(QStringLiteral("loading the Migrations view"));
    migrations->setActive(true);
    if (!spinUntil([&] { return refreshed; }, 120000))
        die(QStringLiteral("the Migrations view never loaded"));
    loop.insert(QStringLiteral("migrations_load"), m_probe.stop());
    m_probe.start();
    m_probe.mark(QStringLiteral("dry run"));
    migrations->dryRun();
    if (!spinUntil([&] { return dryRun; }, 120000) || !migrations->plan()
        || migrations->plan()->isEmpty())
        die(QStringLiteral("the dry run did not produce a plan (is --migrate-dsn empty?)"));
    loop.insert(QStringLiteral("migrations_dry_run"), m_probe.stop());
    m_probe.start();
    m_probe.mark(QStringLiteral("rehearse"));
    migrations->rehearse();
    if (!spinUntil([&] { return rehearsed; }, 300000) || !rehearseOk)
        die(QStringLiteral("the rehearsal failed"));
    loop.insert(QStringLiteral("migrations_rehearse"), m_probe.stop());
    const double planRehearseMs = double(migClock.nsecsElapsed()) / 1e6;

    const int statements = migrations->plan()->statementCount();
    migrations->reviewedCheck()->setChecked(true);
    migrations->reviewerEdit()->setText(QStringLiteral("bench_gui"));
    if (!migrations->canApply())
        die(QStringLiteral("apply is not enabled after review"));
    std::vector<double> applyJumpMs;
    m_probe.start();
    migClock.restart();
    m_probe.mark(QStringLiteral("starting the apply"));
    migrations->apply();
    for (int i = 0; !applied || i < 10; ++i) {
        if (migClock.elapsed() > 600000)
            die(QStringLiteral("the apply did not finish within 10 minutes"));
        const int row = int(rng.bounded(quint32(std::max(1, model->rowCount()))));
        QElapsedTimer c;
        c.start();
        m_probe.mark(QStringLiteral("song jump %1 during apply").arg(i));
        jumpToRow(row);
        waitVisible(QStringLiteral("a jump during apply"));
        applyJumpMs.push_back(double(c.nsecsElapsed()) / 1e6);
    }
    const double applyMs = double(migClock.nsecsElapsed()) / 1e6;
    QJsonObject applyLoop = m_probe.stop();
    if (!applyOk)
        die(QStringLiteral("the apply failed: %1").arg(migrations->logText().right(2000)));
    applyLoop.insert(QStringLiteral("song_jumps"), qint64(applyJumpMs.size()));
    loop.insert(QStringLiteral("apply_while_jumping"), applyLoop);
    delete migrations;
    delete migSession;

    // The headline: the worst gap over every phase with work in it (not the idle floor).
    double worst = 0;
    QString worstPhase;
    for (const char *k : {"songs_jumps",
                          "songs_scroll",
                          "songs_search",
                          "migrations_load",
                          "migrations_dry_run",
                          "migrations_rehearse",
                          "apply_while_jumping"}) {
        const double gap = loop.value(QLatin1String(k))
                               .toObject()
                               .value(QStringLiteral("max_gap_ms"))
                               .toDouble();
        if (gap >= worst) {
            worst = gap;
            worstPhase = QLatin1String(k);
        }
    }
    loop.insert(QStringLiteral("max_gap_ms"), worst);
    loop.insert(QStringLiteral("max_gap_phase"), worstPhase);
    loop.insert(QStringLiteral("meets_target"), worst < 50);
    out.insert(QStringLiteral("event_loop"), loop);

    QJsonObject byBlocks;
    for (const auto &[blocks, ms] : jumpMsByBlocks)
        byBlocks.insert(QString::number(blocks), distribution(ms));
    out.insert(QStringLiteral("songs_view"),
               QJsonObject{{QStringLiteral("jump_to_rows_ms"), distribution(jumpMs)},
                           {QStringLiteral("random_scroll_jump_ms"), distribution(scrollJumpMs)},
                           {QStringLiteral("random_page_jump_ms"), distribution(pageJumpMs)},
                           {QStringLiteral("random_jump_ms_by_blocks_loaded"), byBlocks},
                           {QStringLiteral("end_ms"), round2(endMs)},
                           {QStringLiteral("middle_ms"), round2(middleMs)},
                           {QStringLiteral("go_to_page_ms"), distribution(pageMs)},
                           {QStringLiteral("after_drag_ms"), round2(afterDragMs)},
                           {QStringLiteral("search_ms"), distribution(searchMs)},
                           {QStringLiteral("jumps_during_apply_ms"), distribution(applyJumpMs)},
                           {QStringLiteral("reference_offset_page_ms"), offset},
                           {QStringLiteral("note"),
                            QStringLiteral("from the jump to every visible row's block in the "
                                           "model; the reference is the OFFSET ... LIMIT 50 "
                                           "query alone (median of 3, same server)")}});
    out.insert(QStringLiteral("migrations"),
               QJsonObject{{QStringLiteral("statements"), statements},
                           {QStringLiteral("load_dry_run_rehearse_ms"), round2(planRehearseMs)},
                           {QStringLiteral("apply_ms"), round2(applyMs)}});
    out.insert(QStringLiteral("memory"),
               QJsonObject{{QStringLiteral("rss_before_mb"), rssBefore},
                           {QStringLiteral("rss_after_jumps_mb"), rssAfterJumps},
                           {QStringLiteral("rss_end_mb"), procStatusMb("VmRSS:")},
                           {QStringLiteral("peak_rss_mb"), procStatusMb("VmHWM:")},
                           {QStringLiteral("jumps"), m_opt.jumps},
                           {QStringLiteral("loaded_blocks"), model->loadedBlockCount()},
                           {QStringLiteral("max_blocks"), model->maxBlocks()},
                           {QStringLiteral("target_mb"), 250},
                           {QStringLiteral("meets_target"), rssAfterJumps < 250}});

    // Dashboard CPU (whole process, all threads): shown, behind another view, window hidden.
    const QJsonObject visible = cpu([&] { window.showView(ViewId::Dashboard); });
    const QJsonObject otherView = cpu([&] { window.showView(ViewId::Songs); });
    const QJsonObject hidden = cpu([&] {
        window.showView(ViewId::Dashboard);
        window.hide();
    });
    out.insert(QStringLiteral("dashboard_cpu"),
               QJsonObject{{QStringLiteral("visible"), visible},
                           {QStringLiteral("behind_songs_view"), otherView},
                           {QStringLiteral("hidden_reference"), hidden},
                           {QStringLiteral("target_percent"), 3},
                           {QStringLiteral("meets_target"),
                            visible.value(QStringLiteral("cpu_percent")).toDouble() < 3}});
    m_window = nullptr;
    return out;
}

} // namespace

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("MelodeeBench"));
    QApplication::setApplicationName(QStringLiteral("bench_gui"));
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Desktop app responsiveness benchmark; prints JSON."));
    parser.addHelpOption();
    const QCommandLineOption dsn(QStringLiteral("dsn"),
                                 QStringLiteral("The demo library (migrated, loaded)."),
                                 QStringLiteral("CONNINFO"));
    const QCommandLineOption migrateDsn(QStringLiteral("migrate-dsn"),
                                        QStringLiteral("An empty database to migrate."),
                                        QStringLiteral("CONNINFO"));
    const QCommandLineOption admin(QStringLiteral("admin"),
                                   QStringLiteral("The melodee-admin binary (cold start)."),
                                   QStringLiteral("PATH"));
    const QCommandLineOption jumps(QStringLiteral("jumps"),
                                   QStringLiteral("Random jumps (default 200)."),
                                   QStringLiteral("N"),
                                   QStringLiteral("200"));
    const QCommandLineOption cpuSeconds(QStringLiteral("cpu-seconds"),
                                        QStringLiteral("Each CPU window (default 10)."),
                                        QStringLiteral("S"),
                                        QStringLiteral("10"));
    const QCommandLineOption startupRuns(QStringLiteral("startup-runs"),
                                         QStringLiteral("Cold starts (default 5)."),
                                         QStringLiteral("N"),
                                         QStringLiteral("5"));
    const QCommandLineOption idleSeconds(QStringLiteral("idle-seconds"),
                                         QStringLiteral("Idle floor window (default 2)."),
                                         QStringLiteral("S"),
                                         QStringLiteral("2"));
    parser.addOptions({dsn, migrateDsn, admin, jumps, cpuSeconds, startupRuns, idleSeconds});
    parser.process(app);

    Bench::Options o;
    o.dsn = parser.value(dsn);
    o.migrateDsn = parser.value(migrateDsn);
    o.admin = parser.value(admin);
    if (o.dsn.isEmpty() || o.migrateDsn.isEmpty() || o.admin.isEmpty())
        die(QStringLiteral("need --dsn, --migrate-dsn and --admin"));
    const auto positive = [&](const QCommandLineOption &opt, int &into) {
        bool ok = false;
        into = parser.value(opt).toInt(&ok);
        if (!ok || into < 1)
            die(QStringLiteral("--%1 must be a positive integer, not \"%2\"")
                    .arg(opt.names().first(), parser.value(opt)));
    };
    positive(jumps, o.jumps);
    positive(cpuSeconds, o.cpuSeconds);
    positive(startupRuns, o.startupRuns);
    positive(idleSeconds, o.idleSeconds);
    // Like melodee-admin: the log dock receives Info and up.
    setupLogging(LogLevel::Info);

    QJsonObject result;
    try {
        result = Bench(o).run();
    } catch (const DbError &e) {
        die(e.toString());
    }
    std::fputs(QJsonDocument(result).toJson(QJsonDocument::Indented).constData(), stdout);
    return 0;
}
