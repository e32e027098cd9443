#pragma once

#include "lockmodes.h"
#include "sqlparse.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace melodee {

class PgConnection;

// A lock another session holds (or waits for) on a table or one of its partitions.
struct SessionLock
{
    int pid = 0;
    LockMode mode = LockMode::None;
    bool granted = true;
    QString relation; // the locked table or partition
    QString user;
    QString application;
    QString state;             // pg_stat_activity.state
    double xactSeconds = -1.0; // age of its transaction; -1 when it has none
};

// What the connected database says about one relation a migration names, read from the catalog
// without scanning the table.
struct RelationFacts
{
    RelationRef relation;
    QString relkind;             // pg_class.relkind: "r" table, "p" partitioned table, ...
    qint64 bytes = -1;           // pg_total_relation_size, summed over the partitions
    bool bytesFromPages = false; // another session held ACCESS EXCLUSIVE: relpages, not measured
    double rows = -1.0;          // reltuples summed over the partitions; -1: never analyzed
    int partitions = 0;
    QString defaultPartition; // empty when there is none
    double defaultRows = -1.0;
    qint64 defaultBytes = -1;
    qint64 defaultHeapBytes = -1; // its heap alone (0: nothing to scan); -1: not measured
    bool defaultHasCheck = false; // a validated CHECK constraint on the default partition
    QList<SessionLock> sessions;  // other backends' locks on the table or its partitions

    bool isPartitioned() const { return relkind == QLatin1String("p"); }
    // The default partition holds no rows, dead or alive: attaching a range scans nothing.
    bool defaultIsEmpty() const { return defaultHeapBytes == 0 && defaultRows <= 0; }
    // "2.1 GB, ~10,000,000 rows" (or "never analyzed").
    QString sizeText() const;
    QJsonObject toJson() const;
};

// How a finding about a rewrite or a scan of a table is graded by the table's size: info below
// kWarnRows rows and kWarnBytes, error from kErrorRows rows or kErrorBytes, warning between.
struct SizeThresholds
{
    static constexpr double kWarnRows = 10'000;
    static constexpr qint64 kWarnBytes = 10LL * 1024 * 1024;
    static constexpr double kErrorRows = 1'000'000;
    static constexpr qint64 kErrorBytes = 1024LL * 1024 * 1024;
    // "info", "warning" or "error"; rows < 0 (never analyzed) is judged by bytes alone.
    static QString severity(double rows, qint64 bytes);
};

// Prefixes a query with the CTE `tree (q, relid)`: each relation named in $1 (a JSON array of
// regclass texts, in q) and all its partitions, found through pg_inherits, which locks nothing.
QByteArray withRelationTree(const char *sql);

QString formatTableSize(qint64 bytes);
QString formatRowEstimate(double rows);

// The catalog facts of the relations a script names, read in one query on the caller's session
// (whose statement_timeout and lock_timeout bound it). Relations that do not exist are absent.
class CatalogFacts
{
public:
    static CatalogFacts fetch(PgConnection &conn, const QList<RelationRef> &relations);
    // Every relation named by the statements.
    static QList<RelationRef> relationsOf(const QList<SqlStatement> &statements);

    const RelationFacts *find(const RelationRef &relation) const;
    bool isEmpty() const { return m_facts.isEmpty(); }
    int size() const { return int(m_facts.size()); }

private:
    QHash<QString, RelationFacts> m_facts; // by regclassText()
};

} // namespace melodee
