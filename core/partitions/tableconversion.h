#pragma once

#include "config/appconfig.h"
#include "partitionsql.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <chrono>
#include <functional>
#include <optional>
#include <stop_token>

namespace melodee {

class PartitionError;

class PgConnection;

// What converting one plain table into a table partitioned by month of one column asks for.
struct ConversionRequest
{
    QString table;  // in the session's current schema, as the catalog spells it (no quoting)
    QString column; // a timestamptz, timestamp or date column
    int premakeMonths = 6;
    QDateTime now; // invalid means the current time
    int batchRows = 5000;
};

// A unique key of the table and what becomes of it on the partitioned table.
struct ConversionKey
{
    QString name; // the index (or constraint) name
    bool primary = false;
    QStringList columns;    // as declared
    QStringList newColumns; // on the partitioned table: the partition column appended if missing
    QString consequence;    // empty when nothing changes
};

// A foreign key touching the table, and what the conversion does with it and why.
struct ConversionForeignKey
{
    enum class Direction { Outgoing, Incoming };
    Direction direction = Direction::Outgoing;
    QString name;
    QString table;      // the referencing table
    QString references; // the referenced table
    QString definition; // pg_get_constraintdef
    QString action;     // what happens
    QString reason;     // why
};

// The reviewed plan of a conversion: everything it will create, copy, check and rename, read
// from the catalog, with the statements of each phase. Building it reads only (the catalog and
// the partition column's minimum and maximum) and changes nothing.
struct ConversionPlan
{
    QString schema;
    QString table;
    QString column;
    QString columnType;
    QString newTable; // built beside the table, renamed to table by the swap
    QString oldTable; // the table's name after the swap, kept for rollback
    QString syncFunction;
    QString syncTrigger;
    QString idColumn; // the single-column integer primary key the copy walks in batches
    qint64 estimatedRows = -1;
    std::optional<Month> firstDataMonth; // the months of the column's minimum and maximum
    std::optional<Month> lastDataMonth;
    QList<Month> months; // the month partitions created, ascending, then a default partition
    int batchRows = 5000;
    QList<ConversionKey> keys;
    QStringList indexes; // the other indexes, recreated as they are
    QList<ConversionForeignKey> foreignKeys;
    QStringList notes;

    QStringList createStatements; // one transaction: the table, partitions, indexes, FKs, trigger
    // One batch, in one transaction: lock the rows of the id range ($1 exclusive, $2
    // inclusive), then copy them.
    QStringList copyBatch;
    QString verifySql;          // per month: rows and checksum, of the table or of newTable
    QStringList swapStatements; // one transaction under lock_timeout

