#include "songsdemodb.h"
#include "testenv.h"

#include <library/namenormalizer.h>
#include <models/songtablemodel.h>
#include <pool/connectionpool.h>
#include <songs/songservice.h>

#include <QAbstractItemModelTester>
#include <QLocale>
#include <QSignalSpy>
#include <QTest>

using namespace melodee;
using melodee::test::TestEnv;

// SongTableModel against a 20,000-song demo library: every row reachable through blocks loaded
// by key, the last row is the max id, memory stays within the LRU bound, and filters narrow it.
class tst_SongTableModel : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void cleanup();
    void estimateCoversTable();
    void firstBlockInIdOrder();
    void nextBlockFollowsByKey();
    void lastRowIsMaxId();
    void lruBound();
    void farJumpUsesFraction();
    void askingStartsTheReadAtOnce();
    void sortByName();
    void sortDescending_data();
    void sortDescending();
    void search_data();
    void search();
    void exactCount();
    void exactCountSurvives_data();
    void exactCountSurvives();

private:
    qint64 psqlNumber(const QString &sql) const;
    // Asks for the row until its block has arrived.
    bool loadRow(int row, int timeoutMs = 30000);
    bool waitForCount(int timeoutMs = 30000);

    DatabaseConfig m_db;
    std::shared_ptr<ConnectionPool> m_pool;
    SongTableModel *m_model = nullptr;
    QAbstractItemModelTester *m_tester = nullptr;
};

void tst_SongTableModel::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
    m_db = test::createDemoDatabase(QStringLiteral("songsmodel"), 20000);
    m_pool = std::make_shared<ConnectionPool>(m_db, SessionConfig());
}

void tst_SongTableModel::cleanupTestCase()
{
    m_pool.reset();
}

