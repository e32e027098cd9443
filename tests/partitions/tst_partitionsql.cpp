#include <config/appconfig.h>
#include <partitions/partitionsql.h>

#include <QTest>

using namespace melodee;

Q_DECLARE_METATYPE(melodee::Month)

class tst_PartitionSql : public QObject
{
    Q_OBJECT

private slots:
    void parse_data();
    void parse();
    void addMonths_data();
    void addMonths();
    void names();
    void boundLiteral_data();
    void boundLiteral();
};

void tst_PartitionSql::parse_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::newRow("ok") << QStringLiteral("2026-11") << true;
    QTest::newRow("spaces") << QStringLiteral(" 2026-01 ") << true;
    QTest::newRow("month 13") << QStringLiteral("2026-13") << false;
    QTest::newRow("month 0") << QStringLiteral("2026-00") << false;
    QTest::newRow("one digit") << QStringLiteral("2026-1") << false;
    QTest::newRow("with day") << QStringLiteral("2026-11-01") << false;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("injection") << QStringLiteral("2026-11'; DROP TABLE x; --") << false;
    QTest::newRow("year 24") << QStringLiteral("0024-01") << true;
    QTest::newRow("last month") << QStringLiteral("9999-12") << true;
    QTest::newRow("year 0") << QStringLiteral("0000-01") << false;
    QTest::newRow("five-digit year") << QStringLiteral("10000-01") << false;
    QTest::newRow("negative year") << QStringLiteral("-024-01") << false;
    QTest::newRow("garbage") << QStringLiteral("garbage") << false;
}

void tst_PartitionSql::parse()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QCOMPARE(Month::parse(text).isValid(), valid);
}

void tst_PartitionSql::addMonths_data()
{
    QTest::addColumn<QString>("from");
    QTest::addColumn<int>("n");
    QTest::addColumn<QString>("to");
    QTest::newRow("same year") << QStringLiteral("2026-01") << 5 << QStringLiteral("2026-06");
    QTest::newRow("year wrap") << QStringLiteral("2026-11") << 2 << QStringLiteral("2027-01");
    QTest::newRow("back over year") << QStringLiteral("2026-01") << -1 << QStringLiteral("2025-12");
    QTest::newRow("many years") << QStringLiteral("2026-11") << 25 << QStringLiteral("2028-12");
}

void tst_PartitionSql::addMonths()
{
    QFETCH(QString, from);
    QFETCH(int, n);
    QFETCH(QString, to);
    QCOMPARE(Month::parse(from).addMonths(n).toString(), to);
}

void tst_PartitionSql::names()
{
    SessionConfig session;
    QCOMPARE(partitionedTables(session),
             (QStringList{QStringLiteral("melodee_albums"), QStringLiteral("melodee_songs")}));
    QCOMPARE(monthPartitionName(QStringLiteral("melodee_songs"), Month{2027, 3}),
             QStringLiteral("melodee_songs_2027_03"));
    QCOMPARE(
        createDefaultPartitionSql(QStringLiteral("melodee_songs")),
        QStringLiteral(
            "CREATE TABLE IF NOT EXISTS melodee_songs_default PARTITION OF melodee_songs DEFAULT"));
    QCOMPARE(monthWindow(Month{2026, 11}, 6).size(), 6);
    QCOMPARE(monthWindow(Month{2026, 11}, 6).last().toString(), QStringLiteral("2027-04"));
}

void tst_PartitionSql::boundLiteral_data()
{
    QTest::addColumn<Month>("month");
    QTest::addColumn<QString>("literal");
    QTest::newRow("ordinary") << Month{2026, 11} << QStringLiteral("'2026-11-01 00:00:00+00'");
    QTest::newRow("year 24") << Month{24, 1} << QStringLiteral("'0024-01-01 00:00:00+00'");
    QTest::newRow("last month") << Month{9999, 12} << QStringLiteral("'9999-12-01 00:00:00+00'");
    // The upper bound of 9999-12.
    QTest::newRow("after the last month")
        << Month{9999, 12}.addMonths(1) << QStringLiteral("'10000-01-01 00:00:00+00'");
}

void tst_PartitionSql::boundLiteral()
{
    QFETCH(Month, month);
    QFETCH(QString, literal);
    QCOMPARE(utcBoundLiteral(month), literal);
}

QTEST_GUILESS_MAIN(tst_PartitionSql)
#include "tst_partitionsql.moc"
