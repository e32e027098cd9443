#pragma once

#include <testenv.h>

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTest>

#include <memory>

namespace melodee::test {

// Helpers shared by the migration, guard and fault tests.
inline QString dsnFor(const DatabaseConfig &c)
{
    return QStringLiteral("host=%1 port=%2 user=postgres dbname=%3 sslmode=disable")
        .arg(c.host)
        .arg(c.port)
        .arg(c.dbname);
}

inline QStringList migrateArgs(const DatabaseConfig &db, const QStringList &extra = {})
{
    return QStringList{QStringLiteral("migrate"), QStringLiteral("--dsn"), dsnFor(db)} + extra;
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

// Waits (up to timeoutMs, processing events) until psql prints expected.
inline bool
waitForPsql(const QString &sql, const QString &db, const QString &expected, int timeoutMs)
{
    return QTest::qWaitFor([&] { return TestEnv::psql(sql, db) == expected; }, timeoutMs);
}

} // namespace melodee::test
