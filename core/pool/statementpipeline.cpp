#include "statementpipeline.h"

#include "db/dberror.h"
#include "db/pgsocket.h"
#include "waitqueue.h"

#include <libpq-fe.h>

#include <QHash>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <deque>
#include <mutex>
#include <thread>

namespace melodee {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// One caller's statement from the moment it is sent until its Sync comes back.
struct StatementPipeline::Pending
{
    enum class State { Queued, Reading, Done };

    // Released once when another thread moves the state on from Queued. The pool's futex
    // wake-up: libstdc++'s std::binary_semaphore backs off with sleeps in a timed wait.
    WakeSignal wake;
    // The fields below are guarded by the lane's mutex.
    State state = State::Queued;
    // A Parse for the statement cache went ahead of the statement: its result comes first.
    bool parseSent = false;
    bool parseAnswered = false;
    const QByteArray *sql = nullptr; // the caller's, alive until it returns
    PgResult answer;
    PgResult error;
    // The connection broke (or was shut down at a deadline) before the Sync came back.
    bool broken = false;
    QString brokenMessage;
};

// One leased connection in pipeline mode and the statements in flight on it, oldest first.
struct StatementPipeline::Lane
{
    std::mutex mutex;
    PooledConnection lease; // empty until first needed, and again after it broke
    std::deque<Pending *> queue;
    bool reading = false; // a caller is reading this connection, or has been asked to
    bool timedOut = false;
    QHash<QByteArray, QByteArray> prepared; // sql -> statement name on this connection
    // Names are never reused on a connection: a name whose Parse failed is dropped from
    // `prepared` while later statements may already be on their way under newer names.
    int statementsNamed = 0;
    std::atomic<int> depth{0}; // queue.size(), read without the mutex

    PGconn *conn() const { return lease->handle(); }

    // Fails every statement in flight and closes the connection. The caller holds the mutex and
    // is the one reading (or nothing is in flight).
    void fail(const QString &message, const Pending *self)
    {
        for (Pending *p : queue) {
            p->broken = true;
            p->brokenMessage = message;
            p->state = Pending::State::Done;
            if (p != self)
                p->wake.release();
        }
        queue.clear();
        depth.store(0, std::memory_order_relaxed);
        reading = false;
        timedOut = false;
        prepared.clear();
        statementsNamed = 0;
        if (lease) {
            lease.discard();
            lease = {};
        }
    }

    // Stops a connection that is not answering: whoever reads it sees the end of the stream at
    // once, and fail() follows.
    void shutDown()
    {
        timedOut = true;
        if (lease)
            shutDownSocket(conn());
    }

