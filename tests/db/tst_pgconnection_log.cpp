#include <db/pgconnection.h>
#include <util/logging.h>
#include <util/redactor.h>

#include <testenv.h>

#include <QMutex>
#include <QTemporaryFile>
#include <QTest>

#include <cstdio>
#include <functional>

#include <unistd.h>

using namespace melodee;
using melodee::test::TestEnv;

// What a PgConnection logs: server notices go through the logger (redacted, in the configured
// format) instead of libpq's stderr printer, and statements slower than gorm.slow_threshold are
// logged with their duration and redacted parameters.
class tst_PgConnectionLog : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void noticesGoToTheLog_data();
    void noticesGoToTheLog();
    void slowStatements_data();
    void slowStatements();

private:
    struct Line
    {
        QtMsgType type;
        QString category;
        QString message;
    };
    // Runs fn with logging at info, returns the log lines; *err gets what reached fd 2.
    static QList<Line> logOf(const std::function<void()> &fn, QByteArray *err = nullptr);
    QString m_db;
};

void tst_PgConnectionLog::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
    m_db = TestEnv::freshDatabase(QStringLiteral("pglog")).dbname;
}

void tst_PgConnectionLog::cleanup()
{
    Redactor::clearSecrets();
    setLogSink({});
}

QList<tst_PgConnectionLog::Line> tst_PgConnectionLog::logOf(const std::function<void()> &fn,
                                                            QByteArray *err)
{
    QList<Line> lines;
    QMutex mutex;
    setupLogging(LogLevel::Info, LogFormat::Text);
    setLogSink([&](QtMsgType type, const QString &category, const QString &message) {
        QMutexLocker lock(&mutex);
        lines.append({type, category, message});
    });
    QTemporaryFile file;
    const bool captured = err && file.open();
    int saved = -1;
    if (captured) {
        std::fflush(stderr);
        saved = ::dup(STDERR_FILENO);
        ::dup2(file.handle(), STDERR_FILENO);
    }
    fn();
    if (captured) {
        std::fflush(stderr);
        ::dup2(saved, STDERR_FILENO);
        ::close(saved);
        file.seek(0);
        *err = file.readAll();
    }
    setLogSink({});
    return lines;
}

void tst_PgConnectionLog::noticesGoToTheLog_data()
{
    QTest::addColumn<QString>("sql");
    QTest::addColumn<int>("type");
    QTest::addColumn<QString>("expect"); // in the logged message
    QTest::addColumn<QString>("secret"); // registered first; must not be logged

    QTest::newRow("RAISE NOTICE") << "DO $$BEGIN RAISE NOTICE 'hello %', 'world'; END$$"
                                  << int(QtInfoMsg) << "NOTICE 00000: hello world"
                                  << "";
    QTest::newRow("WARNING with detail and hint")
        << "DO $$BEGIN RAISE WARNING 'careful' USING DETAIL = 'the detail', HINT = 'a hint'; "
           "END$$"
        << int(QtWarningMsg) << "WARNING 01000: careful; detail: the detail; hint: a hint"
        << "";
    QTest::newRow("server's own notice")
        << "DROP TABLE IF EXISTS melodee_no_such_table" << int(QtInfoMsg)
        << "NOTICE 00000: table \"melodee_no_such_table\" does "
           "not exist, skipping"
        << "";
    QTest::newRow("registered secret masked")
        << "DO $$BEGIN RAISE NOTICE 'token tok-5ecret-77 leaked'; END$$" << int(QtInfoMsg)
        << "token *** leaked"
        << "tok-5ecret-77";
    QTest::newRow("conninfo password masked")
        << "DO $$BEGIN RAISE NOTICE 'dsn host=h password=hunter2'; END$$" << int(QtInfoMsg)
        << "password=***"
        << "hunter2";
}

void tst_PgConnectionLog::noticesGoToTheLog()
{
    QFETCH(QString, sql);
    QFETCH(int, type);
    QFETCH(QString, expect);
    QFETCH(QString, secret);
    if (!secret.isEmpty())
        Redactor::registerSecret(secret);
    const auto conn = PgConnection::open(TestEnv::superuser(m_db));
    conn->exec("SET client_min_messages = notice");
    QByteArray err;
    const QList<Line> lines = logOf([&] { conn->exec(sql.toUtf8()); }, &err);
    QCOMPARE(lines.size(), 1);
    QCOMPARE(lines.first().category, QStringLiteral("melodee.sql.notice"));
    QCOMPARE(int(lines.first().type), type);
    QVERIFY2(lines.first().message.contains(expect), qPrintable(lines.first().message));
    // Only our handler wrote to stderr: one line, in its format, not libpq's "NOTICE:  ...".
    const QList<QByteArray> written = err.trimmed().split('\n');
    QCOMPARE(written.size(), 1);
    QVERIFY2(written.first().startsWith(type == QtWarningMsg ? "warn: melodee.sql.notice: "
                                                             : "info: melodee.sql.notice: "),
             err.constData());
    if (!secret.isEmpty()) {
        QVERIFY2(!lines.first().message.contains(secret), qPrintable(lines.first().message));
        QVERIFY2(!err.contains(secret.toUtf8()), err.constData());
    }
}

