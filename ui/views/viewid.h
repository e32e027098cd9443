#pragma once

#include <QString>

#include <optional>

namespace melodee {

// The main window's pages, in navigation order (Ctrl+1..Ctrl+4 follow this order).
enum class ViewId { Dashboard, Migrations, Partitions, Songs };

inline constexpr int kViewCount = 4;

// "dashboard", "migrations", ...: the names --view and QSettings use (never translated).
QString viewIdName(ViewId view);
std::optional<ViewId> viewIdFromName(const QString &name);
QStringList viewIdNames();

} // namespace melodee
