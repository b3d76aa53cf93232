/* session.c: one bounded conversation with a peer (see session.h).
 *
 * A session is: resolve, our own non-blocking connect bounded by poll(),
 * then hiredis on the connected socket for AUTH and the queries (pipelined:
 * one round trip). Every phase gets what is left of one budget measured from
 * the start. Outcomes, not strings, say what happened; details are for
 * humans and never contain a password.
 *
 * With TLS (tls.h) hiredis's TLS carries the bytes, but the handshake is
 * ours, driven with poll() on the non-blocking socket (tls_open()), and
 * get_reply() reads what OpenSSL already holds before it polls the socket.
 */
#include "net/session.h"

#include <errno.h>
#include <fcntl.h>
#include <hiredis/hiredis_ssl.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "net/dns.h"
#include "net/gate.h"
#include "net/tls.h"

const char *const session_phase_names[] = {"dns", "connect", "tls", "auth", "query"};

static void track(const struct tracker *t, enum phase ph, const char *addr) {
    if (!t || !t->mu) return;
    pthread_mutex_lock(t->mu);
    *t->phase = ph;
    if (addr) snprintf(t->addr, 64, "%s", addr);
    pthread_mutex_unlock(t->mu);
}

/* ---- SIGPIPE: hiredis write()s; a peer closing must not kill us ----
 * SIGPIPE from write() goes to the writing thread, so blocking it in this
 * thread and discarding a pending one afterwards needs no global handler. */

struct sigguard {
    sigset_t old;
    int was_pending;
};

static void sigpipe_block(struct sigguard *g) {
    sigset_t set, pend;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    sigpending(&pend);
    g->was_pending = sigismember(&pend, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set, &g->old);
}

static void sigpipe_restore(const struct sigguard *g) {
    sigset_t set, pend;
    sigemptyset(&set);
    sigaddset(&set, SIGPIPE);
    sigpending(&pend);
    if (!g->was_pending && sigismember(&pend, SIGPIPE)) {
        struct timespec zero = {0, 0};
        while (sigtimedwait(&set, NULL, &zero) < 0 && errno == EINTR) {}
    }
    pthread_sigmask(SIG_SETMASK, &g->old, NULL);
}

/* ---- a session ---- */

struct session {
    double t0;
    int budget_ms;
    const char *pass; /* only to scrub it from details */
    redisContext *c;
    SSL *ssl; /* owned by c once handed over */
    char *detail;
    size_t dlen;
    const struct tracker *tr;
    enum phase phase;
    int gated; /* holds a place at the gate (gate.h) */
    char addr[64];
    char err_code[32]; /* first word of the last error reply ("LOADING") */
};

static int left_ms(const struct session *s) { return (int)(s->budget_ms - (mono_ms() - s->t0)); }

void session_detail(struct session *s, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->detail, s->dlen, fmt, ap);
    va_end(ap);
    /* Redis never echoes a password, but a detail is logged: make sure. */
    if (s->pass && *s->pass && strstr(s->detail, s->pass))
        snprintf(s->detail, s->dlen, "%s: reply withheld (it contained the password)",
                 session_phase_names[s->phase]);
    for (char *p = s->detail; *p; p++)
        if (*p == '\r' || *p == '\n') *p = ' ';
}

static void set_phase(struct session *s, enum phase ph) {
    s->phase = ph;
    track(s->tr, ph, s->addr[0] ? s->addr : NULL);
}

static enum outcome timed_out(struct session *s) {
    if (s->phase == PH_TLS)
        session_detail(s, "tls: no handshake within %d ms (a plain-text port?)", s->budget_ms);
    else session_detail(s, "%s: timeout after %d ms", session_phase_names[s->phase], s->budget_ms);
    return OUT_TIMEOUT;
}

/* Non-blocking connect so that refused, unreachable and timeout differ, and
 * the wait is bounded; the socket is returned blocking for hiredis. */
static enum outcome tcp_connect(struct session *s, const struct resolved *r, int *fdp) {
    int fd = socket(r->sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        session_detail(s, "connect: socket: %s", strerror(errno));
        return OUT_ERROR;
    }
    int fl = fcntl(fd, F_GETFL);
    int err = 0;
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) err = errno;
    else if (connect(fd, (const struct sockaddr *)&r->sa, r->salen) != 0) err = errno;
    while (err == EINPROGRESS || err == EINTR) {
        int left = left_ms(s);
        if (left <= 0) {
            close(fd);
            return timed_out(s);
        }
        struct pollfd pfd = {.fd = fd, .events = POLLOUT};
        int n = poll(&pfd, 1, left);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            err = errno;
            break;
        }
        if (n == 0) {
            close(fd);
            return timed_out(s);
        }
        socklen_t el = sizeof err;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) != 0) err = errno;
    }
    if (!err && fcntl(fd, F_SETFL, fl) < 0) err = errno;
    if (err) {
        close(fd);
        if (err == ECONNREFUSED) {
            session_detail(s, "connect: connection refused");
            return OUT_REFUSED;
        }
        if (err == ETIMEDOUT) return timed_out(s);
        session_detail(s, "connect: %s", strerror(err));
        return OUT_ERROR;
    }
    *fdp = fd;
    return OUT_ANSWER;
}

