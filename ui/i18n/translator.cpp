#include "translator.h"

#include <QCoreApplication>
#include <QDir>
#include <QLibraryInfo>
#include <QSettings>
#include <QTranslator>

namespace melodee {

namespace {

constexpr auto TranslatorName = "melodee-i18n";
constexpr auto ResourceDir = ":/i18n";
constexpr auto FilePrefix = "melodee-admin";

} // namespace

QString Translator::languageOverride()
{
    return QSettings().value(QLatin1String(SettingsKey)).toString().trimmed();
}

void Translator::setLanguageOverride(const QString &language)
{
    QSettings settings;
    if (language.isEmpty())
        settings.remove(QLatin1String(SettingsKey));
    else
        settings.setValue(QLatin1String(SettingsKey), language);
}

QLocale Translator::uiLocale()
{
    const QString language = languageOverride();
    if (language.isEmpty() || language == QLatin1String("system"))
        return QLocale::system();
    // QLocale("xx") for an unknown name gives the C locale: fall back to the system instead.
    const QLocale locale(language);
    return locale.language() == QLocale::C ? QLocale::system() : locale;
}

QStringList Translator::availableLanguages()
{
    QStringList languages{QStringLiteral("en")};
    const QString prefix = QLatin1String(FilePrefix) + QLatin1Char('_');
    const QStringList files
        = QDir(QLatin1String(ResourceDir)).entryList({prefix + QLatin1String("*.qm")}, QDir::Files);
    for (const QString &file : files)
        languages.append(file.mid(prefix.size()).chopped(3));
    languages.sort();
    languages.removeDuplicates();
    return languages;
}

bool Translator::install(QCoreApplication *app, const QLocale &locale)
{
    const QList<QTranslator *> old
        = app->findChildren<QTranslator *>(QLatin1String(TranslatorName));
    for (QTranslator *translator : old) {
        QCoreApplication::removeTranslator(translator);
        delete translator;
    }
    QLocale::setDefault(locale);

    // Qt's own strings (standard buttons, dialogs) come from Qt's translation catalogue; it is
    // optional (Debian: qt6-translations-l10n), so a miss is not an error.
    auto *qt = new QTranslator(app);
    qt->setObjectName(QLatin1String(TranslatorName));
    if (qt->load(locale,
                 QStringLiteral("qtbase"),
                 QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qt);
    else
        delete qt;

    auto *own = new QTranslator(app);
    own->setObjectName(QLatin1String(TranslatorName));
    // load(QLocale, ...) tries every UI language in order (LANGUAGE=fr:de, then de_AT, de).
    if (own->load(
            locale, QLatin1String(FilePrefix), QStringLiteral("_"), QLatin1String(ResourceDir))) {
        QCoreApplication::installTranslator(own);
        return true;
    }
    // No catalogue for this language (or LANG=C): the UI shows the English source, and English's
    // own catalogue holds only the plural forms ("1 year", "2 years"), so it is the fallback.
    if (own->load(QLatin1String(FilePrefix) + QLatin1String("_en"), QLatin1String(ResourceDir)))
        QCoreApplication::installTranslator(own);
    else
        delete own;
    // English is the source language: nothing to load is not a failure.
    return locale.language() == QLocale::English || locale.language() == QLocale::C;
}

} // namespace melodee
