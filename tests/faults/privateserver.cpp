#include "privateserver.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTcpServer>
#include <QVersionNumber>

#include <unistd.h>

namespace melodee::test {

PrivateServer::PrivateServer()
    : m_dir(QDir::tempPath() + QStringLiteral("/melodee-faults-XXXXXX"))
    , m_bin(binDir())
{}

PrivateServer::~PrivateServer()
{
    if (QFile::exists(data() + QStringLiteral("/postmaster.pid")))
        run(QStringLiteral("pg_ctl"),
            {QStringLiteral("-D"),
             data(),
             QStringLiteral("-m"),
             QStringLiteral("immediate"),
             QStringLiteral("-w"),
             QStringLiteral("stop")});
}

QString PrivateServer::binDir()
{
    const QString fromEnv = qEnvironmentVariable("MELODEE_TEST_PG_BIN");
    if (!fromEnv.isEmpty())
        return fromEnv;
    QString best;
    QVersionNumber bestVersion;
    const QDir root(QStringLiteral("/usr/lib/postgresql"));
    for (const QString &version : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        const QString bin = root.filePath(version + QStringLiteral("/bin"));
        const QVersionNumber v = QVersionNumber::fromString(version);
        if (QFile::exists(bin + QStringLiteral("/initdb")) && v > bestVersion) {
            best = bin;
            bestVersion = v;
        }
    }
    return best;
}

bool PrivateServer::run(const QString &tool, const QStringList &args)
{
    // The server refuses to run as root: then run the tools as the postgres user.
    QString program = m_bin + QLatin1Char('/') + tool;
    QStringList all = args;
    if (::geteuid() == 0) {
        all = QStringList{QStringLiteral("-u"),
                          QStringLiteral("postgres"),
                          QStringLiteral("--"),
                          program}
              + args;
        program = QStringLiteral("runuser");
    }
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, all);
    const bool finished = p.waitForFinished(120000);
    if (finished && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0)
        return true;
    m_error = QStringLiteral("%1 failed: %2").arg(tool, QString::fromUtf8(p.readAll()));
    QFile log(m_dir.path() + QStringLiteral("/log"));
    if (log.open(QIODevice::ReadOnly))
        m_error += QStringLiteral("\nserver log:\n") + QString::fromUtf8(log.readAll().right(4000));
    return false;
}

QString PrivateServer::data() const
{
    return m_dir.path() + QStringLiteral("/data");
}

bool PrivateServer::init()
{
    if (m_bin.isEmpty()) {
        m_error = QStringLiteral("no PostgreSQL server binaries (initdb) under "
                                 "/usr/lib/postgresql; set MELODEE_TEST_PG_BIN");
        return false;
    }
    if (!m_dir.isValid()) {
        m_error = QStringLiteral("cannot create a temporary directory");
        return false;
    }
    // The postgres user (when we are root) writes the data directory and the socket here.
    QFile::setPermissions(m_dir.path(),
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner
                              | QFileDevice::ReadOther | QFileDevice::WriteOther
                              | QFileDevice::ExeOther);
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost)) {
        m_error = QStringLiteral("no free port on 127.0.0.1");
        return false;
    }
    m_port = probe.serverPort();
    probe.close();
    return run(QStringLiteral("initdb"),
               {QStringLiteral("-D"),
                data(),
                QStringLiteral("-A"),
                QStringLiteral("trust"),
                QStringLiteral("-U"),
                QStringLiteral("postgres")})
           && start();
}

bool PrivateServer::start()
{
    return run(QStringLiteral("pg_ctl"),
               {QStringLiteral("-D"),
                data(),
                QStringLiteral("-l"),
                m_dir.path() + QStringLiteral("/log"),
                QStringLiteral("-w"),
                QStringLiteral("-t"),
                QStringLiteral("60"),
                QStringLiteral("-o"),
                QStringLiteral("-p %1 -k %2 -c listen_addresses=127.0.0.1 -c max_connections=100 "
                               "-c fsync=off")
                    .arg(m_port)
                    .arg(m_dir.path()),
                QStringLiteral("start")});
}

bool PrivateServer::stop()
{
    return run(QStringLiteral("pg_ctl"),
               {QStringLiteral("-D"),
                data(),
                QStringLiteral("-m"),
                QStringLiteral("fast"),
                QStringLiteral("-w"),
                QStringLiteral("stop")});
}

DatabaseConfig PrivateServer::config() const
{
    DatabaseConfig c;
    c.host = QStringLiteral("127.0.0.1");
    c.port = m_port;
    c.user = QStringLiteral("postgres");
    c.dbname = QStringLiteral("postgres");
    c.sslmode = QStringLiteral("disable");
    c.connectTimeout = std::chrono::seconds(3);
    return c;
}

QString PrivateServer::dsn() const
{
    return QStringLiteral("host=127.0.0.1 port=%1 user=postgres dbname=postgres sslmode=disable")
        .arg(m_port);
}

} // namespace melodee::test
