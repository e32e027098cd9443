#pragma once

#include "config/appconfig.h"

#include <QByteArrayList>

namespace melodee {

// libpq keyword/value arrays built from a DatabaseConfig, for PQconnectdbParams. Values are
// passed verbatim, so no character in a password can change another parameter. Unset fields are
// left out so libpq applies PG* variables, ~/.pgpass and pg_service.conf.
class ConnectParams
{
public:
    explicit ConnectParams(const DatabaseConfig &config);

    const char *const *keywords() const { return m_keywordPtrs.data(); }
    const char *const *values() const { return m_valuePtrs.data(); }
    // 1 when the first dbname holds a conninfo string or URI (--dsn) for libpq to expand.
    int expandDbname() const { return m_expand ? 1 : 0; }

    // "host=... port=... dbname=..." with the password masked: for logs and dry-run headers.
    QString describe() const;
    QString value(const QByteArray &keyword) const;

private:
    void add(const char *keyword, const QString &value);

    QByteArrayList m_keys;
    QByteArrayList m_values;
    std::vector<const char *> m_keywordPtrs;
    std::vector<const char *> m_valuePtrs;
    bool m_expand = false;
};

} // namespace melodee
