#include "libraryschema.h"

#include "testenv.h"

#include <QDir>
#include <QFile>
#include <QTest>

namespace melodee::test {

QList<Month> months(const Month &first, int count)
{
    return monthWindow(first, count);
}

DatabaseConfig createLibraryDatabase(const QString &prefix, const QList<Month> &monthList)
{
    const DatabaseConfig db = TestEnv::freshDatabase(prefix);
    const SessionConfig session;
    const QDir dir(TestEnv::sourceDir() + QStringLiteral("/core/migrate/sql"));
    QString script;
    for (const QString &file : dir.entryList({QStringLiteral("V*.sql")}, QDir::Files, QDir::Name)) {
        QFile f(dir.filePath(file));
        if (!f.open(QIODevice::ReadOnly))
            qFatal("cannot read %s", qPrintable(f.fileName()));
        QString sql = QString::fromUtf8(f.readAll());
        sql.replace(QStringLiteral("{{prefix}}"), session.tablePrefix);
        for (const char *t : {"library", "artist", "album", "song"}) {
            const QString table = session.tableName(QLatin1String(t));
            sql.replace(QStringLiteral("{{%1}}").arg(table.mid(session.tablePrefix.size())), table);
        }
        if (file.startsWith(QLatin1String("V0005"))) {
            // The engine generates the partitions migration; build the same statements here.
            for (const QString &parent : partitionedTables(session)) {
                for (const Month &m : monthList)
                    sql += createMonthPartitionSql(parent, m) + QStringLiteral(";\n");
                sql += createDefaultPartitionSql(parent) + QStringLiteral(";\n");
            }
        }
        script += sql + QLatin1Char('\n');
    }
    TestEnv::psql(script, db.dbname);
    return db;
}

} // namespace melodee::test
