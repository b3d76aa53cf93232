/* beacon.c: the init-phase responder (see beacon.h). One thread, poll(),
 * a handful of short-lived connections; every reply is a few hundred bytes.
 * With TLS (tls.h) each connection is a non-blocking OpenSSL server
 * connection: the handshake advances as poll() says, so a slow peer never
 * holds the others. */
#include "net/beacon.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "net/tls.h"

#define MAX_LISTEN 8
#define MAX_CONN   32
#define IN_MAX     2048 /* a probe's pipeline is far smaller */
#define MAX_ARGS   4
#define IDLE_S     5 /* a probe needs milliseconds; free the slot */
#define INIT_ERR   "-INIT redis-init is deciding this pod's role; no server runs yet\r\n"

struct conn {
    int fd;
    SSL *ssl;       /* TLS: NULL for plain text */
    int handshake;  /* TLS: still shaking hands */
    int want_write; /* TLS: the handshake waits to write */
    int authed;
    time_t seen; /* last byte received: idle ones are closed */
    size_t len;
    char in[IN_MAX];
};

struct beacon {
    pthread_t thread;
    int wake[2]; /* stop: a byte on wake[1] */
    int n_listen, listen[MAX_LISTEN];
    struct conn conns[MAX_CONN];
    SSL_CTX *tls; /* NULL: plain text */
    char user[128], pass[256];
    int has_data;
    struct history hist;
};

/* ---------------------------------------------------------------------------
 * Replies
 * ------------------------------------------------------------------------ */

/* Append to buf; 0 when it does not fit. */
__attribute__((format(printf, 4, 5))) static int put(char *buf, size_t size, size_t *n,
                                                     const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(buf + *n, size - *n, fmt, ap);
    va_end(ap);
    if (k < 0 || (size_t)k >= size - *n) return 0;
    *n += (size_t)k;
    return 1;
}

int beacon_info_text(char *buf, size_t size, const char *section, int has_data,
                     const struct history *h) {
    int all = !section || !strcasecmp(section, "all") || !strcasecmp(section, "everything") ||
              !strcasecmp(section, "default");
    size_t n = 0;
    buf[0] = '\0';
    int ok = 1;
#define PUT(...) (ok = ok && put(buf, size, &n, __VA_ARGS__))
    if (all || !strcasecmp(section, "server")) PUT("# Server\r\nredis_init_beacon:1\r\n");
    if (all || !strcasecmp(section, "persistence")) PUT("# Persistence\r\nloading:0\r\n");
    if (all || !strcasecmp(section, "replication")) {
        PUT("# Replication\r\nrole:redis-init\r\nri_has_data:%d\r\n", has_data ? 1 : 0);
        if (h->known) {
            PUT("ri_replid:%s\r\nri_offset:%lld\r\nri_was_master:%d\r\nri_written_ms:%lld\r\n",
                h->id, h->offset, h->was_master, h->written_ms);
            if (h->parent_id[0])
                PUT("ri_parent_replid:%s\r\nri_parent_offset:%lld\r\n", h->parent_id,
                    h->parent_offset);
        }
    }
    if (all || !strcasecmp(section, "keyspace")) PUT("# Keyspace\r\n");
#undef PUT
    return ok ? (int)n : -1;
}

/* A reply is small; a TLS socket that cannot take it now gets a short wait. */
static void send_all(struct conn *c, const char *p, size_t n) {
    for (int tries = 0; n > 0 && tries < 50;) {
        ssize_t k;
        if (c->ssl) {
            int r = SSL_write(c->ssl, p, (int)n);
            if (r <= 0 && SSL_get_error(c->ssl, r) == SSL_ERROR_WANT_WRITE) {
                struct pollfd pfd = {.fd = c->fd, .events = POLLOUT};
                (void)poll(&pfd, 1, 10);
                tries++;
                continue;
            }
            k = r;
        } else k = send(c->fd, p, n, MSG_NOSIGNAL);
        if (k <= 0) return; /* the peer went away; its probe reports that */
        p += k;
        n -= (size_t)k;
    }
}

