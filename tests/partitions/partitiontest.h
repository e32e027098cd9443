#pragma once

#include "migratetest.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QProcess>
#include <QTest>

#include <memory>

namespace melodee::test {

// Helpers shared by the batched-move, retention and drift tests.
inline const QDateTime &partitionTestNow()
{
    static const QDateTime now(QDate(2026, 11, 27), QTime(0, 0), Qt::UTC);
    return now;
}

inline QStringList partitionArgs(const DatabaseConfig &db, const QStringList &args)
{
    return QStringList{QStringLiteral("partitions")} + args
           + QStringList{QStringLiteral("--dsn"),
                         dsnFor(db),
                         QStringLiteral("--now"),
                         partitionTestNow().toString(Qt::ISODate)};
}

// A migrated database as of partitionTestNow(): months 2026-11 through 2027-04 and a default.
inline DatabaseConfig migratedPartitionDatabase(const QString &prefix)
{
    const DatabaseConfig db = TestEnv::freshDatabase(prefix);
    const auto r = TestEnv::runCli(
        migrateArgs(db, {QStringLiteral("--now"), partitionTestNow().toString(Qt::ISODate)}));
    if (r.exitCode != 0)
        qFatal("migrate failed: %s", qPrintable(r.err));
    return db;
}

// A copy of a prepared database: CREATE DATABASE ... TEMPLATE, much faster than loading again.
inline DatabaseConfig copyDatabase(const DatabaseConfig &from, const QString &prefix)
{
    const DatabaseConfig db = TestEnv::freshDatabase(prefix);
    TestEnv::psql(QStringLiteral("DROP DATABASE %1").arg(db.dbname));
    TestEnv::psql(QStringLiteral("CREATE DATABASE %1 TEMPLATE %2").arg(db.dbname, from.dbname));
    return db;
}

// The exact multiset of rows: count and a digest of every column of every row, order-free.
// relation: a table name or a parenthesised subquery without an alias.
inline QString rowDigest(const QString &relation, const DatabaseConfig &db)
{
    const QString digest
        = TestEnv::psql(QStringLiteral("SELECT count(*) || ':' || coalesce(md5(string_agg(md5(t::"
                                       "text), ',' ORDER BY md5(t::text))), '') FROM %1 t")
                            .arg(relation),
                        db.dbname);
    // An empty digest (no such relation) must not compare equal to another.
    if (!digest.contains(QLatin1Char(':')))
        QTest::qFail(
            qPrintable(QStringLiteral("no row digest of %1").arg(relation)), __FILE__, __LINE__);
    return digest;
}

// A usage error of `partitions <command> args`: exit 3 naming the bad value, in text and as
// parseable --json.
inline void verifyUsageError(const DatabaseConfig &db,
                             const QString &command,
                             const QStringList &args,
                             const QString &message)
{
    const auto r = TestEnv::runCli(partitionArgs(db, QStringList{command} + args));
    QCOMPARE(r.exitCode, 3);
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
    const auto json
        = TestEnv::runCli(partitionArgs(db, QStringList{command, QStringLiteral("--json")} + args));
    QCOMPARE(json.exitCode, 3);
    QJsonParseError error;
    QJsonDocument::fromJson(json.out.toUtf8(), &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(json.out));
}

// Reads a running process's stderr into buffer until it contains text (or timeoutMs passes).
inline bool waitForStderr(QProcess &p, QString &buffer, const QString &text, int timeoutMs)
{
    return QTest::qWaitFor(
               [&] {
                   buffer += QString::fromUtf8(p.readAllStandardError());
                   return buffer.contains(text) || p.state() == QProcess::NotRunning;
               },
               timeoutMs)
           && buffer.contains(text);
}

// A new role for one test, quoted, with a space and a quote in its name. Roles belong to the
// whole server, which tests share, so each name carries the process id and a counter.
inline QString createTestRole(const QString &tag)
{
    static int counter = 0;
    const QString quoted = QStringLiteral("\"%1 it's\"\"%2_%3\"")
                               .arg(tag)
                               .arg(QCoreApplication::applicationPid())
                               .arg(++counter);
    TestEnv::psql(QStringLiteral("CREATE ROLE %1").arg(quoted));
    return quoted;
}

// Two new roles (createTestRole()) and `sql` run on db with %1 standing for the first, %2 for
// the second.
struct TestRoles
{
    QString owner;
    QString reader;
};
inline TestRoles grantToTestRoles(const DatabaseConfig &db, const QString &sql)
{
    const TestRoles roles{createTestRole(QStringLiteral("owner")),
                          createTestRole(QStringLiteral("reader"))};
    TestEnv::psql(QString(sql)
                      .replace(QLatin1String("%1"), roles.owner)
                      .replace(QLatin1String("%2"), roles.reader),
                  db.dbname);
    return roles;
}

// A relation's owner and its privileges with the entries sorted, on one line: what a table made
// to hold another table's rows must have in common with it.
inline QString ownerAndPrivileges(const QString &relation, const DatabaseConfig &db)
{
    return TestEnv::psql(
        QStringLiteral("SELECT pg_get_userbyid(relowner) || ' ' || CASE WHEN relacl IS NULL THEN "
                       "'default' ELSE '{' || coalesce((SELECT string_agg(x::text, ',' ORDER BY "
                       "x::text) FROM unnest(relacl) x), '') || '}' END FROM pg_class WHERE oid = "
                       "to_regclass('%1')")
            .arg(relation),
        db.dbname);
}

} // namespace melodee::test
