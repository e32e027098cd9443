#include "pgconnection.h"

#include "connectparams.h"
#include "dberror.h"
#include "pgsocket.h"
#include "sessionchanges.h"
#include "util/logging.h"
#include "util/redactor.h"

#include <libpq-fe.h>

namespace melodee {

namespace {

std::atomic<qint64> &defaultSlowNs()
{
    static std::atomic<qint64> ns{SessionConfig().slowThreshold.count()};
    return ns;
}

QString diagField(const PGresult *r, int code)
{
    const char *v = PQresultErrorField(r, code);
    return v ? QString::fromUtf8(v).trimmed() : QString();
}

// Server messages (RAISE NOTICE, "relation already exists, skipping", WARNINGs) would otherwise
// go to stderr through libpq's default processor: unredacted, and in the middle of --log-json.
void noticeReceiver(void *, const PGresult *result)
{
    const QString severity = diagField(result, PG_DIAG_SEVERITY_NONLOCALIZED);
    QString text = QStringLiteral("%1 %2: %3")
                       .arg(severity.isEmpty() ? QStringLiteral("NOTICE") : severity,
                            diagField(result, PG_DIAG_SQLSTATE),
                            diagField(result, PG_DIAG_MESSAGE_PRIMARY));
    const QString detail = diagField(result, PG_DIAG_MESSAGE_DETAIL);
    const QString hint = diagField(result, PG_DIAG_MESSAGE_HINT);
    if (!detail.isEmpty())
        text += QStringLiteral("; detail: ") + detail;
    if (!hint.isEmpty())
        text += QStringLiteral("; hint: ") + hint;
    if (severity == QLatin1String("WARNING"))
        qCWarning(lcSqlNotice).noquote() << text;
    else if (severity == QLatin1String("DEBUG"))
        qCDebug(lcSqlNotice).noquote() << text;
    else
        qCInfo(lcSqlNotice).noquote() << text;
}

// One parameter as a log shows it: quoted with its line breaks escaped, cut at 200 characters,
// registered secrets masked (the log handler then masks password-shaped text too).
QString describeParam(int i, const char *value, int length, int format)
{
    const QString name = QStringLiteral("$%1=").arg(i + 1);
    if (!value)
        return name + QStringLiteral("NULL");
    if (format == 1)
        return name + QStringLiteral("<binary, %1 bytes>").arg(length);
    QString v = Redactor::redactSecrets(QString::fromUtf8(value));
    const bool cut = v.size() > 200;
    if (cut)
        v.truncate(200);
    v.replace(QLatin1Char('\\'), QLatin1String("\\\\"))
        .replace(QLatin1Char('"'), QLatin1String("\\\""))
        .replace(QLatin1Char('\n'), QLatin1String("\\n"))
        .replace(QLatin1Char('\r'), QLatin1String("\\r"));
    return name + QLatin1Char('"') + v + QLatin1Char('"')
           + (cut ? QStringLiteral("...") : QString());
}

} // namespace

// Times one statement when gorm.slow_threshold is on; with it off (0) not even the clock is read.
// Logs on the way out, also when the statement failed (a statement_timeout is slow, too).
class PgConnection::SlowWatch
{
public:
    SlowWatch(const PgConnection &conn,
              const QByteArray &sql,
              int nParams,
              const char *const *values,
              const int *lengths,
              const int *formats,
              const OpContext &ctx)
        : m_threshold(conn.m_slowThreshold)
        , m_sql(sql)
        , m_nParams(nParams)
        , m_values(values)
        , m_lengths(lengths)
        , m_formats(formats)
        , m_ctx(ctx)
    {
        if (m_threshold.count() > 0)
            m_start = std::chrono::steady_clock::now();
    }
    ~SlowWatch()
    {
        if (m_threshold.count() <= 0)
            return;
        const Duration took = std::chrono::steady_clock::now() - m_start;
        if (took >= m_threshold)
            log(took);
    }

private:
    void log(Duration took) const noexcept
    {
        try {
            QStringList params;
            for (int i = 0; i < m_nParams; ++i)
                params << describeParam(i,
                                        m_values ? m_values[i] : nullptr,
                                        m_lengths ? m_lengths[i] : 0,
                                        m_formats ? m_formats[i] : 0);
            QString sql = QString::fromUtf8(m_sql).simplified();
            if (sql.size() > 2000)
                sql = sql.left(2000) + QStringLiteral("...");
            QString what
                = m_ctx.operation.isEmpty()
                      ? QString()
                      : QStringLiteral(" [%1%2]").arg(
                          m_ctx.operation,
                          m_ctx.table.isEmpty() ? QString() : QStringLiteral(" on ") + m_ctx.table);
            qCWarning(lcSqlSlow).noquote()
                << QStringLiteral("slow statement: %1 ms (slow_threshold %2)%3: %4%5")
                       .arg(QString::number(double(took.count()) / 1e6, 'f', 3),
                            formatGoDuration(m_threshold),
                            what,
                            Redactor::redactSecrets(sql),
                            params.isEmpty()
                                ? QString()
                                : QStringLiteral("; params: ") + params.join(QLatin1String(", ")));
        } catch (...) {
            // Logging must never turn a finished statement into a failure.
        }
    }

