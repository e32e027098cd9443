#include <charts/timeserieschart.h>

#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QLineSeries>
#include <QLocale>
#include <QPalette>
#include <QRegularExpression>
#include <QTest>

using namespace melodee;

class tst_TimeSeriesChart : public QObject
{
    Q_OBJECT

private slots:
    void niceScale_data();
    void niceScale();
    void relativeLabel_data();
    void relativeLabel();
    void timeSpan_data();
    void timeSpan();
    void axesReadAsAPersonWould_data();
    void axesReadAsAPersonWould();
    void localeAndPalette_data();
    void localeAndPalette();
    void limitLine_data();
    void limitLine();
    void clockLabels();
};

void tst_TimeSeriesChart::niceScale_data()
{
    QTest::addColumn<double>("top");
    QTest::addColumn<double>("max");
    QTest::addColumn<double>("step");
    QTest::addColumn<int>("decimals");
    QTest::newRow("nothing yet") << 0.0 << 1.0 << 0.25 << 2;
    QTest::newRow("NaN") << qQNaN() << 1.0 << 0.25 << 2;
    QTest::newRow("negative") << -5.0 << 1.0 << 0.25 << 2;
    // 41.3 once gave 13.8 / 27.5 / 41.3.
    QTest::newRow("41.3") << 41.3 << 50.0 << 10.0 << 0;
    QTest::newRow("exactly 40") << 40.0 << 50.0 << 10.0 << 0;
    QTest::newRow("8 connections") << 8.0 << 10.0 << 2.0 << 0;
    QTest::newRow("1 connection") << 1.0 << 1.2 << 0.2 << 1;
    QTest::newRow("3.17 ms") << 3.17 << 4.0 << 1.0 << 0;
    QTest::newRow("3170 µs") << 3170.0 << 4000.0 << 1000.0 << 0;
    QTest::newRow("0.042 ms") << 0.042 << 0.05 << 0.01 << 2;
    QTest::newRow("9.9") << 9.9 << 10.0 << 2.0 << 0;
    QTest::newRow("13") << 13.0 << 15.0 << 2.5 << 1;
    QTest::newRow("120000 waits/s") << 120000.0 << 125000.0 << 25000.0 << 0;
}

void tst_TimeSeriesChart::niceScale()
{
    QFETCH(double, top);
    QFETCH(double, max);
    QFETCH(double, step);
    QFETCH(int, decimals);
    const TimeSeriesChart::Scale s = TimeSeriesChart::niceScale(top);
    QCOMPARE(s.max, max);
    QCOMPARE(s.step, step);
    QCOMPARE(s.decimals, decimals);
}

void tst_TimeSeriesChart::relativeLabel_data()
{
    QTest::addColumn<double>("ago");
    QTest::addColumn<bool>("minutes");
    QTest::addColumn<QString>("label");
    QTest::newRow("now") << 0.0 << false << "now";
    QTest::newRow("rounding to now") << 0.4 << true << "now";
    QTest::newRow("15 s") << 15.0 << false << QString::fromUtf8("\u221215 s");
    QTest::newRow("120 s") << 120.0 << false << QString::fromUtf8("\u2212120 s");
    QTest::newRow("2 min") << 120.0 << true << QString::fromUtf8("\u22122 min");
    QTest::newRow("150 s in minutes") << 150.0 << true << QString::fromUtf8("\u2212150 s");
    QTest::newRow("5 min") << 300.0 << true << QString::fromUtf8("\u22125 min");
}

void tst_TimeSeriesChart::relativeLabel()
{
    QFETCH(double, ago);
    QFETCH(bool, minutes);
    QFETCH(QString, label);
    QCOMPARE(TimeSeriesChart::relativeLabel(ago, minutes), label);
}

void tst_TimeSeriesChart::timeSpan_data()
{
    QTest::addColumn<double>("seconds");
    QTest::addColumn<double>("span");
    QTest::addColumn<double>("step");
    QTest::newRow("first sample") << 0.0 << 30.0 << 10.0;
    QTest::newRow("25 s") << 25.0 << 30.0 << 10.0;
    QTest::newRow("45 s") << 45.0 << 60.0 << 15.0;
    QTest::newRow("100 s") << 100.0 << 120.0 << 30.0;
    QTest::newRow("full window") << 299.0 << 300.0 << 60.0;
    QTest::newRow("more than the window") << 1000.0 << 300.0 << 60.0;
}

void tst_TimeSeriesChart::timeSpan()
{
    QFETCH(double, seconds);
    QFETCH(double, span);
    QFETCH(double, step);
    const auto [gotSpan, gotStep] = TimeSeriesChart::timeSpan(seconds, 300);
    QCOMPARE(gotSpan, span);
    QCOMPARE(gotStep, step);
}

void tst_TimeSeriesChart::axesReadAsAPersonWould_data()
{
    QTest::addColumn<double>("value");
    QTest::newRow("µs-sized") << 3170.0;
    QTest::newRow("tiny") << 0.00042;
    QTest::newRow("connections") << 41.3;
    QTest::newRow("huge") << 4.2e7;
}

void tst_TimeSeriesChart::axesReadAsAPersonWould()
{
    QFETCH(double, value);
    TimeSeriesChart chart(QStringLiteral("t"), {QStringLiteral("a")}, QStringLiteral("u"));
    QList<QPointF> points;
    for (int t = 100; t <= 200; ++t)
        points << QPointF(t, value * (t % 7) / 6.0);
    chart.setPoints(0, points);
    chart.setWindow(200, 300);
    // y: no exponents, every tick a multiple of the step.
    const QStringList y = chart.yLabels();
    QVERIFY(y.size() >= 3 && y.size() <= 7);
    for (const QString &label : y)
        QVERIFY2(!label.contains(QLatin1Char('e'), Qt::CaseInsensitive), qPrintable(label));
    bool ok = false;
    QVERIFY(QLocale().toDouble(y.last(), &ok) >= value);
    QVERIFY2(ok, qPrintable(y.last()));
    // x: relative to the newest point, ending on "now".
    const QStringList x = chart.xLabels();
    QCOMPARE(x.last(), QStringLiteral("now"));
    QCOMPARE(x.first(), QString::fromUtf8("\u2212120 s"));
}

