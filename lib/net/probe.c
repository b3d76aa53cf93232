/* probe.c: one bounded conversation with a peer, and rounds of them.
 *
 * A session is: resolve, our own non-blocking connect bounded by poll(),
 * then hiredis on the connected socket for AUTH and the queries (pipelined:
 * one round trip). Every phase gets what is left of one budget measured from
 * the start. Outcomes, not strings, say what happened; details are for
 * humans and never contain a password.
 *
 * Only the hiredis API common to 0.14 and 1.x is used.
 */
#include "net/probe.h"

#include <errno.h>
#include <fcntl.h>
#include <hiredis/hiredis.h>
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

#include "net/dns.h"
#include "net/info.h"
#include "net/session.h"

const char *const probe_phase_names[] = {"dns", "connect", "auth", "query"};

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

struct sess {
    double t0;
    int budget_ms;
    const char *pass;           /* only to scrub it from details */
    redisContext *c;
    char *detail;
    size_t dlen;
    const struct tracker *tr;
    enum phase phase;
    char addr[64];
    char err_code[32];          /* first word of the last error reply ("LOADING") */
};

static int left_ms(const struct sess *s) {
    return (int)(s->budget_ms - (mono_ms() - s->t0));
}

static void set_detail(struct sess *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_detail(struct sess *s, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->detail, s->dlen, fmt, ap);
    va_end(ap);
    /* Redis never echoes a password, but a detail is logged: make sure. */
    if (s->pass && *s->pass && strstr(s->detail, s->pass))
        snprintf(s->detail, s->dlen, "%s: reply withheld (it contained the password)", probe_phase_names[s->phase]);
    for (char *p = s->detail; *p; p++)
        if (*p == '\r' || *p == '\n') *p = ' ';
}

static void set_phase(struct sess *s, enum phase ph) {
    s->phase = ph;
    track(s->tr, ph, s->addr[0] ? s->addr : NULL);
}

static enum outcome timed_out(struct sess *s) {
    set_detail(s, "%s: timeout after %d ms", probe_phase_names[s->phase], s->budget_ms);
    return OUT_TIMEOUT;
}

/* Non-blocking connect so that refused, unreachable and timeout differ, and
 * the wait is bounded; the socket is returned blocking for hiredis. */
static enum outcome tcp_connect(struct sess *s, const struct resolved *r, int *fdp) {
    int fd = socket(r->sa.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        set_detail(s, "connect: socket: %s", strerror(errno));
        return OUT_ERROR;
    }
    int fl = fcntl(fd, F_GETFL);
    int err = 0;
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) err = errno;
    else if (connect(fd, (const struct sockaddr *)&r->sa, r->salen) != 0) err = errno;
    while (err == EINPROGRESS || err == EINTR) {
        int left = left_ms(s);
        if (left <= 0) { close(fd); return timed_out(s); }
        struct pollfd pfd = {.fd = fd, .events = POLLOUT};
        int n = poll(&pfd, 1, left);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) { err = errno; break; }
        if (n == 0) { close(fd); return timed_out(s); }
        socklen_t el = sizeof err;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) != 0) err = errno;
    }
    if (!err && fcntl(fd, F_SETFL, fl) < 0) err = errno;
    if (err) {
        close(fd);
        if (err == ECONNREFUSED) {
            set_detail(s, "connect: connection refused");
            return OUT_REFUSED;
        }
        if (err == ETIMEDOUT) return timed_out(s);
        set_detail(s, "connect: %s", strerror(err));
        return OUT_ERROR;
    }
    *fdp = fd;
    return OUT_ANSWER;
}

static enum outcome sess_open(struct sess *s, const char *host, int port) {
    struct resolved r;
    set_phase(s, PH_DNS);
    enum outcome o = dns_resolve(host, port, &r, s->detail, s->dlen);
    if (o != OUT_ANSWER) return o;
    if (left_ms(s) <= 0) {
        set_detail(s, "dns: no answer within %d ms", s->budget_ms);
        return OUT_TIMEOUT;
    }
    snprintf(s->addr, sizeof s->addr, "%s", r.addr);
    set_phase(s, PH_CONNECT);
    int fd;
    if ((o = tcp_connect(s, &r, &fd)) != OUT_ANSWER) return o;
    s->c = redisConnectFd(fd);
    if (!s->c || s->c->err) {
        set_detail(s, "connect: hiredis: %s", s->c ? s->c->errstr : "out of memory");
        if (!s->c) close(fd);
        return OUT_ERROR;
    }
    /* Backstop only: get_reply() polls, so no single read or write blocks. */
    int left = left_ms(s) > 0 ? left_ms(s) : 1;
    redisSetTimeout(s->c, (struct timeval){left / 1000, (left % 1000) * 1000});
    return OUT_ANSWER;
}

