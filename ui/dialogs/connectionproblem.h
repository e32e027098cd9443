#pragma once

#include <config/appconfig.h>

#include <QCoreApplication>
#include <QString>

namespace melodee {

struct ProbeResult;

// What a failed connection test means for the form: the field that is most likely wrong and
// why, in words. It never repeats the connection string; the server's own words follow on a
// second line, without the "connection to server at ..." preamble.
class ConnectionProblem
{
    Q_DECLARE_TR_FUNCTIONS(ConnectionProblem)

public:
    static QString explain(const ProbeResult &result, const DatabaseConfig &config);
    // The server's (libpq's) message without its preamble: first line only.
    static QString serverWords(const QString &message);
};

} // namespace melodee
