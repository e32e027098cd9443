#pragma once

#include <QString>

namespace melodee {

// The one way the GUI writes numbers: in the locale the user runs it in (QLocale(), which the
// translator sets), with group separators, so "618,611 ops" sits beside "1,000,000" and a German
// session reads "618.611" and "1.000.000". Identifiers that are names (ports, PIDs, ids in SQL)
// are not counts and stay as they are.
QString formatCount(qint64 value);
// A measurement with a fixed number of decimals: "1,234.5" (en), "1.234,5" (de).
QString formatDecimal(double value, int decimals);

} // namespace melodee
