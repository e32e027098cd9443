#pragma once

#include <QString>

namespace melodee {

// "1 partition", "0 partitions", "2 partitions": counts in the text that stays English whatever
// the UI language (the CLI's output, comments in generated SQL).
QString englishCount(qint64 n, const QString &one, const QString &many);

} // namespace melodee