void tst_SongTableModel::init()
{
    m_model = new SongTableModel;
    m_tester = new QAbstractItemModelTester(m_model,
                                            QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_model->setService(std::make_shared<SongService>(m_pool, SessionConfig()));
    QVERIFY(waitForCount());
}

void tst_SongTableModel::cleanup()
{
    delete m_tester;
    m_tester = nullptr;
    delete m_model;
    m_model = nullptr;
}

qint64 tst_SongTableModel::psqlNumber(const QString &sql) const
{
    return TestEnv::psql(sql, m_db.dbname).trimmed().toLongLong();
}

bool tst_SongTableModel::waitForCount(int timeoutMs)
{
    // reset() emits 0 first; the estimate follows from the worker.
    return QTest::qWaitFor(
               [this] {
                   return m_model->rowCount() > 0 || m_model->countIsExact()
                          || !m_model->lastError().isEmpty();
               },
               timeoutMs)
           && m_model->lastError().isEmpty();
}

bool tst_SongTableModel::loadRow(int row, int timeoutMs)
{
    // Asking for the row (data()) queues its block; the wait ends when it is there.
    const auto loaded = [this, row] {
        return row < m_model->rowCount()
               && m_model->data(m_model->index(row, 0), SongTableModel::LoadedRole).toBool();
    };
    const bool ok = QTest::qWaitFor(
        [&] { return loaded() || row >= m_model->rowCount() || !m_model->lastError().isEmpty(); },
        timeoutMs);
    if (!m_model->lastError().isEmpty())
        qWarning() << m_model->lastError();
    return ok && loaded();
}

void tst_SongTableModel::estimateCoversTable()
{
    // demo-data ANALYZEs, so reltuples is close to the truth.
    QVERIFY2(qAbs(m_model->rowCount() - 20000) <= 2000,
             qPrintable(QString::number(m_model->rowCount())));
    QVERIFY(!m_model->countIsExact());
    QCOMPARE(m_model->columnCount(), int(SongTableModel::ColumnCount));
    // An unloaded row shows a placeholder rather than blocking: one mark, in its name.
    const int far = m_model->rowCount() - 1 - m_model->blockSize();
    QVERIFY(!m_model->isLoaded(far));
    for (int column = 0; column < m_model->columnCount(); ++column) {
        QCOMPARE(m_model->data(m_model->index(far, column)).toString(),
                 column == SongTableModel::NameColumn ? QStringLiteral("…") : QString());
    }
}

void tst_SongTableModel::firstBlockInIdOrder()
{
    QVERIFY(loadRow(0));
    const qint64 minId = psqlNumber(QStringLiteral("SELECT min(id) FROM melodee_songs"));
    QCOMPARE(m_model->data(m_model->index(0, SongTableModel::IdColumn)).toLongLong(), minId);
    qint64 prev = 0;
    for (int r = 0; r < m_model->blockSize(); ++r) {
        const qint64 id
            = m_model->data(m_model->index(r, 0), SongTableModel::SongIdRole).toLongLong();
        QVERIFY2(id > prev, qPrintable(QStringLiteral("row %1 id %2").arg(r).arg(id)));
        prev = id;
    }
    QCOMPARE(m_model->loadStats().first, 1);
}

void tst_SongTableModel::nextBlockFollowsByKey()
{
    const int b = m_model->blockSize();
    QVERIFY(loadRow(0));
    QVERIFY(loadRow(b));
    QCOMPARE(m_model->loadStats().after, 1);
    QCOMPARE(m_model->loadStats().fraction, 0);
    // The verification (not the model) may use OFFSET.
    const qint64 expected = psqlNumber(
        QStringLiteral("SELECT id FROM melodee_songs ORDER BY id OFFSET %1 LIMIT 1").arg(b));
    QCOMPARE(m_model->data(m_model->index(b, 0), SongTableModel::SongIdRole).toLongLong(),
             expected);
    // And backwards from a loaded block: block 5 by fraction, then block 4 before it.
    QVERIFY(loadRow(5 * b));
    QVERIFY(loadRow(5 * b - 1));
    QCOMPARE(m_model->loadStats().before, 1);
    const qint64 a
        = m_model->data(m_model->index(5 * b - 1, 0), SongTableModel::SongIdRole).toLongLong();
    const qint64 c
        = m_model->data(m_model->index(5 * b, 0), SongTableModel::SongIdRole).toLongLong();
    QCOMPARE(psqlNumber(QStringLiteral("SELECT min(id) FROM melodee_songs WHERE id > %1").arg(a)),
             c);
}

void tst_SongTableModel::lastRowIsMaxId()
{
    const int last = m_model->rowCount() - 1;
    QVERIFY(loadRow(last));
    QCOMPARE(m_model->loadStats().last, 1);
    const qint64 maxId = psqlNumber(QStringLiteral("SELECT max(id) FROM melodee_songs"));
    QCOMPARE(m_model->data(m_model->index(last, SongTableModel::IdColumn)).toLongLong(), maxId);
    const QString name = TestEnv::psql(
        QStringLiteral("SELECT name FROM melodee_songs WHERE id = %1").arg(maxId), m_db.dbname);
    QCOMPARE(m_model->data(m_model->index(last, SongTableModel::NameColumn)).toString(), name);
}

void tst_SongTableModel::lruBound()
{
    m_model->setMaxBlocks(4);
    const int blocks = m_model->rowCount() / m_model->blockSize();
    QVERIFY(blocks > 10);
    for (int i = 0; i < 10; ++i) {
        QVERIFY(loadRow(i * blocks / 10 * m_model->blockSize()));
        QVERIFY2(m_model->loadedBlockCount() <= 4,
                 qPrintable(QString::number(m_model->loadedBlockCount())));
    }
    QCOMPARE(m_model->loadedBlockCount(), 4);
    // The least recently used block went first: the second one loaded is gone (the first may be
    // kept fresh by the model tester, which reads row 0), the newest is there.
    QVERIFY(!m_model->isLoaded(blocks / 10 * m_model->blockSize()));
    QVERIFY(m_model->isLoaded(9 * blocks / 10 * m_model->blockSize()));
}

void tst_SongTableModel::farJumpUsesFraction()
{
    const int row = m_model->rowCount() / 2;
    QVERIFY(loadRow(row));
    QCOMPARE(m_model->loadStats().fraction, 1);
    // The histogram key lands near the middle of the id range.
    const qint64 id
        = m_model->data(m_model->index(row, 0), SongTableModel::SongIdRole).toLongLong();
    const qint64 below
        = psqlNumber(QStringLiteral("SELECT count(*) FROM melodee_songs WHERE id < %1").arg(id));
    QVERIFY2(qAbs(below - row) < 2000, qPrintable(QStringLiteral("%1 vs %2").arg(below).arg(row)));
}

// A row asked for while a read slot is free starts its block's read within that very call (for
// a view, within the paint that asks), not on a later turn of the event loop; with every slot
// busy, the block waits for the next read to finish.
void tst_SongTableModel::askingStartsTheReadAtOnce()
{
    QVERIFY(loadRow(0));
    QTRY_VERIFY(m_model->isIdle());
    QCOMPARE(m_model->maxInFlight(), 2);
    const int rows = m_model->rowCount();
    const int b = m_model->blockSize();
    const QList<int> far{rows / 4, rows / 2, (3 * rows) / 4};
    QVERIFY(far.first() / b > 1 && far.last() / b < rows / b - 1); // neither first nor last
    for (int i = 0; i < far.size(); ++i) {
        QVERIFY(!m_model->data(m_model->index(far.at(i), 0), SongTableModel::LoadedRole).toBool());
        // No event was processed since the call: the first two started, the third waits.
        QCOMPARE(m_model->loadStats().fraction, std::min(i + 1, 2));
        QCOMPARE(m_model->pendingBlockCount(), i + 1);
    }
    for (int row : far)
        QVERIFY(loadRow(row));
    QCOMPARE(m_model->loadStats().fraction, 3);
}

void tst_SongTableModel::sortByName()
{
    QSignalSpy reset(m_model, &QAbstractItemModel::modelReset);
    m_model->sort(SongTableModel::NameColumn, Qt::AscendingOrder);
    QCOMPARE(reset.count(), 1);
    QCOMPARE(m_model->songSort(), SongSort::Name);
    QVERIFY(waitForCount());
    QVERIFY(loadRow(0));
    // The database's collation decides the order; compare with its own ORDER BY.
    const QStringList expected
        = TestEnv::psql(QStringLiteral("SELECT id FROM melodee_songs ORDER BY name_normalized, id "
                                       "LIMIT %1")
                            .arg(m_model->blockSize()),
                        m_db.dbname)
              .split(QLatin1Char('\n'));
    QCOMPARE(expected.size(), m_model->blockSize());
    for (int r = 0; r < m_model->blockSize(); ++r)
        QCOMPARE(m_model->songAt(r)->id, expected.at(r).trimmed().toLongLong());
    // A column without an index keeps the current order.
    m_model->sort(SongTableModel::DurationColumn, Qt::AscendingOrder);
    QCOMPARE(m_model->songSort(), SongSort::Name);
}

void tst_SongTableModel::sortDescending_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("order"); // the index columns, ascending
    QTest::addColumn<QString>("where");
    QTest::newRow("id") << int(SongTableModel::IdColumn) << "id" << QString();
    QTest::newRow("name") << int(SongTableModel::NameColumn) << "name_normalized, id" << QString();
    QTest::newRow("artist") << int(SongTableModel::ArtistColumn) << "artist_id, name_normalized, id"
                            << "WHERE artist_id IS NOT NULL";
    QTest::newRow("created") << int(SongTableModel::CreatedColumn) << "created_at, id" << QString();
}

