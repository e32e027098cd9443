#include <db/databasemanager.h>
#include <db/dberror.h>
#include <db/pgconnection.h>

#include <testenv.h>

#include <QElapsedTimer>
#include <QTcpServer>
#include <QTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace melodee;
using namespace std::chrono_literals;
using melodee::test::TestEnv;

namespace {

// A TCP listener on 127.0.0.1 that completes the handshake (the kernel does that for the
// backlog) but never reads or answers: the "server that hangs" case.
class SilentListener
{
public:
    SilentListener()
    {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = 0;
        if (m_fd < 0 || ::bind(m_fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0
            || ::listen(m_fd, 16) != 0)
            return;
        socklen_t len = sizeof a;
        ::getsockname(m_fd, reinterpret_cast<sockaddr *>(&a), &len);
        m_port = ntohs(a.sin_port);
    }
    ~SilentListener()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    int port() const { return m_port; }

private:
    int m_fd = -1;
    int m_port = 0;
};

// A port on 127.0.0.1 that was free a moment ago and now has no listener.
int closedPort()
{
    QTcpServer s;
    if (!s.listen(QHostAddress::LocalHost, 0))
        return 0;
    const int port = s.serverPort();
    s.close();
    return port;
}

} // namespace

// DatabaseManager: connect + health check, ping, probe, and how it fails.
class tst_DatabaseManager : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void connectAndPing();
    void probe();
    void pingWithoutConnect();
    void unreachable_data();
    void unreachable();
    void healthCheckTimeout();

private:
    DatabaseConfig m_db;
};

void tst_DatabaseManager::initTestCase()
{
    MELODEE_REQUIRE_POSTGRES();
    m_db = TestEnv::freshDatabase(QStringLiteral("dbmanager"));
}

void tst_DatabaseManager::connectAndPing()
{
    AppConfig config;
    config.database = m_db;
    config.database.sslmode = QStringLiteral("require");
    DatabaseManager manager(config);
    const ServerInfo info = manager.connect();
    QVERIFY2(info.serverVersion.startsWith(QLatin1String("15")), qPrintable(info.serverVersion));
    QCOMPARE(info.database, m_db.dbname);
    QCOMPARE(info.user, QStringLiteral("postgres"));
    QVERIFY(info.tls);
    QVERIFY(!info.tlsDescription.isEmpty());
    QVERIFY(info.backendPid > 0);
    QVERIFY(info.latencyMs > 0);
    QVERIFY(info.connectMs >= info.latencyMs || info.connectMs > 0);
    QVERIFY(manager.connection());
    QVERIFY(manager.ping() > 0);
    // The check leaves no statement_timeout behind on the session it hands out.
    QCOMPARE(manager.connection()->exec("SHOW statement_timeout").text(0, 0), QStringLiteral("0"));
}

void tst_DatabaseManager::probe()
{
    DatabaseConfig c = m_db;
    c.sslmode = QStringLiteral("disable");
    const ServerInfo info = DatabaseManager::probe(c, 2s);
    QVERIFY(!info.tls);
    QVERIFY(info.tlsDescription.isEmpty());
    QCOMPARE(info.database, m_db.dbname);
}

void tst_DatabaseManager::pingWithoutConnect()
{
    DatabaseManager manager{AppConfig{}};
    QVERIFY_THROWS_EXCEPTION(DbError, manager.ping());
}

void tst_DatabaseManager::unreachable_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("errorPart");
    QTest::newRow("closed port") << 0 << "Connection refused";
    QTest::newRow("silent listener, connect_timeout") << 1 << "timeout expired";
}

void tst_DatabaseManager::unreachable()
{
    QFETCH(int, kind);
    QFETCH(QString, errorPart);
    SilentListener silent;
    DatabaseConfig c;
    c.host = QStringLiteral("127.0.0.1");
    c.user = QStringLiteral("postgres");
    c.dbname = QStringLiteral("postgres");
    c.port = kind == 0 ? closedPort() : silent.port();
    QVERIFY(c.port > 0);
    c.connectTimeout = 2s;
    QElapsedTimer timer;
    timer.start();
    try {
        DatabaseManager::probe(c, 2s);
        QFAIL("probe should have failed");
    } catch (const DbError &e) {
        QVERIFY2(e.toString().contains(errorPart), qPrintable(e.toString()));
        QCOMPARE(e.operation(), QStringLiteral("connect"));
        QCOMPARE(e.sqlState(), QStringLiteral("08006"));
        QVERIFY(e.isRetryable());
        QVERIFY(e.toString().contains(QStringLiteral("port=%1").arg(c.port)));
    }
    // libpq may spend the timeout once per address form (SSL, then plain): a bound, not a goal.
    QVERIFY2(timer.elapsed() < 15000, qPrintable(QString::number(timer.elapsed())));
    qInfo("failed after %lld ms", timer.elapsed());
}

void tst_DatabaseManager::healthCheckTimeout()
{
    // A SELECT that takes longer than the check allows is stopped by the server.
    const auto conn = PgConnection::open(m_db);
    conn->exec("SET statement_timeout = 200");
    try {
        conn->exec("SELECT pg_sleep(5)");
        QFAIL("statement_timeout should have cancelled the query");
    } catch (const DbError &e) {
        QCOMPARE(e.sqlState(), QStringLiteral("57014"));
        QVERIFY(!e.isRetryable());
    }
}

QTEST_GUILESS_MAIN(tst_DatabaseManager)
#include "tst_databasemanager.moc"
