#pragma once

#include "appconfig.h"

#include <QSettings>
#include <QStringList>

#include <optional>

namespace melodee {

// Named connection profiles in QSettings. The password is never written here: it lives in the
// OS keychain under the profile's name (see SecretStore).
class ProfileStore
{
public:
    ProfileStore();
    explicit ProfileStore(const QString &settingsFile);

    QStringList names() const;
    std::optional<DatabaseConfig> load(const QString &name) const;
    void save(const QString &name, const DatabaseConfig &config);
    void remove(const QString &name);

    static bool isValidName(const QString &name);

private:
    mutable QSettings m_settings;
};

} // namespace melodee
