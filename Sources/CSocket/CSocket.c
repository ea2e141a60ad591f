#define _GNU_SOURCE
#include "CSocket.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int fill_address(struct sockaddr_un *address, const char *path) {
    size_t length = strlen(path);
    memset(address, 0, sizeof *address);
    address->sun_family = AF_UNIX;
    if (length == 0 || length >= sizeof address->sun_path) {
        errno = length == 0 ? EINVAL : ENAMETOOLONG;
        return -1;
    }
    memcpy(address->sun_path, path, length);
    return 0;
}

int csocket_unix_stream(void) { return socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0); }

int csocket_bind(int fd, const char *path) {
    struct sockaddr_un address;
    if (fill_address(&address, path) != 0) return -1;
    return bind(fd, (const struct sockaddr *)&address, sizeof address);
}

int csocket_connect(int fd, const char *path) {
    struct sockaddr_un address;
    if (fill_address(&address, path) != 0) return -1;
    int result;
    do {
        result = connect(fd, (const struct sockaddr *)&address, sizeof address);
    } while (result != 0 && errno == EINTR);
    return result;
}

int csocket_pipe(int fds[2]) { return pipe2(fds, O_CLOEXEC | O_NONBLOCK); }

int csocket_accept(int fd) { return accept4(fd, NULL, NULL, SOCK_CLOEXEC); }

int csocket_peer_credentials(int fd, uid_t *uid, gid_t *gid, pid_t *pid) {
    struct ucred credentials;
    socklen_t length = sizeof credentials;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) return -1;
    if (length != sizeof credentials) {
        errno = EPROTO;
        return -1;
    }
    *uid = credentials.uid;
    *gid = credentials.gid;
    *pid = credentials.pid;
    return 0;
}

ssize_t csocket_send(int fd, const void *buffer, size_t length, int nonblocking) {
    return send(fd, buffer, length, MSG_NOSIGNAL | (nonblocking ? MSG_DONTWAIT : 0));
}

static volatile sig_atomic_t stop_fd = -1;

static void on_stop_signal(int number) {
    int saved = errno;
    int fd = stop_fd;
    if (fd >= 0) {
        unsigned char byte = (unsigned char)number;
        ssize_t ignored = write(fd, &byte, 1);
        (void)ignored;
    }
    errno = saved;
}

int csocket_install_stop_signals(int write_fd) {
    stop_fd = write_fd;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_stop_signal;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    if (sigaction(SIGTERM, &action, NULL) != 0) return -1;
    if (sigaction(SIGINT, &action, NULL) != 0) return -1;
    // A process can start with these blocked (inherited from its parent's thread, as under
    // some test runners); unblock them in this thread so that they reach the handler.
    sigset_t stops;
    sigemptyset(&stops);
    sigaddset(&stops, SIGTERM);
    sigaddset(&stops, SIGINT);
    if (pthread_sigmask(SIG_UNBLOCK, &stops, NULL) != 0) return -1;
    struct sigaction ignore;
    memset(&ignore, 0, sizeof ignore);
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    return sigaction(SIGPIPE, &ignore, NULL);
}

void csocket_detach_stop_signals(void) { stop_fd = -1; }
