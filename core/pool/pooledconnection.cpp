#include "pooledconnection.h"

#include "connectionpool.h"
#include "db/dberror.h"
#include "poolslot.h"

#include <QSqlDatabase>

#include <atomic>
#include <utility>

namespace melodee {

PooledConnection::PooledConnection(PooledConnection &&other) noexcept
    : m_pool(std::exchange(other.m_pool, nullptr))
    , m_slot(std::exchange(other.m_slot, nullptr))
{}

PooledConnection &PooledConnection::operator=(PooledConnection &&other) noexcept
{
    if (this != &other) {
        release();
        m_pool = std::exchange(other.m_pool, nullptr);
        m_slot = std::exchange(other.m_slot, nullptr);
    }
    return *this;
}

PooledConnection::~PooledConnection()
{
    release();
}

PgConnection *PooledConnection::operator->() const
{
    return m_slot ? m_slot->conn.get() : nullptr;
}

PgConnection &PooledConnection::operator*() const
{
    return *m_slot->conn;
}

PgConnection *PooledConnection::get() const
{
    return m_slot ? m_slot->conn.get() : nullptr;
}

PooledConnection::operator bool() const
{
    return m_slot != nullptr;
}

void PooledConnection::discard()
{
    if (m_slot)
        m_slot->discard = true;
}

void PooledConnection::release()
{
    if (!m_slot)
        return;
    PoolSlot *slot = std::exchange(m_slot, nullptr);
    ConnectionPool *pool = std::exchange(m_pool, nullptr);
    if (!slot->sqlName.isEmpty()) {
        // The driver must not touch the connection once another thread may lease it.
        if (slot->sqlDriver)
            slot->sqlDriver->detach();
        QSqlDatabase::removeDatabase(slot->sqlName);
        slot->sqlName.clear();
    }
    pool->giveBack(slot);
}

QSqlDatabase PooledConnection::sqlDatabase()
{
    if (!m_slot)
        throw DbError(QStringLiteral("open QSqlDatabase"),
                      QString(),
                      QStringLiteral("the lease holds no connection"));
    if (!m_slot->sqlName.isEmpty())
        return QSqlDatabase::database(m_slot->sqlName, false);
    static std::atomic<quint64> counter{0};
    m_slot->sqlName = QStringLiteral("melodee-pool-%1").arg(++counter);
    auto *driver = new PooledSqlDriver(m_slot->conn.get());
    m_slot->sqlDriver = driver;
    return QSqlDatabase::addDatabase(driver, m_slot->sqlName);
}

} // namespace melodee
