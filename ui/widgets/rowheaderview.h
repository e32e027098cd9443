#pragma once

#include <QHeaderView>

namespace melodee {

// A table's row header for models of millions of rows. Whenever the selection model holds a
// selection, QHeaderView starts each paint by building a fresh bit array of two bits per section
// (QHeaderViewPrivate::prepareSectionSelected()): at 10M rows a 2.5 MB allocation, zeroed page by
// page, about 8 ms of every repaint of the Songs view after a row was selected. This header
// paints the sections in the exposed rectangle as QHeaderView does (paintSection(), each
// section's font role, the empty area after the last section) without that array; a section
// whose row intersects the selection is still highlighted.
class RowHeaderView : public QHeaderView
{
    Q_OBJECT

public:
    explicit RowHeaderView(QWidget *parent = nullptr);

protected:
    void paintEvent(QPaintEvent *event) override;
    // QHeaderView's own look at the selection reads the array this header never builds: asks the
    // selection model instead, for the one section being painted.
    void initStyleOptionForIndex(QStyleOptionHeader *option, int logicalIndex) const override;
};

} // namespace melodee
