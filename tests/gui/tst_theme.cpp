#include <style/theme.h>

#include <QApplication>
#include <QLineEdit>
#include <QScrollBar>
#include <QStyle>
#include <QStyleFactory>
#include <QTest>

using namespace melodee;

// The focus ring and the scroll bar handle can be seen on light and dark palettes, including
// palettes whose own accent is too pale or too dark; apply() follows a change of palette.
class tst_Theme : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void contrast_data();
    void contrast();
    void visibleOnEveryPalette_data();
    void visibleOnEveryPalette();
    void applyFollowsThePalette();
};

namespace {

QPalette
makePalette(const QColor &window, const QColor &base, const QColor &text, const QColor &highlight)
{
    QPalette p(window);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Highlight, highlight);
    return p;
}

} // namespace

void tst_Theme::initTestCase()
{
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
}

void tst_Theme::contrast_data()
{
    QTest::addColumn<QColor>("a");
    QTest::addColumn<QColor>("b");
    QTest::addColumn<double>("ratio");
    QTest::newRow("black on white") << QColor(Qt::black) << QColor(Qt::white) << 21.0;
    QTest::newRow("same colour") << QColor(0x80, 0x80, 0x80) << QColor(0x80, 0x80, 0x80) << 1.0;
    QTest::newRow("order does not matter") << QColor(Qt::white) << QColor(0x76, 0x76, 0x76) << 4.54;
}

void tst_Theme::contrast()
{
    QFETCH(QColor, a);
    QFETCH(QColor, b);
    QFETCH(double, ratio);
    QVERIFY2(qAbs(Theme::contrastRatio(a, b) - ratio) < 0.02,
             qPrintable(QString::number(Theme::contrastRatio(a, b))));
}

void tst_Theme::visibleOnEveryPalette_data()
{
    QTest::addColumn<QPalette>("palette");
    QTest::addColumn<bool>("accentKept"); // the accent was visible already: left alone
    QTest::newRow("Fusion light") << QApplication::style()->standardPalette() << false;
    QTest::newRow("light, strong blue accent")
        << makePalette(QColor(0xef, 0xef, 0xef), Qt::white, Qt::black, QColor(0x1a, 0x64, 0xc8))
        << true;
    QTest::newRow("light, pale accent")
        << makePalette(QColor(0xef, 0xef, 0xef), Qt::white, Qt::black, QColor(0xcc, 0xe4, 0xff))
        << false;
    QTest::newRow("dark, default-ish accent") << makePalette(QColor(0x2d, 0x2d, 0x2d),
                                                             QColor(0x1e, 0x1e, 0x1e),
                                                             QColor(0xe0, 0xe0, 0xe0),
                                                             QColor(0x2a, 0x82, 0xda))
                                              << false;
    QTest::newRow("dark, deep accent") << makePalette(
        QColor(0x20, 0x20, 0x20), QColor(0x18, 0x18, 0x18), Qt::white, QColor(0x1a, 0x3a, 0x6a))
                                       << false;
    QTest::newRow("high contrast black")
        << makePalette(Qt::black, Qt::black, Qt::white, Qt::yellow) << true;
}

void tst_Theme::visibleOnEveryPalette()
{
    QFETCH(QPalette, palette);
    QFETCH(bool, accentKept);
    const QColor focus = Theme::focusColor(palette);
    for (const auto role : {QPalette::Window, QPalette::Base}) {
        const double ratio = Theme::contrastRatio(focus, palette.color(role));
        QVERIFY2(ratio >= Theme::kMinimumContrast,
                 qPrintable(QStringLiteral("focus %1 on %2: %3")
                                .arg(focus.name(), palette.color(role).name())
                                .arg(ratio)));
    }
    if (accentKept)
        QCOMPARE(focus, palette.color(QPalette::Highlight));
    const QColor track = Theme::scrollTrackColor(palette);
    const QColor handle = Theme::scrollHandleColor(palette);
    QVERIFY2(Theme::contrastRatio(handle, track) >= Theme::kMinimumContrast,
             qPrintable(QStringLiteral("handle %1 on track %2").arg(handle.name(), track.name())));
    const QString sheet = Theme::styleSheet(palette);
    QVERIFY(sheet.contains(handle.name()));
    QVERIFY(sheet.contains(track.name()));
}

void tst_Theme::applyFollowsThePalette()
{
    Theme::apply(qApp);
    const QPalette dark = makePalette(QColor(0x2d, 0x2d, 0x2d),
                                      QColor(0x1e, 0x1e, 0x1e),
                                      QColor(0xe0, 0xe0, 0xe0),
                                      QColor(0x1a, 0x3a, 0x6a));
    // A switch to a dark palette (as the desktop does) is followed: new colours, same rules.
    QApplication::setPalette(dark);
    QCOMPARE(QApplication::palette().color(QPalette::Highlight), Theme::focusColor(dark));
    QCOMPARE(qApp->styleSheet(), Theme::styleSheet(dark));
    // The widgets get them: a scroll bar is drawn with the handle colour.
    QScrollBar bar(Qt::Vertical);
    bar.setRange(0, 100);
    bar.setPageStep(20);
    bar.resize(14, 300);
    const QImage image = bar.grab().toImage();
    const QColor handle = Theme::scrollHandleColor(dark);
    bool found = false;
    for (int y = 0; y < image.height() && !found; ++y)
        found = image.pixelColor(image.width() / 2, y).rgb() == handle.rgb();
    QVERIFY2(found, "no pixel of the handle colour in the scroll bar");
}

QTEST_MAIN(tst_Theme)
#include "tst_theme.moc"
