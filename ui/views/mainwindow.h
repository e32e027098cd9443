#pragma once

#include "viewid.h"

#include <config/appconfig.h>
#include <dialogs/connectionprofilesdialog.h>
#include <health/healthchecker.h>
#include <session/startup.h>
#include <style/theme.h>

#include <QIcon>
#include <QList>
#include <QMainWindow>
#include <QPointer>

#include <optional>

class QAction;
class QActionGroup;
class QLabel;
class QMenu;
class QListWidget;
class QStackedWidget;

namespace melodee {

class ConnectionSession;
class LogDock;
class ViewPage;

// The main window: navigation on the left, one ViewPage per view, a log dock, and the connection
// and its health in the status bar. Window geometry, dock layout, the last view and the last
// profile's name are kept in QSettings; no password ever is.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    using View = ViewId;

    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    ConnectionSession *session() const { return m_session; }
    LogDock *logDock() const { return m_logDock; }
    // The view, built now if it was not shown yet.
    ViewPage *page(ViewId view);
    static QString viewTitle(ViewId view);
    // The navigation entry's icon.
    static QIcon viewIcon(ViewId view);

    void showView(ViewId view);
    ViewId currentView() const;

    // Tests point the profile store at a private INI file; empty means the user's QSettings.
    void setProfileSettingsFile(const QString &file) { m_profileSettingsFile = file; }
    ConnectionProfilesDialog *profilesDialog() const { return m_profilesDialog; }
    QString profileSettingsFile() const { return m_profileSettingsFile; }

    // Geometry, dock state and the last view.
    void restoreSettings();
    void saveSettings() const;

    // Start-up: the view asked for (else the last one), then connects as planned or shows why not.
    void applyStartup(const StartupPlan &plan);

    // Connects with a resolved configuration (password, if any, only in memory).
    void connectWith(const AppConfig &config, const QString &profileName = QString());
    // Connects with a saved profile's resolved configuration, reading its password from the
    // keychain first without blocking; asks for it when no keychain is available.
    void connectReadingPassword(const AppConfig &config, const QString &profile);

    QString lastProfile() const;

    // View > Language: the entry ("" = system default, else a language code) a stored override
    // selects, and the name shown for a language code.
    static QString languageMenuChoice(const QString &language);
    static QString languageDisplayName(const QString &language);

    // Status bar texts, for tests and screenshots.
    QString connectionText() const;
    QString healthText() const;

public slots:
    void openProfilesDialog();
    void showAbout();

protected:
    void closeEvent(QCloseEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void createActions();
    void createLanguageMenu(QMenu *parent);
    void updateLanguageMenu();
    void chooseLanguage(QAction *action);
    void onCurrentPageChanged(int index);
    void updateActivePages();
    void updateConnectionStatus();
    void updateSchemaStatus();
    void onHealthCheckStarted();
    void onHealthReport(const HealthReport &report);
    void showHealth(Theme::Status status,
                    const QString &word,
                    const QString &message,
                    const QString &tooltip);
    void setLastProfile(const QString &profile);
    void askPassword(const QString &profile, const AppConfig &config, const QString &reason);

    ConnectionSession *m_session = nullptr;
    QListWidget *m_navigation = nullptr;
    QStackedWidget *m_pages = nullptr;
    QList<ViewPage *> m_viewPages; // nullptr until the view is first shown
    LogDock *m_logDock = nullptr;
    QLabel *m_connectionLabel = nullptr;
    QLabel *m_healthLabel = nullptr;
    QLabel *m_schemaLabel = nullptr; // which schema the database holds (SchemaInspector)
    QActionGroup *m_languageGroup = nullptr;
    QPointer<ConnectionProfilesDialog> m_profilesDialog;
    QString m_profileSettingsFile;
    AppConfig m_baseConfig; // session/redis/migrate settings from start-up, kept across connects
    std::optional<DatabaseConfig> m_lastDatabase; // the last connection's, without its password
    QString m_lastConnectedProfile;
};

} // namespace melodee