    Duration m_threshold;
    std::chrono::steady_clock::time_point m_start;
    const QByteArray &m_sql;
    int m_nParams;
    const char *const *m_values;
    const int *m_lengths;
    const int *m_formats;
    const OpContext &m_ctx;
};

PgConnection::PgConnection(PGconn *conn)
    : m_conn(conn)
    , m_cancel(PQgetCancel(conn))
    , m_createdAt(std::chrono::steady_clock::now())
    , m_slowThreshold(std::chrono::nanoseconds(defaultSlowNs().load(std::memory_order_relaxed)))
{
    if (m_conn)
        PQsetNoticeReceiver(m_conn, noticeReceiver, nullptr);
}

void PgConnection::setDefaultSlowThreshold(Duration threshold)
{
    defaultSlowNs().store(threshold.count(), std::memory_order_relaxed);
}

Duration PgConnection::defaultSlowThreshold()
{
    return std::chrono::nanoseconds(defaultSlowNs().load(std::memory_order_relaxed));
}

PgConnection::~PgConnection()
{
    if (m_cancel)
        PQfreeCancel(m_cancel);
    if (m_conn)
        PQfinish(m_conn);
}

std::unique_ptr<PgConnection> PgConnection::open(const DatabaseConfig &config)
{
    Redactor::registerSecret(config.password);
    const ConnectParams params(config);
    if (!params.error().isEmpty())
        throw DbError(QStringLiteral("connect"), QString(), params.error());
    if (!params.passwordWithheld().isEmpty())
        qCWarning(lcDb).noquote() << params.passwordWithheld();
    PGconn *conn = PQconnectdbParams(params.keywords(), params.values(), params.expandDbname());
    if (!conn || PQstatus(conn) != CONNECTION_OK) {
        DbError error = DbError::fromConnection(QStringLiteral("connect"), QString(), conn);
        error.setParams({{QStringLiteral("target"), params.describe()}});
        if (conn)
            PQfinish(conn);
        throw error;
    }
    auto out = std::make_unique<PgConnection>(conn);
    out->m_transactionPooler = config.behindTransactionPooler();
    out->m_usePrepared = !out->m_transactionPooler;
    return out;
}

bool PgConnection::isBroken() const
{
    return m_broken || !m_conn || PQstatus(m_conn) != CONNECTION_OK;
}

int PgConnection::backendPid() const
{
    return m_conn ? PQbackendPID(m_conn) : 0;
}

QString PgConnection::serverVersion() const
{
    const char *v = m_conn ? PQparameterStatus(m_conn, "server_version") : nullptr;
    return v ? QString::fromUtf8(v) : QString();
}

bool PgConnection::sslInUse() const
{
    return m_conn && PQsslInUse(m_conn);
}

QString PgConnection::sslDescription() const
{
    if (!sslInUse())
        return QString();
    const char *protocol = PQsslAttribute(m_conn, "protocol");
    const char *cipher = PQsslAttribute(m_conn, "cipher");
    return QStringLiteral("%1 %2").arg(QString::fromUtf8(protocol ? protocol : ""),
                                       QString::fromUtf8(cipher ? cipher : ""));
}

void PgConnection::failSend(const OpContext &ctx)
{
    // PQsend* failed: the query never left this process, so it cannot have executed.
    DbError error = DbError::fromConnection(ctx.operation, ctx.table, m_conn);
    error.setMayHaveExecuted(false);
    error.setConnectionBroken(isBroken());
    if (!isBroken())
        error.setSqlState(QString());
    throw error;
}

PgResult PgConnection::finish(const OpContext &ctx, const QByteArray &sql)
{
    // Drain every result; the last error wins, as PQexec does.
    PgResult last;
    PgResult error;
    // Read once before waiting: on a busy machine the server has often answered by the time the
    // sending thread runs again, and then PQgetResult needs no poll() (62 % of the operations in
    // `melodee bench pool`, +3 % throughput). A failed read leaves its error for PQgetResult.
    PQconsumeInput(m_conn);
    while (PGresult *r = PQgetResult(m_conn)) {
        const ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_FATAL_ERROR || st == PGRES_BAD_RESPONSE || st == PGRES_NONFATAL_ERROR)
            error = PgResult(r);
        else if (st == PGRES_COPY_IN || st == PGRES_COPY_OUT || st == PGRES_COPY_BOTH) {
            // COPY is driven by the caller through handle(); hand the result back as it is.
            m_running.store(false, std::memory_order_release);
            return PgResult(r);
        } else
            last = PgResult(r);
    }
    const bool failed = last.isNull() && isBroken();
    return settle(ctx, error, std::move(last), failed, sql);
}

