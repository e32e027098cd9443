#include "db/pgarray.h"
#include "db/pgconnection.h"
#include "testenv.h"

#include <QTest>

using namespace melodee;
using namespace melodee::test;

// textArrayLiteral() against the server's own array parser: whatever the items hold, unnest()
// of the bound literal gives them back one for one. And stringsOfJsonArray() against the
// server's json_agg() of the same items.
class tst_PgArray : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        MELODEE_REQUIRE_POSTGRES();
        m_config = TestEnv::freshDatabase(QStringLiteral("pgarray"));
    }

    void roundTrip_data()
    {
        QTest::addColumn<QStringList>("items");
        QTest::newRow("empty list") << QStringList{};
        QTest::newRow("one empty string") << QStringList{QString()};
        QTest::newRow("plain") << QStringList{QStringLiteral("melodee_songs"),
                                              QStringLiteral("melodee_albums")};
        QTest::newRow("quotes and backslashes")
            << QStringList{QStringLiteral("a\"b"), QStringLiteral("c\\d"), QStringLiteral("\\\"")};
        QTest::newRow("array syntax") << QStringList{QStringLiteral("{x,y}"),
                                                     QStringLiteral(","),
                                                     QStringLiteral("NULL"),
                                                     QStringLiteral("  spaced  ")};
        QTest::newRow("hostile names") << QStringList{QStringLiteral("it's"),
                                                      QStringLiteral("password=hunter2"),
                                                      QStringLiteral("line\nbreak"),
                                                      QStringLiteral("🎵 emoji")};
    }

    void roundTrip()
    {
        QFETCH(QStringList, items);
        auto conn = PgConnection::open(m_config);
        PgResult r = conn->exec("SELECT x FROM unnest($1::text[]) WITH ORDINALITY AS t(x, n) "
                                "ORDER BY n",
                                PgParams{textArrayLiteral(items)});
        QStringList back;
        for (int i = 0; i < r.rows(); ++i)
            back << r.text(i, 0);
        QCOMPARE(back, items);
    }

    void jsonRoundTrip_data() { roundTrip_data(); }

    void jsonRoundTrip()
    {
        QFETCH(QStringList, items);
        auto conn = PgConnection::open(m_config);
        PgResult r = conn->exec("SELECT json_agg(x ORDER BY n) FROM unnest($1::text[]) WITH "
                                "ORDINALITY AS t(x, n)",
                                PgParams{textArrayLiteral(items)});
        QCOMPARE(stringsOfJsonArray(r.text(0, 0)), items);
    }

    void notAJsonArray_data()
    {
        QTest::addColumn<QString>("json");
        QTest::newRow("NULL, read as text") << QString();
        QTest::newRow("an object") << QStringLiteral("{\"a\": [\"b\"]}");
        QTest::newRow("cut short") << QStringLiteral("[\"a\", \"b");
        QTest::newRow("not JSON") << QStringLiteral("melodee_songs_2026_01");
    }

    void notAJsonArray()
    {
        QFETCH(QString, json);
        QCOMPARE(stringsOfJsonArray(json), QStringList());
    }

private:
    DatabaseConfig m_config;
};

QTEST_GUILESS_MAIN(tst_PgArray)
#include "tst_pgarray.moc"
