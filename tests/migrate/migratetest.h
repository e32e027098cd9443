#pragma once

#include <testenv.h>

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTest>

#include <memory>

namespace melodee::test {

// Helpers shared by the migration and partition integration tests.
inline QString dsnFor(const DatabaseConfig &c)
{
    return QStringLiteral("host=%1 port=%2 user=postgres dbname=%3 sslmode=disable")
        .arg(c.host)
        .arg(c.port)
        .arg(c.dbname);
}

inline void writeFile(const QString &path, const QString &text)
{
    QFile f(path);
    QVERIFY2(f.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(path));
    f.write(text.toUtf8());
}

// Starts the CLI without waiting, for concurrency and kill tests.
inline std::unique_ptr<QProcess> startCli(const QStringList &args,
                                          const QProcessEnvironment &env
                                          = QProcessEnvironment::systemEnvironment())
{
    auto p = std::make_unique<QProcess>();
    p->setProcessEnvironment(env);
    p->start(TestEnv::cliPath(), args);
    p->waitForStarted();
    return p;
}

// Polls psql until it prints expected (up to timeoutMs).
inline bool
waitForPsql(const QString &sql, const QString &db, const QString &expected, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < timeoutMs) {
        if (TestEnv::psql(sql, db) == expected)
            return true;
        QTest::qWait(100);
    }
    return false;
}

} // namespace melodee::test
