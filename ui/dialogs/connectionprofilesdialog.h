#pragma once

#include <config/appconfig.h>
#include <config/profilestore.h>
#include <secrets/secretstore.h>
#include <session/workers.h>

#include <QDialog>
#include <QElapsedTimer>
#include <QFuture>
#include <QTimer>

#include <deque>
#include <functional>
#include <memory>
#include <optional>

class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;

namespace melodee {

// Create, edit and delete connection profiles (QSettings through ProfileStore; the password only
// in the OS keychain), test a connection off the GUI thread, import a Melodee YAML config, and
// connect the main window. When no keychain is reachable the dialog says so and the password
// field must be filled for each connection: it is never written to disk. A saved password is only
// ever sent to the host and port it was saved with.
class ConnectionProfilesDialog : public QDialog
{
    Q_OBJECT

public:
    explicit ConnectionProfilesDialog(const QString &profileSettingsFile = QString(),
                                      QWidget *parent = nullptr);
    ~ConnectionProfilesDialog() override;

    enum class KeychainState { Checking, Available, Unavailable };
    KeychainState keychainState() const { return m_keychainState; }

    QStringList profileNames() const;
    // The saved profile being edited; empty while a new one is being written.
    QString currentProfile() const { return m_currentProfile; }
    bool selectProfile(const QString &name);

    // The form's connection settings (the password field included); std::nullopt with the errors
    // when a field is invalid.
    std::optional<DatabaseConfig> formConfig(QStringList *errors = nullptr) const;
    QString formName() const;
    void setForm(const QString &name, const DatabaseConfig &config);
    QStringList validationErrors() const { return m_errors; }
    QString nameError() const { return m_nameError; }

    bool isTestRunning() const { return m_testRunning; }
    bool isPasswordReadPending() const { return m_passwordReadPending; }
    bool hasStoredPassword() const { return !m_storedPassword.isEmpty(); }
    // The host or port was edited away from the server the saved password belongs to: the
    // password is forgotten until one is typed, and saving without one removes it from the
    // keychain.
    bool isStoredPasswordForgotten() const { return m_passwordForgotten; }
    // A keychain write, move or delete started by a save or delete has not finished yet.
    bool isKeychainBusy() const { return m_keychainBusy; }
    QString testResultText() const;
    QString messageText() const;
    QString keychainText() const;
    // The form differs from the profile as loaded or saved (or holds an unsaved import).
    bool hasUnsavedChanges() const;
    // A new, unsaved profile holding these settings (never a password): the connection in use
    // when the dialog opens for one that came from no saved profile.
    void prefill(const DatabaseConfig &config);

public slots:
    // Asks before discarding unsaved changes (Discard / Cancel); closes at once otherwise.
    void reject() override;
    void newProfile();
    bool saveProfile();
    bool deleteProfile(bool confirm = true);
    void testConnection();
    void cancelTest();
    bool importConfigFile(const QString &path);
    void chooseImportFile();
    void connectToServer();

signals:
    void connectRequested(const melodee::DatabaseConfig &config, const QString &profileName);
    void testFinished(bool ok, const QString &text);
    void keychainStateChanged(melodee::ConnectionProfilesDialog::KeychainState state);
    // After the keychain write (or delete) a save started; ok=false when it failed.
    void passwordStored(const QString &profile, bool ok, const QString &error);
    void passwordLoaded(const QString &profile);
    void profilesChanged();

private:
    void buildUi();
    void reloadList(const QString &select = QString());
    void onSelectionChanged();
    void loadProfile(const QString &name);
    void validate();
    void onEdited();
    QString formSnapshot() const;
    bool confirmDiscard();
    void updateButtons();
    void setMessage(const QString &text, bool error);
    void setTestResult(const QString &text, int status);
    void onTestFinished(const ProbeResult &result);
    void checkKeychain();
    void setKeychainState(KeychainState state, const QString &detail = QString());
    void readStoredPassword(const QString &name);
    void cancelPasswordRead();
    void onTargetEdited();
    QLineEdit *addFileField(QFormLayout *form,
                            const QString &label,
                            const QString &name,
                            const QString &filter);
    DatabaseConfig withPassword(DatabaseConfig config) const;
    using KeychainOp = std::function<void(const std::function<void()> &next)>;
    void enqueueKeychain(KeychainOp op);
    void runNextKeychainOp();
    // Stores typed under to (from empty), or moves from's entry to to after a rename (typed, when
    // given, replaces it). Emits passwordStored(to, ...) when done.
    void movePassword(const QString &from, const QString &to, const QString &typed);

    std::unique_ptr<ProfileStore> m_store;
    SecretStore m_secrets;
    QString m_currentProfile;
    QString m_storedPassword; // read from the keychain for the current profile; memory only
    // The server m_storedPassword was saved for: the profile's host and port as loaded or saved.
    PasswordBinding m_storedFor;
    bool m_targetEdited = false;      // host or port moved away from m_storedFor since loading
    bool m_passwordForgotten = false; // ... and a saved password (or its read) was dropped
    bool m_passwordReadPending = false;
    QFuture<SecretResult> m_passwordRead;
    std::deque<KeychainOp> m_keychainQueue;
    bool m_keychainBusy = false;
    KeychainState m_keychainState = KeychainState::Checking;
    QStringList m_errors; // settings that cannot be used
    QString m_nameError;  // only blocks saving
    bool m_loading = false;
    bool m_showNameError = false;  // something was typed, or a save tried, since the form loaded
    QString m_snapshot;            // formSnapshot() as loaded or saved
    DatabaseConfig m_testedConfig; // the settings of the last test, without the password

    bool m_testRunning = false;
    QFuture<ProbeResult> m_test;
    QElapsedTimer m_testClock;
    QTimer m_testTicker;
    Duration m_testTimeout{};

    QListWidget *m_list = nullptr;
    QLineEdit *m_name = nullptr;
    QLineEdit *m_host = nullptr;
    QSpinBox *m_port = nullptr;
    QLineEdit *m_user = nullptr;
    QLineEdit *m_dbname = nullptr;
    QLineEdit *m_password = nullptr;
    QLabel *m_keychainLabel = nullptr;
    QComboBox *m_sslmode = nullptr;
    QLineEdit *m_sslrootcert = nullptr;
    QLineEdit *m_sslcert = nullptr;
    QLineEdit *m_sslkey = nullptr;
    QLineEdit *m_connectTimeout = nullptr;
    QSpinBox *m_maxOpen = nullptr;
    QSpinBox *m_maxIdle = nullptr;
    QLineEdit *m_lifetime = nullptr;
    QLineEdit *m_idleTime = nullptr;
    QLabel *m_validationLabel = nullptr;
    QLabel *m_messageLabel = nullptr;
    QLabel *m_testResult = nullptr;
    QPushButton *m_newButton = nullptr;
    QPushButton *m_deleteButton = nullptr;
    QPushButton *m_saveButton = nullptr;
    QPushButton *m_testButton = nullptr;
    QPushButton *m_importButton = nullptr;
    QPushButton *m_connectButton = nullptr;
};

} // namespace melodee
