#include "theme.h"

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

} // namespace melodee::Theme