/* TLS on the connected socket, within the budget: hiredis's TLS on a
 * non-blocking context (it starts the handshake and returns), we drive the
 * handshake with poll() and describe a failure, then the context becomes a
 * blocking one like a plain session's. A failure is OUT_ERROR: a peer we
 * cannot verify is neither dead nor empty. */
static enum outcome tls_open(struct session *s, const char *host, int fd) {
    set_phase(s, PH_TLS);
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
        session_detail(s, "tls: fcntl: %s", strerror(errno));
        close(fd);
        return OUT_ERROR;
    }
    redisOptions opt = {0};
    opt.type = REDIS_CONN_USERFD;
    opt.endpoint.fd = fd;
    opt.options = REDIS_OPT_NONBLOCK;
    if (!(s->c = redisConnectWithOptions(&opt))) {
        session_detail(s, "tls: out of memory");
        close(fd);
        return OUT_ERROR;
    }
    SSL_CTX *ctx = tls_client_ctx(); /* waits for a background build (tls.h) */
    if (!ctx) {
        session_detail(s, "tls: no TLS context (its set-up failed)");
        return OUT_ERROR;
    }
    if (s->tr && s->tr->gate) {
        if (!gate_enter(s->tr->gate, s->t0 + s->budget_ms)) {
            tls_ctx_free(ctx);
            session_detail(s, "tls: no handshake started within %d ms (queued behind others)",
                           s->budget_ms);
            return OUT_TIMEOUT;
        }
        s->gated = 1;
    }
    SSL *ssl = tls_client_new(ctx, host, s->detail, s->dlen);
    tls_ctx_free(ctx);
    if (!ssl) return OUT_ERROR;
    if (redisInitiateSSL(s->c, ssl) != REDIS_OK) {
        tls_describe(ssl, SSL_ERROR_SSL, tls_verify_name(host), s->detail, s->dlen);
        SSL_free(ssl); /* not taken over on failure */
        return OUT_ERROR;
    }
    s->ssl = ssl; /* the context owns it now */
    int rc = tls_handshake(ssl, fd, host, s->t0 + s->budget_ms, s->detail, s->dlen);
    if (rc == 0 && fcntl(fd, F_SETFL, fl) == 0) {
        s->c->flags |= REDIS_BLOCK;
        return OUT_ANSWER;
    }
    return rc > 0 ? timed_out(s) : OUT_ERROR;
}

static enum outcome sess_open(struct session *s, const char *host, int port) {
    struct resolved r;
    set_phase(s, PH_DNS);
    enum outcome o = dns_resolve(host, port, &r, s->detail, s->dlen);
    if (o != OUT_ANSWER) return o;
    if (left_ms(s) <= 0) {
        session_detail(s, "dns: no answer within %d ms", s->budget_ms);
        return OUT_TIMEOUT;
    }
    snprintf(s->addr, sizeof s->addr, "%s", r.addr);
    set_phase(s, PH_CONNECT);
    int fd;
    if ((o = tcp_connect(s, &r, &fd)) != OUT_ANSWER) return o;
    if (tls_on()) {
        if ((o = tls_open(s, host, fd)) != OUT_ANSWER) return o; /* sess_close closes */
    } else if (!(s->c = redisConnectFd(fd)) || s->c->err) {
        session_detail(s, "connect: hiredis: %s", s->c ? s->c->errstr : "out of memory");
        if (!s->c) close(fd);
        return OUT_ERROR;
    }
    /* Backstop only: get_reply() polls, so no single read or write blocks. */
    int left = left_ms(s) > 0 ? left_ms(s) : 1;
    redisSetTimeout(s->c, (struct timeval){left / 1000, (left % 1000) * 1000});
    return OUT_ANSWER;
}

