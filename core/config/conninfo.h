#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

#include <optional>

namespace melodee {

using ConninfoPairs = QList<QPair<QByteArray, QString>>;

// Splits a libpq conninfo string ("host=x password='a b'") or a postgres:// / postgresql:// URI
// into its keyword/value pairs with libpq's own parser. A text that is neither (no '=' and no
// URI scheme) is a plain database name, as libpq treats it. On failure returns nullopt and an
// error that never quotes the input, which may hold a password.
std::optional<ConninfoPairs> parseConninfo(const QString &dsn, QString *error = nullptr);

// True when dsn carries a password (password=..., user:password@ or ?password= in a URI).
bool conninfoHasPassword(const QString &dsn);

} // namespace melodee
