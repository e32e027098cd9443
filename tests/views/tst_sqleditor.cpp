#include <widgets/sqleditor.h>
#include <widgets/sqlhighlighter.h>

#include <QTest>
#include <QTextBlock>
#include <QTextLayout>

using namespace melodee;

class tst_SqlEditor : public QObject
{
    Q_OBJECT

private slots:
    void marks_data();
    void marks();
    void readOnly();
    void highlightsLargeTextInChunks_data();
    void highlightsLargeTextInChunks();
    void sameTextKeepsDocument();
};

namespace {
QColor colourAt(const QTextBlock &block, int pos)
{
    for (const QTextLayout::FormatRange &r : block.layout()->formats()) {
        if (pos >= r.start && pos < r.start + r.length)
            return r.format.foreground().color();
    }
    return QColor();
}
} // namespace

void tst_SqlEditor::marks_data()
{
    QTest::addColumn<QList<int>>("lines");
    QTest::addColumn<QList<int>>("expected");
    QTest::newRow("none") << QList<int>{} << QList<int>{};
    QTest::newRow("first and third") << QList<int>{1, 3} << QList<int>{1, 3};
    QTest::newRow("two findings on one line") << QList<int>{2, 2} << QList<int>{2};
    QTest::newRow("out of range ignored") << QList<int>{0, 4, 99} << QList<int>{4};
}

void tst_SqlEditor::marks()
{
    QFETCH(QList<int>, lines);
    QFETCH(QList<int>, expected);
    SqlEditor editor;
    QList<SqlLineMark> marks;
    for (int l : lines)
        marks << SqlLineMark{l, QStringLiteral("warning"), QStringLiteral("rule [x]: y\nfix: z")};
    editor.setSql(QStringLiteral("CREATE TABLE a (id int);\nALTER TABLE a ADD b int;\n"
                                 "DROP TABLE a;\nSELECT 1;"),
                  marks);
    QList<int> got = editor.markedLines();
    std::sort(got.begin(), got.end());
    QCOMPARE(got, expected);
}

void tst_SqlEditor::readOnly()
{
    SqlEditor editor;
    editor.setSql(QStringLiteral("SELECT 1"));
    QVERIFY(editor.isReadOnly());
    QCOMPARE(editor.highlighter()->tokens().size(), 2);
}

void tst_SqlEditor::highlightsLargeTextInChunks_data()
{
    QTest::addColumn<int>("lines");
    QTest::newRow("one line") << 1;
    QTest::newRow("a screenful") << 40;
    QTest::newRow("more than one chunk") << 20000;
}

void tst_SqlEditor::highlightsLargeTextInChunks()
{
    QFETCH(int, lines);
    SqlEditor editor;
    QStringList text;
    for (int i = 0; i < lines; ++i)
        text << QStringLiteral("SELECT %1 FROM t;").arg(i);
    editor.setSql(text.join(QLatin1Char('\n')));
    const QColor keyword = editor.highlighter()->formatFor(SqlToken::Keyword).foreground().color();
    // The top (what is on screen) is coloured before setSql() returns.
    QCOMPARE(colourAt(editor.document()->firstBlock(), 0), keyword);
    QTRY_VERIFY(!editor.isHighlighting());
    QCOMPARE(colourAt(editor.document()->lastBlock(), 0), keyword);
    QCOMPARE(editor.highlighter()->formattedBlockLimit(), -1);
}

void tst_SqlEditor::sameTextKeepsDocument()
{
    SqlEditor editor;
    const QString sql = QStringLiteral("CREATE TABLE a (id int);\nDROP TABLE a;");
    editor.setSql(sql);
    const int revision = editor.document()->revision();
    editor.setSql(sql, {SqlLineMark{2, QStringLiteral("error"), QStringLiteral("r [x]: y")}});
    QCOMPARE(editor.document()->revision(), revision);
    QCOMPARE(editor.markedLines(), QList<int>{2});
    // Text replaced behind setSql()'s back is set again.
    editor.setPlainText(QStringLiteral("SELECT 1"));
    editor.setSql(sql);
    QCOMPARE(editor.toPlainText(), sql);
}

QTEST_MAIN(tst_SqlEditor)
#include "tst_sqleditor.moc"
