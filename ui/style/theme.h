#pragma once

#include <QColor>
#include <QPalette>
#include <QString>

class QApplication;

namespace melodee {

// Status colours that stay readable on light and dark palettes: the same hue, lighter on dark
// backgrounds. Text otherwise keeps the palette's own colours.
namespace Theme {

enum class Status { Neutral, Good, Warn, Bad };

bool isDark(const QPalette &palette);
QColor statusColor(Status status, const QPalette &palette);

// WCAG contrast ratio of two colours, 1 to 21. Focus rings and scroll bar handles need 3:1
// against what surrounds them to be seen.
double contrastRatio(const QColor &a, const QColor &b);
constexpr double kMinimumContrast = 3.0;

// The palette's highlight (the accent the focus ring is drawn with), moved just far enough from
// the window and base colours to stand out on them; already visible accents stay as they are.
QColor focusColor(const QPalette &palette);
// The scroll bar track and its handle: the handle stands out on the track on light and dark
// palettes alike.
QColor scrollTrackColor(const QPalette &palette);
QColor scrollHandleColor(const QPalette &palette);
// The style sheet apply() sets: scroll bars only, everything else keeps the platform style.
QString styleSheet(const QPalette &palette);

// Makes the focus ring and the scroll bar handles easy to see in the application's palette, and
// again whenever that palette changes (a switch between light and dark).
void apply(QApplication *app);

} // namespace Theme

} // namespace melodee
