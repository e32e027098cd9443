#include "sqleditor.h"

#include "sqlhighlighter.h"

#include <QElapsedTimer>
#include <QFontDatabase>
#include <QHelpEvent>
#include <QPainter>
#include <QTextBlock>
#include <QToolTip>

#include <algorithm>

namespace melodee {

class SqlEditorGutter : public QWidget
{
public:
    explicit SqlEditorGutter(SqlEditor *editor)
        : QWidget(editor)
        , m_editor(editor)
    {}
    QSize sizeHint() const override { return {m_editor->gutterWidth(), 0}; }

protected:
    void paintEvent(QPaintEvent *event) override { m_editor->paintGutter(event); }

private:
    SqlEditor *m_editor;
};

SqlEditor::SqlEditor(QWidget *parent)
    : QPlainTextEdit(parent)
{
    setReadOnly(true);
    setLineWrapMode(QPlainTextEdit::NoWrap);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_highlighter = new SqlHighlighter(document());
    m_gutter = new SqlEditorGutter(this);
    connect(this, &QPlainTextEdit::blockCountChanged, this, [this] {
        setViewportMargins(gutterWidth(), 0, 0, 0);
    });
    connect(this, &QPlainTextEdit::updateRequest, this, &SqlEditor::updateGutter);
    setViewportMargins(gutterWidth(), 0, 0, 0);
    m_highlightTimer.setSingleShot(true);
    m_highlightTimer.setInterval(0);
    connect(&m_highlightTimer, &QTimer::timeout, this, &SqlEditor::highlightNextChunk);
}

int SqlEditor::gutterWidth() const
{
    const int digits = QString::number(qMax(1, blockCount())).size();
    return 18 + fontMetrics().horizontalAdvance(QLatin1Char('9')) * qMax(3, digits);
}

QColor SqlEditor::markColor(const QString &severity)
{
    if (severity == QLatin1String("error"))
        return QColor(0xd3, 0x2f, 0x2f);
    if (severity == QLatin1String("warning"))
        return QColor(0xf0, 0x9a, 0x00);
    return QColor(0x15, 0x65, 0xc0); // info: a fact worth knowing, not a problem
}

void SqlEditor::setSql(const QString &sql, const QList<SqlLineMark> &marks)
{
    // The same text again (a dry run re-showing the plan on screen) keeps its layout and colours.
    if (sql != m_sql || document()->characterCount() != m_sqlChars) {
        m_sql = sql;
        // Formatting every block of a large plan in one go blocked the event loop for tens of
        // milliseconds: the text goes in unformatted, then the top chunk (what is on screen) is
        // coloured now, so a grab() right after shows it, and the rest a chunk per tick.
        m_highlighter->setFormattedBlockLimit(0);
        setPlainText(sql);
        m_sqlChars = document()->characterCount();
        highlightNextChunk();
    }
    m_marks = marks;
    QList<QTextEdit::ExtraSelection> selections;
    for (const SqlLineMark &m : marks) {
        const QTextBlock block = document()->findBlockByNumber(m.line - 1);
        if (!block.isValid())
            continue;
        QTextEdit::ExtraSelection line;
        QColor tint = markColor(m.severity);
        tint.setAlpha(40);
        line.format.setBackground(tint);
        line.format.setProperty(QTextFormat::FullWidthSelection, true);
        line.cursor = QTextCursor(block);
        selections << line;
        QTextEdit::ExtraSelection wave;
        wave.format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
        wave.format.setUnderlineColor(markColor(m.severity));
        wave.cursor = QTextCursor(block);
        wave.cursor.movePosition(QTextCursor::EndOfBlock, QTextCursor::KeepAnchor);
        selections << wave;
    }
    setExtraSelections(selections);
    m_gutter->update();
}

void SqlEditor::highlightNextChunk()
{
    QElapsedTimer clock;
    clock.start();
    const int blocks = document()->blockCount();
    int next = std::max(0, m_highlighter->formattedBlockLimit());
    while (next < blocks && clock.elapsed() < kHighlightChunkMs) {
        // 16 blocks between clock reads: one block takes microseconds.
        const int end = std::min(blocks, next + 16);
        m_highlighter->setFormattedBlockLimit(end);
        for (QTextBlock b = document()->findBlockByNumber(next); b.isValid() && next < end;
             b = b.next(), ++next) {
            m_highlighter->rehighlightBlock(b);
        }
    }
    if (next < blocks) {
        m_highlightTimer.start();
    } else {
        m_highlighter->setFormattedBlockLimit(-1); // edits and palette changes format everything
        m_highlightTimer.stop();
    }
}

QList<int> SqlEditor::markedLines() const
{
    QList<int> out;
    for (const QTextEdit::ExtraSelection &s : extraSelections()) {
        const int line = s.cursor.block().blockNumber() + 1;
        if (!out.contains(line))
            out << line;
    }
    return out;
}

void SqlEditor::resizeEvent(QResizeEvent *event)
{
    QPlainTextEdit::resizeEvent(event);
    placeGutter();
}

void SqlEditor::placeGutter()
{
    // Beside the viewport, as tall as the viewport: not over the horizontal scroll bar, which
    // runs under the gutter too.
    const QRect vp = viewport()->geometry();
    m_gutter->setGeometry(QRect(contentsRect().left(), vp.top(), gutterWidth(), vp.height()));
}

bool SqlEditor::viewportEvent(QEvent *event)
{
    // The viewport shrinks when the horizontal scroll bar appears, without a resize of the editor.
    if (event->type() == QEvent::Resize)
        placeGutter();
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const int line = cursorForPosition(help->pos()).block().blockNumber() + 1;
        QStringList texts;
        for (const SqlLineMark &m : std::as_const(m_marks)) {
            if (m.line == line)
                texts << m.text;
        }
        if (texts.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), texts.join(QLatin1Char('\n')), viewport());
        return true;
    }
    return QPlainTextEdit::viewportEvent(event);
}

void SqlEditor::updateGutter(const QRect &rect, int dy)
{
    if (dy)
        m_gutter->scroll(0, dy);
    else
        m_gutter->update(0, rect.y(), m_gutter->width(), rect.height());
}

void SqlEditor::paintGutter(QPaintEvent *event)
{
    QPainter p(m_gutter);
    const QPalette pal = palette();
    p.fillRect(event->rect(), pal.color(QPalette::AlternateBase));
    QTextBlock block = firstVisibleBlock();
    int top = qRound(blockBoundingGeometry(block).translated(contentOffset()).top());
    int bottom = top + qRound(blockBoundingRect(block).height());
    const int w = m_gutter->width();
    p.setFont(font());
    while (block.isValid() && top <= event->rect().bottom()) {
        if (block.isVisible() && bottom >= event->rect().top()) {
            const int line = block.blockNumber() + 1;
            QString severity;
            for (const SqlLineMark &m : std::as_const(m_marks)) {
                if (m.line == line && severity != QLatin1String("error"))
                    severity = m.severity;
            }
            if (!severity.isEmpty()) {
                p.setRenderHint(QPainter::Antialiasing);
                p.setBrush(markColor(severity));
                p.setPen(Qt::NoPen);
                const int d = qMin(8, bottom - top - 4);
                p.drawEllipse(QRect(4, top + (bottom - top - d) / 2, d, d));
            }
            p.setPen(pal.color(QPalette::PlaceholderText));
            p.drawText(QRect(0, top, w - 6, bottom - top),
                       Qt::AlignRight | Qt::AlignVCenter,
                       QString::number(line));
        }
        block = block.next();
        top = bottom;
        bottom = top + qRound(blockBoundingRect(block).height());
    }
}

} // namespace melodee
