#pragma once

#include <QString>
#include <QStringList>

namespace melodee {

class PgConnection;

// Who keeps a health check from reading `tables` (or their partitions): the sessions that hold,
// or queue for, an ACCESS EXCLUSIVE lock on them, the only mode that blocks a plain read. Each
// entry reads "pid 4711 (psql, 2 min) holds a lock on melodee_songs". Reads only pg_locks,
// pg_class, pg_inherits and pg_stat_activity, so it answers on a connection whose own read is
// blocked (once that read has ended). Throws DbError.
QStringList describeLockHolders(PgConnection &conn, const QStringList &tables);

// "45 s", "2 min", "3 h", "5 d": how long a session has been at it, as an admin says it.
QString roughDuration(double seconds);

} // namespace melodee
