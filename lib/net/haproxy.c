/* haproxy.c: one command on HAProxy's runtime API (see haproxy.h). */
#define _GNU_SOURCE /* strcasestr */
#include "net/haproxy.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/clock.h"

/* Wait until fd is ready for events or the deadline passes: 1, 0 (time), -1. */
static int wait_fd(int fd, short events, double deadline) {
    for (;;) {
        int left = (int)(deadline - mono_ms());
        if (left <= 0) return 0;
        struct pollfd p = {.fd = fd, .events = events};
        int n = poll(&p, 1, left);
        if (n > 0) return 1;
        if (n < 0 && errno != EINTR) return -1;
    }
}

static int send_all(int fd, const char *d, size_t n, double deadline) {
    while (n) {
        if (wait_fd(fd, POLLOUT, deadline) != 1) return -1;
        ssize_t w = send(fd, d, n, MSG_NOSIGNAL);
        if (w < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (w <= 0) return -1;
        d += w, n -= (size_t)w;
    }
    return 0;
}

/* The reply, until HAProxy closes (it does after one command). */
static int read_reply(int fd, struct buf *out, double deadline) {
    char chunk[1024];
    for (;;) {
        if (wait_fd(fd, POLLIN, deadline) != 1) return -1;
        ssize_t r = recv(fd, chunk, sizeof chunk, 0);
        if (r < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (r < 0) return -1;
        if (r == 0) return 0;
        if (out->len < 16384 && buf_append(out, chunk, (size_t)r)) return -1;
    }
}

static int dial(const char *sock, double deadline, ri_err *e) {
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    if (strlen(sock) >= sizeof a.sun_path)
        return ri_fail(e, EX_CONFIG, "haproxy: socket path too long: %s", sock), -1;
    memcpy(a.sun_path, sock, strlen(sock) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return ri_fail(e, EX_OSERR, "haproxy: socket: %s", strerror(errno)), -1;
    if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0) return fd;
    if (errno == EINPROGRESS || errno == EAGAIN) {
        int err = 0;
        socklen_t len = sizeof err;
        if (wait_fd(fd, POLLOUT, deadline) == 1 &&
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && !err)
            return fd;
        errno = err ? err : ETIMEDOUT;
    }
    ri_fail(e, EX_UNAVAILABLE, "haproxy: cannot connect to its runtime API at %s: %s", sock,
            strerror(errno));
    close(fd);
    return -1;
}

int haproxy_cmd(const char *sock, const char *cmd, const char *payload, size_t payload_len,
                const char *expect, int timeout_ms, ri_err *e) {
    double deadline = mono_ms() + timeout_ms;
    int fd = dial(sock, deadline, e);
    if (fd < 0) return e->code;
    struct buf reply;
    buf_init(&reply);
    int rc = 0;
    /* "cmd <<\n" payload "\n\n": HAProxy's multi-line form ends at an empty line. */
    if (send_all(fd, cmd, strlen(cmd), deadline) ||
        send_all(fd, payload ? " <<\n" : "\n", payload ? 4 : 1, deadline) ||
        (payload &&
         (send_all(fd, payload, payload_len, deadline) ||
          send_all(fd, "\n\n", payload_len && payload[payload_len - 1] == '\n' ? 1 : 2, deadline))))
        rc = ri_fail(e, EX_UNAVAILABLE, "haproxy: %s: cannot send it: %s", cmd,
                     errno ? strerror(errno) : "timed out");
    else if (read_reply(fd, &reply, deadline) || buf_append(&reply, "", 1))
        rc = ri_fail(e, EX_UNAVAILABLE, "haproxy: %s: no reply within %d ms", cmd, timeout_ms);
    else if (!strcasestr(reply.data, expect)) {
        size_t n = strcspn(reply.data + strspn(reply.data, "\n"), "\n");
        rc = ri_fail(e, EX_UNAVAILABLE, "haproxy: %s: %.*s", cmd, (int)(n > 200 ? 200 : n),
                     reply.data + strspn(reply.data, "\n"));
    }
    buf_free(&reply);
    close(fd);
    return rc;
}
