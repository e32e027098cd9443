#include <util/logging.h>
#include <util/redactor.h>

#include <QTest>

using namespace melodee;

// setupLogging: the seed's log_level mapped onto the melodee.* categories, and redaction of
// every line before anyone sees it.
class tst_Logging : public QObject
{
    Q_OBJECT

private slots:
    void cleanup();
    void levels_data();
    void levels();
    void linesAreRedacted();

private:
    struct Line
    {
        QtMsgType type;
        QString category;
        QString message;
    };
    QList<Line> m_lines;
    void capture();
};

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

QTEST_GUILESS_MAIN(tst_Logging)
#include "tst_logging.moc"
