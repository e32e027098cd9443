#include <cli/cliapp.h>

#include <melodee/version.h>

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("Melodee"));
    QCoreApplication::setApplicationName(QStringLiteral("melodee-admin"));
    QCoreApplication::setApplicationVersion(QStringLiteral(MELODEE_VERSION));
    return melodee::runCli(QCoreApplication::arguments());
}
