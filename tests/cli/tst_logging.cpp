#include <util/logging.h>
#include <util/redactor.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryFile>
#include <QTest>

#include <cstdio>
#include <functional>

#include <unistd.h>

using namespace melodee;

// setupLogging: gorm.log_level mapped onto the melodee.* categories, redaction of every line before
// anyone sees it, and lines that keep their shape whatever a message holds.
class tst_Logging : public QObject
{
    Q_OBJECT

private slots:
    void cleanup();
    void levels_data();
    void levels();
    void linesAreRedacted();
    void linesKeepTheirShape_data();
    void linesKeepTheirShape();

private:
    struct Line
    {
        QtMsgType type;
        QString category;
        QString message;
    };
    QList<Line> m_lines;
    void capture();
    // What the handler wrote to stderr (fd 2) while fn ran.
    static QByteArray stderrOf(const std::function<void()> &fn);
};

QByteArray tst_Logging::stderrOf(const std::function<void()> &fn)
{
    QTemporaryFile file;
    if (!file.open())
        return {};
    std::fflush(stderr);
    const int saved = ::dup(STDERR_FILENO);
    ::dup2(file.handle(), STDERR_FILENO);
    fn();
    std::fflush(stderr);
    ::dup2(saved, STDERR_FILENO);
    ::close(saved);
    file.seek(0);
    return file.readAll();
}

void tst_Logging::capture()
{
    m_lines.clear();
    setLogSink([this](QtMsgType type, const QString &category, const QString &message) {
        m_lines.append({type, category, message});
    });
}

void tst_Logging::cleanup()
{
    setLogSink({});
    Redactor::clearSecrets();
}

void tst_Logging::levels_data()
{
    QTest::addColumn<int>("level");
    QTest::addColumn<bool>("info");
    QTest::addColumn<bool>("warning");
    QTest::addColumn<bool>("critical");
    QTest::newRow("silent") << int(LogLevel::Silent) << false << false << false;
    QTest::newRow("error") << int(LogLevel::Error) << false << false << true;
    QTest::newRow("warn") << int(LogLevel::Warn) << false << true << true;
    QTest::newRow("info") << int(LogLevel::Info) << true << true << true;
}

void tst_Logging::levels()
{
    QFETCH(int, level);
    QFETCH(bool, info);
    QFETCH(bool, warning);
    QFETCH(bool, critical);
    setupLogging(LogLevel(level), LogFormat::JsonLines);
    capture();
    // Every module's category follows the one setting.
    for (const auto &category : {lcDb, lcPool, lcMigrate, lcConfig, lcSecrets}) {
        m_lines.clear();
        qCDebug(category) << "debug line";
        qCInfo(category) << "info line";
        qCWarning(category) << "warning line";
        qCCritical(category) << "critical line";
        QStringList seen;
        for (const Line &l : std::as_const(m_lines)) {
            seen << l.message;
            QCOMPARE(l.category, QString::fromLatin1(category().categoryName()));
        }
        QVERIFY2(!seen.contains(QStringLiteral("debug line")), qPrintable(seen.join(',')));
        QCOMPARE(seen.contains(QStringLiteral("info line")), info);
        QCOMPARE(seen.contains(QStringLiteral("warning line")), warning);
        QCOMPARE(seen.contains(QStringLiteral("critical line")), critical);
    }
}

void tst_Logging::linesAreRedacted()
{
    setupLogging(LogLevel::Info, LogFormat::Text);
    capture();
    Redactor::registerSecret(QStringLiteral("keychain-value-123"));
    qCWarning(lcDb).noquote() << "connect host=h password='p a ss' failed";
    qCWarning(lcSecrets).noquote() << "read keychain-value-123 from the keychain";
    qCInfo(lcConfig).noquote() << "dsn postgres://u:hunter2@h/db";
    QCOMPARE(m_lines.size(), 3);
    for (const Line &l : std::as_const(m_lines)) {
        QVERIFY2(!l.message.contains(QLatin1String("p a ss")), qPrintable(l.message));
        QVERIFY2(!l.message.contains(QLatin1String("keychain-value-123")), qPrintable(l.message));
        QVERIFY2(!l.message.contains(QLatin1String("hunter2")), qPrintable(l.message));
        QVERIFY(l.message.contains(QLatin1String("***")));
    }
}

void tst_Logging::linesKeepTheirShape_data()
{
    QTest::addColumn<bool>("json");
    QTest::addColumn<QString>("message");
    const QStringList hostile{
        QStringLiteral("slow: $1=\"x\"\nerror: melodee.db: a forged line"),
        QStringLiteral("name Secret: Love; next"),
        QStringLiteral(R"(quote " backslash \ brace } {"a":1})"),
        QStringLiteral("crlf\r\nwarn: melodee.config: forged\rtoo"),
        QStringLiteral("emoji 🎸 𝄞 and \x01 control"),
        QString::fromUtf8("invalid \xff\xc3 utf8"),
        QStringLiteral("password=hunter2 in text"),
    };
    for (const bool json : {false, true}) {
        for (const QString &m : hostile)
            QTest::newRow(qPrintable((json ? QStringLiteral("json: ") : QStringLiteral("text: "))
                                     + m.left(20)))
                << json << m;
    }
}

void tst_Logging::linesKeepTheirShape()
{
    QFETCH(bool, json);
    QFETCH(QString, message);
    setupLogging(LogLevel::Info, json ? LogFormat::JsonLines : LogFormat::Text);
    const QByteArray written = stderrOf([&] { qCWarning(lcDb).noquote() << message; });
    const QList<QByteArray> lines = written.split('\n');
    QCOMPARE(lines.last(), QByteArray()); // ends with a line break
    if (json) {
        // One message, one line, one object that parses.
        QCOMPARE(lines.size(), 2);
        QJsonParseError error;
        const QJsonObject o = QJsonDocument::fromJson(lines.first(), &error).object();
        QVERIFY2(error.error == QJsonParseError::NoError, lines.first().constData());
        QCOMPARE(o.value(QStringLiteral("category")).toString(), QStringLiteral("melodee.db"));
        QCOMPARE(o.value(QStringLiteral("message")).toString(), Redactor::redact(message));
    } else {
        // Continuation lines are indented: only the first line looks like a log entry.
        QVERIFY2(lines.first().startsWith("warn: melodee.db: "), written.constData());
        for (qsizetype i = 1; i + 1 < lines.size(); ++i)
            QVERIFY2(lines.at(i).startsWith("    "), written.constData());
    }
    QVERIFY2(!written.contains("hunter2"), written.constData());
}

QTEST_GUILESS_MAIN(tst_Logging)
#include "tst_logging.moc"
