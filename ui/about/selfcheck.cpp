#include "selfcheck.h"

#include "buildinfo.h"
#include "i18n/translator.h"

#include <QApplication>
#include <QSqlDatabase>
#include <QTextStream>
#include <QWidget>

#if defined(__linux__)
#include <link.h>
#endif

namespace melodee {

namespace {

// Where the keychain library was loaded from: it is linked, not dlopen()ed, but a package
// that forgot it would not start at all, so this mostly documents which copy is in use.
QString keychainLibrary()
{
#if defined(__linux__)
    QString found;
    dl_iterate_phdr(
        [](dl_phdr_info *info, size_t, void *data) {
            const QString name = QString::fromLocal8Bit(info->dlpi_name);
            if (name.contains(QLatin1String("libqt6keychain"))) {
                *static_cast<QString *>(data) = name;
                return 1;
            }
            return 0;
        },
        &found);
    return found.isEmpty() ? QStringLiteral("not loaded") : found;
#else
    return QStringLiteral("linked");
#endif
}

} // namespace

int SelfCheck::run(QWidget *mainWindow, QTextStream &out)
{
    bool ok = true;
    out << "version: " << BuildInfo::version() << '\n';
    out << "qt: " << BuildInfo::qtRuntimeVersion() << '\n';
    out << "platform: " << QGuiApplication::platformName() << '\n';
    const QStringList drivers = QSqlDatabase::drivers();
    out << "sql-drivers: " << drivers.join(QLatin1Char(' ')) << '\n';
    {
        // Creating the connection loads the plugin and, through it, libpq; no server is needed.
        const QString name = QStringLiteral("melodee-self-check");
        const bool valid = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name).isValid();
        QSqlDatabase::removeDatabase(name);
        out << "qpsql: " << (valid ? "loaded" : "missing") << '\n';
        ok = ok && valid;
    }
    const QString keychain = keychainLibrary();
    out << "keychain: " << keychain << '\n';
    ok = ok && keychain != QLatin1String("not loaded");
    out << "translations: " << Translator::availableLanguages().join(QLatin1Char(' ')) << '\n';

    mainWindow->show();
    QApplication::processEvents();
    const bool shown = mainWindow->isVisible() && mainWindow->windowHandle() != nullptr;
    out << "main-window: " << (shown ? "shown" : "not shown") << '\n';
    ok = ok && shown;
    out << "result: " << (ok ? "ok" : "FAILED") << '\n';
    out.flush();
    return ok ? 0 : 1;
}

} // namespace melodee