// A second header click reverses the order: the first rows are the database's ORDER BY ... DESC,
// the last row is the smallest key.
void tst_SongTableModel::sortDescending()
{
    QFETCH(int, column);
    QFETCH(QString, order);
    QFETCH(QString, where);
    QSignalSpy reset(m_model, &QAbstractItemModel::modelReset);
    m_model->sort(column, Qt::AscendingOrder);
    m_model->sort(column, Qt::DescendingOrder);
    QCOMPARE(reset.count(), column == SongTableModel::IdColumn ? 1 : 2);
    QCOMPARE(m_model->sortOrder(), Qt::DescendingOrder);
    QCOMPARE(SongTableModel::columnForSort(m_model->songSort()), column);
    QVERIFY(waitForCount());
    QVERIFY(loadRow(0));
    QString desc = order;
    desc.replace(QLatin1String(","), QLatin1String(" DESC,"));
    desc += QLatin1String(" DESC");
    const QStringList expected
        = TestEnv::psql(QStringLiteral("SELECT id FROM melodee_songs %1 ORDER BY %2 LIMIT %3")
                            .arg(where, desc)
                            .arg(m_model->blockSize()),
                        m_db.dbname)
              .split(QLatin1Char('\n'));
    QCOMPARE(expected.size(), m_model->blockSize());
    for (int r = 0; r < m_model->blockSize(); ++r)
        QCOMPARE(m_model->songAt(r)->id, expected.at(r).trimmed().toLongLong());
    QCOMPARE(m_model->loadStats().first, 1);

    // The end of a descending order is the start of the ascending one.
    const int last = m_model->rowCount() - 1;
    QVERIFY(loadRow(last));
    QCOMPARE(m_model->loadStats().last, 1);
    QCOMPARE(m_model->songAt(last)->id,
             psqlNumber(QStringLiteral("SELECT id FROM melodee_songs %1 ORDER BY %2 LIMIT 1")
                            .arg(where, order)));
    // A neighbour block follows by key, in descending order.
    QVERIFY(loadRow(m_model->blockSize()));
    QCOMPARE(m_model->loadStats().after, 1);
    QCOMPARE(m_model->songAt(m_model->blockSize())->id,
             psqlNumber(QStringLiteral("SELECT id FROM melodee_songs %1 ORDER BY %2 OFFSET %3 "
                                       "LIMIT 1")
                            .arg(where, desc)
                            .arg(m_model->blockSize())));

    // Back to ascending: the first row is the smallest key again.
    m_model->sort(column, Qt::AscendingOrder);
    QCOMPARE(m_model->sortOrder(), Qt::AscendingOrder);
    QVERIFY(waitForCount());
    QVERIFY(loadRow(0));
    QCOMPARE(m_model->songAt(0)->id,
             psqlNumber(QStringLiteral("SELECT id FROM melodee_songs %1 ORDER BY %2 LIMIT 1")
                            .arg(where, order)));
    // A column without an index keeps both the sort and its direction.
    m_model->sort(SongTableModel::DurationColumn, Qt::DescendingOrder);
    QCOMPARE(m_model->sortOrder(), Qt::AscendingOrder);
    QCOMPARE(SongTableModel::columnForSort(m_model->songSort()), column);
}

