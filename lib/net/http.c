/* http.c: the metrics endpoint's HTTP (see http.h). */
#include "net/http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/clock.h"

#define HTTP_HEAD_MAX 4096
#define HTTP_PER_CALL 8

static int nonblocking(int fd) {
    int fl = fcntl(fd, F_GETFL);
    return fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 ? -1 : 0;
}

static int bind_listen(int family, const struct sockaddr *sa, socklen_t len) {
    int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1, zero = 0;
    if (fd < 0) return -1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
    if (bind(fd, sa, len) < 0 || listen(fd, 16) < 0 || nonblocking(fd) < 0) {
        int err = errno;
        close(fd);
        errno = err;
        return -1;
    }
    return fd;
}

int http_listen(const char *address, int port, ri_err *e) {
    struct sockaddr_in v4 = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
    struct sockaddr_in6 v6 = {.sin6_family = AF_INET6, .sin6_port = htons((unsigned short)port)};
    int fd = -1;
    if (!*address) {
        v6.sin6_addr = in6addr_any;
        fd = bind_listen(AF_INET6, (struct sockaddr *)&v6, sizeof v6);
        if (fd < 0 && (errno == EAFNOSUPPORT || errno == EADDRNOTAVAIL)) {
            v4.sin_addr.s_addr = htonl(INADDR_ANY);
            fd = bind_listen(AF_INET, (struct sockaddr *)&v4, sizeof v4);
        }
    } else if (inet_pton(AF_INET, address, &v4.sin_addr) == 1) {
        fd = bind_listen(AF_INET, (struct sockaddr *)&v4, sizeof v4);
    } else if (inet_pton(AF_INET6, address, &v6.sin6_addr) == 1) {
        fd = bind_listen(AF_INET6, (struct sockaddr *)&v6, sizeof v6);
    } else {
        return ri_fail(e, EX_CONFIG, "\"%s\" is not an IP address", address), -1;
    }
    if (fd < 0)
        return ri_fail(e, errno == EADDRINUSE ? EX_UNAVAILABLE : EX_OSERR,
                       "listen on %s%s%s:%d: %s", strchr(address, ':') ? "[" : "",
                       *address ? address : "*", strchr(address, ':') ? "]" : "", port,
                       strerror(errno)),
               -1;
    return fd;
}

/* Wait for fd to be ready for ev until the deadline; 0 ready, -1 not. */
static int wait_fd(int fd, short ev, double deadline) {
    for (;;) {
        int left = (int)(deadline - mono_ms());
        if (left <= 0) return -1;
        struct pollfd p = {fd, ev, 0};
        int n = poll(&p, 1, left);
        if (n > 0) return 0;
        if (n < 0 && errno != EINTR) return -1;
    }
}

/* The request head, up to its blank line; its length, or -1. */
static int read_head(int fd, char *buf, size_t cap, double deadline) {
    size_t len = 0;
    while (len < cap - 1) {
        ssize_t n = read(fd, buf + len, cap - 1 - len);
        if (n > 0) {
            len += (size_t)n;
            buf[len] = '\0';
            if (strstr(buf, "\r\n\r\n") || strstr(buf, "\n\n")) return (int)len;
            continue;
        }
        if (n == 0) return -1;
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
        if (wait_fd(fd, POLLIN, deadline)) return -1;
    }
    return -1;
}

static int write_all(int fd, const char *p, size_t n, double deadline) {
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w > 0) {
            p += w;
            n -= (size_t)w;
        } else if (w < 0 && errno == EINTR) {
            continue;
        } else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (wait_fd(fd, POLLOUT, deadline)) return -1;
        } else {
            return -1;
        }
    }
    return 0;
}

static void respond(int fd, int status, const char *type, const struct buf *body, int head_only,
                    double deadline) {
    const char *reason = status == 200   ? "OK"
                         : status == 400 ? "Bad Request"
                         : status == 404 ? "Not Found"
                         : status == 405 ? "Method Not Allowed"
                                         : "Internal Server Error";
    char head[256];
    size_t blen = body && body->data ? body->len : 0;
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s"
                     "Connection: close\r\n\r\n",
                     status, reason, type, blen, status == 405 ? "Allow: GET, HEAD\r\n" : "");
    if (write_all(fd, head, (size_t)n, deadline) == 0 && blen && !head_only)
        write_all(fd, body->data, blen, deadline);
}

/* "GET /metrics?x HTTP/1.1": the status to answer and whether only the head. */
static int route_status(char *head, const char *path, int *head_only) {
    char *sp1 = strchr(head, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
    if (!sp1 || !sp2 || strncmp(sp2 + 1, "HTTP/1.", 7) != 0) return 400;
    *sp1 = *sp2 = '\0';
    char *target = sp1 + 1;
    target[strcspn(target, "?#")] = '\0';
    *head_only = strcmp(head, "HEAD") == 0;
    if (strcmp(head, "GET") != 0 && !*head_only) return 405;
    return strcmp(target, path) == 0 ? 200 : 404;
}

static void serve_one(int fd, const struct http_route *r, double deadline) {
    char head[HTTP_HEAD_MAX];
    int head_only = 0;
    struct buf body;
    buf_init(&body);
    if (nonblocking(fd) < 0 || read_head(fd, head, sizeof head, deadline) < 0) return;
    int status = route_status(head, r->path, &head_only);
    if (status == 200 && r->body(r->ctx, &body) != 0) status = 500;
    respond(fd, status, status == 200 ? r->content_type : "text/plain; charset=utf-8",
            status == 200 ? &body : NULL, head_only, deadline);
    buf_free(&body);
}

int http_serve(int lfd, const struct http_route *route, int budget_ms) {
    /* One budget for the whole call: clients that dawdle cannot hold the
     * agent longer than one slow scrape would. */
    double deadline = mono_ms() + budget_ms;
    int served = 0;
    for (int i = 0; i < HTTP_PER_CALL && mono_ms() < deadline; i++) {
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR) continue;
            break; /* EAGAIN: nothing more waiting; else a transient error */
        }
        fcntl(fd, F_SETFD, FD_CLOEXEC);
        serve_one(fd, route, deadline);
        close(fd);
        served++;
    }
    return served;
}