PgResult PgConnection::settle(
    const OpContext &ctx, const PgResult &error, PgResult last, bool failed, const QByteArray &sql)
{
    m_running.store(false, std::memory_order_release);
    if (error.isNull())
        m_cancelRequested.store(false); // a cancel that came too late has nothing to cancel
    if (!error.isNull() || failed)
        throwResultError(ctx, error.get(), sql);
    return last;
}

PgResult PgConnection::finishPipeline(const OpContext &ctx, const QByteArray &sql)
{
    // Two queries and a sync point: each query's results end with a null, then the sync's own
    // result. After an error the rest of the pipeline reports PGRES_PIPELINE_ABORTED; the first
    // error is the one to report. The result kept is the last query's.
    PQconsumeInput(m_conn);
    PgResult last;
    PgResult error;
    int ended = 0;
    bool synced = false;
    while (!synced) {
        PGresult *r = PQgetResult(m_conn);
        if (!r) {
            ++ended;
            if (ended > 2 && (isBroken() || ended > 8))
                break; // no sync point will come
            continue;
        }
        const ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_PIPELINE_SYNC) {
            synced = true;
            PQclear(r);
        } else if (st == PGRES_FATAL_ERROR || st == PGRES_BAD_RESPONSE) {
            if (error.isNull())
                error = PgResult(r);
            else
                PQclear(r);
        } else if (st == PGRES_PIPELINE_ABORTED || ended < 1) {
            PQclear(r); // skipped after an error, or the setting's own row
        } else {
            last = PgResult(r);
        }
    }
    if (synced)
        PQexitPipelineMode(m_conn);
    else
        m_broken = true;
    const bool failed = !synced || last.isNull();
    return settle(ctx, error, std::move(last), failed, sql);
}

void PgConnection::throwResultError(const OpContext &ctx,
                                    const PGresult *error,
                                    const QByteArray &sql)
{
    DbError e = DbError::fromResult(ctx.operation, ctx.table, error, m_conn);
    if (m_cancelRequested.exchange(false) && e.sqlState() == QLatin1String(DbError::kQueryCanceled))
        e.setCancelled(true);
    if (!sql.isEmpty() && e.sqlState() == QLatin1String("26000")) // prepared stmt vanished
        m_prepared.remove(sql);
    // A FATAL (e.g. 57P01) may arrive before libpq notices the EOF; never reuse the session.
    if (e.connectionBroken())
        m_broken = true;
    throw e;
}

