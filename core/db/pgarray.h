#pragma once

#include <QByteArray>
#include <QStringList>

namespace melodee {

// A PostgreSQL text[] literal for a bound parameter ($1::text[]): every element double-quoted,
// with " and \ escaped, so any text (commas, braces, quotes, NULL as a word) arrives unchanged.
QByteArray textArrayLiteral(const QStringList &items);

} // namespace melodee
