#pragma once

#include <QObject>

#include <chrono>

namespace melodee {

class MainWindow;

// MELODEE_STARTUP_PROBE=1 (tests/bench/bench_gui.sh): melodee-admin prints
// "startup-probe main|shown|populated NS" to stderr, NS being std::chrono::steady_clock
// (CLOCK_MONOTONIC) so the caller subtracts its own spawn time: when main() was entered, after the
// window's first paint, and once the opening view's first data is on screen; then it quits.
class StartupProbe : public QObject
{
public:
    static void markMainEntered();
    explicit StartupProbe(MainWindow *window);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void watchOpeningView();
    void populated(QWidget *page);
    static void report(const char *what, bool quit);
    static void print(const char *what, std::chrono::steady_clock::time_point at);

    MainWindow *m_window;
    bool m_watching = false;
    bool m_shown = false;
    bool m_populated = false;
};

} // namespace melodee
