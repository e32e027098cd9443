#pragma once

#include <QWidget>

namespace melodee {

// Some widget setters repaint synchronously: QProgressBar::setRange()/setValue() call repaint(),
// which flushes the window and blocked the event loop 10-30 ms per call in the Migrations view.
// Making the change with updates off schedules one ordinary update() instead.
template<typename Change>
void changeWithoutRepaint(QWidget *widget, Change &&change)
{
    const bool wasEnabled = widget->updatesEnabled();
    widget->setUpdatesEnabled(false);
    change();
    widget->setUpdatesEnabled(wasEnabled);
}

} // namespace melodee
