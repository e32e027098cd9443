#include "licenceinfo.h"

namespace melodee {

QList<ComponentLicence> shippedComponentLicences()
{
    // Component names and licence identifiers are proper names: they are not translated.
    return {
        {QStringLiteral("Qt 6"),
         QStringLiteral("LGPL-3.0-only"),
         QStringLiteral("https://www.qt.io/licensing/open-source-lgpl-obligations")},
        {QStringLiteral("Qt Charts"),
         QStringLiteral("GPL-3.0-only"),
         QStringLiteral("https://doc.qt.io/qt-6/qtcharts-index.html")},
        {QStringLiteral("libpq (PostgreSQL)"),
         QStringLiteral("PostgreSQL"),
         QStringLiteral("https://www.postgresql.org/about/licence/")},
        {QStringLiteral("QtKeychain"),
         QStringLiteral("BSD-2-Clause"),
         QStringLiteral("https://github.com/frankosterfeld/qtkeychain")},
        {QStringLiteral("libpg_query"),
         QStringLiteral("BSD-3-Clause"),
         QStringLiteral("https://github.com/pganalyze/libpg_query")},
        {QStringLiteral("yaml-cpp"),
         QStringLiteral("MIT"),
         QStringLiteral("https://github.com/jbeder/yaml-cpp")},
        {QStringLiteral("hiredis"),
         QStringLiteral("BSD-3-Clause"),
         QStringLiteral("https://github.com/redis/hiredis")},
    };
}

} // namespace melodee
