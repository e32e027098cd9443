#include "testenv.h"

#include <models/activitymodel.h>
#include <pool/connectionpool.h>

#include <QAbstractItemModelTester>
#include <QColor>
#include <QFont>
#include <QItemSelectionModel>
#include <QPersistentModelIndex>
#include <QSignalSpy>
#include <QTest>

using namespace melodee;
using namespace melodee::test;

namespace {

const QDateTime kNow = QDateTime(QDate(2026, 11, 27), QTime(12, 0), Qt::UTC);

ServerSession session(int pid, qint64 startedMsAgo = 60'000)
{
    ServerSession s;
    s.pid = pid;
    s.database = QStringLiteral("melodee");
    s.user = QStringLiteral("postgres");
    s.application = QStringLiteral("app-%1").arg(pid);
    s.clientAddr = QStringLiteral("127.0.0.1");
    s.backendType = QStringLiteral("client backend");
    s.state = QStringLiteral("idle");
    s.backendStart = kNow.addMSecs(-startedMsAgo);
    return s;
}

ActivitySnapshot snapshotOf(const QList<int> &pids, const QDateTime &now = kNow)
{
    ActivitySnapshot snap;
    snap.serverNow = now;
    snap.database = QStringLiteral("melodee");
    for (int pid : pids)
        snap.sessions << session(pid);
    return snap;
}

QList<int> pidsOf(const ActivityModel &model)
{
    QList<int> pids;
    for (int row = 0; row < model.rowCount(); ++row)
        pids << model.index(row, ActivityModel::Pid).data(ActivityModel::PidRole).toInt();
    return pids;
}

} // namespace

class tst_ActivityModel : public QObject
{
    Q_OBJECT

private slots:
    void formatDuration_data();
    void formatDuration();
    void elideQuery_data();
    void elideQuery();
    void mergeByPid_data();
    void mergeByPid();
    void unsortedInputIsSorted();
    void reusedPidIsANewRow();
    void roles();
    void ages_data();
    void ages();
    void clearAndEmpty();
    void realSnapshots();
};

void tst_ActivityModel::formatDuration_data()
{
    QTest::addColumn<qint64>("ms");
    QTest::addColumn<QString>("text");
    QTest::newRow("negative (clock step)") << qint64(-5) << "0.0 s";
    QTest::newRow("zero") << qint64(0) << "0.0 s";
    QTest::newRow("99 ms") << qint64(99) << "0.0 s";
    QTest::newRow("0.4 s") << qint64(400) << "0.4 s";
    QTest::newRow("3.2 s") << qint64(3249) << "3.2 s";
    QTest::newRow("just under a minute") << qint64(59'999) << "59.9 s";
    QTest::newRow("one minute") << qint64(60'000) << "1 min 00 s";
    QTest::newRow("4 min 5 s") << qint64(245'000) << "4 min 05 s";
    QTest::newRow("just under an hour") << qint64(3'599'999) << "59 min 59 s";
    QTest::newRow("one hour") << qint64(3'600'000) << "1 h 00 min";
    QTest::newRow("2 h 3 min") << qint64(7'380'000) << "2 h 03 min";
    QTest::newRow("one day") << qint64(86'400'000) << "1 d 00 h";
    QTest::newRow("3 d 4 h") << qint64(273'600'000) << "3 d 04 h";
    QTest::newRow("a year") << qint64(365) * 86'400'000 << "365 d 00 h";
}

void tst_ActivityModel::formatDuration()
{
    QFETCH(qint64, ms);
    QFETCH(QString, text);
    QCOMPARE(ActivityModel::formatDuration(ms), text);
}

void tst_ActivityModel::elideQuery_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<int>("max");
    QTest::addColumn<QString>("elided");
    const QString ell(QChar(0x2026));
    const QString emoji = QString::fromUtf8("\xF0\x9F\x8E\xB5"); // 🎵, a surrogate pair
    QTest::newRow("empty") << QString() << 10 << QString();
    QTest::newRow("short") << "SELECT 1" << 10 << "SELECT 1";
    QTest::newRow("exactly max") << "0123456789" << 10 << "0123456789";
    QTest::newRow("one over") << "0123456789A" << 10 << "012345678" + ell;
    QTest::newRow("lines and tabs collapse") << "SELECT *\n  FROM t\tWHERE  x = 1\r\n"
                                             << 40 << "SELECT * FROM t WHERE x = 1";
    QTest::newRow("whitespace only") << " \n\t " << 10 << QString();
    QTest::newRow("no split surrogate")
        << "12345678" + emoji + "tail" << 10 << "12345678" + ell; // the pair would straddle the cut
    QTest::newRow("surrogate kept whole")
        << "1234567" + emoji + "tail" << 10 << "1234567" + emoji + ell;
    QTest::newRow("max 1") << "abc" << 1 << ell;
    QTest::newRow("max 0 means no limit") << "abc" << 0 << "abc";
}

void tst_ActivityModel::elideQuery()
{
    QFETCH(QString, query);
    QFETCH(int, max);
    QFETCH(QString, elided);
    const QString got = ActivityModel::elideQuery(query, max);
    QCOMPARE(got, elided);
    if (max > 0)
        QVERIFY(got.size() <= max);
}

void tst_ActivityModel::mergeByPid_data()
{
    QTest::addColumn<QList<int>>("before");
    QTest::addColumn<QList<int>>("after");
    QTest::addColumn<int>("insertRuns");
    QTest::addColumn<int>("removeRuns");

    QTest::newRow("unchanged") << QList<int>{1, 2, 3} << QList<int>{1, 2, 3} << 0 << 0;
    QTest::newRow("append") << QList<int>{1, 2} << QList<int>{1, 2, 3, 4} << 1 << 0;
    QTest::newRow("prepend") << QList<int>{5, 6} << QList<int>{1, 2, 5, 6} << 1 << 0;
    QTest::newRow("middle gone") << QList<int>{1, 2, 3, 4} << QList<int>{1, 4} << 0 << 1;
    QTest::newRow("mixed") << QList<int>{1, 3, 5, 7} << QList<int>{2, 3, 6, 7, 8} << 3 << 2;
    QTest::newRow("all replaced") << QList<int>{1, 2} << QList<int>{3, 4} << 1 << 1;
    QTest::newRow("to empty") << QList<int>{1, 2, 3} << QList<int>{} << 0 << 1;
    QTest::newRow("from empty") << QList<int>{} << QList<int>{1, 2} << 1 << 0;
    QTest::newRow("interleaved") << QList<int>{1, 3, 5} << QList<int>{2, 3, 4, 6} << 2 << 2;
}

void tst_ActivityModel::mergeByPid()
{
    QFETCH(QList<int>, before);
    QFETCH(QList<int>, after);
    QFETCH(int, insertRuns);
    QFETCH(int, removeRuns);

    ActivityModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setSnapshot(snapshotOf(before));
    QCOMPARE(pidsOf(model), before);

    // Rows that survive keep their persistent indexes and the selection.
    QItemSelectionModel selection(&model);
    QList<QPersistentModelIndex> persistent;
    for (int row = 0; row < model.rowCount(); ++row)
        persistent << QPersistentModelIndex(model.index(row, ActivityModel::Pid));
    int selectedPid = 0;
    for (int pid : before)
        if (after.contains(pid))
            selectedPid = pid;
    if (selectedPid)
        selection.select(model.index(model.rowOfPid(selectedPid), 0),
                         QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);

    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy changed(&model, &ActivityModel::snapshotChanged);
    model.setSnapshot(snapshotOf(after, kNow.addSecs(2)));

    QCOMPARE(pidsOf(model), after);
    QCOMPARE(reset.count(), 0);
    QCOMPARE(inserted.count(), insertRuns);
    QCOMPARE(removed.count(), removeRuns);
    QCOMPARE(changed.count(), 1);
    for (int i = 0; i < before.size(); ++i) {
        if (after.contains(before.at(i))) {
            QVERIFY(persistent.at(i).isValid());
            QCOMPARE(persistent.at(i).data(ActivityModel::PidRole).toInt(), before.at(i));
        } else {
            QVERIFY(!persistent.at(i).isValid());
        }
    }
    if (selectedPid) {
        const QModelIndexList rows = selection.selectedRows();
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.first().data(ActivityModel::PidRole).toInt(), selectedPid);
    }
}

void tst_ActivityModel::unsortedInputIsSorted()
{
    ActivityModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setSnapshot(snapshotOf({9, 2, 5}));
    QCOMPARE(pidsOf(model), (QList<int>{2, 5, 9}));
    model.setSnapshot(snapshotOf({5, 1, 9}));
    QCOMPARE(pidsOf(model), (QList<int>{1, 5, 9}));
}

void tst_ActivityModel::reusedPidIsANewRow()
{
    ActivityModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setSnapshot(snapshotOf({1, 2}));
    QPersistentModelIndex old(model.index(1, 0));
    ActivitySnapshot next = snapshotOf({1, 2});
    next.sessions[1].backendStart = kNow.addMSecs(-10); // the OS gave pid 2 to a new backend
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    model.setSnapshot(next);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(inserted.count(), 1);
    QVERIFY(!old.isValid()); // a selection on the old session does not move to the new one
    QCOMPARE(pidsOf(model), (QList<int>{1, 2}));
}

void tst_ActivityModel::roles()
{
    ActivityModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    ActivitySnapshot snap = snapshotOf({10, 11, 12, 13});
    snap.selfPid = 11;
    snap.hiddenCount = 4;
    snap.sessions[0].ours = true; // another pooled connection
    snap.sessions[1].ours = true;
    snap.sessions[1].self = true;
    snap.sessions[2].application.clear();
    snap.sessions[2].backendType = QStringLiteral("autovacuum worker");
    snap.sessions[2].clientAddr.clear();
    snap.sessions[3].clientAddr.clear(); // a client on the Unix socket
    snap.sessions[3].state = QStringLiteral("active");
    snap.sessions[3].waitEventType = QStringLiteral("Lock");
    snap.sessions[3].waitEvent = QStringLiteral("relation");
    const QString query = QStringLiteral("SELECT '<b>' AS x,\n       pg_sleep(30)   -- long\n")
                          + QString(200, QLatin1Char('y'));
    snap.sessions[3].query = query;
    model.setSnapshot(snap);
    QCOMPARE(model.oursCount(), 2);
    QCOMPARE(model.snapshot().hiddenCount, 4);

    auto at = [&model](int row, int column, int role = Qt::DisplayRole) {
        return model.index(row, column).data(role);
    };
    QVERIFY(at(0, ActivityModel::Pid, Qt::BackgroundRole).value<QColor>().isValid());
    QVERIFY(at(0, ActivityModel::Pid, ActivityModel::OursRole).toBool());
    QVERIFY(!at(0, ActivityModel::Pid, ActivityModel::SelfRole).toBool());
    QVERIFY(!at(0, ActivityModel::Pid, Qt::FontRole).isValid());
    QVERIFY(at(1, ActivityModel::Query, ActivityModel::SelfRole).toBool());
    QVERIFY(at(1, ActivityModel::Query, Qt::FontRole).value<QFont>().italic());
    QVERIFY(!at(2, ActivityModel::Pid, Qt::BackgroundRole).isValid());
    QVERIFY(!at(2, ActivityModel::Pid, ActivityModel::OursRole).toBool());
    QVERIFY(at(1, ActivityModel::User, Qt::ToolTipRole).toString().contains(QLatin1String("Ours")));

    QCOMPARE(at(0, ActivityModel::Pid).toInt(), 10);
    QCOMPARE(at(2, ActivityModel::Application).toString(), QStringLiteral("autovacuum worker"));
    QCOMPARE(at(2, ActivityModel::Client).toString(), QString());
    QCOMPARE(at(3, ActivityModel::Client).toString(), QStringLiteral("local socket"));
    QCOMPARE(at(3, ActivityModel::WaitEvent).toString(), QStringLiteral("Lock: relation"));
    QCOMPARE(at(3, ActivityModel::State, ActivityModel::StateRole).toString(),
             QStringLiteral("active"));
    QVERIFY(at(3, ActivityModel::State, Qt::ForegroundRole).value<QColor>().isValid());
    QCOMPARE(at(0, ActivityModel::WaitEvent).toString(), QString());

    // The table shows one elided line, the tooltip the whole query, escaped.
    const QString shown = at(3, ActivityModel::Query).toString();
    QVERIFY(!shown.contains(QLatin1Char('\n')));
    QVERIFY(shown.endsWith(QChar(0x2026)));
    QVERIFY(shown.startsWith(QLatin1String("SELECT '<b>' AS x, pg_sleep(30) -- long")));
    const QString tip = at(3, ActivityModel::Query, Qt::ToolTipRole).toString();
    QVERIFY(tip.contains(query.toHtmlEscaped()));
    QVERIFY(!tip.contains(QLatin1String("'<b>'")));

    QCOMPARE(model.headerData(ActivityModel::Pid, Qt::Horizontal, Qt::DisplayRole).toString(),
             QStringLiteral("PID"));
    QCOMPARE(model.headerData(ActivityModel::Query, Qt::Horizontal, Qt::DisplayRole).toString(),
             QStringLiteral("Query"));
}

void tst_ActivityModel::ages_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<qint64>("agoMs");
    QTest::addColumn<QString>("text");
    QTest::newRow("query 3.2 s") << int(ActivityModel::QueryAge) << qint64(3200) << "3.2 s";
    QTest::newRow("state 4 min") << int(ActivityModel::StateAge) << qint64(245'000) << "4 min 05 s";
    QTest::newRow("xact 2 h") << int(ActivityModel::XactAge) << qint64(7'380'000) << "2 h 03 min";
    // The session's clock and ours disagree: the age never goes negative.
    QTest::newRow("in the future") << int(ActivityModel::QueryAge) << qint64(-1500) << "0.0 s";
}

void tst_ActivityModel::ages()
{
    QFETCH(int, column);
    QFETCH(qint64, agoMs);
    QFETCH(QString, text);
    ActivityModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    ActivitySnapshot snap = snapshotOf({7});
    ServerSession &s = snap.sessions[0];
    const QDateTime t = kNow.addMSecs(-agoMs);
    if (column == ActivityModel::QueryAge)
        s.queryStart = t;
    else if (column == ActivityModel::StateAge)
        s.stateChange = t;
    else
        s.xactStart = t;
    model.setSnapshot(snap);
    QCOMPARE(model.index(0, column).data().toString(), text);
    QCOMPARE(model.index(0, column).data(ActivityModel::AgeMsRole).toLongLong(),
             std::max<qint64>(0, agoMs));
    QVERIFY(!model.index(0, column).data(Qt::ToolTipRole).toString().isEmpty());
    // NULL timestamps (no transaction, say) show nothing rather than a made-up age.
    for (int other : {int(ActivityModel::QueryAge),
                      int(ActivityModel::StateAge),
                      int(ActivityModel::XactAge)}) {
        if (other == column)
            continue;
        QCOMPARE(model.index(0, other).data().toString(), QString());
        QVERIFY(!model.index(0, other).data(ActivityModel::AgeMsRole).isValid());
    }
    // A later snapshot of the same session moves the age on without a new row.
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    snap.serverNow = kNow.addSecs(10);
    model.setSnapshot(snap);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(model.index(0, column).data(ActivityModel::AgeMsRole).toLongLong(),
             std::max<qint64>(0, agoMs + 10'000));
}

void tst_ActivityModel::clearAndEmpty()
{
    ActivityModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setSnapshot(snapshotOf({}));
    QCOMPARE(model.rowCount(), 0);
    model.setSnapshot(snapshotOf({3, 4}));
    QCOMPARE(model.rowCount(), 2);
    QSignalSpy changed(&model, &ActivityModel::snapshotChanged);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
    QCOMPARE(changed.count(), 1);
    QVERIFY(!model.snapshot().serverNow.isValid());
    QCOMPARE(model.sessionAt(0), nullptr);
    QCOMPARE(model.sessionAt(-1), nullptr);
    QCOMPARE(model.rowOfPid(3), -1);
    QVERIFY(!model.index(0, 0).isValid());
}

void tst_ActivityModel::realSnapshots()
{
    MELODEE_REQUIRE_POSTGRES();
    ConnectionPool pool(TestEnv::superuser(), {});
    const ServerActivity activity(pool);
    ActivityModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    for (const auto scope : {ServerActivity::Scope::CurrentDatabase,
                             ServerActivity::Scope::AllDatabases,
                             ServerActivity::Scope::CurrentDatabase}) {
        const ActivitySnapshot snap = activity.snapshot(scope);
        model.setSnapshot(snap);
        QCOMPARE(model.rowCount(), snap.sessions.size());
        const int self = model.rowOfPid(snap.selfPid);
        QVERIFY(self >= 0);
        QVERIFY(model.index(self, 0).data(ActivityModel::SelfRole).toBool());
        QVERIFY(model.index(self, ActivityModel::Query)
                    .data(Qt::ToolTipRole)
                    .toString()
                    .contains(QLatin1String("pg_stat_activity")));
        QVERIFY(model.oursCount() >= 1);
    }
    QCOMPARE(reset.count(), 0);
}

QTEST_MAIN(tst_ActivityModel)
#include "tst_activitymodel.moc"
