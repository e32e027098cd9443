#include "theme.h"

#include <QApplication>
#include <QEvent>

#include <cmath>

namespace melodee::Theme {

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

QColor statusColor(Status status, const QPalette &palette)
{
    const bool dark = isDark(palette);
    switch (status) {
    case Status::Good:
        return dark ? QColor(0x6a, 0xd1, 0x7a) : QColor(0x1a, 0x7f, 0x37);
    case Status::Warn:
        return dark ? QColor(0xf0, 0xb4, 0x3c) : QColor(0x9a, 0x67, 0x00);
    case Status::Bad:
        return dark ? QColor(0xff, 0x7b, 0x72) : QColor(0xcf, 0x22, 0x2e);
    case Status::Neutral:
        break;
    }
    return palette.color(QPalette::PlaceholderText);
}

namespace {

double luminance(const QColor &c)
{
    const auto channel = [](float v) {
        return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
    };
    const QColor rgb = c.toRgb();
    return 0.2126 * channel(rgb.redF()) + 0.7152 * channel(rgb.greenF())
           + 0.0722 * channel(rgb.blueF());
}

QColor mix(const QColor &a, const QColor &b, double t)
{
    const QColor x = a.toRgb();
    const QColor y = b.toRgb();
    return QColor::fromRgbF(float(x.redF() + (y.redF() - x.redF()) * t),
                            float(x.greenF() + (y.greenF() - x.greenF()) * t),
                            float(x.blueF() + (y.blueF() - x.blueF()) * t));
}

// c moved towards `towards` in small steps until it has the contrast against every background.
QColor standOut(QColor c, const QColor &towards, std::initializer_list<QColor> backgrounds)
{
    for (int step = 0; step < 20; ++step) {
        bool enough = true;
        for (const QColor &bg : backgrounds)
            enough = enough && contrastRatio(c, bg) >= kMinimumContrast;
        if (enough)
            break;
        c = mix(c, towards, 0.15);
    }
    return c;
}

// Reapplies the theme when the application's palette changes (not for its own change).
class PaletteWatcher : public QObject
{
public:
    using QObject::QObject;
    bool applying = false;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::ApplicationPaletteChange && watched == qApp && !applying)
            apply(qApp);
        return QObject::eventFilter(watched, event);
    }
};

} // namespace

double contrastRatio(const QColor &a, const QColor &b)
{
    const double la = luminance(a);
    const double lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QColor focusColor(const QPalette &palette)
{
    const QColor extreme = isDark(palette) ? QColor(Qt::white) : QColor(Qt::black);
    return standOut(palette.color(QPalette::Highlight),
                    extreme,
                    {palette.color(QPalette::Window), palette.color(QPalette::Base)});
}

QColor scrollTrackColor(const QPalette &palette)
{
    const QColor window = palette.color(QPalette::Window);
    return isDark(palette) ? window.lighter(115) : window.darker(104);
}

QColor scrollHandleColor(const QPalette &palette)
{
    const QColor track = scrollTrackColor(palette);
    const QColor text = palette.color(QPalette::WindowText);
    // Half way to the text colour, then further if that is not enough.
    return standOut(mix(track, text, 0.45), text, {track});
}

QString styleSheet(const QPalette &palette)
{
    const QColor handle = scrollHandleColor(palette);
    const QColor hover = mix(handle, palette.color(QPalette::WindowText), 0.3);
    return QStringLiteral(
               "QScrollBar:vertical { width: 14px; margin: 0; background: %1; border: none; }"
               "QScrollBar:horizontal { height: 14px; margin: 0; background: %1; border: none; }"
               "QScrollBar::handle { background: %2; border-radius: 4px; margin: 3px; }"
               "QScrollBar::handle:vertical { min-height: 28px; }"
               "QScrollBar::handle:horizontal { min-width: 28px; }"
               "QScrollBar::handle:hover, QScrollBar::handle:pressed { background: %3; }"
               "QScrollBar::add-line, QScrollBar::sub-line { width: 0; height: 0; border: none; "
               "background: none; }"
               "QScrollBar::add-page, QScrollBar::sub-page { background: none; }")
        .arg(scrollTrackColor(palette).name(), handle.name(), hover.name());
}

void apply(QApplication *app)
{
    auto *watcher = app->findChild<PaletteWatcher *>(QStringLiteral("melodeeThemeWatcher"));
    if (!watcher) {
        watcher = new PaletteWatcher(app);
        watcher->setObjectName(QStringLiteral("melodeeThemeWatcher"));
        app->installEventFilter(watcher);
    }
    watcher->applying = true;
    QPalette palette = QApplication::palette();
    const QColor focus = focusColor(palette);
    for (const auto group : {QPalette::Active, QPalette::Inactive}) {
        palette.setColor(group, QPalette::Highlight, focus);
        palette.setColor(group,
                         QPalette::HighlightedText,
                         luminance(focus) > 0.4 ? QColor(Qt::black) : QColor(Qt::white));
    }
    QApplication::setPalette(palette);
    app->setStyleSheet(styleSheet(palette));
    watcher->applying = false;
}

} // namespace melodee::Theme