void tst_TimeSeriesChart::localeAndPalette_data()
{
    QTest::addColumn<QString>("locale");
    QTest::addColumn<bool>("dark");
    QTest::addColumn<QString>("topLabel");
    QTest::newRow("en, light") << "en_US" << false << "60,000,000";
    QTest::newRow("de, dark") << "de_DE" << true << "60.000.000";
}

// The y labels group digits as the user's locale does (as every number in the window), and a
// dark palette gives the chart the dark theme.
void tst_TimeSeriesChart::localeAndPalette()
{
    QFETCH(QString, locale);
    QFETCH(bool, dark);
    QFETCH(QString, topLabel);
    QLocale::setDefault(QLocale(locale));
    TimeSeriesChart chart(QStringLiteral("t"), {QStringLiteral("a")}, QStringLiteral("u"));
    QList<QPointF> points;
    for (int t = 100; t <= 200; ++t)
        points << QPointF(t, 4.2e7 * (t % 7) / 6.0);
    chart.setPoints(0, points);
    chart.setWindow(200, 300);
    QCOMPARE(chart.yLabels().last(), topLabel);
    QPalette palette;
    if (dark) {
        palette.setColor(QPalette::Window, QColor(0x2d, 0x2d, 0x2d));
        palette.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
        palette.setColor(QPalette::WindowText, QColor(0xe0, 0xe0, 0xe0));
    }
    chart.setPalette(palette);
    auto *view = chart.findChild<QChartView *>();
    QVERIFY(view);
    QCOMPARE(view->chart()->theme(), dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    QLocale::setDefault(QLocale::c());
}

void tst_TimeSeriesChart::limitLine_data()
{
    QTest::addColumn<double>("data");
    QTest::addColumn<double>("limit");
    QTest::addColumn<double>("axisAtLeast");
    QTest::newRow("data below the limit") << 0.2 << 5.0 << 5.0;
    QTest::newRow("data above the limit") << 40.0 << 1.0 << 40.0;
    QTest::newRow("no data") << 0.0 << 2.0 << 2.0;
}

// The limit is a dashed line across the whole x span, named in the legend, and the y axis always
// reaches above it, also when every point is far below; a theme change keeps it dashed.
void tst_TimeSeriesChart::limitLine()
{
    QFETCH(double, data);
    QFETCH(double, limit);
    QFETCH(double, axisAtLeast);
    TimeSeriesChart chart(QStringLiteral("t"), {QStringLiteral("a")}, QStringLiteral("s"));
    QList<QPointF> points;
    for (int t = 100; t <= 160; t += 2)
        points << QPointF(t, data);
    chart.setPoints(0, points);
    chart.setLimit(limit, QStringLiteral("max 5s"));
    chart.setWindow(160, 300);
    QCOMPARE(chart.limit(), limit);
    QVERIFY(QLocale().toDouble(chart.yLabels().last()) > axisAtLeast - 1e-9);
    auto *view = chart.findChild<QChartView *>();
    QVERIFY(view);
    QLineSeries *line = nullptr;
    for (QAbstractSeries *s : view->chart()->series())
        if (s->name() == QStringLiteral("max 5s"))
            line = qobject_cast<QLineSeries *>(s);
    QVERIFY(line);
    QCOMPARE(line->count(), 2);
    QCOMPARE(line->at(0).y(), limit);
    QCOMPARE(line->at(1), QPointF(160, limit));
    QVERIFY(line->at(0).x() <= 100);
    QCOMPARE(line->pen().style(), Qt::DashLine);
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(0x2d, 0x2d, 0x2d));
    dark.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    chart.setPalette(dark);
    QCOMPARE(line->pen().style(), Qt::DashLine);
    chart.setLimit(qQNaN(), QStringLiteral("max 5s"));
    QVERIFY(!line->isVisible());
}

// With clock labels the x axis reads the local time of day, ticks on round times.
void tst_TimeSeriesChart::clockLabels()
{
    TimeSeriesChart chart(QStringLiteral("t"), {QStringLiteral("a")}, QStringLiteral("s"));
    chart.setClockLabels(true);
    const QDateTime end(QDate(2026, 12, 5), QTime(14, 5, 37));
    const double endSeconds = double(end.toMSecsSinceEpoch()) / 1000;
    QList<QPointF> points;
    for (int ago = 50; ago >= 0; --ago)
        points << QPointF(endSeconds - ago, 1);
    chart.setPoints(0, points);
    chart.setWindow(endSeconds, 300);
    const QStringList x = chart.xLabels();
    // 50 s of data: a 60 s span with a tick every 15 s.
    QCOMPARE(x,
             QStringList({QStringLiteral("14:04:45"),
                          QStringLiteral("14:05:00"),
                          QStringLiteral("14:05:15"),
                          QStringLiteral("14:05:30")}));
    QCOMPARE(TimeSeriesChart::clockLabel(endSeconds - 15), QStringLiteral("14:05:22"));
    // A tick right at the newest point would stick out of the chart: it is left out.
    chart.setWindow(endSeconds - 7, 300);
    QCOMPARE(chart.xLabels().last(), QStringLiteral("14:05:15"));
}

QTEST_MAIN(tst_TimeSeriesChart)
#include "tst_timeserieschart.moc"
