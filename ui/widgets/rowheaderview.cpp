#include "rowheaderview.h"

#include <QItemSelectionModel>
#include <QPaintEvent>
#include <QPainter>
#include <QStyle>
#include <QStyleOption>

namespace melodee {

RowHeaderView::RowHeaderView(QWidget *parent)
    : QHeaderView(Qt::Vertical, parent)
{
    // As the row header QTableView makes for itself.
    setSectionsClickable(true);
    setHighlightSections(true);
}

void RowHeaderView::paintEvent(QPaintEvent *event)
{
    if (count() == 0)
        return;
    QPainter painter(viewport());
    const QRect area = event->rect();
    int first = visualIndexAt(area.top());
    int last = visualIndexAt(area.bottom());
    first = first < 0 ? 0 : first;
    last = last < 0 ? count() - 1 : last;
    QRect section;
    for (int visual = first; visual <= last; ++visual) {
        const int logical = logicalIndex(visual);
        if (isSectionHidden(logical))
            continue;
        section.setRect(
            0, sectionViewportPosition(logical), viewport()->width(), sectionSize(logical));
        painter.save();
        const QVariant font = model()->headerData(logical, orientation(), Qt::FontRole);
        if (font.isValid() && font.canConvert<QFont>())
            painter.setFont(qvariant_cast<QFont>(font));
        paintSection(&painter, section, logical);
        painter.restore();
    }
    if (section.isValid() && section.bottom() < area.bottom()) {
        QStyleOption option;
        option.initFrom(this);
        option.state |= QStyle::State_Horizontal;
        option.rect = QRect(
            area.left(), section.bottom() + 1, area.width(), area.bottom() - section.bottom());
        style()->drawControl(QStyle::CE_HeaderEmptyArea, &option, &painter, this);
    }
}

void RowHeaderView::initStyleOptionForIndex(QStyleOptionHeader *option, int logicalIndex) const
{
    QHeaderView::initStyleOptionForIndex(option, logicalIndex);
    const QItemSelectionModel *selection = selectionModel();
    if (!highlightSections() || !sectionsClickable() || !selection)
        return;
    if (selection->rowIntersectsSelection(logicalIndex, rootIndex()))
        option->state |= QStyle::State_On;
    if (selection->isRowSelected(logicalIndex, rootIndex()))
        option->state |= QStyle::State_Sunken;
}

} // namespace melodee
