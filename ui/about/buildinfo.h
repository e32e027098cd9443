#pragma once

#include <QString>

namespace melodee {

// Facts about this build, shown in the About dialog and printed by --self-check.
struct BuildInfo
{
    static QString version();        // project(VERSION), the one version of every package
    static QString compiler();       // e.g. "GCC 12.2.0"
    static QString qtBuildVersion(); // Qt the app was compiled against
    static QString qtRuntimeVersion();
    static QString libpqVersion(); // the libpq loaded at run time
    static QString buildDate();    // UTC, from SOURCE_DATE_EPOCH when set (reproducible)
    static QString platform();     // OS and CPU the app runs on
};

} // namespace melodee
