#pragma once

#include <util/error.h>

#include <QFuture>
#include <QFutureWatcher>
#include <QObject>
#include <QString>

#include <optional>
#include <type_traits>
#include <variant>

namespace melodee {

// What background work delivered to the GUI thread: a value, or an error an admin can read (and
// expand), or the news that it was cancelled.
template<typename T>
struct TaskOutcome
{
    using Value = std::conditional_t<std::is_void_v<T>, std::monostate, T>;
    std::optional<Value> value;
    QString error;   // one line, redacted
    QString details; // SQLSTATE, detail, hint: one a line
    ErrorKind kind = ErrorKind::Failure;
    // The future was cancelled: whatever it holds belongs to a request the user has replaced or
    // abandoned.
    bool cancelled = false;
    bool ok() const { return value.has_value(); }
};

// The GUI's one way to receive the result of a QFuture (from startTask() or ConnectionPool::run()):
// done(const TaskOutcome<T> &) runs on context's thread when the work has finished, also after a
// cancellation (outcome.cancelled is then true). Nothing runs once context is destroyed.
template<typename T, typename Done>
void whenFinished(QObject *context, const QFuture<T> &future, Done done)
{
    auto *watcher = new QFutureWatcher<T>(context);
    QObject::connect(watcher, &QFutureWatcherBase::finished, context, [watcher, done] {
        watcher->deleteLater();
        QFuture<T> f = watcher->future();
        TaskOutcome<T> outcome;
        outcome.cancelled = f.isCanceled();
        try {
            if constexpr (std::is_void_v<T>) {
                f.waitForFinished(); // rethrows the work's exception
                if (!outcome.cancelled)
                    outcome.value.emplace();
            } else if (f.resultCount() > 0) {
                outcome.value = f.result();
            } else {
                f.waitForFinished();
            }
        } catch (...) {
            const ErrorInfo info = describeError(std::current_exception());
            outcome.value.reset();
            outcome.error = info.message;
            outcome.details = info.details.join(QLatin1Char('\n'));
            outcome.kind = info.kind;
            // Qt marks a future canceled when its work throws, so isCanceled() cannot tell a
            // failure from a cancel here. A future cancelled first keeps no exception (Qt drops
            // it), so an exception means the work failed: cancelled only if it says so.
            outcome.cancelled = info.kind == ErrorKind::Cancelled;
        }
        done(outcome);
    });
    watcher->setFuture(future);
}

} // namespace melodee
