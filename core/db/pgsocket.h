#pragma once

#include <chrono>

typedef struct pg_conn PGconn;

namespace melodee {

// The socket calls libpq leaves to its caller, in one place for every platform.

// Waits until conn's socket can be read (and written, when `write`) or `timeout` has passed:
// above 0 when it is ready, 0 when the time ran out, below 0 on an error (errno says which) or
// when conn has no socket.
int waitForSocket(PGconn *conn, bool write, std::chrono::milliseconds timeout);

// Shuts conn's socket down both ways without closing it: whoever is blocked reading it, or reads
// it next, sees the end of the stream at once, and libpq counts the connection as broken. For a
// server that stopped answering, where PQcancel would wait on the server too.
void shutDownSocket(PGconn *conn);

} // namespace melodee
