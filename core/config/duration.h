#pragma once

#include <QString>

#include <chrono>
#include <optional>

namespace melodee {

using Duration = std::chrono::nanoseconds;

// Parses Go's time.ParseDuration syntax ("30m", "1h30m", "90s", "500ms", "1.5h", "0").
// Negative durations are rejected: no setting of ours has a meaning for them.
std::optional<Duration> parseGoDuration(const QString &text, QString *error = nullptr);

// Formats like Go's Duration.String() for whole units ("1h30m0s" becomes "1h30m").
QString formatGoDuration(Duration d);

} // namespace melodee
