#pragma once

#include <QColor>
#include <QPalette>

namespace melodee {

// Status colours that stay readable on light and dark palettes: the same hue, lighter on dark
// backgrounds. Text otherwise keeps the palette's own colours.
namespace Theme {

enum class Status { Neutral, Good, Warn, Bad };

bool isDark(const QPalette &palette);
QColor statusColor(Status status, const QPalette &palette);

} // namespace Theme

} // namespace melodee