void tst_SongTableModel::search_data()
{
    QTest::addColumn<QString>("term");
    const QString word = TestEnv::psql(
        QStringLiteral("SELECT w FROM regexp_split_to_table((SELECT name_normalized FROM "
                       "melodee_songs ORDER BY id LIMIT 1), ' ') AS w ORDER BY length(w) DESC, w "
                       "LIMIT 1"),
        m_db.dbname);
    QTest::newRow("first word of the first song") << word;
    QTest::newRow("upper case is normalised") << word.toUpper();
    QTest::newRow("like metacharacters are literal") << QStringLiteral("%_");
    QTest::newRow("no match") << QStringLiteral("zzqqxxnotasong");
}

void tst_SongTableModel::search()
{
    QFETCH(QString, term);
    SongFilter f;
    f.search = term;
    m_model->setQuery(SongSort::Id, f);
    const QString norm = normalizeName(term);
    QString escaped = norm;
    escaped.replace(QLatin1String("\\"), QLatin1String("\\\\"))
        .replace(QLatin1String("%"), QLatin1String("\\%"))
        .replace(QLatin1String("_"), QLatin1String("\\_"))
        .replace(QLatin1String("'"), QLatin1String("''"));
    const qint64 expected = psqlNumber(
        QStringLiteral("SELECT count(*) FROM melodee_songs WHERE name_normalized LIKE '%%1%'")
            .arg(escaped));
    QVERIFY(expected < 20000);
    // Small filtered results are counted exactly at once; a larger one on request.
    QVERIFY(waitForCount());
    if (!m_model->countIsExact())
        m_model->countExactly();
    QTRY_VERIFY_WITH_TIMEOUT(m_model->countIsExact(), 30000);
    QCOMPARE(m_model->rowCount(), int(expected));
    for (int r = 0; r < m_model->rowCount(); ++r) {
        QVERIFY(loadRow(r));
        QVERIFY(m_model->songAt(r)->nameNormalized.contains(norm));
    }
}

