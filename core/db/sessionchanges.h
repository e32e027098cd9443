#pragma once

#include <QByteArray>

#include <optional>

namespace melodee {

// What a statement may leave in its session beyond its own transaction, where the next user of
// a pooled connection would meet it. Bits returned by sessionChangesOf().
enum SessionChange : int {
    SessionSettings = 1,      // SET, RESET, set_config(), SET ROLE, SET SESSION AUTHORIZATION
    SessionListen = 2,        // LISTEN
    SessionAdvisoryLocks = 4, // pg_advisory_lock(), pg_try_advisory_lock() and _shared
    SessionTempObjects = 8,   // TEMP tables, views, sequences
    SessionOther = 16,        // anything that is not a plain statement: DO, CALL, DECLARE, ...
};

// Looks at the text only, so it is cheap enough for every statement sent, and errs one way: a
// statement it cannot place counts as SessionOther, and words such as "temp" anywhere (even in a
// literal) count. A false alarm costs one reset round trip; what it cannot see is state changed
// inside a function body (CREATE FUNCTION ... SET aside), and currval()/lastval().
int sessionChangesOf(const QByteArray &sql);

// What "SET [SESSION] name ..." or "RESET [SESSION] name" does to one setting, so that a RESET
// of what the same lease SET needs no reset afterwards. Transaction-scoped forms (SET LOCAL,
// SET TRANSACTION, SET CONSTRAINTS) change nothing for the session.
struct SessionSetting
{
    enum Kind { Set, Reset, TransactionOnly };
    Kind kind = Set;
    QByteArray name; // lower case; "all" for RESET ALL
};
// std::nullopt for any other statement, or a name this does not follow (quoted).
std::optional<SessionSetting> sessionSettingOf(const QByteArray &sql);

// Statements that undo `changes` in one round trip: DISCARD ALL without DEALLOCATE ALL and
// DISCARD PLANS, which would throw away the connection's prepared statements.
QByteArray sessionResetSql(int changes);

} // namespace melodee
