#include "task.h"

#include <QCoreApplication>
#include <QFutureWatcher>
#include <QMutex>
#include <QThread>

namespace melodee::detail {

namespace {

// The thread on which the cancellation watchers live. Started on first use, stopped when the
// QCoreApplication is destroyed.
class CancelRelay
{
public:
    static QObject *context()
    {
        static CancelRelay *relay = [] {
            auto *r = new CancelRelay;
            qAddPostRoutine(&CancelRelay::shutdown);
            return r;
        }();
        return relay->m_context;
    }

private:
    CancelRelay()
    {
        m_thread.setObjectName(QStringLiteral("melodee-cancel-relay"));
        m_context = new QObject;
        m_context->moveToThread(&m_thread);
        QObject::connect(&m_thread, &QThread::finished, m_context, &QObject::deleteLater);
        m_thread.start();
        s_instance = this;
    }

    static void shutdown()
    {
        if (!s_instance)
            return;
        s_instance->m_thread.quit();
        s_instance->m_thread.wait();
    }

    static inline CancelRelay *s_instance = nullptr;
    QThread m_thread;
    QObject *m_context = nullptr;
};

} // namespace

void stopWhenCancelled(const QFuture<void> &future, const std::shared_ptr<std::stop_source> &source)
{
    if (future.isCanceled()) {
        source->request_stop();
        return;
    }
    if (!QCoreApplication::instance())
        return;
    QObject *context = CancelRelay::context();
    QMetaObject::invokeMethod(
        context,
        [context, future, source] {
            auto *watcher = new QFutureWatcher<void>(context);
            QObject::connect(watcher, &QFutureWatcherBase::canceled, watcher, [source] {
                source->request_stop();
            });
            QObject::connect(
                watcher, &QFutureWatcherBase::finished, watcher, &QObject::deleteLater);
            // A future cancelled before this point reports canceled() here too.
            watcher->setFuture(future);
        },
        Qt::QueuedConnection);
}

} // namespace melodee::detail