/* Classify a failed redisGetReply. */
static enum outcome io_failure(struct sess *s) {
    int e = errno;
    int err = s->c->err;
#ifdef REDIS_ERR_TIMEOUT
    if (err == REDIS_ERR_TIMEOUT) return timed_out(s);   /* hiredis 1.x */
#endif
    /* hiredis 0.14: SO_RCVTIMEO expiry surfaces as an I/O error with EAGAIN. */
    if ((err == REDIS_ERR_IO && (e == EAGAIN || e == EWOULDBLOCK || e == ETIMEDOUT)) || left_ms(s) <= 0)
        return timed_out(s);
    if (err == REDIS_ERR_EOF) set_detail(s, "%s: connection closed by peer", probe_phase_names[s->phase]);
    else set_detail(s, "%s: %s", probe_phase_names[s->phase], s->c->errstr);
    return OUT_ERROR;
}

static int starts(const char *s, const char *prefix) {
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* An error reply: ACL and password problems are auth-failed. */
static enum outcome error_reply(struct sess *s, const redisReply *rep, const char *what) {
    const char *m = rep->str ? rep->str : "";
    size_t w = strcspn(m, " \r\n");
    snprintf(s->err_code, sizeof s->err_code, "%.*s", (int)(w < sizeof s->err_code ? w : sizeof s->err_code - 1), m);
    set_detail(s, "%s: %.*s", what, 120, m);
    if (starts(m, "WRONGPASS") || starts(m, "NOAUTH") || starts(m, "NOPERM") ||
        starts(m, "ERR invalid password") || starts(m, "ERR AUTH"))
        return OUT_AUTH_FAILED;
    return OUT_ERROR;
}

/* Wait for fd readiness within the budget: 0 ready, 1 timeout, -1 error. */
static int wait_fd(struct sess *s, short events) {
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
static enum outcome get_reply(struct sess *s, redisReply **rep) {
    void *r = NULL;
    int done = 0, w;
    *rep = NULL;
    while (!done) {
        if ((w = wait_fd(s, POLLOUT)) != 0) break;
        if (redisBufferWrite(s->c, &done) != REDIS_OK) return io_failure(s);
    }
    while (done) {
        if (redisGetReplyFromReader(s->c, &r) != REDIS_OK) return io_failure(s);
        if (r) { *rep = r; return OUT_ANSWER; }
        if ((w = wait_fd(s, POLLIN)) != 0) break;
        errno = 0;
        if (redisBufferRead(s->c) != REDIS_OK) return io_failure(s);
    }
    if (w > 0) return timed_out(s);
    set_detail(s, "%s: poll: %s", probe_phase_names[s->phase], strerror(errno));
    return OUT_ERROR;
}

/* Pipeline AUTH (when a password is set) and the n commands; replies[i]
 * gets the reply to command i. On anything but OUT_ANSWER no reply is kept. */
static enum outcome sess_run(struct sess *s, const char *user, int n, const char **argv[],
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
            snprintf(what, sizeof what, "%s%s%s", argv[i][0], argc[i] > 1 ? " " : "", argc[i] > 1 ? argv[i][1] : "");
            o = error_reply(s, replies[i], what);
        }
    }
    if (o != OUT_ANSWER)
        for (int i = 0; i < n; i++)
            if (replies[i]) { freeReplyObject(replies[i]); replies[i] = NULL; }
    return o;
}