static void send_str(struct conn *c, const char *s) { send_all(c, s, strlen(s)); }

/* Constant time in the length of the secret we hold. */
static int secret_equal(const char *given, size_t glen, const char *ours) {
    size_t olen = strlen(ours);
    unsigned char diff = (unsigned char)(glen != olen);
    for (size_t i = 0; i < olen; i++) diff |= (unsigned char)(ours[i] ^ (i < glen ? given[i] : 0));
    return diff == 0;
}

/* 1: close the connection after this reply. */
static int reply(struct beacon *b, struct conn *c, int argc, char **argv, size_t *alen) {
    if (argc == 0) return 0;
    if (!strcasecmp(argv[0], "AUTH") && (argc == 2 || argc == 3)) {
        const char *user = argc == 3 ? argv[1] : "default";
        if (strcmp(user, b->user) != 0) {
            /* Not ours to judge: an application's or a sentinel's user must
             * not read "wrong password" and give up; the server comes soon. */
            send_str(c, INIT_ERR);
            return 0;
        }
        c->authed = secret_equal(argv[argc - 1], alen[argc - 1], b->pass);
        send_str(c, c->authed
                        ? "+OK\r\n"
                        : "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
        return 0;
    }
    if (!strcasecmp(argv[0], "QUIT")) {
        send_str(c, "+OK\r\n");
        return 1;
    }
    if (!strcasecmp(argv[0], "INFO") && argc <= 2) {
        if (!c->authed) {
            send_str(c, "-NOAUTH Authentication required.\r\n");
            return 0;
        }
        char text[1024], head[32];
        int n =
            beacon_info_text(text, sizeof text, argc == 2 ? argv[1] : NULL, b->has_data, &b->hist);
        if (n < 0) n = 0;
        snprintf(head, sizeof head, "$%d\r\n", n);
        send_str(c, head);
        send_all(c, text, (size_t)n);
        send_str(c, "\r\n");
        return 0;
    }
    send_str(c, INIT_ERR);
    return 0;
}

/* ---------------------------------------------------------------------------
 * Requests: RESP arrays of bulk strings (what hiredis sends) or inline
 * ------------------------------------------------------------------------ */

/* Parse one request at c->in; returns bytes used, 0 if incomplete, -1 bad. */
static long parse_request(struct conn *c, int *argc, char **argv, size_t *alen) {
    char *p = c->in, *end = c->in + c->len;
    *argc = 0;
    if (p[0] != '*') {
        char *nl = memchr(p, '\n', c->len);
        if (!nl) return 0;
        *nl = '\0';
        if (nl > p && nl[-1] == '\r') nl[-1] = '\0';
        char *save = NULL;
        for (char *tok = strtok_r(p, " ", &save); tok && *argc < MAX_ARGS;
             tok = strtok_r(NULL, " ", &save)) {
            alen[*argc] = strlen(tok);
            argv[(*argc)++] = tok;
        }
        return nl + 1 - c->in;
    }
    char *nl = memchr(p, '\n', c->len);
    if (!nl) return 0;
    long n = strtol(p + 1, NULL, 10);
    if (n < 0 || n > MAX_ARGS) return -1;
    p = nl + 1;
    for (long i = 0; i < n; i++) {
        if (p >= end) return 0;
        if (*p != '$') return -1;
        nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) return 0;
        long len = strtol(p + 1, NULL, 10);
        if (len < 0 || len > IN_MAX) return -1;
        p = nl + 1;
        if (end - p < len + 2) return 0;
        p[len] = '\0'; /* over the \r */
        argv[i] = p;
        alen[i] = (size_t)len;
        p += len + 2;
    }
    *argc = (int)n;
    return p - c->in;
}

static void conn_close(struct conn *c) {
    SSL_free(c->ssl);
    close(c->fd);
    memset(c, 0, sizeof *c);
    c->fd = -1;
}

static int conn_requests(struct beacon *b, struct conn *c);

