// libFuzzer target for the month and time arguments: partition months ("2026-01", --from), the
// --now reference time (ISO 8601), the UTC timestamps of the song browser and cache
// (parseUtcMicros/formatUtcMicros) and durations (parseGoDuration/formatGoDuration). First byte
// modulo 7 picks the parser; see the functions below for the invariants each one checks.
#include "fuzzcheck.h"

#include <config/appconfig.h>
#include <config/duration.h>
#include <library/song.h>
#include <migrate/sqlparse.h>
#include <partitions/partitionsql.h>

#include <fuzzer/FuzzedDataProvider.h>

#include <QDateTime>
#include <QRegularExpression>
#include <QTimeZone>

using namespace melodee;
using namespace melodee::fuzz;

namespace {

constexpr qint64 kMinMicros = -62135596800000000LL; // 0001-01-01T00:00:00Z
constexpr qint64 kMaxMicros = 253402300799999999LL; // 9999-12-31T23:59:59.999999Z
constexpr qint64 kDayMicros = 86400LL * 1000000;

QString monthText(const Month &m)
{
    return QStringLiteral("%1-%2").arg(m.year).arg(m.month);
}

// The DDL for a month partition parses as one CREATE TABLE, names the month, and its bounds are
// the month's first instants in UTC, one month apart.
void partitionSql(const Month &m, const QString &parent)
{
    const QString sql = createMonthPartitionSql(parent, m);
    const SqlParseResult parsed = parseSql(sql);
    check(parsed.error.isEmpty() && parsed.statements.size() == 1
              && parsed.statements[0].kind == QLatin1String("CreateStmt"),
          "month partition DDL does not parse as one CREATE TABLE",
          sql + QStringLiteral(": ") + parsed.error);
    check(sql.contains(monthPartitionName(parent, m)), "the DDL does not name the partition", sql);
    static const QRegularExpression nameRe(QStringLiteral("^[a-z0-9_]+_\\d{4,}_\\d{2}$"));
    check(nameRe.match(monthPartitionName(parent, m)).hasMatch(),
          "odd partition name",
          monthPartitionName(parent, m));
    static const QRegularExpression boundRe(QStringLiteral("^'\\d{4,}-\\d{2}-01 00:00:00\\+00'$"));
    const auto bound = [&sql](const Month &month) {
        QString literal = utcBoundLiteral(month);
        check(sql.contains(literal), "the DDL does not use the bound literal", sql);
        check(boundRe.match(literal).hasMatch(), "a partition bound has the wrong form", literal);
        literal = literal.mid(1, literal.size() - 2);
        const auto us = parseUtcMicros(literal);
        check(us.has_value(), "a partition bound is not a UTC timestamp", literal);
        return *us;
    };
    if (m.addMonths(1).year > Month::kLastYear) {
        // The upper bound of 9999-12 is in year 10000, which parseUtcMicros does not read.
        check(boundRe.match(utcBoundLiteral(m.addMonths(1))).hasMatch(),
              "a partition bound has the wrong form",
              utcBoundLiteral(m.addMonths(1)));
        return;
    }
    const qint64 from = bound(m);
    const qint64 to = bound(m.addMonths(1));
    const qint64 days = (to - from) / kDayMicros;
    check((to - from) % kDayMicros == 0 && days >= 28 && days <= 31,
          "partition bounds are not one month apart",
          monthText(m) + QStringLiteral(": ") + QString::number(days));
    check(formatUtcMicros(from).startsWith(m.toString() + QStringLiteral("-01T00:00:00.000000")),
          "the lower bound is not the month's first instant",
          formatUtcMicros(from));
}

// Month::parse (--from, the default partition's months): what it accepts prints back as given.
void monthParse(const QString &text)
{
    const Month m = Month::parse(text);
    if (!m.isValid()) {
        check(m == Month{}, "a rejected month is not the invalid Month", monthText(m));
        return;
    }
    check(m.toString() == text.trimmed(), "a parsed month prints differently", text);
    check(Month::parse(m.toString()) == m, "a printed month parses differently", m.toString());
    check(m.firstDay().isValid(), "a valid month has no first day", m.toString());
    partitionSql(m, QStringLiteral("melodee_songs"));
}

// Month arithmetic as maintenance and the migration's premake window use it.
void monthWindowCheck(FuzzedDataProvider &in)
{
    const Month m{in.ConsumeIntegralInRange(1, 9999), in.ConsumeIntegralInRange(1, 12)};
    const int n = in.ConsumeIntegralInRange(-1200, 1200);
    const Month moved = m.addMonths(n);
    if (moved.index() < 12)
        return; // before year 1
    check(moved.isValid(),
          "addMonths gave an invalid month",
          monthText(m) + QStringLiteral(" + %1 = ").arg(n) + monthText(moved));
    check(moved.index() == m.index() + n, "addMonths moved by another count");
    check(moved.addMonths(-n) == m, "addMonths does not undo", monthText(m));
    check((n > 0) == (m < moved) || n == 0, "addMonths breaks the order");
    const int count = in.ConsumeIntegralInRange(1, 120);
    const QList<Month> window = monthWindow(m, count);
    check(window.size() == count && window.first() == m, "monthWindow has the wrong months");
    for (qsizetype i = 1; i < window.size(); ++i)
        check(window[i - 1].addMonths(1) == window[i], "monthWindow skips a month");
    SessionConfig session;
    session.tablePrefix = in.PickValueInArray({"melodee_", "", "x_", "a1_b_"});
    session.singularTable = in.ConsumeBool();
    for (const QString &table : partitionedTables(session))
        partitionSql(moved, table);
}

// parseUtcMicros (cache JSON, --created-from/--to, cursors' months): what it reads, formatUtcMicros
// writes back in a form it reads as the same instant.
void utcText(const QString &text)
{
    const auto us = parseUtcMicros(text);
    if (!us)
        return;
    check(*us >= kMinMicros && *us <= kMaxMicros, "a timestamp outside years 1..9999", text);
    const QString printed = formatUtcMicros(*us);
    check(parseUtcMicros(printed) == us,
          "a timestamp does not survive printing",
          text + QStringLiteral(" -> ") + printed);
}

void utcValue(FuzzedDataProvider &in)
{
    const qint64 us = in.ConsumeIntegralInRange(kMinMicros, kMaxMicros);
    const QString printed = formatUtcMicros(us);
    static const QRegularExpression form(
        QStringLiteral("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}Z$"));
    check(form.match(printed).hasMatch(), "formatUtcMicros wrote an odd form", printed);
    check(parseUtcMicros(printed) == us,
          "a timestamp does not survive printing",
          QString::number(us) + QStringLiteral(" -> ") + printed);
}

// --now: Qt's ISO 8601 reader, then the month the planners start from.
void nowText(const QString &text)
{
    const QDateTime now = QDateTime::fromString(text, Qt::ISODate);
    if (!now.isValid())
        return;
    const QDateTime utc = now.toUTC();
    check(utc.isValid(), "a valid --now has no UTC time", text);
    // A --now whose UTC date is before year 1 (0001-01-01T00:00+01:00) or after 9999 has no
    // month a partition can be made for (Month::kFirstYear..kLastYear).
    if (utc.date().year() < Month::kFirstYear || utc.date().year() > Month::kLastYear)
        return;
    const Month current = Month::fromDate(utc.date());
    check(current.isValid(),
          "a valid --now gives an invalid month",
          text + QStringLiteral(" -> ") + utc.toString(Qt::ISODateWithMs));
    for (const Month &m : monthWindow(current, 3))
        partitionSql(m, QStringLiteral("melodee_albums"));
}

// The parser sums in double, exact to the nanosecond up to 2^53 ns (104 days). Beyond, a sum can
// land a nanosecond under the printed millisecond, which printing (truncating) then loses.
constexpr Duration kExactDuration(qint64(1) << 53);

std::chrono::milliseconds slackFor(Duration d)
{
    return std::chrono::milliseconds(d < kExactDuration ? 1 : 2);
}

// Durations from config, --set and the environment: a printed duration parses back within the
// millisecond it is printed to, and printing it again gives the same text.
void durationText(const QString &text)
{
    QString error;
    const auto d = parseGoDuration(text, &error);
    if (!d) {
        check(!error.isEmpty(), "a rejected duration has no error message", text);
        return;
    }
    check(d->count() >= 0, "a negative duration was accepted", text);
    const QString printed = formatGoDuration(*d);
    const auto back = parseGoDuration(printed);
    check(back.has_value(), "a printed duration does not parse", text + " -> " + printed);
    check(std::chrono::abs(*back - *d) < slackFor(*d),
          "a printed duration parses to another value",
          text + " -> " + printed);
    if (*d < kExactDuration)
        check(formatGoDuration(*back) == printed, "printing a duration is not stable", printed);
}

void durationValue(FuzzedDataProvider &in)
{
    const Duration d(in.ConsumeIntegralInRange<qint64>(0, 9200000000000000000LL));
    const QString printed = formatGoDuration(d);
    durationText(printed);
    const auto back = parseGoDuration(printed);
    check(back && std::chrono::abs(*back - d) < slackFor(d),
          "a printed duration parses to another value",
          QString::number(d.count()) + " -> " + printed);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const QString text = utf8(data + 1, size - 1);
    FuzzedDataProvider in(data + 1, size - 1);
    switch (data[0] % 7) {
    case 0:
        monthParse(text);
        break;
    case 1:
        monthWindowCheck(in);
        break;
    case 2:
        utcText(text);
        break;
    case 3:
        utcValue(in);
        break;
    case 4:
        nowText(text);
        break;
    case 5:
        durationText(text);
        break;
    default:
        durationValue(in);
        break;
    }
    return 0;
}
