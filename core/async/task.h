#pragma once

#include <QFuture>
#include <QPromise>
#include <QThreadPool>

#include <functional>
#include <memory>
#include <stop_token>
#include <type_traits>

namespace melodee {

// The one way background work runs and stops, in the core and in both front ends:
// - work runs through startTask() (or ConnectionPool::run(), which is built on it) and hands
//   back a QFuture;
// - whoever holds the future stops the work with QFuture::cancel();
// - the work sees that through the std::stop_token it is given. It checks stop_requested()
//   between steps, and a std::stop_callback on the token acts at once (ConnectionPool::run sends
//   PQcancel to the server that way). Work that stops early throws DbError::cancelled().
// A front end that starts new work in place of old cancels the old future and ignores what it
// delivers (its isCanceled() stays true even when the work had already finished).

namespace detail {
// Requests a stop on `source` as soon as `future` is cancelled, or at once if it already is.
// Event-driven, not polled: a QFutureWatcher on a small relay thread receives the cancellation
// as Qt reports it. Needs a QCoreApplication; without one, only the first check sees it.
void stopWhenCancelled(const QFuture<void> &future,
                       const std::shared_ptr<std::stop_source> &source);
} // namespace detail

template<typename Fn>
auto startTask(QThreadPool *pool, Fn &&fn) -> QFuture<std::invoke_result_t<Fn, std::stop_token>>
{
    using R = std::invoke_result_t<Fn, std::stop_token>;
    auto promise = std::make_shared<QPromise<R>>();
    auto stop = std::make_shared<std::stop_source>();
    auto work = std::make_shared<std::decay_t<Fn>>(std::forward<Fn>(fn));
    QFuture<R> future = promise->future();
    promise->start();
    detail::stopWhenCancelled(QFuture<void>(future), stop);
    pool->start([promise, stop, work] {
        try {
            if (!promise->isCanceled() && !stop->stop_requested()) {
                if constexpr (std::is_void_v<R>)
                    (*work)(stop->get_token());
                else
                    promise->addResult((*work)(stop->get_token()));
            }
        } catch (const QException &e) {
            promise->setException(e);
        } catch (...) {
            promise->setException(std::current_exception());
        }
        promise->finish();
    });
    return future;
}

} // namespace melodee