    // The plan a reviewer reads: a header of facts and analysis, then every phase's SQL.
    QString script() const;
    // sha256 of the statements, the identity a reviewed plan is applied under.
    QString hash() const;
    QJsonObject toJson() const;
    // The names and statements back from toJson() (what the state table keeps for a resume).
    static ConversionPlan fromJson(const QJsonObject &json);
};

// A conversion begun on this database, from the state table.
struct ConversionState
{
    QString table;
    QString hash;
    QString reviewer;
    QString phase; // "copying" or "swapped"
    qint64 copiedThrough = 0;
    qint64 copyEnd = 0;
    qint64 rowsCopied = 0;
    ConversionPlan plan; // as it was reviewed and started
};

struct ConversionOptions
{
    QString reviewer;                      // required: recorded with the plan's hash
    std::chrono::milliseconds throttle{0}; // a pause after each batch
    // A stop cancels the running statement at once (PQcancel) and stops between steps: the open
    // transaction rolls back, DbError::cancelled() is thrown, and the conversion stays resumable.
    std::stop_token stop{};
};

struct ConversionProgress
{
    QString phase; // "create", "copy", "verify", "swap"
    qint64 copiedThrough = 0;
    qint64 copyEnd = 0;
    qint64 rowsCopied = 0;
    QString message;
};

struct ConversionResult
{
    QString table;
    QString hash;
    bool resumed = false;
    qint64 rowsCopied = 0; // by the batches of this run and the ones before
    int batches = 0;       // of this run
    int months = 0;        // compared by the verification, each equal
    qint64 rowsVerified = 0;
    int swapAttempts = 0;
};

// Plans an online conversion of a plain table into monthly range partitions of one column: a
// partitioned copy with keys extended by the partition column, month partitions covering the
// data plus the premake window and a default; a trigger that keeps the copy in sync while rows
// are copied in batches; a per-month count and checksum check; and a swap of names in one short
// transaction that keeps the old table for rollback. Foreign keys pointing at the table are
// analysed: PostgreSQL lets a foreign key reference a partitioned table only through a unique
// key holding the partition column, so those on other columns become trigger-enforced.
//
// Throws PartitionError (Usage) for a request the table cannot take: no such table or column,
// already partitioned, a column of another type, no single-column integer primary key, identity
// columns, unique indexes on expressions. DbError for the server's errors.
// What a conversion of a table would run now, for review: a started conversion's stored plan
// with its state, or a new plan.
struct ConversionReview
{
    ConversionPlan plan;
    std::optional<ConversionState> state; // set when the conversion was already started
};

class TableConversion
{
public:
    explicit TableConversion(const AppConfig &config);

    // conn must be set up with PartitionMaintenance::setUpSession (UTC, deadlines).
    ConversionPlan plan(PgConnection &conn, const ConversionRequest &request) const;

    // The table that records conversions: {prefix}conversions in the current schema.
    QString stateTable() const;
    // The state of a conversion of table, if one was started (std::nullopt also when the state
    // table does not exist yet).
    std::optional<ConversionState> state(PgConnection &conn, const QString &table) const;

    // The CLI's and the app's review: the stored plan of a conversion of request.table already
    // started, or plan(). Refuses (Usage) a table already converted, or one being converted by
    // another column.
    ConversionReview review(PgConnection &conn, const ConversionRequest &request) const;
    // Runs what review() found (apply() or resume()) when its hash is reviewedHash, the one the
    // reviewer saw; throws PartitionError (Drift) when it is not. An empty reviewedHash checks
    // nothing.
    ConversionResult applyReviewed(PgConnection &conn,
                                   const ConversionReview &review,
                                   const QString &reviewedHash,
                                   const ConversionOptions &options) const;

    // Runs a reviewed plan: phase 1 in one transaction with the state row, then the batches
    // (each one transaction that also advances the state row, so an interruption at any point
    // loses and duplicates nothing), the verification, and the swap under lock_timeout with
    // retries. Throws PartitionError (Drift) when the verification finds a difference; DbError
    // (LockWait) when the swap's retries ran out, DbError::cancelled() on options.stop; the
    // conversion then stays resumable.
    ConversionResult
    apply(PgConnection &conn, const ConversionPlan &plan, const ConversionOptions &options) const;
    // Continues a started conversion from its state row, with the plan stored there.
    ConversionResult resume(PgConnection &conn,
                            const ConversionState &state,
                            const ConversionOptions &options) const;

    using ProgressFn = std::function<void(const ConversionProgress &)>;
    void setProgress(ProgressFn progress) { m_progress = std::move(progress); }

    // A name of at most 63 bytes (PostgreSQL's limit): base shortened, on a character
    // boundary, so that base + suffix fits.
    static QString boundedName(const QString &base, const QString &suffix);

private:
    // A plan or a request this conversion refuses: a usage error, said in the message.
    static PartitionError refuse(const QString &message);
    ConversionResult run(PgConnection &conn,
                         const ConversionPlan &plan,
                         ConversionState state,
                         const ConversionOptions &options,
                         bool resumed) const;
    void report(const ConversionProgress &progress) const;

    AppConfig m_config;
    ProgressFn m_progress;
};

} // namespace melodee
