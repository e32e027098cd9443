#pragma once

#include "config/appconfig.h"
#include "config/conninfo.h"

#include <QByteArrayList>
#include <QList>
#include <QPair>

#include <optional>

namespace melodee {

// libpq keyword/value arrays built from a DatabaseConfig, for PQconnectdbParams. Values are
// passed verbatim, so no character in a password can change another parameter. Unset fields are
// left out so libpq applies PG* variables, ~/.pgpass and pg_service.conf.
//
// A --dsn is parsed here and its keywords win over the individual fields (it was given on the
// command line, the highest layer); fields it does not name still apply.
class ConnectParams
{
public:
    explicit ConnectParams(const DatabaseConfig &config);

    const char *const *keywords() const { return m_keywordPtrs.data(); }
    const char *const *values() const { return m_valuePtrs.data(); }
    // Always 0: a DSN is expanded here, never by libpq, so no value is re-parsed.
    int expandDbname() const { return 0; }
    // Non-empty when the DSN could not be parsed; the DSN is then left out and open() refuses.
    QString error() const { return m_error; }
    // Why a stored password (DatabaseConfig::passwordBoundTo) was left out: the connection goes
    // to another host or port than the one it was saved for. Empty when nothing was withheld.
    QString passwordWithheld() const { return m_passwordWithheld; }

    // "host=... port=... dbname=..." with the password masked: for logs and dry-run headers.
    QString describe() const;
    // The value libpq will get for keyword (empty when libpq picks its own default).
    QString value(const QByteArray &keyword) const;

private:
    void add(const QByteArray &keyword, const QString &value);

    QByteArrayList m_keys;
    QByteArrayList m_values;
    std::vector<const char *> m_keywordPtrs;
    std::vector<const char *> m_valuePtrs;
    QString m_error;
    QString m_passwordWithheld;
};

} // namespace melodee
