#include <models/logfiltermodel.h>
#include <models/logmodel.h>

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <thread>
#include <vector>

using namespace melodee;

class tst_LogModel : public QObject
{
    Q_OBJECT

private slots:
    void appendAndData();
    void capacity_data();
    void capacity();
    void postFromThreadsBatches();
    void filter_data();
    void filter();
};

static LogEntry entry(QtMsgType type, const QString &category, const QString &message)
{
    return LogEntry{QDateTime::currentDateTime(), type, category, message};
}

void tst_LogModel::appendAndData()
{
    LogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.append(entry(QtWarningMsg, QStringLiteral("melodee.db"), QStringLiteral("slow query")));
    model.append(entry(QtInfoMsg, QStringLiteral("melodee.ui"), QStringLiteral("hello")));
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.columnCount(), int(LogModel::ColumnCount));
    QCOMPARE(model.index(0, LogModel::CategoryColumn).data().toString(),
             QStringLiteral("melodee.db"));
    QCOMPARE(model.index(0, LogModel::MessageColumn).data().toString(),
             QStringLiteral("slow query"));
    QCOMPARE(model.index(0, LogModel::LevelColumn).data(LogModel::SeverityRole).toInt(), 2);
    QCOMPARE(model.index(1, LogModel::LevelColumn).data(LogModel::SeverityRole).toInt(), 1);
    QVERIFY(model.index(0, LogModel::LevelColumn).data(Qt::ForegroundRole).isValid());
    QVERIFY(!model.index(1, LogModel::LevelColumn).data(Qt::ForegroundRole).isValid());
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void tst_LogModel::capacity_data()
{
    QTest::addColumn<int>("capacity");
    QTest::addColumn<int>("batches");
    QTest::addColumn<int>("batchSize");
    QTest::addColumn<int>("expectedRows");
    QTest::newRow("under") << 10 << 1 << 5 << 5;
    QTest::newRow("exactly full") << 10 << 2 << 5 << 10;
    QTest::newRow("overflow by one") << 10 << 11 << 1 << 10;
    QTest::newRow("one burst larger than capacity") << 10 << 1 << 25 << 10;
    QTest::newRow("capacity one") << 1 << 3 << 2 << 1;
}

void tst_LogModel::capacity()
{
    QFETCH(int, capacity);
    QFETCH(int, batches);
    QFETCH(int, batchSize);
    QFETCH(int, expectedRows);
    LogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setCapacity(capacity);
    int n = 0;
    for (int b = 0; b < batches; ++b) {
        QList<LogEntry> batch;
        for (int i = 0; i < batchSize; ++i)
            batch << entry(QtInfoMsg, QStringLiteral("c"), QString::number(n++));
        model.appendBatch(batch);
    }
    QCOMPARE(model.rowCount(), expectedRows);
    // The newest lines survive, in order.
    QCOMPARE(model.index(expectedRows - 1, LogModel::MessageColumn).data().toString(),
             QString::number(n - 1));
    QCOMPARE(model.index(0, LogModel::MessageColumn).data().toString(),
             QString::number(n - expectedRows));
}

void tst_LogModel::postFromThreadsBatches()
{
    LogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    constexpr int threads = 4;
    constexpr int perThread = 500;
    {
        std::vector<std::jthread> workers;
        for (int t = 0; t < threads; ++t) {
            workers.emplace_back([&model, t] {
                for (int i = 0; i < perThread; ++i)
                    model.post(entry(
                        QtInfoMsg, QStringLiteral("t%1").arg(t), QStringLiteral("%1").arg(i)));
            });
        }
    }
    // Nothing arrives before the event loop runs: the model only changes on its own thread.
    QCOMPARE(model.rowCount(), 0);
    QTRY_COMPARE(model.rowCount(), threads * perThread);
    // Lines were delivered in far fewer insertions than lines (batched per burst).
    QVERIFY2(inserted.count() < threads * perThread,
             qPrintable(QStringLiteral("%1 insertions").arg(inserted.count())));
    // Each thread's lines keep their order.
    QList<int> last(threads, -1);
    for (int r = 0; r < model.rowCount(); ++r) {
        const int t = model.entry(r).category.mid(1).toInt();
        const int i = model.entry(r).message.toInt();
        QCOMPARE(i, last[t] + 1);
        last[t] = i;
    }
}

void tst_LogModel::filter_data()
{
    QTest::addColumn<int>("minimumSeverity");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("expected");
    const QStringList all{
        QStringLiteral("d"), QStringLiteral("i"), QStringLiteral("w"), QStringLiteral("e")};
    QTest::newRow("everything") << 0 << QString() << all;
    QTest::newRow("info and up") << 1 << QString() << all.mid(1);
    QTest::newRow("warnings and up") << 2 << QString() << all.mid(2);
    QTest::newRow("errors only") << 3 << QString() << QStringList{QStringLiteral("e")};
    QTest::newRow("text in category")
        << 0 << QStringLiteral("POOL") << QStringList{QStringLiteral("w")};
    QTest::newRow("text in message")
        << 0 << QStringLiteral("W") << QStringList{QStringLiteral("w")};
    QTest::newRow("text and level exclude") << 3 << QStringLiteral("pool") << QStringList{};
}

void tst_LogModel::filter()
{
    QFETCH(int, minimumSeverity);
    QFETCH(QString, text);
    QFETCH(QStringList, expected);
    LogModel model;
    LogFilterModel filter;
    filter.setSourceModel(&model);
    QAbstractItemModelTester tester(&filter,
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.append(entry(QtDebugMsg, QStringLiteral("melodee.db"), QStringLiteral("d")));
    model.append(entry(QtInfoMsg, QStringLiteral("melodee.ui"), QStringLiteral("i")));
    model.append(entry(QtWarningMsg, QStringLiteral("melodee.pool"), QStringLiteral("w")));
    model.append(entry(QtCriticalMsg, QStringLiteral("melodee.db"), QStringLiteral("e")));
    filter.setMinimumSeverity(minimumSeverity);
    filter.setText(text);
    QStringList shown;
    for (int r = 0; r < filter.rowCount(); ++r)
        shown << filter.index(r, LogModel::MessageColumn).data().toString();
    QCOMPARE(shown, expected);
    // New lines go through the same filter.
    model.append(entry(QtCriticalMsg, QStringLiteral("melodee.pool"), QStringLiteral("late")));
    const bool lateShown = filter.rowCount() == expected.size() + 1;
    QCOMPARE(lateShown,
             text.isEmpty() || text.compare(QStringLiteral("pool"), Qt::CaseInsensitive) == 0);
}

QTEST_MAIN(tst_LogModel)
#include "tst_logmodel.moc"
