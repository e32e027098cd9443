#pragma once

#include <QString>

namespace melodee {

// An SQL identifier in double quotes, embedded quotes doubled: `a"b` -> `"a""b"`. Always quoted,
// so a name keeps its case and may hold spaces, newlines or emoji.
QString quoteIdent(const QString &name);

} // namespace melodee
