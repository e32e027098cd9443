#include "libraryschema.h"

#include "testenv.h"

#include <QTest>

namespace melodee::test {

QList<Month> months(const Month &first, int count)
{
    return monthWindow(first, count);
}

DatabaseConfig createLibraryDatabase(const QString &prefix, const QList<Month> &monthList)
{
    const DatabaseConfig db = TestEnv::freshDatabase(prefix);
    // The real migration engine builds the schema, so the tests run on exactly its tables.
    const QString dsn = QStringLiteral("host=%1 port=%2 user=postgres dbname=%3 sslmode=disable")
                            .arg(db.host)
                            .arg(db.port)
                            .arg(db.dbname);
    const TestEnv::CliResult r
        = TestEnv::runCli({QStringLiteral("migrate"), QStringLiteral("--dsn"), dsn});
    if (r.exitCode != 0)
        qFatal("melodee migrate failed (%d): %s", r.exitCode, qPrintable(r.err));
    // Months the test data needs beyond the engine's premake window.
    const SessionConfig session;
    QString sql;
    for (const QString &parent : partitionedTables(session)) {
        for (const Month &m : monthList)
            sql += createMonthPartitionSql(parent, m) + QStringLiteral(";\n");
    }
    TestEnv::psql(sql, db.dbname);
    return db;
}

} // namespace melodee::test