/* Classify a failed redisGetReply. */
static enum outcome io_failure(struct session *s) {
    int e = errno;
    int err = s->c->err;
#ifdef REDIS_ERR_TIMEOUT
    if (err == REDIS_ERR_TIMEOUT) return timed_out(s); /* hiredis 1.x */
#endif
    /* hiredis 0.14: SO_RCVTIMEO expiry surfaces as an I/O error with EAGAIN. */
    if ((err == REDIS_ERR_IO && (e == EAGAIN || e == EWOULDBLOCK || e == ETIMEDOUT)) ||
        left_ms(s) <= 0)
        return timed_out(s);
    if (err == REDIS_ERR_EOF)
        session_detail(s, "%s: connection closed by peer", session_phase_names[s->phase]);
    else session_detail(s, "%s: %s", session_phase_names[s->phase], s->c->errstr);
    return OUT_ERROR;
}

static int starts(const char *s, const char *prefix) {
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* An error reply: ACL and password problems are auth-failed. */
static enum outcome error_reply(struct session *s, const redisReply *rep, const char *what) {
    const char *m = rep->str ? rep->str : "";
    size_t w = strcspn(m, " \r\n");
    snprintf(s->err_code, sizeof s->err_code, "%.*s",
             (int)(w < sizeof s->err_code ? w : sizeof s->err_code - 1), m);
    session_detail(s, "%s: %.*s", what, 120, m);
    if (starts(m, "WRONGPASS") || starts(m, "NOAUTH") || starts(m, "NOPERM") ||
        starts(m, "ERR invalid password") || starts(m, "ERR AUTH"))
        return OUT_AUTH_FAILED;
    return OUT_ERROR;
}

/* Wait for fd readiness within the budget: 0 ready, 1 timeout, -1 error. */
static int wait_fd(struct session *s, short events) {
    if ((events & POLLIN) && s->ssl && SSL_pending(s->ssl) > 0) return 0;
    for (;;) {
        int left = left_ms(s);
        if (left <= 0) return 1;
        struct pollfd pfd = {.fd = s->c->fd, .events = events};
        int n = poll(&pfd, 1, left);
        if (n > 0) return 0;
        if (n == 0) return 1;
        if (errno != EINTR) return -1;
    }
}

/* One reply within what is left of the budget. redisGetReply() would bound
 * each read() only, so a peer trickling bytes could hold us forever; instead
 * we poll and feed hiredis's reader ourselves (public in 0.14 and 1.x). */
static enum outcome get_reply(struct session *s, redisReply **rep) {
    void *r = NULL;
    int done = 0, w;
    *rep = NULL;
    while (!done) {
        if ((w = wait_fd(s, POLLOUT)) != 0) break;
        if (redisBufferWrite(s->c, &done) != REDIS_OK) return io_failure(s);
    }
    while (done) {
        if (redisGetReplyFromReader(s->c, &r) != REDIS_OK) return io_failure(s);
        if (r) {
            *rep = r;
            return OUT_ANSWER;
        }
        if ((w = wait_fd(s, POLLIN)) != 0) break;
        errno = 0;
        if (redisBufferRead(s->c) != REDIS_OK) return io_failure(s);
    }
    if (w > 0) return timed_out(s);
    session_detail(s, "%s: poll: %s", session_phase_names[s->phase], strerror(errno));
    return OUT_ERROR;
}

/* Pipeline AUTH (when a password is set) and the n commands; replies[i]
 * gets the reply to command i. On anything but OUT_ANSWER no reply is kept. */
static enum outcome sess_run(struct session *s, const char *user, int n, const char **argv[],
                             const int argc[], redisReply *replies[]) {
    enum outcome o = OUT_ANSWER;
    int have_auth = s->pass && *s->pass;
    if (have_auth) {
        const char *av[3] = {"AUTH", user, s->pass};
        int ac = user && *user ? 3 : 2;
        if (ac == 2) av[1] = s->pass;
        redisAppendCommandArgv(s->c, ac, av, NULL);
    }
    for (int i = 0; i < n; i++) {
        replies[i] = NULL;
        redisAppendCommandArgv(s->c, argc[i], argv[i], NULL);
    }
    if (have_auth) {
        redisReply *rep = NULL;
        set_phase(s, PH_AUTH);
        if ((o = get_reply(s, &rep)) != OUT_ANSWER) return o;
        if (rep->type == REDIS_REPLY_ERROR) o = error_reply(s, rep, "auth");
        freeReplyObject(rep);
        if (o != OUT_ANSWER) return o;
    }
    set_phase(s, PH_QUERY);
    for (int i = 0; i < n && o == OUT_ANSWER; i++) {
        if ((o = get_reply(s, &replies[i])) != OUT_ANSWER) break;
        if (replies[i]->type == REDIS_REPLY_ERROR) {
            char what[64];
            snprintf(what, sizeof what, "%s%s%s", argv[i][0], argc[i] > 1 ? " " : "",
                     argc[i] > 1 ? argv[i][1] : "");
            o = error_reply(s, replies[i], what);
        }
    }
    if (o != OUT_ANSWER)
        for (int i = 0; i < n; i++)
            if (replies[i]) {
                freeReplyObject(replies[i]);
                replies[i] = NULL;
            }
    return o;
}

/* t0: when the budget started (a round starts all probes' clocks at once). */
static void sess_init(struct session *s, double t0, int timeout_ms, const char *pass, char *detail,
                      size_t dlen, const struct tracker *tr) {
    memset(s, 0, sizeof *s);
    s->t0 = t0;
    s->budget_ms = timeout_ms > 0 ? timeout_ms : 1;
    s->pass = pass;
    s->detail = detail;
    s->dlen = dlen;
    s->tr = tr;
    detail[0] = '\0';
}

static void sess_close(struct session *s) {
    if (s->c) redisFree(s->c); /* closes the socket too */
    s->c = NULL;
    if (s->gated) gate_leave();
    s->gated = 0;
}

int session_is_text(const redisReply *r) {
#ifdef REDIS_REPLY_VERB
    if (r->type == REDIS_REPLY_VERB) return 1; /* RESP3 in hiredis 1.x; we speak RESP2 */
#endif
    return r->type == REDIS_REPLY_STRING && r->str;
}

/* Keep what identifies the peer, clear every result field. */
void peer_clear(struct peer_common *p) {
    struct peer_common keep = *p;
    memset(p, 0, sizeof *p);
    p->ordinal = keep.ordinal;
    memcpy(p->host, keep.host, sizeof p->host);
    p->host[sizeof p->host - 1] = '\0';
    p->port = keep.port;
}

redisContext *session_connect(const char *host, int port, int timeout_ms, char *detail,
                              size_t dlen) {
    struct sigguard g;
    struct session s;
    sigpipe_block(&g);
    sess_init(&s, mono_ms(), timeout_ms, NULL, detail, dlen, NULL);
    redisContext *c = NULL;
    if (sess_open(&s, host, port) == OUT_ANSWER) {
        c = s.c;
        s.c = NULL;
    }
    sess_close(&s);
    sigpipe_restore(&g);
    return c;
}

int session_peer_fingerprint(const char *host, int port, int timeout_ms, unsigned char out[32],
                             char *detail, size_t dlen) {
    struct sigguard g;
    struct session s;
    int rc = -1;
    sigpipe_block(&g);
    sess_init(&s, mono_ms(), timeout_ms, NULL, detail, dlen, NULL);
    if (!tls_on()) snprintf(detail, dlen, "tls is off");
    else if (sess_open(&s, host, port) == OUT_ANSWER) {
        X509 *x = SSL_get1_peer_certificate(s.ssl);
        unsigned int n = 0;
        if (x && X509_digest(x, EVP_sha256(), out, &n) == 1 && n == 32) rc = 0;
        else snprintf(detail, dlen, "tls: no peer certificate");
        X509_free(x);
    }
    sess_close(&s);
    sigpipe_restore(&g);
    return rc;
}

/* One whole probe of p: open, pipeline AUTH + n commands, let fill() read
 * the replies, close; p gets outcome, detail, addr and elapsed time. */
void session_converse(struct peer_common *p, double t0, int timeout_ms, const char *user,
                      const char *pass, const struct tracker *tr, int n, const char **argv[],
                      const int argc[], session_fill_fn fill, void *obs, char err_code[32]) {
    struct sigguard g;
    sigpipe_block(&g);
    struct session s;
    redisReply *rep[SESSION_MAX_COMMANDS] = {NULL};
    sess_init(&s, t0, timeout_ms, pass, p->detail, sizeof p->detail, tr);
    if (n < 1 || n > SESSION_MAX_COMMANDS) { /* a caller's bug, reported as any error */
        snprintf(p->detail, sizeof p->detail, "%d commands in one conversation", n);
        p->outcome = OUT_ERROR;
        if (err_code) err_code[0] = '\0';
        sigpipe_restore(&g);
        return;
    }
    enum outcome o = sess_open(&s, p->host, p->port);
    if (o == OUT_ANSWER) o = sess_run(&s, user, n, argv, argc, rep);
    if (o == OUT_ANSWER) {
        o = fill(&s, obs, rep);
        for (int i = 0; i < n; i++) freeReplyObject(rep[i]);
    }
    sess_close(&s);
    sigpipe_restore(&g);
    if (err_code) memcpy(err_code, s.err_code, sizeof s.err_code);
    snprintf(p->addr, sizeof p->addr, "%s", s.addr);
    p->outcome = o;
    p->elapsed_ms = mono_ms() - s.t0;
}
