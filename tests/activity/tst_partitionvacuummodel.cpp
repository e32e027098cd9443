#include <models/partitionvacuummodel.h>

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>
#include <QTextDocumentFragment>

using namespace melodee;

namespace {

PartitionVacuum part(const QString &name, qint64 dead)
{
    PartitionVacuum p;
    p.partition = name;
    p.parent = QStringLiteral("melodee_songs");
    p.deadTuples = dead;
    p.liveTuples = 1000;
    p.autovacuumCount = 2;
    return p;
}

} // namespace

class tst_PartitionVacuumModel : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void rowsAndColumns();
    void vacuumColumn_data();
    void vacuumColumn();
    void sameRowsUpdateInPlace();
};

void tst_PartitionVacuumModel::initTestCase()
{
    QLocale::setDefault(QLocale(QLocale::English));
}

void tst_PartitionVacuumModel::rowsAndColumns()
{
    PartitionVacuumModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    PartitionVacuum done = part(QStringLiteral("melodee_songs_p202611"), 12345);
    done.lastAutovacuum = QDateTime(QDate(2026, 11, 30), QTime(12, 0), Qt::UTC);
    model.setPartitions({done, part(QStringLiteral("melodee_songs_\"q\"\nx"), 0)});
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.columnCount(), int(PartitionVacuumModel::ColumnCount));
    QCOMPARE(model.index(0, PartitionVacuumModel::DeadTuples).data().toString(),
             QStringLiteral("12,345"));
    QCOMPARE(model.index(0, PartitionVacuumModel::Vacuum).data().toString(), QString());
    QVERIFY(!model.index(0, PartitionVacuumModel::LastAutovacuum).data().toString().isEmpty());
    QVERIFY(model.index(0, PartitionVacuumModel::LastAutovacuum).data().toString()
            != QLatin1String("never"));
    QCOMPARE(model.index(1, PartitionVacuumModel::LastAutovacuum).data().toString(),
             QStringLiteral("never"));
    QVERIFY(model.index(0, PartitionVacuumModel::Partition)
                .data(Qt::ToolTipRole)
                .toString()
                .contains(QLatin1String("partition of melodee_songs")));
    // A hostile name on one line in the table, whole in the tool tip.
    QCOMPARE(model.index(1, PartitionVacuumModel::Partition).data().toString(),
             QStringLiteral("melodee_songs_\"q\" x"));
    // What the tool tip shows, as the user reads it.
    const QString tip
        = QTextDocumentFragment::fromHtml(
              model.index(1, PartitionVacuumModel::Partition).data(Qt::ToolTipRole).toString())
              .toPlainText();
    QVERIFY2(tip.startsWith(QStringLiteral("melodee_songs_\"q\"\nx\npartition of melodee_songs;")),
             qPrintable(tip));
}

void tst_PartitionVacuumModel::vacuumColumn_data()
{
    QTest::addColumn<QString>("phase");
    QTest::addColumn<bool>("autovacuum");
    QTest::addColumn<qint64>("total");
    QTest::addColumn<qint64>("scanned");
    QTest::addColumn<QString>("shown");
    QTest::newRow("idle") << QString() << false << qint64(0) << qint64(0) << QString();
    QTest::newRow("autovacuum scanning")
        << QStringLiteral("scanning heap") << true << qint64(200) << qint64(50)
        << QStringLiteral("autovacuum: scanning heap, 25 %");
    QTest::newRow("manual, no size yet") << QStringLiteral("initializing") << false << qint64(0)
                                         << qint64(0) << QStringLiteral("VACUUM: initializing");
}

void tst_PartitionVacuumModel::vacuumColumn()
{
    QFETCH(QString, phase);
    QFETCH(bool, autovacuum);
    QFETCH(qint64, total);
    QFETCH(qint64, scanned);
    QFETCH(QString, shown);
    PartitionVacuumModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    PartitionVacuum p = part(QStringLiteral("p"), 10);
    p.vacuumPhase = phase;
    p.autovacuumWorker = autovacuum;
    p.heapBlocksTotal = total;
    p.heapBlocksScanned = scanned;
    model.setPartitions({p});
    QCOMPARE(model.index(0, PartitionVacuumModel::Vacuum).data().toString(), shown);
    QCOMPARE(model.index(0, 0).data(Qt::FontRole).isValid(), !phase.isEmpty());
}

void tst_PartitionVacuumModel::sameRowsUpdateInPlace()
{
    PartitionVacuumModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setPartitions({part(QStringLiteral("a"), 1), part(QStringLiteral("b"), 2)});
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setPartitions({part(QStringLiteral("a"), 5), part(QStringLiteral("b"), 2)});
    QCOMPARE(reset.size(), 0);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(model.index(0, PartitionVacuumModel::DeadTuples).data().toString(),
             QStringLiteral("5"));
    model.setPartitions({part(QStringLiteral("b"), 2), part(QStringLiteral("a"), 5)});
    QCOMPARE(reset.size(), 1);
}

QTEST_MAIN(tst_PartitionVacuumModel)
#include "tst_partitionvacuummodel.moc"