QByteArray PgConnection::noteSessionChanges(const QByteArray &sql)
{
    const int changes = sessionChangesOf(sql);
    if (changes == SessionSettings) {
        // SET x ... RESET x in one lease (a statement run with a setting of its own) leaves
        // nothing to reset.
        if (const auto setting = sessionSettingOf(sql)) {
            if (setting->kind == SessionSetting::Set && !m_sessionSettings.contains(setting->name))
                m_sessionSettings << setting->name;
            return setting->kind == SessionSetting::Reset ? setting->name : QByteArray();
        }
    }
    m_sessionChanges |= changes;
    return QByteArray();
}

void PgConnection::forgetSessionSetting(const QByteArray &name)
{
    // Only a RESET that committed: one inside a transaction block is undone by a rollback.
    if (name.isEmpty() || PQtransactionStatus(m_conn) != PQTRANS_IDLE)
        return;
    if (name == "all")
        m_sessionSettings.clear();
    else
        m_sessionSettings.removeAll(name);
}

PgResult PgConnection::exec(const QByteArray &sql, const OpContext &ctx)
{
    const QByteArray reset = noteSessionChanges(sql);
    const SlowWatch watch(*this, sql, 0, nullptr, nullptr, nullptr, ctx);
    m_running.store(true, std::memory_order_release);
    if (!PQsendQuery(m_conn, sql.constData())) {
        m_running.store(false, std::memory_order_release);
        failSend(ctx);
    }
    PgResult r = finish(ctx, QByteArray());
    forgetSessionSetting(reset);
    return r;
}

PgResult PgConnection::exec(const QByteArray &sql, const PgParams &params, const OpContext &ctx)
{
    std::vector<const char *> values;
    values.reserve(params.size());
    for (const PgParam &p : params)
        values.push_back(p ? p->constData() : nullptr);
    return execRaw(sql, int(params.size()), nullptr, values.data(), nullptr, nullptr, 0, ctx);
}

PgResult PgConnection::execRaw(const QByteArray &sql,
                               int nParams,
                               const unsigned int *types,
                               const char *const *values,
                               const int *lengths,
                               const int *formats,
                               int resultFormat,
                               const OpContext &ctx)
{
    const QByteArray reset = noteSessionChanges(sql);
    const SlowWatch watch(*this, sql, nParams, values, lengths, formats, ctx);
    m_running.store(true, std::memory_order_release);
    if (!PQsendQueryParams(
            m_conn, sql.constData(), nParams, types, values, lengths, formats, resultFormat)) {
        m_running.store(false, std::memory_order_release);
        failSend(ctx);
    }
    PgResult r = finish(ctx, QByteArray());
    forgetSessionSetting(reset);
    return r;
}

const QByteArray &
PgConnection::preparedName(const QByteArray &sql, int nParams, const OpContext &ctx)
{
    auto it = m_prepared.constFind(sql);
    if (it == m_prepared.constEnd()) {
        const QByteArray name = "melodee_s" + QByteArray::number(m_prepared.size() + 1);
        m_running.store(true, std::memory_order_release);
        if (!PQsendPrepare(m_conn, name.constData(), sql.constData(), nParams, nullptr)) {
            m_running.store(false, std::memory_order_release);
            failSend(ctx);
        }
        finish(ctx, QByteArray());
        m_prepared.insert(sql, {name, sessionChangesOf(sql)});
        it = m_prepared.constFind(sql); // insert() would give a mutable iterator
    }
    m_sessionChanges |= it->sessionChanges;
    return it->name;
}