/* t0: when the budget started (a round starts all probes' clocks at once). */
static void sess_init(struct sess *s, double t0, int timeout_ms, const char *pass, char *detail,
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

static void sess_close(struct sess *s) {
    if (s->c) redisFree(s->c);   /* closes the socket too */
    s->c = NULL;
}

static int is_text(const redisReply *r) {
#ifdef REDIS_REPLY_VERB
    if (r->type == REDIS_REPLY_VERB) return 1;   /* RESP3 in hiredis 1.x; we speak RESP2 */
#endif
    return r->type == REDIS_REPLY_STRING && r->str;
}

/* ---- redis pods ---- */

static enum outcome fill_redis(struct sess *s, void *obs, redisReply **rep) {
    struct redis_obs *r = obs;
    for (int i = 0; i < 3; i++)
        if (!is_text(rep[i])) {
            set_detail(s, "query: INFO returned reply type %d", rep[i]->type);
            return OUT_ERROR;
        }
    if (info_parse_replication(rep[0]->str, r) != 0) {
        set_detail(s, "query: INFO replication has no role field");
        return OUT_ERROR;
    }
    r->loading = info_parse_loading(rep[1]->str);
    r->keys = info_parse_keys(rep[2]->str);
    return OUT_ANSWER;
}

/* Keep what identifies the peer, clear every result field. */
static void clear_common(struct peer_common *p) {
    struct peer_common keep = *p;
    memset(p, 0, sizeof *p);
    p->ordinal = keep.ordinal;
    memcpy(p->host, keep.host, sizeof p->host);
    p->host[sizeof p->host - 1] = '\0';
    p->port = keep.port;
}

void probe_clear_redis(struct redis_obs *r) {
    struct peer_common p = r->p;
    memset(r, 0, sizeof *r);
    r->p = p;
    clear_common(&r->p);
    r->second_offset = -1;
}

void probe_clear_sentinel(struct sentinel_obs *so) {
    struct peer_common p = so->p;
    memset(so, 0, sizeof *so);
    so->p = p;
    clear_common(&so->p);
}

typedef enum outcome (*fill_fn)(struct sess *s, void *obs, redisReply **rep);

/* One whole probe of p: open, pipeline AUTH + n commands, let fill() read
 * the replies, close; p gets outcome, detail, addr and elapsed time. */
static void converse(struct peer_common *p, double t0, int timeout_ms, const char *user, const char *pass,
                     const struct tracker *tr, int n, const char **argv[], const int argc[], fill_fn fill,
                     void *obs, char err_code[32]) {
    struct sigguard g;
    sigpipe_block(&g);
    struct sess s;
    redisReply *rep[4] = {NULL};
    sess_init(&s, t0, timeout_ms, pass, p->detail, sizeof p->detail, tr);
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

void probe_redis_tracked(const struct probe_config *cfg, struct redis_obs *r, double t0,
                           const struct tracker *tr) {
    static const char *repl[] = {"INFO", "replication"}, *pers[] = {"INFO", "persistence"},
                      *keys[] = {"INFO", "keyspace"};
    const char **argv[3] = {repl, pers, keys};
    const int argc[3] = {2, 2, 2};
    probe_clear_redis(r);
    converse(&r->p, t0, cfg->timeout_ms, cfg->redis_user, cfg->redis_pass, tr, 3, argv, argc, fill_redis, r, NULL);
}

void probe_redis(const struct probe_config *cfg, struct redis_obs *r) {
    probe_redis_tracked(cfg, r, mono_ms(), NULL);
}

/* ---- sentinels ---- */

static enum outcome fill_sentinel(struct sess *s, void *obs, redisReply **reps) {
    struct sentinel_obs *so = obs;
    const redisReply *rep = reps[0];
    if (rep->type == REDIS_REPLY_NIL) {
        set_detail(s, "query: sentinel does not know this master group");
        return OUT_NIL_MASTER;
    }
    if (rep->type != REDIS_REPLY_ARRAY || rep->elements != 2 || !is_text(rep->element[0])) {
        set_detail(s, "query: unexpected reply to get-master-addr-by-name (type %d)", rep->type);
        return OUT_ERROR;
    }
    const redisReply *h = rep->element[0], *pt = rep->element[1];
    long port = -1;
    if (is_text(pt)) {
        char *end;
        port = strtol(pt->str, &end, 10);
        if (end == pt->str || *end) port = -1;
    } else if (pt->type == REDIS_REPLY_INTEGER) {
        port = (long)pt->integer;
    }
    if (port <= 0 || port > 65535 || h->len == 0 || h->len >= sizeof so->master_host) {
        set_detail(s, "query: get-master-addr-by-name: bad address");
        return OUT_ERROR;
    }
    memcpy(so->master_host, h->str, h->len);
    so->master_host[h->len] = '\0';
    so->master_port = (int)port;
    return OUT_ANSWER;
}

void probe_sentinel_tracked(const struct probe_config *cfg, struct sentinel_obs *so, double t0,
                              const struct tracker *tr) {
    const char *av[3] = {"SENTINEL", "GET-MASTER-ADDR-BY-NAME", cfg->master_name ? cfg->master_name : ""};
    const char **argv[1] = {av};
    const int argc[1] = {3};
    probe_clear_sentinel(so);
    converse(&so->p, t0, cfg->timeout_ms, cfg->sentinel_user, cfg->sentinel_pass, tr, 1, argv, argc,
             fill_sentinel, so, NULL);
}

void probe_sentinel(const struct probe_config *cfg, struct sentinel_obs *s) {
    probe_sentinel_tracked(cfg, s, mono_ms(), NULL);
}

/* ---- lifecycle: liveness and the sentinel's own view ---- */

static enum outcome fill_pong(struct sess *s, void *obs, redisReply **rep) {
    (void)obs;
    if (rep[0]->type == REDIS_REPLY_STATUS && rep[0]->str && strcmp(rep[0]->str, "PONG") == 0)
        return OUT_ANSWER;
    set_detail(s, "query: PING: unexpected reply (type %d)", rep[0]->type);
    return OUT_ERROR;
}

enum outcome probe_ping(struct peer_common *p, const char *user, const char *pass, int timeout_ms,
                        char err_code[32]) {
    static const char *av[] = {"PING"};
    const char **argv[1] = {av};
    const int argc[1] = {1};
    clear_common(p);
    err_code[0] = '\0';
    converse(p, mono_ms(), timeout_ms, user, pass, NULL, 1, argv, argc, fill_pong, NULL, err_code);
    return p->outcome;
}

static void copy_text(char *dst, size_t cap, const redisReply *r) {
    size_t n = r->len < cap - 1 ? r->len : cap - 1;
    memcpy(dst, r->str, n);
    dst[n] = '\0';
}

static long reply_long(const redisReply *r) {
    char buf[32], *end;
    copy_text(buf, sizeof buf, r);
    long v = strtol(buf, &end, 10);
    return end == buf || *end ? -1 : v;
}

/* SENTINEL REPLICAS / SENTINELS <group>: an array of flat field/value
 * arrays. The ones this sentinel can reach now: neither subjectively down
 * nor disconnected (configured known-* peers are listed from the start). */
static int count_reachable(const redisReply *rep) {
    if (rep->type != REDIS_REPLY_ARRAY) return -1;
    int n = 0;
    for (size_t i = 0; i < rep->elements; i++) {
        const redisReply *e = rep->element[i];
        if (e->type != REDIS_REPLY_ARRAY) return -1;
        for (size_t j = 0; j + 1 < e->elements; j += 2) {
            const redisReply *k = e->element[j], *v = e->element[j + 1];
            if (!is_text(k) || !is_text(v) || strcmp(k->str, "flags") != 0) continue;
            if (!strstr(v->str, "s_down") && !strstr(v->str, "disconnected")) n++;
            break;
        }
    }
    return n;
}

/* SENTINEL MASTER <group>: a flat array of field, value (RESP2); then the
 * replica and sentinel listings. */
static enum outcome fill_sentinel_master(struct sess *s, void *obs, redisReply **reps) {
    struct sentinel_master_obs *m = obs;
    const redisReply *rep = reps[0];
    m->reachable_replicas = count_reachable(reps[1]);
    m->reachable_sentinels = count_reachable(reps[2]);
    if (m->reachable_replicas < 0 || m->reachable_sentinels < 0) {
        set_detail(s, "query: unexpected reply to SENTINEL REPLICAS or SENTINELS");
        return OUT_ERROR;
    }
    if (rep->type != REDIS_REPLY_ARRAY || rep->elements % 2) {
        set_detail(s, "query: unexpected reply to SENTINEL MASTER (type %d)", rep->type);
        return OUT_ERROR;
    }
    for (size_t i = 0; i + 1 < rep->elements; i += 2) {
        const redisReply *k = rep->element[i], *v = rep->element[i + 1];
        if (!is_text(k) || !is_text(v)) continue;
        if (strcmp(k->str, "ip") == 0) copy_text(m->master_host, sizeof m->master_host, v);
        else if (strcmp(k->str, "port") == 0) m->master_port = (int)reply_long(v);
        else if (strcmp(k->str, "flags") == 0) copy_text(m->flags, sizeof m->flags, v);
        else if (strcmp(k->str, "num-slaves") == 0) m->num_replicas = (int)reply_long(v);
        else if (strcmp(k->str, "num-other-sentinels") == 0) m->num_other_sentinels = (int)reply_long(v);
        else if (strcmp(k->str, "quorum") == 0) m->quorum = (int)reply_long(v);
    }
    if (!m->master_host[0] || m->master_port <= 0 || m->master_port > 65535 || m->num_replicas < 0 ||
        m->num_other_sentinels < 0) {
        set_detail(s, "query: SENTINEL MASTER: no usable ip, port or counts");
        return OUT_ERROR;
    }
    return OUT_ANSWER;
}

void probe_sentinel_master(struct sentinel_master_obs *m, const char *user, const char *pass,
                           const char *master_name, int timeout_ms) {
    const char *group = master_name ? master_name : "";
    const char *av[3] = {"SENTINEL", "MASTER", group}, *ar[3] = {"SENTINEL", "REPLICAS", group},
               *as[3] = {"SENTINEL", "SENTINELS", group};
    const char **argv[3] = {av, ar, as};
    const int argc[3] = {3, 3, 3};
    char err_code[32];
    struct peer_common p = m->p;
    memset(m, 0, sizeof *m);
    m->p = p;
    clear_common(&m->p);
    converse(&m->p, mono_ms(), timeout_ms, user, pass, NULL, 3, argv, argc, fill_sentinel_master, m,
             err_code);
    /* "ERR No such master with that name": it answered, and monitors nothing by that name. */
    if (m->p.outcome == OUT_ERROR && strcmp(err_code, "ERR") == 0 && strstr(m->p.detail, "No such master"))
        m->p.outcome = OUT_NIL_MASTER;
}

/* ---- actions ---- */

/* "+OK", or a status that starts with it ("OK Already connected to specified master"). */
static enum outcome fill_ok(struct sess *s, void *obs, redisReply **rep) {
    (void)obs;
    if (rep[0]->type == REDIS_REPLY_STATUS && rep[0]->str && strncmp(rep[0]->str, "OK", 2) == 0)
        return OUT_ANSWER;
    set_detail(s, "query: unexpected reply (type %d)", rep[0]->type);
    return OUT_ERROR;
}

static int run_action(const char *host, int port, const char *user, const char *pass, int timeout_ms,
                      int argc, const char **argv, const char *what, char err_code[32], ri_err *e) {
    struct peer_common p = {.port = port};
    char code[32] = "";
    snprintf(p.host, sizeof p.host, "%s", host ? host : "");
    converse(&p, mono_ms(), timeout_ms, user, pass, NULL, 1, &argv, &argc, fill_ok, NULL, code);
    if (err_code) memcpy(err_code, code, sizeof code);
    if (p.outcome == OUT_ANSWER) return 0;
    return ri_fail(e, EX_UNAVAILABLE, "%s on %.200s:%d: %s: %s", what, p.host, port, outcome_name(p.outcome),
                   p.detail);
}

int probe_action(const char *host, int port, const char *user, const char *pass, int timeout_ms,
                 int argc, const char **argv, const char *what, ri_err *e) {
    return run_action(host, port, user, pass, timeout_ms, argc, argv, what, NULL, e);
}

int probe_sentinel_failover(const char *host, int port, const char *user, const char *pass,
                            const char *master_name, int timeout_ms, char err_code[32], ri_err *e) {
    const char *argv[3] = {"SENTINEL", "FAILOVER", master_name ? master_name : ""};
    return run_action(host, port, user, pass, timeout_ms, 3, argv, "SENTINEL FAILOVER", err_code, e);
}

int probe_replicaof_no_one(const char *host, int port, const char *user, const char *pass,
                           int timeout_ms, ri_err *e) {
    const char *argv[3] = {"REPLICAOF", "NO", "ONE"};
    return probe_action(host, port, user, pass, timeout_ms, 3, argv, "REPLICAOF NO ONE", e);
}