    // Hands out every result libpq has parsed so far. The caller holds the mutex.
    void collect(const Pending *self)
    {
        PGconn *c = conn();
        int emptyInARow = 0;
        while (!queue.empty() && !PQisBusy(c)) {
            PGresult *raw = PQgetResult(c);
            if (!raw) {
                // Ends one statement's results; twice in a row means libpq expects nothing more.
                if (++emptyInARow > 1)
                    break;
                continue;
            }
            emptyInARow = 0;
            PgResult result(raw);
            Pending *front = queue.front();
            switch (PQresultStatus(raw)) {
            case PGRES_PIPELINE_SYNC:
                queue.pop_front();
                depth.fetch_sub(1, std::memory_order_relaxed);
                front->state = Pending::State::Done;
                if (front != self)
                    front->wake.release();
                break;
            case PGRES_PIPELINE_ABORTED: // skipped after an error earlier in the same Sync
                break;
            case PGRES_TUPLES_OK:
            case PGRES_COMMAND_OK:
            case PGRES_EMPTY_QUERY:
                if (front->parseSent && !front->parseAnswered)
                    front->parseAnswered = true;
                else
                    front->answer = std::move(result);
                break;
            default:
                if (front->parseSent && !front->parseAnswered) {
                    front->parseAnswered = true;
                    prepared.remove(*front->sql);
                }
                if (front->error.isNull())
                    front->error = std::move(result);
                break;
            }
        }
    }
};

namespace {

// Waits for a neighbour on the same connection to hand over an answer or the reading. That
// usually comes within tens of microseconds, so the caller first gives its CPU to other threads
// and looks again, and only then sleeps until it is woken: on a machine with more callers than
// CPUs, going to sleep at once costs a sleep and a wake-up per statement.
bool awaitTurn(WakeSignal &wake, Clock::time_point deadline)
{
    const Clock::time_point yieldUntil = Clock::now() + std::chrono::microseconds(64);
    do {
        if (wake.tryAcquireUntil(Clock::time_point{}))
            return true;
        std::this_thread::yield();
    } while (Clock::now() < yieldUntil);
    return wake.tryAcquireUntil(deadline);
}

} // namespace

StatementPipeline::StatementPipeline(ConnectionPool &pool, int connections)
    : m_pool(pool)
{
    for (int i = 0; i < std::max(1, connections); ++i)
        m_lanes.push_back(std::make_unique<Lane>());
}

StatementPipeline::~StatementPipeline()
{
    for (auto &lane : m_lanes) {
        std::lock_guard lock(lane->mutex);
        lane->fail(QStringLiteral("the statement pipeline was closed"), nullptr);
    }
}

int StatementPipeline::inFlight() const
{
    int n = 0;
    for (const auto &lane : m_lanes)
        n += lane->depth.load(std::memory_order_relaxed);
    return n;
}

StatementPipeline::Lane &StatementPipeline::laneForThisThread()
{
    // Each thread has a home lane, so the same few callers keep meeting on a connection: while
    // one reads, the next statement is already queued, and the backend goes from one to the next
    // without sleeping. Scattering each statement to the least busy lane instead halves the
    // throughput (`melodee bench pool --pipeline`). A thread leaves its home lane only for one
    // with at least three fewer statements in flight: two callers of one lane take turns without
    // moving, while three or more callers that meet on one lane spread out.
    static std::atomic<unsigned> s_threads{0};
    thread_local const unsigned thread = s_threads.fetch_add(1, std::memory_order_relaxed);
    const size_t n = m_lanes.size();
    Lane *home = m_lanes[thread % n].get();
    Lane *best = home;
    int bestDepth = home->depth.load(std::memory_order_relaxed);
    for (size_t i = 1; i < n && bestDepth > 2; ++i) {
        Lane *lane = m_lanes[(thread + i) % n].get();
        const int d = lane->depth.load(std::memory_order_relaxed);
        if (d + 2 < bestDepth) {
            best = lane;
            bestDepth = d;
        }
    }
    return *best;
}

PgResult StatementPipeline::query(const QByteArray &sql,
                                  const PgParams &params,
                                  milliseconds timeout,
                                  const OpContext &ctx)
{
    const Clock::time_point deadline = Clock::now() + timeout;
    for (int attempt = 1;; ++attempt) {
        Pending pending;
        pending.sql = &sql;
        if (runOnce(laneForThisThread(), pending, sql, params, deadline) == Outcome::Answered) {
            if (pending.error.isNull())
                return std::move(pending.answer);
            DbError e = DbError::fromResult(ctx.operation, ctx.table, pending.error.get(), nullptr);
            if (!e.connectionBroken() || attempt >= 2 || Clock::now() >= deadline)
                throw e;
            continue;
        }
        if (Clock::now() >= deadline) {
            DbError late(ctx.operation,
                         ctx.table,
                         QStringLiteral("the server did not answer within %1 ms; the connection "
                                        "was closed")
                             .arg(timeout.count()));
            late.setSqlState(QString::fromLatin1(DbError::kQueryCanceled));
            late.setConnectionBroken(true);
            throw late;
        }
        if (attempt >= 2) {
            DbError e(ctx.operation, ctx.table, pending.brokenMessage);
            e.setSqlState(QStringLiteral("08006"));
            e.setConnectionBroken(true);
            throw e;
        }
    }
}

StatementPipeline::Outcome StatementPipeline::runOnce(Lane &lane,
                                                      Pending &pending,
                                                      const QByteArray &sql,
                                                      const PgParams &params,
                                                      Clock::time_point deadline)
{
    std::unique_lock lock(lane.mutex);
    if (!lane.lease) {
        const auto left = std::chrono::ceil<milliseconds>(deadline - Clock::now());
        lane.lease = m_pool.acquire(std::max(left, milliseconds(1)));
        PGconn *c = lane.conn();
        if (PQenterPipelineMode(c) != 1 || PQsetnonblocking(c, 1) != 0) {
            pending.brokenMessage = QString::fromUtf8(PQerrorMessage(c)).trimmed();
            pending.broken = true;
            lane.fail(pending.brokenMessage, &pending);
            return Outcome::Broken;
        }
    }
    PGconn *c = lane.conn();
    std::vector<const char *> values;
    values.reserve(params.size());
    for (const PgParam &p : params)
        values.push_back(p ? p->constData() : nullptr);
    const int n = int(params.size());
    bool sent = true;
    if (lane.lease->usePreparedStatements()) {
        QByteArray name = lane.prepared.value(sql);
        if (name.isEmpty()) {
            name = "melodee_p" + QByteArray::number(++lane.statementsNamed);
            sent = PQsendPrepare(c, name.constData(), sql.constData(), n, nullptr) == 1;
            pending.parseSent = true;
            lane.prepared.insert(sql, name);
        }
        sent = sent
               && PQsendQueryPrepared(c, name.constData(), n, values.data(), nullptr, nullptr, 0)
                      == 1;
    } else {
        sent = PQsendQueryParams(c, sql.constData(), n, nullptr, values.data(), nullptr, nullptr, 0)
               == 1;
    }
    sent = sent && PQpipelineSync(c) == 1 && PQflush(c) >= 0;
    if (!sent) {
        // Part of the statement may be in libpq's buffer without its Sync: the connection is of
        // no further use. Whoever reads it fails what is in flight; with nothing in flight, close
        // it here.
        pending.broken = true;
        pending.brokenMessage = QString::fromUtf8(PQerrorMessage(c)).trimmed();
        if (lane.queue.empty())
            lane.fail(pending.brokenMessage, &pending);
        else
            lane.shutDown();
        return Outcome::Broken;
    }
    lane.queue.push_back(&pending);
    lane.depth.fetch_add(1, std::memory_order_relaxed);
    if (!lane.reading) {
        lane.reading = true;
        pending.state = Pending::State::Reading;
    }

    bool reader = false;
    for (;;) {
        if (pending.state == Pending::State::Queued) {
            lock.unlock();
            const bool woken = awaitTurn(pending.wake, deadline);
            lock.lock();
            if (!woken) {
                // Past the deadline and the answer has not come: stop the connection so the one
                // reading it fails everything in flight now, then wait for that.
                if (pending.state == Pending::State::Queued)
                    lane.shutDown();
                lock.unlock();
                pending.wake.acquire();
                lock.lock();
            }
            continue;
        }
        if (pending.state == Pending::State::Done)
            break;
        // Reading: wait for the socket outside the mutex, so others can queue behind us.
        reader = true;
        const bool wantWrite = PQflush(c) == 1;
        lock.unlock();
        const int ready
            = waitForSocket(c, wantWrite, std::chrono::ceil<milliseconds>(deadline - Clock::now()));
        lock.lock();
        if (ready == 0) {
            lane.shutDown();
            continue;
        }
        if (ready < 0 && errno == EINTR)
            continue;
        if (PQconsumeInput(c) != 1) {
            const QString message = lane.timedOut ? QStringLiteral("closed at the deadline")
                                                  : QString::fromUtf8(PQerrorMessage(c)).trimmed();
            lane.fail(message, &pending);
            break;
        }
        lane.collect(&pending);
    }
    // Pass the reading on to the oldest statement still waiting, if this caller was reading.
    if (reader && lane.reading) {
        if (lane.queue.empty()) {
            lane.reading = false;
        } else {
            Pending *next = lane.queue.front();
            next->state = Pending::State::Reading;
            next->wake.release();
        }
    }
    return pending.broken ? Outcome::Broken : Outcome::Answered;
}

} // namespace melodee
