#pragma once

#include <db/dberror.h>
#include <migrate/migration.h>
#include <util/error.h>

#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <QThreadPool>
#include <QtConcurrent>

#include <exception>
#include <functional>
#include <optional>
#include <type_traits>

namespace melodee {

// The outcome of database work done off the GUI thread: a value, or a readable error plus the
// details (SQLSTATE, detail, hint) an admin can expand.
template<typename T>
struct TaskOutcome
{
    std::optional<T> value;
    QString error;
    QString details;
    bool ok() const { return value.has_value(); }
};

inline void describeError(const std::exception_ptr &e, QString *error, QString *details)
{
    const ErrorInfo info = melodee::describeError(e);
    *error = info.message;
    *details = info.details.join(QLatin1Char('\n'));
}

// Runs fn() on `pool` and calls done(outcome) on `context`'s thread when it finishes. The future
// is returned so the owner can wait for it before it is destroyed.
template<typename Fn, typename Done>
QFuture<TaskOutcome<std::invoke_result_t<Fn>>>
runInBackground(QObject *context, QThreadPool *pool, Fn fn, Done done)
{
    using T = std::invoke_result_t<Fn>;
    auto *watcher = new QFutureWatcher<TaskOutcome<T>>(context);
    QObject::connect(watcher, &QFutureWatcherBase::finished, context, [watcher, done] {
        const TaskOutcome<T> outcome = watcher->result();
        watcher->deleteLater();
        done(outcome);
    });
    auto future = QtConcurrent::run(pool, [fn = std::move(fn)]() -> TaskOutcome<T> {
        TaskOutcome<T> out;
        try {
            out.value = fn();
        } catch (...) {
            describeError(std::current_exception(), &out.error, &out.details);
        }
        return out;
    });
    watcher->setFuture(future);
    return future;
}

} // namespace melodee
