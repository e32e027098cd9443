#include "migrationtraceeditor.h"

#include <QHelpEvent>
#include <QPainter>
#include <QTextBlock>
#include <QToolTip>

namespace melodee {

class TraceRail : public QWidget
{
public:
    explicit TraceRail(MigrationTraceEditor *editor)
        : QWidget(editor)
        , m_editor(editor)
    {}

protected:
    void paintEvent(QPaintEvent *event) override { m_editor->paintRail(event); }
    bool event(QEvent *event) override
    {
        if (event->type() == QEvent::ToolTip) {
            auto *help = static_cast<QHelpEvent *>(event);
            if (const TraceAnnotation *a = m_editor->annotationAt(help->pos().y()))
                QToolTip::showText(help->globalPos(), a->details, this);
            else
                QToolTip::hideText();
            return true;
        }
        return QWidget::event(event);
    }

private:
    MigrationTraceEditor *m_editor;
};

MigrationTraceEditor::MigrationTraceEditor(QWidget *parent)
    : SqlEditor(parent)
{
    m_rail = new TraceRail(this);
    m_rail->setObjectName(QStringLiteral("traceRail"));
    m_rail->hide();
    connect(this, &QPlainTextEdit::updateRequest, m_rail, [this](const QRect &, int) {
        m_rail->update();
    });
}

void MigrationTraceEditor::setAnnotations(const QList<TraceAnnotation> &annotations)
{
    m_annotations = annotations;
    layoutRail();
    m_rail->update();
}

void MigrationTraceEditor::resizeEvent(QResizeEvent *event)
{
    SqlEditor::resizeEvent(event);
    layoutRail();
}

void MigrationTraceEditor::layoutRail()
{
    // About 60 characters (a badge and "rewrites melodee_songs, 2.1 GB · 35 ms"), at most half
    // the editor: the SQL keeps the rest.
    const int wanted = fontMetrics().horizontalAdvance(QLatin1Char('x')) * 60;
    m_railWidth = m_annotations.isEmpty() ? 0 : qMin(wanted, width() / 2);
    // SqlEditor resets the margins when the text changes; the rail's is set again here.
    setViewportMargins(gutterWidth(), 0, m_railWidth, 0);
    // Right of the viewport, left of the vertical scroll bar, which would cover its end.
    const QRect vp = viewport()->geometry();
    m_rail->setGeometry(QRect(vp.right() + 1, vp.top(), m_railWidth, vp.height()));
    m_rail->setVisible(m_railWidth > 0);
}

QColor MigrationTraceEditor::badgeColor(const QString &mode)
{
    if (mode == QLatin1String("ACCESS EXCLUSIVE"))
        return QColor(0xc6, 0x28, 0x28);
    if (mode == QLatin1String("EXCLUSIVE") || mode == QLatin1String("SHARE ROW EXCLUSIVE")
        || mode == QLatin1String("SHARE"))
        return QColor(0xe6, 0x51, 0x00);
    return QColor(0x15, 0x65, 0xc0);
}

const TraceAnnotation *MigrationTraceEditor::annotationAt(int y) const
{
    const QTextBlock block = cursorForPosition(QPoint(0, y)).block();
    for (const TraceAnnotation &a : m_annotations) {
        if (a.line == block.blockNumber() + 1)
            return &a;
    }
    return nullptr;
}

void MigrationTraceEditor::paintRail(QPaintEvent *event)
{
    QPainter p(m_rail);
    const QPalette pal = palette();
    p.fillRect(event->rect(), pal.color(QPalette::AlternateBase));
    p.setPen(pal.color(QPalette::Mid));
    p.drawLine(0, 0, 0, m_rail->height());
    p.setRenderHint(QPainter::Antialiasing);
    QFont badgeFont = font();
    badgeFont.setPointSizeF(badgeFont.pointSizeF() * 0.8);
    badgeFont.setBold(true);
    const QFontMetrics badgeMetrics(badgeFont);
    const QFontMetrics textMetrics(font());
    for (const TraceAnnotation &a : std::as_const(m_annotations)) {
        const QTextBlock block = document()->findBlockByNumber(a.line - 1);
        if (!block.isValid() || !block.isVisible())
            continue;
        const QRectF geo = blockBoundingGeometry(block).translated(contentOffset());
        if (geo.bottom() < 0 || geo.top() > m_rail->height())
            continue;
        const qreal lineHeight = textMetrics.height();
        const qreal top = geo.top();
        qreal x = 6;
        for (const QString &badge : a.badges) {
            const qreal w = badgeMetrics.horizontalAdvance(badge) + 8;
            const QRectF r(x, top + 1, w, lineHeight - 2);
            p.setPen(Qt::NoPen);
            p.setBrush(badgeColor(badge));
            p.drawRoundedRect(r, 3, 3);
            p.setPen(Qt::white);
            p.setFont(badgeFont);
            p.drawText(r, Qt::AlignCenter, badge);
            x += w + 4;
        }
        p.setFont(font());
        p.setPen(a.severe ? QColor(0xc6, 0x28, 0x28) : pal.color(QPalette::Text));
        const int room = qMax(0, m_rail->width() - int(x) - 4);
        p.drawText(QPointF(x, top + textMetrics.ascent()),
                   textMetrics.elidedText(a.note, Qt::ElideRight, room));
    }
}

} // namespace melodee
