#include "guiloopprobe.h"

#include <QEventLoop>
#include <QFile>

#include <sys/resource.h>

#include <algorithm>
#include <cmath>

namespace melodee::bench {

// Nearest-rank percentile.
double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const auto rank = size_t(std::ceil(p / 100.0 * double(v.size())));
    return v[std::clamp<size_t>(rank, 1, v.size()) - 1];
}

double round2(double v)
{
    return std::round(v * 100.0) / 100.0;
}

QJsonObject distribution(const std::vector<double> &v)
{
    return {{QStringLiteral("count"), qint64(v.size())},
            {QStringLiteral("p50"), round2(percentile(v, 50))},
            {QStringLiteral("p90"), round2(percentile(v, 90))},
            {QStringLiteral("p99"), round2(percentile(v, 99))},
            {QStringLiteral("max"), round2(v.empty() ? 0 : *std::max_element(v.begin(), v.end()))}};
}

// Runs the event loop (a real one: QTest::qWait sleeps between passes and would itself make
// gaps) until done() or the timeout; true when done.
bool spinUntil(const std::function<bool()> &done, int timeoutMs)
{
    if (done())
        return true;
    QEventLoop loop;
    QElapsedTimer clock;
    clock.start();
    QTimer poll;
    poll.setTimerType(Qt::PreciseTimer);
    poll.setInterval(1);
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (done() || clock.elapsed() > timeoutMs)
            loop.quit();
    });
    poll.start();
    loop.exec();
    return done();
}

void spinFor(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, Qt::PreciseTimer, &loop, &QEventLoop::quit);
    loop.exec();
}

double processCpuSeconds()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec)
           + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// VmRSS / VmHWM from /proc/self/status, in MB.
double procStatusMb(const char *key)
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith(key))
            return round2(line.mid(int(qstrlen(key))).trimmed().split(' ').first().toDouble()
                          / 1024.0);
    }
    return -1;
}

} // namespace melodee::bench
