#include "connectionsession.h"

#include <async/whenfinished.h>
#include <db/connectparams.h>
#include <pool/connectionpool.h>
#include <pool/connector.h>
#include <pool/replicarouter.h>
#include <songs/songservice.h>
#include <util/logging.h>
#include <util/redactor.h>

#include <QCoreApplication>
#include <QHash>

#include <libpq-fe.h>

#include <atomic>
#include <optional>

namespace melodee {

// The song reads each new pool connection caches the plans of (SongService::warmUp()): until
// the schema is recognised, those of the songs table the database has (one catalog look-up per
// connection, ours first); then the recognised layout's, and none on a database that holds
// neither. The connector reads it on a pool thread.
// One value, read and replaced whole, so a connection never sees half of an answer.
struct WarmUpTarget
{
    bool known = false; // the schema has been recognised
    bool warm = false;  // once known: whether there is a layout to warm
    SchemaLayout layout = SchemaLayout::Melodee;

    std::optional<SchemaLayout> layoutToWarm() const
    {
        return warm ? std::optional(layout) : std::nullopt;
    }
};
static_assert(std::atomic<WarmUpTarget>::is_always_lock_free);

ConnectionSession::ConnectionSession(QObject *parent)
    : QObject(parent)
{}

QString ConnectionSession::displayName() const
{
    return m_connected ? displayNameFor(m_config.database) : QString();
}

QString ConnectionSession::displayNameFor(const DatabaseConfig &database)
{
    // Start from what a --dsn says (libpq parses it), then the explicit fields, which win.
    QHash<QByteArray, QString> values;
    if (!database.dsn.isEmpty()) {
        char *error = nullptr;
        PQconninfoOption *options = PQconninfoParse(database.dsn.toUtf8().constData(), &error);
        if (options) {
            for (PQconninfoOption *o = options; o->keyword; ++o) {
                if (o->val && *o->val)
                    values.insert(QByteArray(o->keyword), QString::fromUtf8(o->val));
            }
            PQconninfoFree(options);
        }
        if (error)
            PQfreemem(error);
    }
    const ConnectParams params(database);
    for (const char *key : {"host", "hostaddr", "port", "user", "dbname"}) {
        const QString v = params.value(key);
        // With a --dsn, ConnectParams carries the whole string as dbname: keep the parsed one.
        if (!v.isEmpty()
            && !(database.dsn.size() && qstrcmp(key, "dbname") == 0 && v == database.dsn))
            values.insert(QByteArray(key), v);
    }
    QString host = values.value("host", values.value("hostaddr"));
    QString text = host.isEmpty()
                       ? QCoreApplication::translate("melodee::ConnectionSession", "local socket")
                       : host;
    if (values.contains("port"))
        text += QLatin1Char(':') + values.value("port");
    if (values.contains("user"))
        text.prepend(values.value("user") + QLatin1Char('@'));
    if (values.contains("dbname"))
        text += QLatin1Char('/') + values.value("dbname");
    return Redactor::redact(text);
}

void ConnectionSession::connectTo(const AppConfig &config, const QString &profileName)
{
    if (!config.database.password.isEmpty())
        Redactor::registerSecret(config.database.password);
    m_config = config;
    m_profileName = profileName;
    m_connected = true;
    qCInfo(lcUi).noquote() << "connecting to" << displayName();
    // Creating a pool opens nothing: the first health check makes the first connection. Each
    // connection, to the primary or to a replica, caches the plans of the first song pages as it
    // opens, off the GUI thread, so the Songs view's first page does not wait for the planner to
    // open every partition.
    auto warmUp = std::make_shared<std::atomic<WarmUpTarget>>();
    m_warmUp = warmUp;
    const SessionConfig session = m_config.session;
    const PgConnector::WarmUp warmSongs = [session, warmUp](PgConnection &conn) {
        const WarmUpTarget target = warmUp->load();
        const std::optional<SchemaLayout> layout
            = target.known ? target.layoutToWarm() : SongService::layoutPresent(conn, session);
        if (layout)
            SongService::warmUp(conn, session, *layout);
    };
    m_pool = std::make_shared<ConnectionPool>(
        m_config.database,
        m_config.session,
        std::make_unique<PgConnector>(m_config.database, m_config.session.prepareStmt, warmSongs));
    // Replicas are looked at from now on, whichever view is shown: reads may go to them.
    m_router = std::make_shared<ReplicaRouter>(m_pool, std::chrono::milliseconds(), warmSongs);
    m_health.setTarget(m_pool, m_config.session);
    detectSchema();
    emit connectionChanged();
}

void ConnectionSession::detectSchema()
{
    m_schemaFuture.cancel();
    m_schema = SchemaReport();
    m_schemaError.clear();
    m_schemaDetected = false;
    const SchemaInspector inspector(m_config);
    m_schemaFuture = m_pool->run([inspector](PgConnection &c) { return inspector.detect(c); });
    const quint64 generation = ++m_schemaGeneration;
    whenFinished(
        this, m_schemaFuture, [this, generation](const TaskOutcome<SchemaReport> &outcome) {
            if (outcome.cancelled || generation != m_schemaGeneration)
                return; // a reconnect or a disconnect replaced it
            if (outcome.ok()) {
                m_schema = *outcome.value;
                m_warmUp->store(
                    {true, m_schema.kind != SchemaKind::Unknown, schemaLayoutFor(m_schema.kind)});
            } else {
                m_schemaError = outcome.error;
                qCWarning(lcUi).noquote() << "could not recognise the schema:" << outcome.error;
            }
            m_schemaDetected = true;
            emit schemaChanged();
        });
}

void ConnectionSession::disconnectFromServer()
{
    m_connected = false;
    ++m_schemaGeneration;
    m_schemaFuture.cancel();
    m_schema = SchemaReport();
    m_schemaError.clear();
    m_schemaDetected = false;
    m_profileName.clear();
    m_config.database.password.clear();
    m_health.clearTarget();
    m_router.reset();
    m_pool.reset();
    m_warmUp.reset();
    emit connectionChanged();
}

} // namespace melodee
