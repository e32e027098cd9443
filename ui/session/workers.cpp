#include "workers.h"

#include <db/dberror.h>
#include <util/redactor.h>

#include <QCoreApplication>

namespace melodee {

QThreadPool *networkThreadPool()
{
    // Parented to the application so its destructor waits for running probes before exit.
    static QThreadPool *pool = [] {
        auto *p = new QThreadPool(QCoreApplication::instance());
        p->setObjectName(QStringLiteral("melodee-gui-network"));
        p->setMaxThreadCount(8);
        p->setExpiryTimeout(30000);
        return p;
    }();
    return pool;
}

ProbeResult runProbe(const DatabaseConfig &database, std::chrono::milliseconds checkTimeout)
{
    ProbeResult result;
    try {
        result.server = DatabaseManager::probe(database, checkTimeout);
        result.ok = true;
    } catch (const DbError &e) {
        result.error = e.toString();
        result.sqlState = e.sqlState();
        result.serverMessage = Redactor::redact(e.message());
    } catch (const std::exception &e) {
        result.error = Redactor::redact(QString::fromUtf8(e.what()));
    }
    return result;
}

} // namespace melodee