/* TLS: advance the handshake; 1 when done, 0 to wait, -1 to close. */
static int handshake(struct conn *c) {
    int r = SSL_do_handshake(c->ssl);
    if (r == 1) {
        c->handshake = c->want_write = 0;
        return 1;
    }
    int err = SSL_get_error(c->ssl, r);
    c->want_write = err == SSL_ERROR_WANT_WRITE;
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) return 0;
    char why[160];
    tls_describe(c->ssl, err, "a peer", why, sizeof why);
    log_debug("beacon: a TLS handshake failed", "reason", why, NULL);
    return -1;
}

/* Read what there is: >0 bytes, 0 nothing yet (TLS), -1 closed or failed. */
static long conn_read(struct conn *c) {
    size_t room = sizeof c->in - 1 - c->len;
    if (!c->ssl) {
        ssize_t k = recv(c->fd, c->in + c->len, room, 0);
        return k > 0 ? (long)k : -1;
    }
    if (room == 0) return -1;
    int r = SSL_read(c->ssl, c->in + c->len, (int)room);
    if (r > 0) return r;
    return SSL_get_error(c->ssl, r) == SSL_ERROR_WANT_READ ? 0 : -1;
}

static void conn_readable(struct beacon *b, struct conn *c) {
    int h = c->handshake ? handshake(c) : 1;
    if (h <= 0) {
        if (h < 0) conn_close(c);
        return;
    }
    /* OpenSSL may hold more than one record: read until it has none. */
    do {
        long k = conn_read(c);
        if (k < 0) {
            conn_close(c);
            return;
        }
        if (k == 0) return;
        c->seen = time(NULL);
        c->len += (size_t)k;
        if (conn_requests(b, c) < 0) return;
    } while (c->ssl && SSL_pending(c->ssl) > 0);
}

/* Answer every whole request in c->in; -1 when the connection was closed. */
static int conn_requests(struct beacon *b, struct conn *c) {
    for (;;) {
        int argc;
        char *argv[MAX_ARGS];
        size_t alen[MAX_ARGS];
        long used = parse_request(c, &argc, argv, alen);
        if (used < 0 || (used == 0 && c->len >= sizeof c->in - 1)) {
            send_str(c, "-ERR Protocol error\r\n");
            conn_close(c);
            return -1;
        }
        if (used == 0) return 0;
        int done = reply(b, c, argc, argv, alen);
        memmove(c->in, c->in + used, c->len - (size_t)used);
        c->len -= (size_t)used;
        if (done) {
            conn_close(c);
            return -1;
        }
    }
}

static void accept_one(struct beacon *b, int lfd) {
    int fd = accept(lfd, NULL, NULL);
    if (fd < 0) return;
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    for (int i = 0; i < MAX_CONN; i++) {
        struct conn *c = &b->conns[i];
        if (c->fd >= 0) continue;
        c->fd = fd;
        c->seen = time(NULL);
        if (!b->tls) return;
        int fl = fcntl(fd, F_GETFL);
        if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 || !(c->ssl = SSL_new(b->tls)) ||
            !SSL_set_fd(c->ssl, fd)) {
            conn_close(c);
            return;
        }
        SSL_set_accept_state(c->ssl);
        c->handshake = 1;
        return;
    }
    close(fd); /* full: the prober retries next round */
}

