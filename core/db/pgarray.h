#pragma once

#include <QByteArray>
#include <QStringList>

namespace melodee {

// A PostgreSQL text[] literal for a bound parameter ($1::text[]): every element double-quoted,
// with " and \ escaped, so any text (commas, braces, quotes, NULL as a word) arrives unchanged.
QByteArray textArrayLiteral(const QStringList &items);

// The strings of a JSON array of text as a statement returns it (json_agg(name), read as text):
// one item per element, so a name holding a comma, a quote or a line break stays one name.
// Anything else (NULL, an empty result, not an array) gives no items.
QStringList stringsOfJsonArray(const QString &json);

} // namespace melodee
