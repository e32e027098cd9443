#include <models/activitymodel.h>
#include <models/lockwaitmodel.h>

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>
#include <QTextDocumentFragment>

using namespace melodee;

namespace {

LockWait wait(int pid, const QString &query, QList<int> blocking = {1})
{
    LockWait w;
    w.pid = pid;
    w.blockingPids = blocking;
    w.blockers = QStringLiteral("1 (psql, idle in transaction)");
    w.application = QStringLiteral("app");
    w.lockType = QStringLiteral("relation");
    w.waitedSeconds = 65.4;
    w.query = query;
    return w;
}

} // namespace

class tst_LockWaitModel : public QObject
{
    Q_OBJECT

private slots:
    void rowsAndColumns();
    void hostileTextOnOneLine_data();
    void hostileTextOnOneLine();
    void toolTipShowsMarkupAsText();
    void sameSessionsUpdateInPlace();
};

void tst_LockWaitModel::rowsAndColumns()
{
    LockWaitModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    model.setWaits({wait(10, QStringLiteral("SELECT 1"), {3, 4}), wait(11, QString())});
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.columnCount(), int(LockWaitModel::ColumnCount));
    QCOMPARE(model.index(0, LockWaitModel::Pid).data().toInt(), 10);
    QCOMPARE(model.index(0, LockWaitModel::BlockedBy).data().toString(), QStringLiteral("3, 4"));
    QCOMPARE(model.index(0, LockWaitModel::Waited).data().toString(), QStringLiteral("1 min 05 s"));
    QCOMPARE(model.index(0, LockWaitModel::Lock).data().toString(), QStringLiteral("relation"));
    QCOMPARE(model.headerData(LockWaitModel::BlockedBy, Qt::Horizontal, Qt::DisplayRole).toString(),
             QStringLiteral("Blocked by"));
    model.setWaits({});
    QCOMPARE(model.rowCount(), 0);
}

void tst_LockWaitModel::hostileTextOnOneLine_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("shown");
    QTest::newRow("newlines") << QStringLiteral("SELECT 1\nFROM t\r\n\tWHERE x")
                              << QStringLiteral("SELECT 1 FROM t WHERE x");
    QTest::newRow("quotes and password=") << QStringLiteral("SELECT '\"q\" password=x'")
                                          << QStringLiteral("SELECT '\"q\" password=x'");
    QTest::newRow("emoji") << QStringLiteral("SELECT '\U0001F3B5'")
                           << QStringLiteral("SELECT '\U0001F3B5'");
    QTest::newRow("replacement char")
        << QString::fromUtf8("SELECT '\xff'") << QStringLiteral("SELECT '\uFFFD'");
    QTest::newRow("looks like HTML")
        << QStringLiteral("SELECT '<b>bold</b>'") << QStringLiteral("SELECT '<b>bold</b>'");
    QTest::newRow("long") << QString(500, QLatin1Char('x'))
                          << QString(119, QLatin1Char('x')) + QChar(0x2026);
}

void tst_LockWaitModel::hostileTextOnOneLine()
{
    QFETCH(QString, query);
    QFETCH(QString, shown);
    LockWaitModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setWaits({wait(5, query)});
    QCOMPARE(model.index(0, LockWaitModel::Query).data().toString(), shown);
    // The whole text in the tool tip, escaped so that nothing in it is taken for markup.
    const QString tip = model.index(0, LockWaitModel::Query).data(Qt::ToolTipRole).toString();
    QCOMPARE(tip, ActivityModel::plainToolTip(query));
}

void tst_LockWaitModel::toolTipShowsMarkupAsText()
{
    LockWaitModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    LockWait w = wait(5, QStringLiteral("SELECT '<b>bold</b> & <i>'"));
    w.application = QStringLiteral("<h1>app</h1>");
    model.setWaits({w});
    const auto shownTip = [&model](int column) {
        return QTextDocumentFragment::fromHtml(
                   model.index(0, column).data(Qt::ToolTipRole).toString())
            .toPlainText();
    };
    QCOMPARE(shownTip(LockWaitModel::Query), w.query);
    QCOMPARE(shownTip(LockWaitModel::Application), w.application);
}

void tst_LockWaitModel::sameSessionsUpdateInPlace()
{
    LockWaitModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setWaits({wait(1, QStringLiteral("a")), wait(2, QStringLiteral("b"))});
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    LockWait longer = wait(1, QStringLiteral("a"));
    longer.waitedSeconds = 70;
    model.setWaits({longer, wait(2, QStringLiteral("b"))});
    QCOMPARE(reset.size(), 0);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(model.index(0, LockWaitModel::Waited).data().toString(), QStringLiteral("1 min 10 s"));
    model.setWaits({wait(2, QStringLiteral("b"))});
    QCOMPARE(reset.size(), 1);
    QCOMPARE(model.index(0, LockWaitModel::Pid).data().toInt(), 2);
}

QTEST_MAIN(tst_LockWaitModel)
#include "tst_lockwaitmodel.moc"
