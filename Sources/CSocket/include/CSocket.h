// What Swift cannot call easily on Linux: Unix-domain socket addresses, the peer's
// credentials (SO_PEERCRED needs _GNU_SOURCE's struct ucred), send with MSG_NOSIGNAL,
// and an async-signal-safe handler for SIGTERM/SIGINT that writes to a pipe.
#ifndef CSOCKET_H
#define CSOCKET_H

#include <sys/types.h>

/// A new AF_UNIX stream socket, close-on-exec; -1 with errno on failure.
int csocket_unix_stream(void);

/// bind(2) to a filesystem path; -1 with errno (ENAMETOOLONG when the path does not fit
/// sockaddr_un.sun_path).
int csocket_bind(int fd, const char *path);

/// connect(2) to a filesystem path; -1 with errno.
int csocket_connect(int fd, const char *path);

/// pipe2(2) with O_CLOEXEC and O_NONBLOCK on both ends; -1 with errno.
int csocket_pipe(int fds[2]);

/// accept4(2) with SOCK_CLOEXEC; -1 with errno.
int csocket_accept(int fd);

/// The peer's credentials as the kernel recorded them when it connected (SO_PEERCRED).
int csocket_peer_credentials(int fd, uid_t *uid, gid_t *gid, pid_t *pid);

/// send(2) with MSG_NOSIGNAL (and MSG_DONTWAIT when nonblocking is non-zero).
ssize_t csocket_send(int fd, const void *buffer, size_t length, int nonblocking);

/// Installs handlers for SIGTERM and SIGINT that write the signal's number (one byte) to
/// write_fd (which should be non-blocking), unblocks them in the calling thread, and ignores
/// SIGPIPE. 0, or -1 with errno.
int csocket_install_stop_signals(int write_fd);

/// Makes the handlers do nothing (call before closing the pipe): SIGTERM and SIGINT stay
/// caught, so a second signal while the process winds down does not kill it.
void csocket_detach_stop_signals(void);

#endif
