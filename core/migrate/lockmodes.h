#pragma once

#include "sqlparse.h"

#include <QList>
#include <QString>

namespace melodee {

// PostgreSQL's table-level lock modes, weakest first.
enum class LockMode {
    None,
    AccessShare,
    RowShare,
    RowExclusive,
    ShareUpdateExclusive,
    Share,
    ShareRowExclusive,
    Exclusive,
    AccessExclusive,
};

// "AccessExclusiveLock", as pg_locks.mode spells it.
QString lockModeName(LockMode mode);
// "ACCESS EXCLUSIVE", as the documentation and LOCK TABLE spell it.
QString lockModeTitle(LockMode mode);
// From pg_locks.mode; None for anything else (advisory or row-level modes).
LockMode lockModeFromName(const QString &name);
// The table of conflicting lock modes of PostgreSQL's "Explicit Locking" chapter.
bool lockModesConflict(LockMode a, LockMode b);

// The table-level lock a statement takes on a relation it names.
struct StatementLock
{
    RelationRef relation;
    LockMode mode = LockMode::None;
};

// The strongest lock a statement takes on each existing relation it names, read from its parse
// tree (the lock chapter of the PostgreSQL 15 manual). Statements that take no table lock worth
// reporting (SET, CREATE of a new object, reads) give an empty list. A rehearsal measures the
// real locks; this is what lint can know without running anything.
QList<StatementLock> statementLocks(const SqlStatement &statement);

} // namespace melodee