static void *serve(void *arg) {
    struct beacon *b = arg;
    struct pollfd pfd[1 + MAX_LISTEN + MAX_CONN];
    int who[1 + MAX_LISTEN + MAX_CONN];
    for (;;) {
        int n = 0;
        pfd[n] = (struct pollfd){.fd = b->wake[0], .events = POLLIN};
        who[n++] = -1;
        for (int i = 0; i < b->n_listen; i++) {
            pfd[n] = (struct pollfd){.fd = b->listen[i], .events = POLLIN};
            who[n++] = -2 - i;
        }
        for (int i = 0; i < MAX_CONN; i++)
            if (b->conns[i].fd >= 0) {
                short ev = b->conns[i].want_write ? POLLOUT : POLLIN;
                pfd[n] = (struct pollfd){.fd = b->conns[i].fd, .events = ev};
                who[n++] = i;
            }
        if (poll(pfd, (nfds_t)n, 1000) < 0 && errno != EINTR) return NULL;
        if (pfd[0].revents) return NULL;
        for (int i = 1; i < n; i++) {
            if (!pfd[i].revents) continue;
            if (who[i] <= -2) accept_one(b, b->listen[-2 - who[i]]);
            else conn_readable(b, &b->conns[who[i]]);
        }
        time_t now = time(NULL);
        for (int i = 0; i < MAX_CONN; i++)
            if (b->conns[i].fd >= 0 && now - b->conns[i].seen > IDLE_S) conn_close(&b->conns[i]);
    }
}

/* ---------------------------------------------------------------------------
 * Start and stop
 * ------------------------------------------------------------------------ */

static int listen_on(const char *addr, int port) {
    struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_PASSIVE, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    char ports[8];
    snprintf(ports, sizeof ports, "%d", port);
    if (getaddrinfo(addr, ports, &hints, &res) != 0) return -1;
    int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
    if (fd >= 0) {
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (res->ai_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
        if (bind(fd, res->ai_addr, res->ai_addrlen) || listen(fd, 64)) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    return fd;
}

static void bind_all(struct beacon *b, const char *bind, int port) {
    char list[1024];
    snprintf(list, sizeof list, "%s", bind);
    for (char *save = NULL, *tok = strtok_r(list, " ", &save); tok && b->n_listen < MAX_LISTEN;
         tok = strtok_r(NULL, " ", &save)) {
        int optional = tok[0] == '-';
        const char *a = tok + optional;
        a = !strcmp(a, "*") ? "0.0.0.0" : !strcmp(a, "::*") ? "::" : a;
        int fd = listen_on(a, port);
        if (fd >= 0) b->listen[b->n_listen++] = fd;
        else if (!optional)
            log_warn("beacon: cannot listen; peers will see this pod as down while it decides",
                     "address", a, "error", strerror(errno), NULL);
    }
}

struct beacon *beacon_start(const char *bind, int port, const char *user, const char *pass,
                            int has_data, const struct history *h) {
    struct beacon *b = calloc(1, sizeof *b);
    if (!b) return NULL;
    for (int i = 0; i < MAX_CONN; i++) b->conns[i].fd = -1;
    snprintf(b->user, sizeof b->user, "%s", user);
    snprintf(b->pass, sizeof b->pass, "%s", pass);
    b->has_data = has_data;
    b->hist = *h;
    b->tls = tls_server_ctx();
    if (tls_on() && !b->tls) goto fail; /* never plain text where TLS is on */
    bind_all(b, bind, port);
    if (b->n_listen == 0 || pipe(b->wake) != 0) goto fail;
    fcntl(b->wake[0], F_SETFD, FD_CLOEXEC);
    fcntl(b->wake[1], F_SETFD, FD_CLOEXEC);
    if (pthread_create(&b->thread, NULL, serve, b) != 0) {
        close(b->wake[0]);
        close(b->wake[1]);
        goto fail;
    }
    return b;
fail:
    for (int i = 0; i < b->n_listen; i++) close(b->listen[i]);
    tls_ctx_free(b->tls);
    explicit_bzero(b->pass, sizeof b->pass);
    free(b);
    return NULL;
}

void beacon_stop(struct beacon *b) {
    if (!b) return;
    (void)!write(b->wake[1], "x", 1);
    pthread_join(b->thread, NULL);
    close(b->wake[0]);
    close(b->wake[1]);
    for (int i = 0; i < b->n_listen; i++) close(b->listen[i]);
    for (int i = 0; i < MAX_CONN; i++)
        if (b->conns[i].fd >= 0) conn_close(&b->conns[i]);
    tls_ctx_free(b->tls);
    explicit_bzero(b->pass, sizeof b->pass);
    free(b);
}
