#include <migrate/sqlparse.h>

#include <QTest>

using namespace melodee;

class tst_SqlParse : public QObject
{
    Q_OBJECT

private slots:
    void statements_data();
    void statements();
    void errorLine_data();
    void errorLine();
};

void tst_SqlParse::statements_data()
{
    QTest::addColumn<QString>("script");
    QTest::addColumn<QStringList>("texts");
    QTest::addColumn<QList<int>>("lines");
    QTest::newRow("two statements")
        << "SELECT 1;\nSELECT 2;" << QStringList{"SELECT 1", "SELECT 2"} << QList<int>{1, 2};
    QTest::newRow("leading comments and blank lines")
        << "-- why\n\n/* more */ SELECT 1;" << QStringList{"SELECT 1"} << QList<int>{3};
    // PostgreSQL nests block comments; the statement starts after the outer one.
    QTest::newRow("nested block comment")
        << "/* a /* nested */ comment */\nSELECT 1;" << QStringList{"SELECT 1"} << QList<int>{2};
    // A trailing line comment would swallow the ";" a plan writes after the statement.
    QTest::newRow("comment before the semicolon")
        << "SELECT 1 -- one\n;\nSELECT 2;" << QStringList{"SELECT 1", "SELECT 2"}
        << QList<int>{1, 3};
    QTest::newRow("comments after the last statement")
        << "ALTER TABLE t ADD COLUMN x bigint\n-- undo with DROP COLUMN\n/* end */"
        << QStringList{"ALTER TABLE t ADD COLUMN x bigint"} << QList<int>{1};
    QTest::newRow("comment inside stays")
        << "SELECT 1 -- one\n+ 2;" << QStringList{"SELECT 1 -- one\n+ 2"} << QList<int>{1};
    QTest::newRow("comment text in a string stays")
        << "SELECT '-- not a comment' -- a comment" << QStringList{"SELECT '-- not a comment'"}
        << QList<int>{1};
    QTest::newRow("unicode escape string last")
        << "SELECT U&'d\\0061t' -- x" << QStringList{"SELECT U&'d\\0061t'"} << QList<int>{1};
}

void tst_SqlParse::statements()
{
    QFETCH(QString, script);
    QFETCH(QStringList, texts);
    QFETCH(QList<int>, lines);
    const SqlParseResult r = parseSql(script);
    QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
    QStringList gotTexts;
    QList<int> gotLines;
    for (const SqlStatement &s : r.statements) {
        gotTexts << s.text;
        gotLines << s.line;
    }
    QCOMPARE(gotTexts, texts);
    QCOMPARE(gotLines, lines);
    // Written back as a plan writes them, they split into the same statements.
    const SqlParseResult again
        = parseSql(texts.join(QStringLiteral(";\n")) + QStringLiteral(";\n"));
    QStringList againTexts;
    for (const SqlStatement &s : again.statements)
        againTexts << s.text;
    QCOMPARE(againTexts, texts);
}

void tst_SqlParse::errorLine_data()
{
    QTest::addColumn<QString>("script");
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("error");
    QTest::newRow("ascii") << "SELECT 1;\nCREATE TABLE (;\n" << 2 << "syntax error";
    // libpg_query counts the error position in characters, not bytes.
    QTest::newRow("after multibyte text")
        << QStringLiteral("-- %1\nSELECT 1;\nCREATE TABLE (;\n").arg(QString(40, QChar(0xe9))) << 3
        << "syntax error";
    QTest::newRow("after emoji")
        << QStringLiteral("SELECT '%1';\nSELECT 'abc\n").arg(QStringLiteral("🎵").repeated(20)) << 2
        << "unterminated quoted string";
    // PostgreSQL cannot receive it, and libpg_query would stop reading there.
    QTest::newRow("NUL character")
        << QStringLiteral("SELECT 1;\nSELECT 2") + QChar(0) + QStringLiteral("; DROP TABLE t;") << 2
        << "NUL character";
}

void tst_SqlParse::errorLine()
{
    QFETCH(QString, script);
    QFETCH(int, line);
    QFETCH(QString, error);
    const SqlParseResult r = parseSql(script);
    QVERIFY2(r.error.contains(error), qPrintable(r.error));
    QCOMPARE(r.errorLine, line);
    QVERIFY(r.statements.isEmpty());
}

QTEST_GUILESS_MAIN(tst_SqlParse)
#include "tst_sqlparse.moc"
