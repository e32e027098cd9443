#include "library/demodata.h"
#include "library/demodatagenerator.h"

#include <QTest>

#include <algorithm>
#include <string>
#include <vector>

using namespace melodee;
using namespace melodee::demodata;

namespace {

// Collects the rows a generator writes, one string per row.
struct Collect : Sink
{
    QString table;
    std::vector<std::string> rows;
    qint64 reported = 0;
    void begin(const QString &t) override { table = t; }
    void write(const std::string &data, qint64 n) override
    {
        reported += n;
        size_t from = 0;
        for (size_t nl = data.find('\n'); nl != std::string::npos; nl = data.find('\n', from)) {
            rows.push_back(data.substr(from, nl - from));
            from = nl + 1;
        }
    }
    void end() override {}
};

// created_at of a songs row: the second-to-last column.
std::string createdAt(const std::string &row)
{
    const size_t last = row.rfind('\t');
    const size_t before = row.rfind('\t', last - 1);
    return row.substr(before + 1, last - before - 1);
}

} // namespace

class tst_DemoDataGenerator : public QObject
{
    Q_OBJECT
private slots:
    void monthsPartitionTheSongs_data();
    void monthsPartitionTheSongs();
    void albumsLongerThanTheWindow();
};

void tst_DemoDataGenerator::monthsPartitionTheSongs_data()
{
    QTest::addColumn<qint64>("songs");
    QTest::addColumn<int>("months");
    QTest::addColumn<int>("artists");
    QTest::addColumn<int>("albumsPerArtist");
    QTest::newRow("two years") << qint64(20000) << 24 << 0 << 5;
    QTest::newRow("one month") << qint64(3000) << 1 << 0 << 5;
    QTest::newRow("more months than albums") << qint64(40) << 60 << 1 << 2;
    QTest::newRow("albums of a thousand songs") << qint64(50000) << 3 << 5 << 10;
    QTest::newRow("no songs") << qint64(0) << 4 << 0 << 5;
}

// Written month by month, the songs are exactly the full run's rows, each month's in id order
// and inside its month; a month is what a staged load COPYs into one partition.
void tst_DemoDataGenerator::monthsPartitionTheSongs()
{
    QFETCH(qint64, songs);
    QFETCH(int, months);
    QFETCH(int, artists);
    QFETCH(int, albumsPerArtist);
    DemoDataOptions o;
    o.songs = songs;
    o.months = months;
    o.artists = artists;
    o.albumsPerArtist = albumsPerArtist;
    o.seed = 3;
    o.endMonth = QStringLiteral("2024-02"); // a leap February at the end of the window
    const Generator g(o, 10, 20, 30);
    QVERIFY(g.songsFitTheWindow());
    QCOMPARE(g.monthCount(), months);

    Collect all;
    g.songs(all);
    QCOMPARE(qint64(all.rows.size()), songs);
    QCOMPARE(all.reported, songs);

    std::vector<std::string> byMonth;
    for (int m = 0; m < g.monthCount(); ++m) {
        Collect month;
        g.songsOfMonth(month, m);
        QCOMPARE(month.table, QStringLiteral("songs"));
        QCOMPARE(month.reported, qint64(month.rows.size()));
        const std::string prefix = g.month(m).toString().toStdString(); // "2024-02"
        qint64 lastId = -1;
        for (const std::string &row : month.rows) {
            QVERIFY2(createdAt(row).rfind(prefix, 0) == 0, row.c_str());
            const qint64 id = std::stoll(row.substr(0, row.find('\t')));
            QVERIFY(id > lastId);
            lastId = id;
        }
        byMonth.insert(byMonth.end(), month.rows.begin(), month.rows.end());
    }
    std::vector<std::string> expected = all.rows;
    std::sort(expected.begin(), expected.end());
    std::sort(byMonth.begin(), byMonth.end());
    QVERIFY(byMonth == expected);
}

// An album whose tracks (one second apart) outlast the window has songs in no month of it; the
// generator says so, and the loader then loads in one session through the parent table.
void tst_DemoDataGenerator::albumsLongerThanTheWindow()
{
    DemoDataOptions o;
    o.months = 1;
    o.artists = 1;
    o.albumsPerArtist = 1;
    o.endMonth = QStringLiteral("2025-02");
    o.songs = 3000000; // 3M seconds: longer than any month
    QVERIFY(!Generator(o, 1, 1, 1).songsFitTheWindow());
    o.songs = 1000;
    QVERIFY(Generator(o, 1, 1, 1).songsFitTheWindow());
}

QTEST_GUILESS_MAIN(tst_DemoDataGenerator)
#include "tst_demodatagenerator.moc"
