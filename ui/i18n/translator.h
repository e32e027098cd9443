#pragma once

#include <QLocale>
#include <QString>
#include <QStringList>

class QCoreApplication;

namespace melodee {

// Loads the GUI translations (.qm files embedded under :/i18n by qt_add_translations) and Qt's
// own translations for the chosen language. The language follows the system locale unless the
// user picked one in the settings (QSettings key "language", e.g. "de"; empty = system).
class Translator
{
public:
    static constexpr const char *SettingsKey = "language";

    // The locale the UI should use: the settings override, else the system locale.
    static QLocale uiLocale();
    // Languages with an embedded translation, plus "en" (the source language), sorted.
    static QStringList availableLanguages();
    // The override stored in the settings; an empty string means "follow the system".
    static QString languageOverride();
    static void setLanguageOverride(const QString &language);

    // Replaces any translators installed earlier by this class. Returns true when the UI is
    // translated into the locale's language or that language is English (nothing to load).
    static bool install(QCoreApplication *app, const QLocale &locale);
};

} // namespace melodee