PgResult PgConnection::execCached(const QByteArray &sql,
                                  const PgParams &params,
                                  const OpContext &ctx,
                                  PlanChoice plan)
{
    if (!m_usePrepared)
        return exec(sql, params, ctx);
    if (plan != PlanChoice::Server && PQtransactionStatus(m_conn) != PQTRANS_IDLE)
        return execWithPlanSet(sql, params, ctx, plan);

    std::vector<const char *> values;
    values.reserve(params.size());
    for (const PgParam &p : params)
        values.push_back(p ? p->constData() : nullptr);

    const SlowWatch watch(*this, sql, int(params.size()), values.data(), nullptr, nullptr, ctx);
    const QByteArray name = preparedName(sql, int(params.size()), ctx);
    m_running.store(true, std::memory_order_release);
    if (plan == PlanChoice::Server) {
        if (!PQsendQueryPrepared(
                m_conn, name.constData(), int(params.size()), values.data(), nullptr, nullptr, 0)) {
            m_running.store(false, std::memory_order_release);
            failSend(ctx);
        }
        return finish(ctx, sql);
    }
    // One round trip: the setting, local to the pipeline's implicit transaction, then the
    // statement, then the sync point that commits (or, after an error, rolls back) both.
    const char *mode[1]
        = {plan == PlanChoice::Generic ? "force_generic_plan" : "force_custom_plan"};
    const bool sent
        = PQenterPipelineMode(m_conn) == 1
          && PQsendQueryParams(m_conn,
                               "SELECT set_config('plan_cache_mode', $1, true)",
                               1,
                               nullptr,
                               mode,
                               nullptr,
                               nullptr,
                               0)
                 == 1
          && PQsendQueryPrepared(
                 m_conn, name.constData(), int(params.size()), values.data(), nullptr, nullptr, 0)
                 == 1
          && PQpipelineSync(m_conn) == 1;
    if (!sent) {
        // Whatever was queued may have reached the server; the session's state is unknown.
        m_running.store(false, std::memory_order_release);
        DbError error = DbError::fromConnection(ctx.operation, ctx.table, m_conn);
        m_broken = true;
        error.setConnectionBroken(true);
        throw error;
    }
    return finishPipeline(ctx, sql);
}

PgResult PgConnection::execWithPlanSet(const QByteArray &sql,
                                       const PgParams &params,
                                       const OpContext &ctx,
                                       PlanChoice plan)
{
    // Inside a transaction block a local setting would outlast the statement, so set it for the
    // session and reset it after; a rollback undoes the SET as well.
    exec(plan == PlanChoice::Generic ? QByteArray("SET plan_cache_mode = force_generic_plan")
                                     : QByteArray("SET plan_cache_mode = force_custom_plan"),
         ctx);
    PgResult r;
    try {
        r = execCached(sql, params, ctx, PlanChoice::Server);
    } catch (...) {
        if (!isBroken() && PQtransactionStatus(m_conn) == PQTRANS_INTRANS) {
            try {
                exec("RESET plan_cache_mode", ctx);
            } catch (const DbError &) {
            }
        }
        throw;
    }
    exec("RESET plan_cache_mode", ctx);
    return r;
}

bool PgConnection::cancel(QString *error)
{
    std::lock_guard lock(m_cancelMutex);
    if (!m_cancel)
        return false;
    char buffer[256] = {};
    if (m_running.load(std::memory_order_acquire))
        m_cancelRequested.store(true);
    const bool ok = PQcancel(m_cancel, buffer, sizeof buffer);
    if (!ok && error)
        *error = QString::fromUtf8(buffer);
    return ok;
}

bool PgConnection::isIdleBroken()
{
    if (isBroken())
        return true;
    if (PQsocket(m_conn) < 0)
        return true;
    using std::chrono::milliseconds;
    if (waitForSocket(m_conn, false, milliseconds(0)) == 0)
        return false; // nothing pending: the usual case
    // Something arrived while idle: a termination notice, EOF or a NOTIFY. Consume it and look.
    // libpq reports the EOF only on the read after the FATAL message, so read while readable.
    for (int i = 0; i < 4 && waitForSocket(m_conn, false, milliseconds(0)) > 0; ++i) {
        if (!PQconsumeInput(m_conn))
            return true;
    }
    while (PGnotify *notify = PQnotifies(m_conn))
        PQfreemem(notify);
    if (PQisBusy(m_conn)) {
        // An unsolicited error (e.g. 57P01 FATAL) is pending; the session is over.
        return true;
    }
    return isBroken();
}

} // namespace melodee
