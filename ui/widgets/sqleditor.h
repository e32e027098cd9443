#pragma once

#include <QList>
#include <QPlainTextEdit>
#include <QString>

namespace melodee {

class SqlHighlighter;

// A finding to mark on a line of the SQL: lint results (rule, severity, fix).
struct SqlLineMark
{
    int line = 0;     // 1-based
    QString severity; // "error" or "warning"
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

protected:
    void resizeEvent(QResizeEvent *event) override;
    bool viewportEvent(QEvent *event) override;

private:
    friend class SqlEditorGutter;
    void paintGutter(QPaintEvent *event);
    void updateGutter(const QRect &rect, int dy);
    static QColor markColor(const QString &severity);

    QWidget *m_gutter = nullptr;
    SqlHighlighter *m_highlighter = nullptr;
    QList<SqlLineMark> m_marks;
};

} // namespace melodee
