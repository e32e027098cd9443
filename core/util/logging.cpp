#include "logging.h"

#include "redactor.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>

#include <cstdio>

namespace melodee {

Q_LOGGING_CATEGORY(lcConfig, "melodee.config")
Q_LOGGING_CATEGORY(lcDb, "melodee.db")
Q_LOGGING_CATEGORY(lcPool, "melodee.pool")
Q_LOGGING_CATEGORY(lcMigrate, "melodee.migrate")
Q_LOGGING_CATEGORY(lcPartitions, "melodee.partitions")
Q_LOGGING_CATEGORY(lcLibrary, "melodee.library")
Q_LOGGING_CATEGORY(lcCache, "melodee.cache")
Q_LOGGING_CATEGORY(lcSecrets, "melodee.secrets")
Q_LOGGING_CATEGORY(lcUi, "melodee.ui")
Q_LOGGING_CATEGORY(lcSqlSlow, "melodee.sql.slow")
Q_LOGGING_CATEGORY(lcSqlNotice, "melodee.sql.notice")

namespace {

LogFormat s_format = LogFormat::Text;
struct SinkSlot
{
    QMutex mutex;
    LogSink sink;
};

SinkSlot &sinkSlot()
{
    static SinkSlot slot;
    return slot;
}

const char *levelName(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg:
        return "debug";
    case QtInfoMsg:
        return "info";
    case QtWarningMsg:
        return "warn";
    case QtCriticalMsg:
        return "error";
    case QtFatalMsg:
        return "fatal";
    }
    return "info";
}

void handler(QtMsgType type, const QMessageLogContext &context, const QString &raw)
{
    const QString message = Redactor::redact(raw);
    const QString category = QString::fromLatin1(context.category ? context.category : "default");
    QByteArray line;
    if (s_format == LogFormat::JsonLines) {
        const QJsonObject o{
            {QStringLiteral("time"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
            {QStringLiteral("level"), QString::fromLatin1(levelName(type))},
            {QStringLiteral("category"), category},
            {QStringLiteral("message"), message}};
        line = QJsonDocument(o).toJson(QJsonDocument::Compact);
    } else {
        // A message may carry data (a statement's parameters, a server notice): its own line
        // breaks are indented, so it can never start a line that looks like another log entry.
        QString body = message;
        body.replace(QLatin1String("\r\n"), QLatin1String("\n"))
            .replace(QLatin1Char('\r'), QLatin1Char('\n'))
            .replace(QLatin1Char('\n'), QLatin1String("\n    "));
        line = QStringLiteral("%1: %2: %3")
                   .arg(QLatin1String(levelName(type)), category, body)
                   .toUtf8();
    }
    line += '\n';
    std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
    std::fflush(stderr);
    {
        SinkSlot &slot = sinkSlot();
        QMutexLocker lock(&slot.mutex);
        if (slot.sink)
            slot.sink(type, category, message);
    }
    if (type == QtFatalMsg)
        std::abort();
}

} // namespace

void setupLogging(LogLevel level, LogFormat format)
{
    s_format = format;
    QString rules = QStringLiteral("melodee.*.debug=false\n");
    switch (level) {
    case LogLevel::Silent:
        rules += QStringLiteral("melodee.*=false\n");
        break;
    case LogLevel::Error:
        rules += QStringLiteral("melodee.*.info=false\nmelodee.*.warning=false\n");
        break;
    case LogLevel::Warn:
        rules += QStringLiteral("melodee.*.info=false\n");
        break;
    case LogLevel::Info:
        break;
    }
    QLoggingCategory::setFilterRules(rules);
    qInstallMessageHandler(handler);
}

void setLogSink(LogSink sink)
{
    SinkSlot &slot = sinkSlot();
    QMutexLocker lock(&slot.mutex);
    slot.sink = std::move(sink);
}

} // namespace melodee
