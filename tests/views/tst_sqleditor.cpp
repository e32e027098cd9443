#include <widgets/sqleditor.h>
#include <widgets/sqlhighlighter.h>

#include <QTest>

using namespace melodee;

class TstSqlEditor : public QObject
{
    Q_OBJECT

private slots:
    void marks_data();
    void marks();
    void readOnly();
};

void TstSqlEditor::marks_data()
{
    QTest::addColumn<QList<int>>("lines");
    QTest::addColumn<QList<int>>("expected");
    QTest::newRow("none") << QList<int>{} << QList<int>{};
    QTest::newRow("first and third") << QList<int>{1, 3} << QList<int>{1, 3};
    QTest::newRow("two findings on one line") << QList<int>{2, 2} << QList<int>{2};
    QTest::newRow("out of range ignored") << QList<int>{0, 4, 99} << QList<int>{4};
}

void TstSqlEditor::marks()
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

void TstSqlEditor::readOnly()
{
    SqlEditor editor;
    editor.setSql(QStringLiteral("SELECT 1"));
    QVERIFY(editor.isReadOnly());
    QCOMPARE(editor.highlighter()->tokens().size(), 2);
}

QTEST_MAIN(TstSqlEditor)
#include "tst_sqleditor.moc"
