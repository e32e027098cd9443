#include "buildinfo.h"

#include <melodee/version.h>

#include <QSysInfo>

#include <QtGlobal>
#include <libpq-fe.h>

#ifndef MELODEE_BUILD_DATE
#define MELODEE_BUILD_DATE "unknown"
#endif

namespace melodee {

QString BuildInfo::version()
{
    return QStringLiteral(MELODEE_VERSION);
}

QString BuildInfo::compiler()
{
#if defined(__clang__)
    return QStringLiteral("Clang %1.%2.%3")
        .arg(__clang_major__)
        .arg(__clang_minor__)
        .arg(__clang_patchlevel__);
#elif defined(__GNUC__)
    return QStringLiteral("GCC %1.%2.%3")
        .arg(__GNUC__)
        .arg(__GNUC_MINOR__)
        .arg(__GNUC_PATCHLEVEL__);
#elif defined(_MSC_FULL_VER)
    return QStringLiteral("MSVC %1").arg(_MSC_FULL_VER);
#else
    return QStringLiteral("unknown compiler");
#endif
}

QString BuildInfo::qtBuildVersion()
{
    return QStringLiteral(QT_VERSION_STR);
}

QString BuildInfo::qtRuntimeVersion()
{
    return QString::fromLatin1(qVersion());
}

QString BuildInfo::libpqVersion()
{
    // PQlibVersion() is major * 10000 + minor since PostgreSQL 10.
    const int v = PQlibVersion();
    return QStringLiteral("%1.%2").arg(v / 10000).arg(v % 10000);
}

QString BuildInfo::buildDate()
{
    return QStringLiteral(MELODEE_BUILD_DATE);
}

QString BuildInfo::platform()
{
    return QStringLiteral("%1 (%2)").arg(QSysInfo::prettyProductName(),
                                         QSysInfo::currentCpuArchitecture());
}

} // namespace melodee
