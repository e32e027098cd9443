#include <sqlscan/sqltokens.h>

#include <QTest>

using namespace melodee;

Q_DECLARE_METATYPE(QList<SqlToken>)

class tst_SqlTokens : public QObject
{
    Q_OBJECT

private slots:
    void kinds_data();
    void kinds();
    void offsets_data();
    void offsets();
    void lexError();
    void lexErrorAfterMultibyteText();
};

namespace {

// "kind:text" for each token, so expectations read like the SQL.
QStringList describe(const QString &sql, const QList<SqlToken> &tokens)
{
    QStringList out;
    for (const SqlToken &t : tokens)
        out << QStringLiteral("%1:%2").arg(QLatin1String(sqlTokenKindName(t.kind)),
                                           sql.mid(t.start, t.length()));
    return out;
}

} // namespace

void tst_SqlTokens::kinds_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("select") << "SELECT 1" << QStringList{"keyword:SELECT", "number:1"};
    QTest::newRow("lower-case keyword, float")
        << "select 1.5" << QStringList{"keyword:select", "number:1.5"};
    QTest::newRow("string with quote")
        << "SELECT 'a''b'" << QStringList{"keyword:SELECT", "string:'a''b'"};
    QTest::newRow("line comment") << "SELECT x -- why\n"
                                  << QStringList{
                                         "keyword:SELECT", "identifier:x", "comment:-- why"};
    QTest::newRow("block comment across lines")
        << "/* a\nb */ SELECT $1"
        << QStringList{"comment:/* a\nb */", "keyword:SELECT", "parameter:$1"};
    QTest::newRow("dollar quoted body")
        << "SELECT $$a;\nb$$" << QStringList{"keyword:SELECT", "string:$$a;\nb$$"};
    QTest::newRow("quoted identifier")
        << "SELECT \"Foo Bar\"" << QStringList{"keyword:SELECT", "identifier:\"Foo Bar\""};
    QTest::newRow("cast and type keyword")
        << "a::int" << QStringList{"identifier:a", "operator:::", "keyword:int"};
    QTest::newRow("operators and punctuation")
        << "x >= 2;" << QStringList{"identifier:x", "operator:>=", "number:2", "operator:;"};
    QTest::newRow("timestamptz literal")
        << "FROM ('2026-11-01 00:00:00+00')"
        << QStringList{
               "keyword:FROM", "operator:(", "string:'2026-11-01 00:00:00+00'", "operator:)"};
    // libpg_query gives these an empty or one-character span; they cover the whole literal.
    QTest::newRow("unicode escape string")
        << "SELECT U&'d\\0061t', 1"
        << QStringList{"keyword:SELECT", "string:U&'d\\0061t'", "operator:,", "number:1"};
    QTest::newRow("unicode escape identifier")
        << "SELECT U&\"a\" UESCAPE '!'"
        << QStringList{"keyword:SELECT", "identifier:U&\"a\"", "keyword:UESCAPE", "string:'!'"};
    QTest::newRow("unicode escape string last") << "SELECT U&'x'  \n"
                                                << QStringList{"keyword:SELECT", "string:U&'x'"};
    QTest::newRow("empty") << "" << QStringList{};
}

void tst_SqlTokens::kinds()
{
    QFETCH(QString, sql);
    QFETCH(QStringList, expected);
    const SqlScanResult r = scanSqlDetailed(sql);
    QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
    QCOMPARE(describe(sql, r.tokens), expected);
}

void tst_SqlTokens::offsets_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<int>("token");
    QTest::addColumn<int>("byteStart");
    QTest::addColumn<int>("byteEnd");
    QTest::addColumn<int>("start");
    QTest::addColumn<int>("end");
    // Byte offsets follow UTF-8; QString positions follow UTF-16 (a pair for the emoji).
    QTest::newRow("ascii") << "SELECT abc" << 1 << 7 << 10 << 7 << 10;
    QTest::newRow("two-byte char in string") << "SELECT 'é', x" << 1 << 7 << 11 << 7 << 10;
    QTest::newRow("after two-byte char") << "SELECT 'é', x" << 3 << 13 << 14 << 12 << 13;
    QTest::newRow("four-byte char") << "SELECT '😀' AS e" << 1 << 7 << 13 << 7 << 11;
    QTest::newRow("after four-byte char") << "SELECT '😀' AS e" << 3 << 17 << 18 << 15 << 16;
    QTest::newRow("three-byte identifier") << "SELECT 名前" << 1 << 7 << 13 << 7 << 9;
}

void tst_SqlTokens::offsets()
{
    QFETCH(QString, sql);
    QFETCH(int, token);
    QFETCH(int, byteStart);
    QFETCH(int, byteEnd);
    QFETCH(int, start);
    QFETCH(int, end);
    const QList<SqlToken> tokens = scanSql(sql);
    QVERIFY(token < tokens.size());
    const SqlToken &t = tokens[token];
    QCOMPARE(t.byteStart, byteStart);
    QCOMPARE(t.byteEnd, byteEnd);
    QCOMPARE(t.start, start);
    QCOMPARE(t.end, end);
}

void tst_SqlTokens::lexError()
{
    // An unterminated string cannot be tokenised; what comes before it still is.
    const SqlScanResult r = scanSqlDetailed(QStringLiteral("SELECT 1, 'abc"));
    QVERIFY(!r.error.isEmpty());
    QVERIFY(r.errorPosition >= 0);
    QVERIFY(r.tokens.size() >= 2);
    QCOMPARE(r.tokens.first().kind, SqlToken::Keyword);
}

void tst_SqlTokens::lexErrorAfterMultibyteText()
{
    // libpg_query counts the error position in characters; the text before it keeps its tokens.
    const QString sql = QStringLiteral("SELECT '🎵🎵', 'abc");
    const SqlScanResult r = scanSqlDetailed(sql);
    QVERIFY(!r.error.isEmpty());
    QCOMPARE(r.errorPosition, sql.indexOf(QStringLiteral("'abc")));
    QCOMPARE(describe(sql, r.tokens), (QStringList{"keyword:SELECT", "string:'🎵🎵'", "operator:,"}));
}

QTEST_GUILESS_MAIN(tst_SqlTokens)
#include "tst_sqltokens.moc"
