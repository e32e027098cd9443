#include "duration.h"

#include <cmath>

namespace melodee {

namespace {

struct Unit
{
    const char *name;
    double nanos;
};

// Longest names first so "ms" is not read as "m" followed by garbage.
constexpr Unit kUnits[] = {
    {"ns", 1.0},
    {"us", 1e3},
    {"\u00b5s", 1e3},
    {"\u03bcs", 1e3},
    {"ms", 1e6},
    {"s", 1e9},
    {"m", 60e9},
    {"h", 3600e9},
};

bool fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

} // namespace

std::optional<Duration> parseGoDuration(const QString &text, QString *error)
{
    const QString s = text.trimmed();
    if (s.isEmpty()) {
        fail(error, QStringLiteral("empty duration"));
        return std::nullopt;
    }
    if (s.startsWith(QLatin1Char('-'))) {
        fail(error, QStringLiteral("negative duration \"%1\" is not allowed").arg(text));
        return std::nullopt;
    }
    const QString body = s.startsWith(QLatin1Char('+')) ? s.mid(1) : s;
    if (body == QLatin1String("0"))
        return Duration::zero();

    double total = 0;
    qsizetype i = 0;
    while (i < body.size()) {
        const qsizetype numberStart = i;
        while (i < body.size() && (body.at(i).isDigit() || body.at(i) == QLatin1Char('.')))
            ++i;
        const QString number = body.mid(numberStart, i - numberStart);
        bool ok = false;
        const double value = number.toDouble(&ok);
        if (number.isEmpty() || !ok || number.count(QLatin1Char('.')) > 1) {
            fail(error,
                 QStringLiteral("invalid duration \"%1\": expected a number at position %2")
                     .arg(text)
                     .arg(numberStart + 1));
            return std::nullopt;
        }
        const qsizetype unitStart = i;
        while (i < body.size() && !body.at(i).isDigit() && body.at(i) != QLatin1Char('.'))
            ++i;
        const QString unit = body.mid(unitStart, i - unitStart);
        if (unit.isEmpty()) {
            fail(error,
                 QStringLiteral("invalid duration \"%1\": missing unit after \"%2\" (use ns, us, "
                                "ms, s, m or h)")
                     .arg(text, number));
            return std::nullopt;
        }
        const Unit *found = nullptr;
        for (const Unit &u : kUnits) {
            if (unit == QString::fromUtf8(u.name)) {
                found = &u;
                break;
            }
        }
        if (!found) {
            fail(error,
                 QStringLiteral("invalid duration \"%1\": unknown unit \"%2\" (use ns, us, ms, s, "
                                "m or h)")
                     .arg(text, unit));
            return std::nullopt;
        }
        total += value * found->nanos;
        if (total > 9.2e18) {
            fail(error, QStringLiteral("duration \"%1\" is too large").arg(text));
            return std::nullopt;
        }
    }
    return Duration(static_cast<Duration::rep>(std::llround(total)));
}

QString formatGoDuration(Duration d)
{
    using namespace std::chrono;
    if (d == Duration::zero())
        return QStringLiteral("0s");
    if (d < microseconds(1)) // not "0us", which would read back as zero
        return QStringLiteral("%1ns").arg(d.count());
    if (d < milliseconds(1))
        return QStringLiteral("%1us").arg(duration_cast<microseconds>(d).count());
    if (d < seconds(1))
        return QStringLiteral("%1ms").arg(duration_cast<milliseconds>(d).count());
    QString out;
    auto rest = duration_cast<milliseconds>(d);
    const auto h = duration_cast<hours>(rest);
    rest -= h;
    const auto m = duration_cast<minutes>(rest);
    rest -= m;
    if (h.count())
        out += QStringLiteral("%1h").arg(h.count());
    if (m.count())
        out += QStringLiteral("%1m").arg(m.count());
    if (rest.count()) {
        if (rest.count() % 1000 == 0)
            out += QStringLiteral("%1s").arg(rest.count() / 1000);
        else
            out += QStringLiteral("%1s").arg(rest.count() / 1000.0, 0, 'f', 3);
    }
    return out;
}

} // namespace melodee
