#include "tableconversion.h"

#include "db/backoffpolicy.h"
#include "db/dberror.h"
#include "db/pgconnection.h"
#include "db/sqlident.h"
#include "db/transaction.h"
#include "partitionmaintenance.h"
#include "util/logging.h"

#include <QJsonDocument>
#include <QRandomGenerator>

#include <condition_variable>
#include <mutex>

namespace melodee {

namespace {

QMap<QString, QString> monthSums(PgConnection &conn, const QString &sql)
{
    QMap<QString, QString> out;
    const PgResult r = conn.exec(sql.toUtf8());
    for (int i = 0; i < r.rows(); ++i)
        out.insert(r.isNull(i, 0) ? QStringLiteral("(none)") : r.text(i, 0),
                   r.text(i, 1) + QLatin1Char('/') + r.text(i, 2));
    return out;
}

// Sleeps for delay, waking at once on a stop; throws DbError::cancelled() when stopped.
void pause(std::chrono::milliseconds delay, std::stop_token stop, const QString &table)
{
    if (delay.count() > 0) {
        std::mutex mutex;
        std::condition_variable_any cv;
        std::unique_lock lock(mutex);
        cv.wait_for(lock, stop, delay, [] { return false; });
    }
    if (stop.stop_requested())
        throw DbError::cancelled(QStringLiteral("convert to partitions"), table);
}

} // namespace

PartitionError TableConversion::refuse(const QString &message)
{
    return PartitionError(message, ErrorKind::Usage);
}

TableConversion::TableConversion(const AppConfig &config)
    : m_config(config)
{}

QString TableConversion::stateTable() const
{
    return m_config.session.tableName(QStringLiteral("conversion"));
}

std::optional<ConversionState> TableConversion::state(PgConnection &conn,
                                                      const QString &table) const
{
    const OpContext ctx{QStringLiteral("read the conversion state"), table};
    const PgResult exists = conn.exec("SELECT to_regclass(quote_ident(current_schema()) || '.' "
                                      "|| quote_ident($1)) IS NOT NULL",
                                      {stateTable().toUtf8()},
                                      ctx);
    if (!exists.toBool(0, 0))
        return std::nullopt;
    const PgResult r = conn.exec(
        QStringLiteral("SELECT plan_hash, reviewer, phase, copied_through, copy_end, rows_copied, "
                       "plan FROM %1 WHERE table_name = $1")
            .arg(quoteIdent(stateTable()))
            .toUtf8(),
        {table.toUtf8()},
        ctx);
    if (r.rows() == 0)
        return std::nullopt;
    ConversionState s;
    s.table = table;
    s.hash = r.text(0, 0);
    s.reviewer = r.text(0, 1);
    s.phase = r.text(0, 2);
    s.copiedThrough = r.toInt64(0, 3);
    s.copyEnd = r.toInt64(0, 4);
    s.rowsCopied = r.toInt64(0, 5);
    s.plan = ConversionPlan::fromJson(QJsonDocument::fromJson(r.text(0, 6).toUtf8()).object());
    if (s.plan.hash() != s.hash)
        throw PartitionError(QStringLiteral("the stored plan of the conversion of \"%1\" does not "
                                            "match its recorded hash %2")
                                 .arg(table, s.hash),
                             ErrorKind::Drift);
    return s;
}

void TableConversion::report(const ConversionProgress &progress) const
{
    qCInfo(lcPartitions).noquote() << progress.message;
    if (m_progress)
        m_progress(progress);
}

ConversionResult TableConversion::apply(PgConnection &conn,
                                        const ConversionPlan &plan,
                                        const ConversionOptions &options) const
{
    if (options.reviewer.trimmed().isEmpty())
        throw refuse(QStringLiteral("a conversion is applied under a reviewer's name: none given"));
    const OpContext ctx{QStringLiteral("start the conversion to partitions"), plan.table};
    const QString qState = quoteIdent(stateTable());
    ConversionState state;
    state.table = plan.table;
    state.hash = plan.hash();
    state.reviewer = options.reviewer;
    state.phase = QStringLiteral("copying");
    state.plan = plan;
    pause({}, options.stop, plan.table);
    const std::stop_callback onStop(options.stop, [&conn] { conn.cancel(); });
    report({QStringLiteral("create"),
            0,
            0,
            0,
            QStringLiteral("creating %1 (%2 months and a default) and the sync trigger")
                .arg(plan.newTable)
                .arg(plan.months.size())});
    {
        Transaction tx(conn, m_config.session);
        conn.exec(QStringLiteral("CREATE TABLE IF NOT EXISTS %1 (table_name text PRIMARY KEY, "
                                 "plan_hash text NOT NULL, reviewer text NOT NULL, phase text NOT "
                                 "NULL, copied_through bigint NOT NULL, copy_end bigint NOT NULL, "
                                 "rows_copied bigint NOT NULL DEFAULT 0, plan jsonb NOT NULL, "
                                 "started_at timestamptz NOT NULL DEFAULT now(), updated_at "
                                 "timestamptz NOT NULL DEFAULT now())")
                      .arg(qState)
                      .toUtf8(),
                  ctx);
        for (const QString &sql : plan.createStatements)
            conn.exec(sql.toUtf8(), ctx);
        // Read after the trigger exists: every row this misses is written through the trigger.
        const PgResult range = conn.exec(
            QStringLiteral("SELECT coalesce(min(%1) - 1, 0), coalesce(max(%1), 0) FROM %2")
                .arg(quoteIdent(plan.idColumn),
                     quoteIdent(plan.schema) + QLatin1Char('.') + quoteIdent(plan.table))
                .toUtf8(),
            ctx);
        state.copiedThrough = range.toInt64(0, 0);
        state.copyEnd = range.toInt64(0, 1);
        conn.exec(QStringLiteral("INSERT INTO %1 (table_name, plan_hash, reviewer, phase, "
                                 "copied_through, copy_end, plan) VALUES ($1, $2, $3, $4, $5, $6, "
                                 "$7::jsonb)")
                      .arg(qState)
                      .toUtf8(),
                  {plan.table.toUtf8(),
                   state.hash.toUtf8(),
                   options.reviewer.toUtf8(),
                   state.phase.toUtf8(),
                   QByteArray::number(state.copiedThrough),
                   QByteArray::number(state.copyEnd),
                   QJsonDocument(plan.toJson()).toJson(QJsonDocument::Compact)},
                  ctx);
        tx.commit();
    }
    pause({}, options.stop, plan.table);
    return run(conn, plan, state, options, false);
}

ConversionReview TableConversion::review(PgConnection &conn, const ConversionRequest &request) const
{
    ConversionReview out;
    out.state = state(conn, request.table);
    if (!out.state) {
        out.plan = plan(conn, request);
        return out;
    }
    if (out.state->phase == QLatin1String("swapped"))
        throw refuse(
            QStringLiteral("\"%1\" was already converted (plan %2, reviewed by %3); the "
                           "old table is \"%4\"")
                .arg(
                    request.table, out.state->hash, out.state->reviewer, out.state->plan.oldTable));
    if (out.state->plan.column != request.column)
        throw refuse(QStringLiteral("a conversion of \"%1\" by \"%2\" is in progress; resume it "
                                    "by \"%2\"")
                         .arg(request.table, out.state->plan.column));
    out.plan = out.state->plan;
    return out;
}

ConversionResult TableConversion::applyReviewed(PgConnection &conn,
                                                const ConversionReview &review,
                                                const QString &reviewedHash,
                                                const ConversionOptions &options) const
{
    if (!reviewedHash.isEmpty() && review.plan.hash() != reviewedHash)
        throw PartitionError(QStringLiteral("the plan is now %1, not the reviewed %2: review it "
                                            "again")
                                 .arg(review.plan.hash(), reviewedHash),
                             ErrorKind::Drift);
    return review.state ? resume(conn, *review.state, options) : apply(conn, review.plan, options);
}

ConversionResult TableConversion::resume(PgConnection &conn,
                                         const ConversionState &state,
                                         const ConversionOptions &options) const
{
    if (options.reviewer.trimmed().isEmpty())
        throw refuse(QStringLiteral("a conversion is applied under a reviewer's name: none given"));
    if (state.phase == QLatin1String("swapped"))
        throw refuse(QStringLiteral("\"%1\" was already converted (plan %2); the old table is "
                                    "%3")
                         .arg(state.table, state.hash, state.plan.oldTable));
    return run(conn, state.plan, state, options, true);
}

ConversionResult TableConversion::run(PgConnection &conn,
                                      const ConversionPlan &plan,
                                      ConversionState state,
                                      const ConversionOptions &options,
                                      bool resumed) const
{
    const OpContext ctx{QStringLiteral("convert to partitions"), plan.table};
    const QString qState = quoteIdent(stateTable());
    const BackoffPolicy backoff(m_config.migrate);
    const std::stop_callback onStop(options.stop, [&conn] { conn.cancel(); });
    ConversionResult result;
    result.table = plan.table;
    result.hash = state.hash;
    result.resumed = resumed;

    // Retries a unit of work (one transaction) after lock timeouts, deadlocks and serialization
    // failures, with jitter.
    auto retrying = [&](const QString &what, const std::function<void()> &work) {
        for (int attempt = 0;; ++attempt) {
            try {
                work();
                return attempt;
            } catch (const DbError &e) {
                if (e.isCancelled() || !e.isRetryable() || conn.isBroken())
                    throw;
                if (attempt >= backoff.retries()) {
                    DbError gaveUp = e;
                    const QString hint
                        = QStringLiteral("%1 gave up after %2 retries and was rolled back; "
                                         "running the conversion again resumes it")
                              .arg(what)
                              .arg(backoff.retries());
                    gaveUp.setHint(e.hint().isEmpty() ? hint
                                                      : e.hint() + QStringLiteral("; ") + hint);
                    throw gaveUp;
                }
                const auto delay = backoff.delay(attempt, *QRandomGenerator::global());
                report({QStringLiteral("retry"),
                        state.copiedThrough,
                        state.copyEnd,
                        state.rowsCopied,
                        QStringLiteral("retry %1/%2 of %3 in %4 ms after: %5")
                            .arg(attempt + 1)
                            .arg(backoff.retries())
                            .arg(what)
                            .arg(delay.count())
                            .arg(e.toString())});
                pause(delay, options.stop, plan.table);
            }
        }
    };

    // Phase 2: the batches.
    while (state.copiedThrough < state.copyEnd) {
        pause({}, options.stop, plan.table);
        const qint64 from = state.copiedThrough;
        const qint64 to = qMin(state.copyEnd, from + plan.batchRows);
        qint64 copied = 0;
        retrying(
            QStringLiteral("the batch %1 < %2 <= %3").arg(from).arg(plan.idColumn).arg(to), [&] {
                Transaction tx(conn, m_config.session);
                const PgParams range{QByteArray::number(from), QByteArray::number(to)};
                for (int i = 0; i + 1 < plan.copyBatch.size(); ++i)
                    conn.exec(plan.copyBatch[i].toUtf8(), range, ctx);
                copied = conn.exec(plan.copyBatch.last().toUtf8(), range, ctx).affectedRows();
                const PgResult advanced
                    = conn.exec(QStringLiteral("UPDATE %1 SET copied_through = $2, rows_copied = "
                                               "rows_copied + $3, updated_at = now() WHERE "
                                               "table_name = $1 AND copied_through = $4")
                                    .arg(qState)
                                    .toUtf8(),
                                {plan.table.toUtf8(),
                                 QByteArray::number(to),
                                 QByteArray::number(copied),
                                 QByteArray::number(from)},
                                ctx);
                if (advanced.affectedRows() != 1)
                    throw PartitionError(QStringLiteral("the conversion of \"%1\" moved on "
                                                        "under another run: stopped")
                                             .arg(plan.table),
                                         ErrorKind::Drift);
                tx.commit();
            });
        state.copiedThrough = to;
        state.rowsCopied += copied;
        ++result.batches;
        report({QStringLiteral("copy"),
                state.copiedThrough,
                state.copyEnd,
                state.rowsCopied,
                QStringLiteral("copied %1 <= %2 of %3: %4 rows so far")
                    .arg(plan.idColumn)
                    .arg(state.copiedThrough)
                    .arg(state.copyEnd)
                    .arg(state.rowsCopied)});
        pause(options.throttle, options.stop, plan.table);
    }
    result.rowsCopied = state.rowsCopied;

    pause({}, options.stop, plan.table);
    // Phase 3: one snapshot of both tables; the trigger writes both in the writer's
    // transaction, so they agree in any snapshot once the copy is through.
    report({QStringLiteral("verify"),
            state.copiedThrough,
            state.copyEnd,
            state.rowsCopied,
            QStringLiteral("verifying rows and checksums per month")});
    QMap<QString, QString> before;
    QMap<QString, QString> after;
    retrying(QStringLiteral("the verification"), [&] {
        Transaction tx(conn, m_config.session);
        // Both tables read in one snapshot.
        conn.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY");
        before = monthSums(conn,
                           plan.verifySql.arg(quoteIdent(plan.schema) + QLatin1Char('.')
                                              + quoteIdent(plan.table)));
        after = monthSums(conn,
                          plan.verifySql.arg(quoteIdent(plan.schema) + QLatin1Char('.')
                                             + quoteIdent(plan.newTable)));
        tx.commit();
    });
    if (before != after) {
        QStringList differ;
        for (auto it = before.cbegin(); it != before.cend(); ++it)
            if (after.value(it.key()) != it.value())
                differ << QStringLiteral("%1: %2 vs %3")
                              .arg(
                                  it.key(), it.value(), after.value(it.key(), QStringLiteral("-")));
        for (auto it = after.cbegin(); it != after.cend(); ++it)
            if (!before.contains(it.key()))
                differ << QStringLiteral("%1: - vs %2").arg(it.key(), it.value());
        throw PartitionError(QStringLiteral("verification failed, nothing swapped: rows/checksum "
                                            "of %1 vs %2 differ in %3")
                                 .arg(plan.table, plan.newTable, differ.join(QStringLiteral("; "))),
                             ErrorKind::Drift);
    }
    result.months = int(before.size());
    for (const QString &v : std::as_const(before))
        result.rowsVerified += v.section(QLatin1Char('/'), 0, 0).toLongLong();

    pause({}, options.stop, plan.table);
    // Phase 4: the swap, short, under lock_timeout (the session's), retried.
    report({QStringLiteral("swap"),
            state.copiedThrough,
            state.copyEnd,
            state.rowsCopied,
            QStringLiteral("swapping %1 and %2").arg(plan.table, plan.newTable)});
    result.swapAttempts = 1 + retrying(QStringLiteral("the swap"), [&] {
                              Transaction tx(conn, m_config.session);
                              for (const QString &sql : plan.swapStatements)
                                  conn.exec(sql.toUtf8(), ctx);
                              conn.exec(QStringLiteral("UPDATE %1 SET phase = 'swapped', "
                                                       "updated_at = now() WHERE table_name = $1")
                                            .arg(qState)
                                            .toUtf8(),
                                        {plan.table.toUtf8()},
                                        ctx);
                              tx.commit();
                          });
    report(
        {QStringLiteral("swap"),
         state.copiedThrough,
         state.copyEnd,
         state.rowsCopied,
         QStringLiteral("%1 is partitioned; the old table is %2").arg(plan.table, plan.oldTable)});
    return result;
}

} // namespace melodee
