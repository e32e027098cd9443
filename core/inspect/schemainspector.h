#pragma once

#include "config/appconfig.h"
#include "library/schemalayout.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace melodee {

class PgConnection;

// Which schema a database holds.
enum class SchemaKind {
    Melodee,     // ours: the migration history table is there (version N)
    MelodeeNext, // melodee-next's GORM layout: tracks, albums, artists with its columns
    Unknown,     // neither
};

// "melodee", "melodee-next", "unknown": the names --json and the docs use.
QString schemaKindName(SchemaKind kind);
// The song-table layout the browser should use for a kind (ours for Unknown, which has none).
SchemaLayout schemaLayoutFor(SchemaKind kind);

struct IndexInfo
{
    QString name;
    QString method; // btree, gin, hash, ...
    bool unique = false;
    bool primary = false;
    bool valid = true;
    qint64 bytes = 0; // summed over the partitions for a partitioned index
    QString definition;
};

struct ForeignKeyInfo
{
    QString name;
    QString table;      // the referencing table (schema-qualified when not in current_schema)
    QString references; // the referenced table
    QString definition; // FOREIGN KEY (...) REFERENCES ...(...) ...
};

struct TableInfo
{
    QString schema;
    QString name;
    qint64 totalBytes = 0; // table, indexes and TOAST, summed over partitions
    // reltuples summed over the leaves; std::nullopt when none has been analysed yet.
    std::optional<qint64> estimatedRows;
    bool partitioned = false;
    QString strategy;     // "range", "list" or "hash" when partitioned
    QString partitionKey; // pg_get_partkeydef: "RANGE (created_at)"
    int partitionCount = 0;
    bool hasDefaultPartition = false;
    QList<IndexInfo> indexes;
    QList<ForeignKeyInfo> foreignKeys;  // declared on this table
    QList<ForeignKeyInfo> referencedBy; // declared on other tables, pointing here
};

// What inspect() found: the kind, why, and every user table (partitions folded into their
// parent).
struct SchemaReport
{
    SchemaKind kind = SchemaKind::Unknown;
    std::optional<int> version;   // ours: the highest applied migration (0 when none applied)
    int unfinishedMigrations = 0; // ours: history rows running or failed
    QString evidence;             // one line: what the kind was recognised by
    QString database;
    QString schema; // current_schema()
    QString serverVersion;
    QList<TableInfo> tables;

    // What Melodee Admin cannot do on this schema, in plain words (empty when everything works).
    QStringList notAvailable() const;
    QJsonObject toJson() const;
};

// Recognises the schema of the database it is given and describes its tables, from the catalog
// only (no table is scanned): one query to recognise it, one for the tables. Runs under the
// maintenance session's deadlines (PartitionMaintenance::setUpSession) with the statement
// timeout capped at kStatementTimeout. Throws DbError.
class SchemaInspector
{
public:
    static constexpr Duration kStatementTimeout = 30s;

    explicit SchemaInspector(const AppConfig &config);

    // Recognises the schema only (one catalog query); the evidence says by what.
    SchemaReport detect(PgConnection &conn) const;
    // detect() plus every table's size, rows, indexes, foreign keys and partitioning.
    SchemaReport inspect(PgConnection &conn) const;
    // Open a connection with the session deadlines set and run inspect() or detect() on it.
    SchemaReport inspect() const;
    SchemaReport detect() const;

    // The history table that marks our schema: {prefix}schema_migrations.
    QString historyTable() const;

private:
    void setUpSession(PgConnection &conn) const;

    AppConfig m_config;
};

} // namespace melodee
