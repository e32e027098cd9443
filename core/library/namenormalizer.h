#pragma once

#include <QString>
#include <QStringView>

namespace melodee {

// The one normalisation for name_normalized and for search text: NFKD, combining marks dropped
// (so "Beyoncé" matches "beyonce"), lower-case, whitespace collapsed to single spaces, trimmed.
QString normalizeName(QStringView name);

// Cuts text to at most maxChars code points (PostgreSQL's varchar(n) counts code points, QString
// counts UTF-16 units) without splitting a surrogate pair.
QString truncateCodePoints(const QString &text, int maxChars);

} // namespace melodee
