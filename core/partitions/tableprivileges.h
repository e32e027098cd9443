#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace melodee {

class PgConnection;
struct OpContext;

// The owner and table privileges of a table, read so that a table made to hold its rows gets
// the same ones: a new month or default partition, the staging table of a batched move, the
// partitioned table (and its partitions) of a conversion. PostgreSQL copies neither: a new table
// belongs to whoever created it and starts with the default privileges, so without this a
// conversion run by a superuser leaves the application's role without access to its own table,
// and every partition maintenance creates is one `partitions check` reports.
//
// Column privileges are not copied; neither are grants whose grantor is not the owner (they are
// made again by the owner).
struct TablePrivileges
{
    struct Grant
    {
        QString grantee;    // quoted role name, or PUBLIC
        QString privileges; // "SELECT, INSERT", in the ACL's order
        bool grantable = false;
        friend bool operator==(const Grant &, const Grant &) = default;
    };

    QString owner;       // quoted role name
    QString creator;     // quoted current_user: who owns a table it creates, until OWNER TO
    QList<Grant> grants; // to roles other than the owner, in the ACL's order
    QString ownerLacks;  // table privileges revoked from the owner: "TRUNCATE, TRIGGER"

    // Throws DbError when `table` does not exist.
    static TablePrivileges read(PgConnection &conn, const QString &table, const OpContext &ctx);

    // What gives `target`, a table `creator` has just created (default privileges), this owner
    // and these privileges: ALTER TABLE ... OWNER TO, then GRANT, then REVOKE. Empty when the
    // new table has them already. Every statement can run again with the same result.
    QStringList statementsFor(const QString &target) const;
    // What gives `target`, an existing table whose owner and privileges are `current`, this
    // owner and these privileges: ALTER TABLE ... OWNER TO when the owner differs, REVOKE ALL
    // (CASCADE) from every other role `current` names, GRANT of what the owner lacks there, then
    // statementsFor()'s GRANT and REVOKE. Empty when `current` already matches.
    QStringList statementsToMatch(const TablePrivileges &current, const QString &target) const;
    bool sameAs(const TablePrivileges &other) const;

private:
    QString ownerTo(const QString &target) const;
    // The GRANTs, then the REVOKE of what the owner lacks.
    QStringList grantStatements(const QString &target) const;
};

} // namespace melodee
