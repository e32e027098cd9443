#include <views/mainwindow.h>

#include <melodee/version.h>

#include <QApplication>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Melodee"));
    QApplication::setApplicationName(QStringLiteral("melodee-admin"));
    QApplication::setApplicationVersion(QStringLiteral(MELODEE_VERSION));
    melodee::MainWindow window{melodee::AppConfig{}};
    window.show();
    return app.exec();
}
