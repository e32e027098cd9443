#pragma once

class QTextStream;
class QWidget;

namespace melodee {

// `melodee-admin --self-check`: proves an installed copy can load what it dlopen()s (platform
// plugin, QPSQL driver and libpq, the keychain library, the translations) and show its main
// window. Used by tests/packaging/install-test.sh; prints "key: value" lines, exits 0 or 1.
class SelfCheck
{
public:
    static int run(QWidget *mainWindow, QTextStream &out);
};

} // namespace melodee
