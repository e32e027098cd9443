#include "tableprivileges.h"

#include "db/dberror.h"
#include "db/pgconnection.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <tuple>

namespace melodee {

namespace {

// One row: the owner, current_user, the grants to other roles grouped by grantee and grant
// option in the ACL's order (JSON, so any role name stays one value), and what the owner lacks
// of the table privileges (only when the ACL is not the default, which gives the owner all).
const char *const kReadSql = R"(
SELECT quote_ident(pg_get_userbyid(c.relowner)), quote_ident(current_user::text),
  coalesce((SELECT json_agg(json_build_array(g.grantee, g.privs, g.grantable) ORDER BY g.first)
     FROM (SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC'
                       ELSE quote_ident(pg_get_userbyid(a.grantee)) END AS grantee,
                  string_agg(a.privilege_type, ', ' ORDER BY a.n) AS privs,
                  a.is_grantable AS grantable, min(a.n) AS first
           FROM aclexplode(c.relacl) WITH ORDINALITY
                AS a(grantor, grantee, privilege_type, is_grantable, n)
           WHERE a.grantee <> c.relowner
           GROUP BY a.grantee, a.is_grantable) g)::text, '[]'),
  CASE WHEN c.relacl IS NULL THEN '' ELSE coalesce(
    (SELECT string_agg(p.name, ', ' ORDER BY p.n)
     FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES',
                       'TRIGGER']) WITH ORDINALITY AS p(name, n)
     WHERE NOT EXISTS (SELECT 1 FROM aclexplode(c.relacl) a
                       WHERE a.grantee = c.relowner AND a.privilege_type = p.name)), '') END
FROM pg_class c WHERE c.oid = to_regclass($1))";

} // namespace

TablePrivileges
TablePrivileges::read(PgConnection &conn, const QString &table, const OpContext &ctx)
{
    const PgResult r = conn.exec(kReadSql, {PgParam(table.toUtf8())}, ctx);
    if (r.rows() == 0)
        throw DbError(ctx.operation,
                      table,
                      QStringLiteral("table %1 does not exist, so its owner and privileges "
                                     "cannot be read")
                          .arg(table));
    TablePrivileges out;
    out.owner = r.text(0, 0);
    out.creator = r.text(0, 1);
    const QJsonArray grants = QJsonDocument::fromJson(r.bytes(0, 2)).array();
    for (const QJsonValue &g : grants) {
        const QJsonArray a = g.toArray();
        out.grants << Grant{a.at(0).toString(), a.at(1).toString(), a.at(2).toBool()};
    }
    out.ownerLacks = r.text(0, 3);
    return out;
}

QString TablePrivileges::ownerTo(const QString &target) const
{
    return QStringLiteral("ALTER TABLE %1 OWNER TO %2").arg(target, owner);
}

QStringList TablePrivileges::grantStatements(const QString &target) const
{
    QStringList out;
    for (const Grant &g : grants)
        out << QStringLiteral("GRANT %1 ON TABLE %2 TO %3%4")
                   .arg(g.privileges,
                        target,
                        g.grantee,
                        g.grantable ? QStringLiteral(" WITH GRANT OPTION") : QString());
    if (!ownerLacks.isEmpty())
        out << QStringLiteral("REVOKE %1 ON TABLE %2 FROM %3").arg(ownerLacks, target, owner);
    return out;
}

QStringList TablePrivileges::statementsFor(const QString &target) const
{
    QStringList out;
    if (!owner.isEmpty() && owner != creator)
        out << ownerTo(target);
    return out + grantStatements(target);
}

bool TablePrivileges::sameAs(const TablePrivileges &other) const
{
    const auto sorted = [](QList<Grant> grants) {
        std::sort(grants.begin(), grants.end(), [](const Grant &a, const Grant &b) {
            return std::tie(a.grantee, a.grantable, a.privileges)
                   < std::tie(b.grantee, b.grantable, b.privileges);
        });
        return grants;
    };
    return owner == other.owner && ownerLacks == other.ownerLacks
           && sorted(grants) == sorted(other.grants);
}

QStringList TablePrivileges::statementsToMatch(const TablePrivileges &current,
                                               const QString &target) const
{
    if (sameAs(current))
        return {};
    QStringList out;
    if (current.owner != owner)
        out << ownerTo(target);
    QStringList others;
    for (const Grant &g : current.grants) {
        if (!others.contains(g.grantee))
            others << g.grantee;
    }
    if (!others.isEmpty())
        out << QStringLiteral("REVOKE ALL ON TABLE %1 FROM %2 CASCADE")
                   .arg(target, others.join(QStringLiteral(", ")));
    // OWNER TO keeps what the old owner lacked: the new owner lacks the same.
    if (!current.ownerLacks.isEmpty())
        out << QStringLiteral("GRANT %1 ON TABLE %2 TO %3").arg(current.ownerLacks, target, owner);
    return out + grantStatements(target);
}

} // namespace melodee
