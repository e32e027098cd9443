#include "pgsocket.h"

#include <libpq-fe.h>

#ifdef _WIN32
#include <winsock2.h>
#else
#include <poll.h>
#include <sys/socket.h>
#endif

#include <algorithm>
#include <cerrno>

namespace melodee {

int waitForSocket(PGconn *conn, bool write, std::chrono::milliseconds timeout)
{
    const int fd = PQsocket(conn);
    if (fd < 0) {
        errno = EBADF;
        return -1;
    }
    const int ms = int(std::max<std::chrono::milliseconds::rep>(0, timeout.count()));
#ifdef _WIN32
    WSAPOLLFD p{SOCKET(fd), short(POLLRDNORM | (write ? POLLWRNORM : 0)), 0};
    return WSAPoll(&p, 1, ms);
#else
    pollfd p{fd, short(POLLIN | (write ? POLLOUT : 0)), 0};
    return ::poll(&p, 1, ms);
#endif
}

void shutDownSocket(PGconn *conn)
{
    const int fd = PQsocket(conn);
    if (fd < 0)
        return;
#ifdef _WIN32
    ::shutdown(SOCKET(fd), SD_BOTH);
#else
    ::shutdown(fd, SHUT_RDWR);
#endif
}

} // namespace melodee