void tst_SongTableModel::exactCount()
{
    QSignalSpy spy(m_model, &SongTableModel::countChanged);
    m_model->countExactly();
    QTRY_VERIFY_WITH_TIMEOUT(m_model->countIsExact(), 30000);
    QCOMPARE(m_model->count(), psqlNumber(QStringLiteral("SELECT count(*) FROM melodee_songs")));
    QCOMPARE(m_model->rowCount(), int(m_model->count()));
    QVERIFY(loadRow(m_model->rowCount() - 1));
    QCOMPARE(m_model->songAt(m_model->rowCount() - 1)->id,
             psqlNumber(QStringLiteral("SELECT max(id) FROM melodee_songs")));
}

void tst_SongTableModel::exactCountSurvives_data()
{
    QTest::addColumn<QString>("change");
    QTest::addColumn<bool>("kept");
    QTest::newRow("sort by name") << "name" << true;
    QTest::newRow("sort by created, descending") << "created-desc" << true;
    QTest::newRow("reverse the order") << "descending" << true;
    QTest::newRow("same filter again") << "same-filter" << true;
    QTest::newRow("another block size") << "block-size" << true;
    QTest::newRow("refresh after a write") << "refresh" << false;
    QTest::newRow("another filter") << "artist" << false;
}

// The count does not depend on the order: a new sort keeps an exact count (and the final row's
// label with it); other rows (a refresh, another filter) are counted again.
void tst_SongTableModel::exactCountSurvives()
{
    QFETCH(QString, change);
    QFETCH(bool, kept);
    m_model->countExactly();
    QTRY_VERIFY_WITH_TIMEOUT(m_model->countIsExact(), 30000);
    const qint64 exact = m_model->count();
    if (change == QLatin1String("name"))
        m_model->sort(SongTableModel::NameColumn, Qt::AscendingOrder);
    else if (change == QLatin1String("created-desc"))
        m_model->sort(SongTableModel::CreatedColumn, Qt::DescendingOrder);
    else if (change == QLatin1String("descending"))
        m_model->setSortOrder(Qt::DescendingOrder);
    else if (change == QLatin1String("same-filter"))
        m_model->setQuery(SongSort::Name, m_model->filter());
    else if (change == QLatin1String("block-size"))
        m_model->setBlockSize(77);
    else if (change == QLatin1String("refresh"))
        m_model->refresh();
    else if (change == QLatin1String("artist")) {
        SongFilter f;
        f.artistId = 1;
        m_model->setQuery(m_model->songSort(), f);
    }
    if (kept) {
        // At once, with no step back to the estimate.
        QVERIFY(m_model->countIsExact());
        QCOMPARE(m_model->count(), exact);
        QCOMPARE(m_model->rowCount(), int(exact));
        QCOMPARE(
            m_model->headerData(m_model->rowCount() - 1, Qt::Vertical, Qt::DisplayRole).toString(),
            QLocale().toString(exact));
        QVERIFY(loadRow(m_model->rowCount() - 1));
    } else {
        QVERIFY(!m_model->countIsExact()); // counted again, estimate first
        QVERIFY(waitForCount());
    }
}

QTEST_MAIN(tst_SongTableModel)
#include "tst_songtablemodel.moc"
