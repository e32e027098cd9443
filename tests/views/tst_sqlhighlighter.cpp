#include <widgets/sqlhighlighter.h>

#include <QApplication>
#include <QTest>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextLayout>

using namespace melodee;

class tst_SqlHighlighter : public QObject
{
    Q_OBJECT

private slots:
    void formats_data();
    void formats();
    void rehighlightsOnChange();
};

namespace {

// The foreground colour the highlighter gave the character at pos, or an invalid colour.
QColor colourAt(QTextDocument &doc, int pos)
{
    const QTextBlock block = doc.findBlock(pos);
    const int inBlock = pos - block.position();
    for (const QTextLayout::FormatRange &r : block.layout()->formats()) {
        if (inBlock >= r.start && inBlock < r.start + r.length)
            return r.format.foreground().color();
    }
    return {};
}

} // namespace

void tst_SqlHighlighter::formats_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QString>("at"); // the text whose first character is checked
    QTest::addColumn<int>("kind");   // -1: not highlighted
    QTest::newRow("keyword") << "SELECT name FROM t"
                             << "FROM" << int(SqlToken::Keyword);
    QTest::newRow("identifier") << "SELECT songs FROM t"
                                << "songs" << int(SqlToken::Identifier);
    QTest::newRow("string") << "SELECT 'x'"
                            << "'x'" << int(SqlToken::String);
    QTest::newRow("number") << "SELECT 42"
                            << "42" << int(SqlToken::Number);
    QTest::newRow("comment") << "-- note\nSELECT 1"
                             << "note" << int(SqlToken::Comment);
    QTest::newRow("comment's second line") << "SELECT 1 /* first\nsecond */"
                                           << "second" << int(SqlToken::Comment);
    QTest::newRow("dollar body second line") << "SELECT $$a\nSELECT b$$"
                                             << "SELECT b" << int(SqlToken::String);
    QTest::newRow("keyword-like text in a string is a string") << "SELECT 'FROM'"
                                                               << "FROM" << int(SqlToken::String);
    QTest::newRow("whitespace is not formatted") << "SELECT  1"
                                                 << " " << -1;
}

void tst_SqlHighlighter::formats()
{
    QFETCH(QString, sql);
    QFETCH(QString, at);
    QFETCH(int, kind);
    QTextDocument doc;
    SqlHighlighter h(&doc);
    h.setDarkPalette(false);
    doc.setPlainText(sql);
    h.rehighlight(); // as SqlEditor::setSql() does; see the report on incremental recolouring
    const int pos = int(sql.indexOf(at, at == QLatin1String(" ") ? 6 : 0));
    QVERIFY(pos >= 0);
    const QColor got = colourAt(doc, pos);
    if (kind < 0) {
        QVERIFY(!got.isValid());
        return;
    }
    QCOMPARE(got, h.formatFor(SqlToken::Kind(kind)).foreground().color());
}

void tst_SqlHighlighter::rehighlightsOnChange()
{
    QTextDocument doc;
    SqlHighlighter h(&doc);
    doc.setPlainText(QStringLiteral("SELECT 1"));
    QCOMPARE(h.tokens().size(), 2);
    // Opening a comment on an earlier line recolours what follows it.
    QTextCursor c(&doc);
    c.insertText(QStringLiteral("/* "));
    QCOMPARE(h.tokens().size(), 0); // unterminated comment: a lexing error
    QVERIFY(!h.scanError().isEmpty());
    c.movePosition(QTextCursor::End);
    c.insertText(QStringLiteral(" */"));
    QCOMPARE(h.tokens().size(), 1);
    QCOMPARE(h.tokens().first().kind, SqlToken::Comment);
}

QTEST_MAIN(tst_SqlHighlighter)
#include "tst_sqlhighlighter.moc"
