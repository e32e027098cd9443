#include <models/replicalagmodel.h>

#include <QAbstractItemModelTester>
#include <QBrush>
#include <QSignalSpy>
#include <QTest>

using namespace melodee;

Q_DECLARE_METATYPE(melodee::ReplicaStatus)

// The Replica lag panel's table: one row per replica, its state in rotation or out with the kind
// of trouble, its lag, and the reason as one line.
class tst_ReplicaLagModel : public QObject
{
    Q_OBJECT

private slots:
    void state_data();
    void state();
    void rowsKeepTheirIdentity();
    void hostileReasonIsOneLine();
};

namespace {

ReplicaStatus status(const QString &role,
                     bool inRotation,
                     std::optional<double> lag,
                     const QString &reason = {},
                     qint64 lookedAtMs = 1)
{
    ReplicaStatus s;
    s.name = QStringLiteral("10.0.0.7:5432");
    s.role = role;
    s.inRotation = inRotation;
    s.lagSeconds = lag;
    s.reason = reason;
    s.lookedAtMs = lookedAtMs;
    return s;
}

} // namespace

void tst_ReplicaLagModel::state_data()
{
    QTest::addColumn<ReplicaStatus>("replica");
    QTest::addColumn<int>("verdict");
    QTest::addColumn<QString>("state");
    QTest::addColumn<QString>("lag");
    const QString replica = QStringLiteral("replica");
    QTest::newRow("not looked at yet")
        << status(QStringLiteral("unreachable"), false, {}, QStringLiteral("not looked at yet"), 0)
        << int(ReplicaLagModel::Verdict::NotLookedAt) << QStringLiteral("checking…") << QString();
    QTest::newRow("in rotation") << status(replica, true, 0.0)
                                 << int(ReplicaLagModel::Verdict::InRotation)
                                 << QStringLiteral("in rotation") << QStringLiteral("0.0 s");
    QTest::newRow("lagging") << status(replica,
                                       false,
                                       7.26,
                                       QStringLiteral("lag 7.3 s is over "
                                                      "database.max_replica_lag 5s"))
                             << int(ReplicaLagModel::Verdict::Lagging)
                             << QStringLiteral("out of rotation (lagging)")
                             << QStringLiteral("7.3 s");
    QTest::newRow("lag unknown") << status(
        replica, false, {}, QStringLiteral("lag unknown: not streaming WAL"))
                                 << int(ReplicaLagModel::Verdict::Lagging)
                                 << QStringLiteral("out of rotation (lagging)")
                                 << QStringLiteral("unknown");
    QTest::newRow("down") << status(
        QStringLiteral("unreachable"), false, {}, QStringLiteral("connection refused"))
                          << int(ReplicaLagModel::Verdict::Down)
                          << QStringLiteral("out of rotation (down)") << QStringLiteral("unknown");
    QTest::newRow("a primary") << status(
        QStringLiteral("primary"), false, {}, QStringLiteral("not in recovery"))
                               << int(ReplicaLagModel::Verdict::NotAReplica)
                               << QStringLiteral("out of rotation (not a replica)")
                               << QStringLiteral("unknown");
}

void tst_ReplicaLagModel::state()
{
    QFETCH(ReplicaStatus, replica);
    QFETCH(int, verdict);
    QFETCH(QString, state);
    QFETCH(QString, lag);
    ReplicaLagModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setReplicas({replica});
    QCOMPARE(int(ReplicaLagModel::verdict(replica)), verdict);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.index(0, ReplicaLagModel::Replica).data().toString(), replica.name);
    QCOMPARE(model.index(0, ReplicaLagModel::State).data().toString(), state);
    QCOMPARE(model.index(0, ReplicaLagModel::Lag).data().toString(), lag);
    QCOMPARE(model.index(0, ReplicaLagModel::Reason).data().toString(), replica.reason);
    // Out of the rotation is red, in it green, not looked at yet plain.
    const QVariant colour = model.index(0, ReplicaLagModel::State).data(Qt::ForegroundRole);
    QCOMPARE(colour.isValid(), verdict != int(ReplicaLagModel::Verdict::NotLookedAt));
    if (colour.isValid()) {
        const bool green
            = colour.value<QBrush>().color().green() > colour.value<QBrush>().color().red();
        QCOMPARE(green, verdict == int(ReplicaLagModel::Verdict::InRotation));
    }
}

void tst_ReplicaLagModel::rowsKeepTheirIdentity()
{
    ReplicaLagModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    ReplicaStatus a = status(QStringLiteral("replica"), true, 0.5);
    ReplicaStatus b = a;
    b.name = QStringLiteral("[::1]:5433");
    model.setReplicas({a, b});
    QCOMPARE(model.rowCount(), 2);
    // A new look at the same replicas changes data, never the rows (a selection stays).
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    b.inRotation = false;
    b.lagSeconds = 12.0;
    b.reason = QStringLiteral("lag 12.0 s is over database.max_replica_lag 1s");
    model.setReplicas({a, b});
    QCOMPARE(reset.size(), 0);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(model.index(1, ReplicaLagModel::State).data().toString(),
             QStringLiteral("out of rotation (lagging)"));
    // Other replicas: other rows.
    model.setReplicas({b});
    QCOMPARE(reset.size(), 1);
    QCOMPARE(model.rowCount(), 1);
    model.setReplicas({});
    QCOMPARE(model.rowCount(), 0);
}

void tst_ReplicaLagModel::hostileReasonIsOneLine()
{
    ReplicaLagModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const QString reason = QStringLiteral("FATAL:  database \"x\ny <b>\" does not exist\n"
                                          "DETAIL: \U0001F3B5 ")
                           + QString(500, QLatin1Char('z'));
    model.setReplicas({status(QStringLiteral("unreachable"), false, {}, reason)});
    const QString shown = model.index(0, ReplicaLagModel::Reason).data().toString();
    QVERIFY(!shown.contains(QLatin1Char('\n')));
    QVERIFY(shown.size() <= 200);
    QVERIFY(shown.endsWith(QChar(0x2026)));
    const QString tip = model.index(0, ReplicaLagModel::Reason).data(Qt::ToolTipRole).toString();
    QVERIFY(tip.contains(QStringLiteral("&lt;b&gt;")));
    QVERIFY(!model.headerData(ReplicaLagModel::Lag, Qt::Horizontal, Qt::DisplayRole)
                 .toString()
                 .isEmpty());
}

QTEST_MAIN(tst_ReplicaLagModel)
#include "tst_replicalagmodel.moc"
