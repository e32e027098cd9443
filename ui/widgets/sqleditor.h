#pragma once

#include <QList>
#include <QPlainTextEdit>
#include <QString>
#include <QTimer>

namespace melodee {

class SqlHighlighter;

// A finding to mark on a line of the SQL: lint results (rule, severity, fix).
struct SqlLineMark
{
    int line = 0;     // 1-based
    QString severity; // "error", "warning" or "info"
    QString text;     // shown as the line's tooltip
};

// Read-only SQL with PostgreSQL highlighting, line numbers, and lint marks on their lines
// (tinted line, wavy underline, a coloured dot in the gutter, the finding as tooltip).
class SqlEditor : public QPlainTextEdit
{
    Q_OBJECT

public:
    explicit SqlEditor(QWidget *parent = nullptr);

    void setSql(const QString &sql, const QList<SqlLineMark> &marks = {});
    const QList<SqlLineMark> &marks() const { return m_marks; }
    SqlHighlighter *highlighter() const { return m_highlighter; }
    // Lines (1-based) that carry an extra selection, for tests.
    QList<int> markedLines() const;
    int gutterWidth() const;
    // True while a large text is still being coloured, a chunk per event-loop tick.
    bool isHighlighting() const { return m_highlightTimer.isActive(); }
    // Wall time one highlighting chunk may take before yielding to the event loop.
    static constexpr int kHighlightChunkMs = 4;

protected:
    void resizeEvent(QResizeEvent *event) override;
    bool viewportEvent(QEvent *event) override;

private:
    void placeGutter();
    friend class SqlEditorGutter;
    void paintGutter(QPaintEvent *event);
    void updateGutter(const QRect &rect, int dy);
    static QColor markColor(const QString &severity);
    void highlightNextChunk();

    QWidget *m_gutter = nullptr;
    SqlHighlighter *m_highlighter = nullptr;
    QList<SqlLineMark> m_marks;
    QString m_sql;
    int m_sqlChars = -1; // catches the text being replaced other than by setSql()
    QTimer m_highlightTimer;
};

} // namespace melodee
