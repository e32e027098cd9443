#include <models/migrationlistmodel.h>

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace melodee;

class tst_MigrationListModel : public QObject
{
    Q_OBJECT

private slots:
    void rows_data();
    void rows();
    void columns();
    void statusNames_data();
    void statusNames();
};

namespace {

MigrationState state(int version,
                     const QString &st,
                     const QString &reviewer = {},
                     std::optional<Environment> environment = std::nullopt)
{
    MigrationState s;
    s.version = version;
    s.name = QStringLiteral("m%1").arg(version);
    s.phase = qMin(version, 7);
    const auto status = parseMigrationStatus(st);
    if (!status)
        qFatal("not a migration status: %s", qPrintable(st));
    s.status = *status;
    s.currentChecksum = QStringLiteral("abcdef0123456789abcdef");
    if (s.status != MigrationStatus::Pending) {
        HistoryRow h;
        h.version = version;
        h.checksum
            = s.status == MigrationStatus::Drifted ? QStringLiteral("0000") : s.currentChecksum;
        h.appliedAt = QDateTime(QDate(2026, 11, 27), QTime(9, 30), Qt::UTC);
        h.reviewer = reviewer;
        h.status = s.status == MigrationStatus::Drifted || s.status == MigrationStatus::Missing
                       ? MigrationStatus::Applied
                       : s.status;
        h.environment = environment;
        s.history = h;
    }
    return s;
}

} // namespace

void tst_MigrationListModel::rows_data()
{
    QTest::addColumn<QStringList>("states");
    QTest::addColumn<int>("rowCount");
    QTest::addColumn<bool>("planRow");
    QTest::addColumn<int>("rowOfV2");
    QTest::newRow("empty") << QStringList{} << 0 << false << -1;
    QTest::newRow("all applied") << QStringList{"applied", "applied"} << 2 << false << 1;
    QTest::newRow("pending adds the plan row")
        << QStringList{"applied", "pending", "pending"} << 4 << true << 2;
    QTest::newRow("drift counts as needing attention")
        << QStringList{"drifted", "applied"} << 3 << true << 2;
    QTest::newRow("failed") << QStringList{"applied", "failed"} << 3 << true << 2;
    QTest::newRow("missing file only") << QStringList{"applied", "missing"} << 2 << false << 1;
}

void tst_MigrationListModel::rows()
{
    QFETCH(QStringList, states);
    QFETCH(int, rowCount);
    QFETCH(bool, planRow);
    QFETCH(int, rowOfV2);
    MigrationListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QList<MigrationState> list;
    for (int i = 0; i < states.size(); ++i)
        list << state(i + 1, states[i], QStringLiteral("ana"));
    model.setStates(list);
    QCOMPARE(reset.count(), 1);
    QCOMPARE(model.rowCount(), rowCount);
    QCOMPARE(model.hasPlanRow(), planRow);
    QCOMPARE(model.rowForVersion(2), rowOfV2);
    if (planRow) {
        QCOMPARE(model.data(model.index(0, MigrationListModel::Name)).toString(),
                 QStringLiteral("Pending plan"));
        QCOMPARE(model.data(model.index(0, 0), MigrationListModel::VersionRole).toInt(), 0);
        QVERIFY(model.data(model.index(0, 0), MigrationListModel::IsPlanRole).toBool());
    }
    for (int i = 0; i < states.size(); ++i) {
        const int row = model.rowForVersion(i + 1);
        QCOMPARE(model.data(model.index(row, MigrationListModel::Status)).toString(), states[i]);
        QCOMPARE(model.data(model.index(row, MigrationListModel::Status), Qt::ForegroundRole)
                     .value<QColor>(),
                 MigrationListModel::stateColor(*parseMigrationStatus(states[i])));
        QCOMPARE(model.stateAt(row)->version, i + 1);
    }
}

void tst_MigrationListModel::columns()
{
    MigrationListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setStates(
        {state(1, QStringLiteral("applied"), QStringLiteral("ana"), Environment::Production),
         state(2, QStringLiteral("drifted")),
         state(3, QStringLiteral("pending"))});
    QCOMPARE(model.columnCount(), int(MigrationListModel::ColumnCount));
    const int r1 = model.rowForVersion(1);
    QCOMPARE(model.data(model.index(r1, MigrationListModel::Version)).toInt(), 1);
    QCOMPARE(model.data(model.index(r1, MigrationListModel::Phase)).toString(),
             QStringLiteral("1 extensions"));
    QCOMPARE(model.data(model.index(r1, MigrationListModel::Checksum)).toString(),
             QStringLiteral("abcdef012345"));
    QCOMPARE(model.data(model.index(r1, MigrationListModel::AppliedAt)).toString(),
             QStringLiteral("2026-11-27 09:30"));
    QVERIFY(model.data(model.index(r1, MigrationListModel::AppliedAt), Qt::ToolTipRole)
                .toString()
                .startsWith(QLatin1String("applied 2026-11-27 09:30:00 UTC by ")));
    QCOMPARE(model.data(model.index(r1, MigrationListModel::Reviewer)).toString(),
             QStringLiteral("ana"));
    // The environment the apply recorded; empty for rows written before it was recorded.
    QCOMPARE(model.data(model.index(r1, MigrationListModel::AppliedEnvironment)).toString(),
             QStringLiteral("production"));
    QCOMPARE(model.data(model.index(r1, 0), MigrationListModel::EnvironmentRole).toString(),
             QStringLiteral("production"));
    QVERIFY(model.data(model.index(model.rowForVersion(2), MigrationListModel::AppliedEnvironment))
                .toString()
                .isEmpty());
    // Drift: the tooltip shows both checksums.
    const QString tip = model
                            .data(model.index(model.rowForVersion(2), MigrationListModel::Checksum),
                                  Qt::ToolTipRole)
                            .toString();
    QVERIFY(tip.contains(QLatin1String("0000")));
    QVERIFY(model.data(model.index(model.rowForVersion(3), MigrationListModel::AppliedAt))
                .toString()
                .isEmpty());
    QCOMPARE(
        model.headerData(MigrationListModel::Reviewer, Qt::Horizontal, Qt::DisplayRole).toString(),
        QStringLiteral("Reviewer"));
    QCOMPARE(
        model.headerData(MigrationListModel::AppliedEnvironment, Qt::Horizontal, Qt::DisplayRole)
            .toString(),
        QStringLiteral("Environment"));
}

void tst_MigrationListModel::statusNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("known");
    QTest::newRow("pending") << QStringLiteral("pending") << true;
    QTest::newRow("applied") << QStringLiteral("applied") << true;
    QTest::newRow("running") << QStringLiteral("running") << true;
    QTest::newRow("failed") << QStringLiteral("failed") << true;
    QTest::newRow("drifted") << QStringLiteral("drifted") << true;
    QTest::newRow("missing") << QStringLiteral("missing") << true;
    QTest::newRow("upper case") << QStringLiteral("Applied") << false;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("quote") << QStringLiteral("applied'") << false;
}

// One name per status, both ways: what the history stores reads back as the same status.
void tst_MigrationListModel::statusNames()
{
    QFETCH(QString, name);
    QFETCH(bool, known);
    const auto status = parseMigrationStatus(name);
    QCOMPARE(status.has_value(), known);
    if (known)
        QCOMPARE(migrationStatusName(*status), name);
}

QTEST_MAIN(tst_MigrationListModel)
#include "tst_migrationlistmodel.moc"