void tst_PgConnectionLog::slowStatements_data()
{
    QTest::addColumn<QString>("threshold");
    QTest::addColumn<int>("path");     // 0 exec, 1 exec with params, 2 execCached, 3 execRaw binary
    QTest::addColumn<double>("sleep"); // seconds the statement sleeps
    QTest::addColumn<bool>("logged");

    QTest::newRow("1us, plain exec") << "1us" << 0 << 0.0 << true;
    QTest::newRow("1us, exec with params") << "1us" << 1 << 0.0 << true;
    QTest::newRow("1us, execCached") << "1us" << 2 << 0.0 << true;
    QTest::newRow("1us, binary params") << "1us" << 3 << 0.0 << true;
    QTest::newRow("50ms, a 200 ms statement") << "50ms" << 1 << 0.2 << true;
    QTest::newRow("10s, a quick statement") << "10s" << 1 << 0.0 << false;
    QTest::newRow("0 turns it off") << "0" << 1 << 0.1 << false;
}

void tst_PgConnectionLog::slowStatements()
{
    QFETCH(QString, threshold);
    QFETCH(int, path);
    QFETCH(double, sleep);
    QFETCH(bool, logged);
    Redactor::registerSecret(QStringLiteral("tok-5ecret-77"));
    const auto conn = PgConnection::open(TestEnv::superuser(m_db));
    QCOMPARE(conn->slowThreshold(), PgConnection::defaultSlowThreshold());
    conn->setSlowThreshold(*parseGoDuration(threshold));
    // Data in the parameters: a registered secret, password-shaped text, a forged log line.
    const QByteArray hostile = "tok-5ecret-77 password=hunter2\nerror: forged \"q\"";
    const QByteArray sql = "SELECT pg_sleep($1::float8), length($2::text)";
    const QByteArray seconds = QByteArray::number(sleep);
    const QList<Line> lines = logOf([&] {
        switch (path) {
        case 0:
            conn->exec("SELECT pg_sleep(" + seconds + ")", {QStringLiteral("sleep"), QString()});
            break;
        case 1:
            conn->exec(sql, {seconds, hostile}, {QStringLiteral("sleep"), QStringLiteral("t")});
            break;
        case 2:
            conn->execCached(sql, {seconds, hostile}, {QStringLiteral("sleep"), QString()});
            break;
        case 3: {
            const char *values[] = {seconds.constData(), "\x01\x02\x03"};
            const int lengths[] = {int(seconds.size()), 3};
            const int formats[] = {0, 1};
            conn->execRaw("SELECT pg_sleep($1::float8), length($2::bytea)",
                          2,
                          nullptr,
                          values,
                          lengths,
                          formats,
                          0,
                          {QStringLiteral("sleep"), QString()});
            break;
        }
        }
    });
    QList<Line> slow;
    for (const Line &l : lines) {
        if (l.category == QLatin1String("melodee.sql.slow"))
            slow << l;
    }
    QCOMPARE(slow.size(), logged ? 1 : 0);
    if (!logged)
        return;
    const Line &l = slow.first();
    QCOMPARE(l.type, QtWarningMsg);
    QVERIFY2(l.message.startsWith(QLatin1String("slow statement: ")), qPrintable(l.message));
    QVERIFY2(l.message.contains(QStringLiteral("(slow_threshold %1)").arg(threshold)),
             qPrintable(l.message));
    QVERIFY2(l.message.contains(QLatin1String("pg_sleep")), qPrintable(l.message));
    // The duration is the statement's: at least the sleep.
    const double ms = l.message.section(QLatin1Char(' '), 2, 2).toDouble();
    QVERIFY2(ms >= sleep * 1000, qPrintable(l.message));
    if (path == 1 || path == 2) {
        QVERIFY2(l.message.contains(QLatin1String("$1=\"") + QString::fromLatin1(seconds)),
                 qPrintable(l.message));
        QVERIFY2(l.message.contains(QLatin1String("$2=\"*** password=***")), qPrintable(l.message));
        // The parameter's line break is escaped: it cannot start a log line of its own.
        QVERIFY2(!l.message.contains(QLatin1Char('\n')), qPrintable(l.message));
        QVERIFY2(!l.message.contains(QLatin1String("tok-5ecret")), qPrintable(l.message));
        QVERIFY2(!l.message.contains(QLatin1String("hunter2")), qPrintable(l.message));
    }
    if (path == 3)
        QVERIFY2(l.message.contains(QLatin1String("$2=<binary, 3 bytes>")), qPrintable(l.message));
}

QTEST_GUILESS_MAIN(tst_PgConnectionLog)
#include "tst_pgconnection_log.moc"
