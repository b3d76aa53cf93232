/* test_probe.c: probes against real redis-server / redis-sentinel 7.0 on
 * 127.0.0.1, plus stand-ins for bad peers: a closed port (refused), a
 * listener that never replies (timeout), one that trickles a reply byte by
 * byte (timeout, total budget), and a name under .invalid (not-found).
 * Servers are started once per run and killed in teardown and at exit.
 * Outcomes are asserted, never resolver wording. */
#define _GNU_SOURCE   /* RTLD_NEXT, for the slow-resolver stand-in below (test only) */
#include "checkmain.h"
#include "net/dns.h"
#include "net/admin.h"
#include "net/gate.h"
#include "net/probe.h"
#include "net/round.h"

#include <dlfcn.h>
#include <errno.h>
#include <netdb.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PROBE_PASS "pa ss%w#rd&$"   /* space and shell/printf specials: argv is binary safe */
#define SENT_PASS  "s3nt:pass"
#define ADMIN_PASS "adminpass"
#define TIMEOUT_MS 1000
#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static char tmpd[128];
static pid_t pids[4];
static int npids;
static int p_master, p_replica, p_sentinel, p_silent, p_closed, p_trickle;
static int silent_fd = -1, trickle_fd = -1;
static volatile int trickle_stop;
static pthread_t trickle_th;
static int trickle_started, servers_ok;
static pid_t owner;   /* Check forks a child per test; only the starter may stop */

/* A resolver that hangs: names under .slowdns.test take 1.5 s to fail, as
 * getaddrinfo() does against an unresponsive nameserver. Interposes libc's
 * symbol for this test binary only. */
int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints, struct addrinfo **res) {
    static int (*real)(const char *, const char *, const struct addrinfo *, struct addrinfo **);
    if (node && strstr(node, ".slowdns.test")) {
        usleep(1500 * 1000);
        return EAI_AGAIN;
    }
    if (!real) *(void **)&real = dlsym(RTLD_NEXT, "getaddrinfo");
    return real(node, service, hints, res);
}

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int listen_loopback(int backlog, int *port) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof sa;
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, backlog) != 0 ||
        getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
        if (fd >= 0) close(fd);
        return -1;
    }
    *port = ntohs(sa.sin_port);
    return fd;
}

/* A port nothing listens on (bound then released: reuse within the run is
 * unlikely, and a server taking it would show up as a failed assertion). */
static int free_port(void) {
    int port = 0, fd = listen_loopback(1, &port);
    if (fd >= 0) close(fd);
    return port;
}

/* Accepts everything; sends a bulk-string header then one byte per 100 ms. */
static void *trickler(void *arg) {
    (void)arg;
    int fds[64], n = 0;
    while (!trickle_stop) {
        struct pollfd p = {.fd = trickle_fd, .events = POLLIN};
        if (poll(&p, 1, 100) > 0 && n < N(fds)) {
            int c = accept(trickle_fd, NULL, NULL);
            if (c >= 0 && send(c, "$100000\r\n", 9, MSG_NOSIGNAL) == 9) fds[n++] = c;
            else if (c >= 0) close(c);
        }
        for (int i = 0; i < n; i++)
            if (send(fds[i], "x", 1, MSG_NOSIGNAL) != 1) {}
    }
    for (int i = 0; i < n; i++) close(fds[i]);
    return NULL;
}

static void write_file(const char *name, const char *text) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", tmpd, name);
    FILE *f = fopen(path, "w");
    if (!f) return;
    fputs(text, f);
    fclose(f);
}

static void spawn(const char *envbin, const char *bin, const char *conf) {
    char path[256];
    const char *b = getenv(envbin) ? getenv(envbin) : bin;
    snprintf(path, sizeof path, "%s/%s", tmpd, conf);
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stdout)) _exit(126);
        execlp(b, b, path, (char *)NULL);
        _exit(127);
    }
    if (pid > 0) pids[npids++] = pid;
}

static int wait_port(int port, int ms) {
    for (double t0 = now_ms(); now_ms() - t0 < ms;) {
        redisContext *c = redisConnect("127.0.0.1", port);
        int ok = c && !c->err;
        if (c) redisFree(c);
        if (ok) return 1;
        usleep(20000);
    }
    return 0;
}

static void stop_servers(void) {
    if (getpid() != owner) return;
    for (int i = 0; i < npids; i++) kill(pids[i], SIGTERM);
    for (int i = 0; i < npids; i++) {
        int st;
        for (int k = 0; k < 100 && waitpid(pids[i], &st, WNOHANG) == 0; k++) usleep(20000);
        if (waitpid(pids[i], &st, WNOHANG) == 0) { kill(pids[i], SIGKILL); waitpid(pids[i], &st, 0); }
    }
    npids = 0;
    if (trickle_started) { trickle_stop = 1; pthread_join(trickle_th, NULL); trickle_started = 0; }
    if (silent_fd >= 0) { close(silent_fd); silent_fd = -1; }
    if (trickle_fd >= 0) { close(trickle_fd); trickle_fd = -1; }
    if (tmpd[0]) {
        char cmd[200];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpd);
        if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", tmpd);
        tmpd[0] = '\0';
    }
}

#define USERS                                                                         \
    "user default off\n"                                                              \
    "user probe on \">" PROBE_PASS "\" +ping +info\n"                                 \
    "user noinfo on >noinfo +ping\n"                                                  \
    "user admin on >" ADMIN_PASS " ~* &* +@all\n"

static void write_confs(void) {
    char conf[2048];
    const char *common = "bind 127.0.0.1 -::1\nsave \"\"\nappendonly no\nrepl-diskless-sync-delay 0\n" USERS;
    snprintf(conf, sizeof conf, "port %d\ndir %s\nlogfile %s/master.log\n%s", p_master, tmpd, tmpd, common);
    write_file("master.conf", conf);
    snprintf(conf, sizeof conf,
             "port %d\ndir %s/r\nlogfile %s/replica.log\n%sreplicaof 127.0.0.1 %d\nmasteruser admin\n"
             "masterauth " ADMIN_PASS "\n", p_replica, tmpd, tmpd, common, p_master);
    write_file("replica.conf", conf);
    snprintf(conf, sizeof conf,
             "port %d\nbind 127.0.0.1\ndir %s\nlogfile %s/sentinel.log\n"
             "sentinel monitor mymaster 127.0.0.1 %d 1\n"
             "sentinel auth-user mymaster admin\nsentinel auth-pass mymaster " ADMIN_PASS "\n"
             "user default off\n"
             "user sclient on \">" SENT_PASS "\" +sentinel|get-master-addr-by-name +ping\n"
             "user admin on >" ADMIN_PASS " ~* &* +@all\n", p_sentinel, tmpd, tmpd, p_master);
    write_file("sentinel.conf", conf);
}

static void start_servers(void) {
    snprintf(tmpd, sizeof tmpd, "/tmp/ri-probe-XXXXXX");
    if (!mkdtemp(tmpd)) { tmpd[0] = '\0'; return; }
    owner = getpid();
    atexit(stop_servers);
    char rdir[160];
    snprintf(rdir, sizeof rdir, "%s/r", tmpd);
    mkdir(rdir, 0700);
    p_master = free_port(); p_replica = free_port(); p_sentinel = free_port(); p_closed = free_port();
    silent_fd = listen_loopback(128, &p_silent);   /* the kernel completes handshakes; we never read */
    trickle_fd = listen_loopback(128, &p_trickle);
    trickle_started = pthread_create(&trickle_th, NULL, trickler, NULL) == 0;
    write_confs();
    spawn("REDIS_SERVER_BIN", "redis-server", "master.conf");
    spawn("REDIS_SERVER_BIN", "redis-server", "replica.conf");
    spawn("REDIS_SENTINEL_BIN", "redis-sentinel", "sentinel.conf");
    servers_ok = silent_fd >= 0 && trickle_fd >= 0 && trickle_started && wait_port(p_master, 5000) &&
                 wait_port(p_replica, 5000) && wait_port(p_sentinel, 5000);
    redisContext *c = redisConnect("127.0.0.1", p_master);
    if (servers_ok && c && !c->err) {   /* three keys over two databases */
        freeReplyObject(redisCommand(c, "AUTH admin %s", ADMIN_PASS));
        freeReplyObject(redisCommand(c, "SET k1 v1"));
        freeReplyObject(redisCommand(c, "SET k2 v2"));
        freeReplyObject(redisCommand(c, "SELECT 3"));
        freeReplyObject(redisCommand(c, "SET k3 v3"));
    }
    if (c) redisFree(c);
}

static struct probe_config cfg(void) {
    return (struct probe_config){.timeout_ms = TIMEOUT_MS, .master_name = "mymaster",
                                 .redis_user = "probe", .redis_pass = PROBE_PASS,
                                 .sentinel_user = "sclient", .sentinel_pass = SENT_PASS};
}

static void no_secret(const char *s) {
    ck_assert_msg(!strstr(s, PROBE_PASS) && !strstr(s, SENT_PASS) && !strstr(s, ADMIN_PASS),
                  "secret in '%s'", s);
}

/* ---- single probes, one row per outcome ---- */

enum target { T_MASTER, T_REPLICA, T_SENTINEL, T_SILENT, T_CLOSED, T_TRICKLE, T_INVALID, T_LOCALHOST };

static void target(enum target t, char *host, size_t len, int *port) {
    const int ports[] = {p_master, p_replica, p_sentinel, p_silent, p_closed, p_trickle, 6379, p_master};
    snprintf(host, len, "%s", t == T_INVALID ? "redis-0.nosuch.invalid" : t == T_LOCALHOST ? "localhost" : "127.0.0.1");
    *port = ports[t];
}

struct redis_case {
    const char *name;
    enum target t;
    const char *user, *pass;
    enum outcome want;
    const char *detail_has;   /* our own wording only, never the resolver's */
};

static const struct redis_case redis_cases[] = {
    {"master answers", T_MASTER, "probe", PROBE_PASS, OUT_ANSWER, ""},
    {"by name", T_LOCALHOST, "probe", PROBE_PASS, OUT_ANSWER, ""},
    {"replica answers", T_REPLICA, "probe", PROBE_PASS, OUT_ANSWER, ""},
    {"wrong password", T_MASTER, "probe", "nope", OUT_AUTH_FAILED, "auth: WRONGPASS"},
    {"unknown user", T_MASTER, "ghost", PROBE_PASS, OUT_AUTH_FAILED, "auth: WRONGPASS"},
    {"no credentials", T_MASTER, NULL, NULL, OUT_AUTH_FAILED, "NOAUTH"},
    {"user without +info", T_MASTER, "noinfo", "noinfo", OUT_AUTH_FAILED, "INFO replication: NOPERM"},
    {"closed port", T_CLOSED, "probe", PROBE_PASS, OUT_REFUSED, "connect: connection refused"},
    {"never replies", T_SILENT, "probe", PROBE_PASS, OUT_TIMEOUT, "auth: timeout after 1000 ms"},
    {"never replies, no auth", T_SILENT, NULL, NULL, OUT_TIMEOUT, "query: timeout after 1000 ms"},
    {"trickles forever", T_TRICKLE, "probe", PROBE_PASS, OUT_TIMEOUT, "auth: timeout"},
    {"name under .invalid", T_INVALID, "probe", PROBE_PASS, OUT_NOT_FOUND, "dns:"},
};

START_TEST(test_redis_outcomes) {
    const struct redis_case *c = &redis_cases[_i];
    ck_assert_msg(servers_ok, "servers did not start (see %s/*.log)", tmpd);
    struct probe_config pc = cfg();
    pc.redis_user = c->user;
    pc.redis_pass = c->pass;
    struct redis_obs r;
    memset(&r, 0, sizeof r);
    r.p.ordinal = 7;
    target(c->t, r.p.host, sizeof r.p.host, &r.p.port);
    double t0 = now_ms();
    probe_redis(&pc, &r);
    double took = now_ms() - t0;
    ck_assert_msg(r.p.outcome == c->want, "%s: %s (%s)", c->name, outcome_name(r.p.outcome), r.p.detail);
    ck_assert_msg(strstr(r.p.detail, c->detail_has), "%s: detail '%s'", c->name, r.p.detail);
    ck_assert_int_eq(r.p.ordinal, 7);
    ck_assert_msg(took < TIMEOUT_MS * 1.2, "%s: took %.0f ms", c->name, took);
    ck_assert_msg(r.p.elapsed_ms > 0 && r.p.elapsed_ms <= took + 1, "%s: elapsed %.1f", c->name, r.p.elapsed_ms);
    if (c->want == OUT_TIMEOUT) ck_assert_msg(took >= TIMEOUT_MS - 5, "%s: early timeout %.0f", c->name, took);
    if (c->t != T_INVALID) ck_assert_msg(r.p.addr[0], "%s: no addr", c->name);
    no_secret(r.p.detail);
}
END_TEST

START_TEST(test_master_fields) {
    ck_assert(servers_ok);
    struct probe_config pc = cfg();
    struct redis_obs r = {.p = {.host = "127.0.0.1", .port = p_master}};
    probe_redis(&pc, &r);
    ck_assert_int_eq(r.p.outcome, OUT_ANSWER);
    ck_assert_int_eq(r.role, ROLE_MASTER);
    ck_assert_int_eq(r.keys, 3);
    ck_assert_int_eq(r.loading, 0);
    ck_assert_uint_eq(strlen(r.replid), 40);
    ck_assert_str_eq(r.p.addr, "127.0.0.1");
    ck_assert_int_eq(r.second_offset, -1);
}
END_TEST

/* The replica syncs in the background: poll until its link is up. */
START_TEST(test_replica_fields) {
    ck_assert(servers_ok);
    struct probe_config pc = cfg();
    struct redis_obs r;
    for (double t0 = now_ms(); now_ms() - t0 < 10000; usleep(100000)) {
        r = (struct redis_obs){.p = {.host = "127.0.0.1", .port = p_replica}};
        probe_redis(&pc, &r);
        if (r.p.outcome == OUT_ANSWER && r.link_up && r.keys == 3) break;
    }
    ck_assert_int_eq(r.p.outcome, OUT_ANSWER);
    ck_assert_int_eq(r.role, ROLE_REPLICA);
    ck_assert_str_eq(r.master_host, "127.0.0.1");
    ck_assert_int_eq(r.master_port, p_master);
    ck_assert_int_eq(r.link_up, 1);
    ck_assert_int_eq(r.keys, 3);
}
END_TEST

struct sentinel_case {
    const char *name;
    enum target t;
    const char *group, *user, *pass;
    enum outcome want;
    const char *detail_has;
};

static const struct sentinel_case sentinel_cases[] = {
    {"names the master", T_SENTINEL, "mymaster", "sclient", SENT_PASS, OUT_ANSWER, ""},
    {"unknown group", T_SENTINEL, "nosuch", "sclient", SENT_PASS, OUT_NIL_MASTER, "does not know"},
    {"wrong password", T_SENTINEL, "mymaster", "sclient", "nope", OUT_AUTH_FAILED, "WRONGPASS"},
    {"no credentials", T_SENTINEL, "mymaster", NULL, NULL, OUT_AUTH_FAILED, "NOAUTH"},
    {"a redis is not a sentinel", T_MASTER, "mymaster", "probe", PROBE_PASS, OUT_ERROR, "unknown command"},
    {"closed port", T_CLOSED, "mymaster", "sclient", SENT_PASS, OUT_REFUSED, "refused"},
    {"never replies", T_SILENT, "mymaster", "sclient", SENT_PASS, OUT_TIMEOUT, "timeout"},
    {"name under .invalid", T_INVALID, "mymaster", "sclient", SENT_PASS, OUT_NOT_FOUND, "dns:"},
};

START_TEST(test_sentinel_outcomes) {
    const struct sentinel_case *c = &sentinel_cases[_i];
    ck_assert(servers_ok);
    struct probe_config pc = cfg();
    pc.master_name = c->group;
    pc.sentinel_user = c->user;
    pc.sentinel_pass = c->pass;
    struct sentinel_obs so;
    memset(&so, 0, sizeof so);
    target(c->t, so.p.host, sizeof so.p.host, &so.p.port);
    probe_sentinel(&pc, &so);
    ck_assert_msg(so.p.outcome == c->want, "%s: %s (%s)", c->name, outcome_name(so.p.outcome), so.p.detail);
    ck_assert_msg(strstr(so.p.detail, c->detail_has), "%s: detail '%s'", c->name, so.p.detail);
    if (c->want == OUT_ANSWER) {
        ck_assert_str_eq(so.master_host, "127.0.0.1");
        ck_assert_int_eq(so.master_port, p_master);
    } else {
        ck_assert_str_eq(so.master_host, "");
    }
    no_secret(so.p.detail);
}
END_TEST

/* ---- a round: 20 peers, many of them never answering ---- */

static void set_peer(struct peer_common *p, enum target t, int ordinal) {
    memset(p, 0, sizeof *p);
    p->ordinal = ordinal;
    target(t, p->host, sizeof p->host, &p->port);
}

/* A peer behind the hung resolver: NAME must end in .slowdns.test. */
static void set_slow_peer(struct peer_common *p, const char *name, int port) {
    memset(p, 0, sizeof *p);
    snprintf(p->host, sizeof p->host, "%s", name);
    p->port = port;
}

START_TEST(test_round) {
    ck_assert(servers_ok);
    static struct observations o;   /* large: keep it off the stack */
    memset(&o, 0, sizeof o);
    static const enum target rt[] = {T_MASTER, T_REPLICA, T_MASTER /* self */, T_SILENT, T_SILENT, T_SILENT,
                                     T_SILENT, T_SILENT, T_SILENT, T_SILENT, T_SILENT, T_TRICKLE, T_TRICKLE,
                                     T_CLOSED, T_CLOSED, T_CLOSED, T_INVALID};
    static const enum target st[] = {T_SENTINEL, T_SILENT, T_CLOSED};
    o.n_redis = N(rt) + 1;   /* one more with no host: must be left alone */
    o.n_sentinels = N(st);
    for (int i = 0; i < N(rt); i++) set_peer(&o.redis[i].p, rt[i], i);
    for (int i = 0; i < N(st); i++) set_peer(&o.sentinels[i].p, st[i], i);
    o.redis[2].p.outcome = OUT_SELF;
    o.redis[N(rt)].p.ordinal = 99;
    struct probe_config pc = cfg();
    ri_err e = {0};
    double t0 = now_ms();
    ck_assert_int_eq(probe_round(&pc, &o, &e), 0);
    double took = now_ms() - t0;
    fprintf(stderr, "probe_round: 20 peers, 14 unresponsive or down, timeout %d ms: %.0f ms\n", TIMEOUT_MS, took);
    ck_assert_msg(took < TIMEOUT_MS * 1.3, "round took %.0f ms", took);
    ck_assert_int_eq(o.redis[0].p.outcome, OUT_ANSWER);
    ck_assert_int_eq(o.redis[0].role, ROLE_MASTER);
    ck_assert_int_eq(o.redis[1].p.outcome, OUT_ANSWER);
    ck_assert_int_eq(o.redis[1].role, ROLE_REPLICA);
    ck_assert_int_eq(o.redis[2].p.outcome, OUT_SELF);
    ck_assert_str_eq(o.redis[2].p.detail, "");
    for (int i = 3; i <= 12; i++) {
        ck_assert_msg(o.redis[i].p.outcome == OUT_TIMEOUT, "peer %d: %s", i, outcome_name(o.redis[i].p.outcome));
        ck_assert_int_eq(o.redis[i].p.ordinal, i);
        ck_assert_ptr_nonnull(strstr(o.redis[i].p.detail, "auth: "));
    }
    for (int i = 13; i <= 15; i++) ck_assert_int_eq(o.redis[i].p.outcome, OUT_REFUSED);
    ck_assert_int_eq(o.redis[16].p.outcome, OUT_NOT_FOUND);
    ck_assert_int_eq(o.redis[17].p.outcome, OUT_ANSWER);   /* untouched zero entry */
    ck_assert_int_eq(o.redis[17].p.ordinal, 99);
    ck_assert_int_eq(o.sentinels[0].p.outcome, OUT_ANSWER);
    ck_assert_int_eq(o.sentinels[0].master_port, p_master);
    ck_assert_int_eq(o.sentinels[1].p.outcome, OUT_TIMEOUT);
    ck_assert_int_eq(o.sentinels[2].p.outcome, OUT_REFUSED);
}
END_TEST

/* Rounds back to back: abandoned probes must not disturb the next round. */
START_TEST(test_rounds_repeat) {
    ck_assert(servers_ok);
    static struct observations o;
    struct probe_config pc = cfg();
    pc.timeout_ms = 200;
    for (int k = 0; k < 5; k++) {
        memset(&o, 0, sizeof o);
        o.n_redis = 3;
        set_peer(&o.redis[0].p, T_MASTER, 0);
        set_peer(&o.redis[1].p, T_TRICKLE, 1);
        set_peer(&o.redis[2].p, T_SILENT, 2);
        ri_err e = {0};
        double t0 = now_ms();
        ck_assert_int_eq(probe_round(&pc, &o, &e), 0);
        ck_assert_msg(now_ms() - t0 < 200 * 1.5 + 50, "round %d took %.0f ms", k, now_ms() - t0);
        ck_assert_int_eq(o.redis[0].p.outcome, OUT_ANSWER);
        ck_assert_int_eq(o.redis[1].p.outcome, OUT_TIMEOUT);
        ck_assert_int_eq(o.redis[2].p.outcome, OUT_TIMEOUT);
    }
}
END_TEST

/* settled(): says "enough" once redis peer 0 has answered. */
static int settle_calls;
static int settle_on_master(const struct observations *so_far, void *ctx) {
    (void)ctx;
    settle_calls++;
    for (int i = 1; i < so_far->n_redis; i++)   /* the silent ones show as not awaited */
        if (so_far->redis[i].p.outcome != OUT_REFUSED && so_far->redis[i].p.outcome != OUT_ANSWER)
            ck_assert_int_eq(so_far->redis[i].p.outcome, OUT_NOT_AWAITED);
    return so_far->redis[0].p.outcome == OUT_ANSWER;
}

static int never_settle(const struct observations *so_far, void *ctx) {
    (void)so_far;
    (void)ctx;
    settle_calls++;
    return 0;
}

/* A settled round returns as soon as the callback is satisfied: the silent
 * peers are not awaited, and say so. One that never settles waits them out. */
START_TEST(test_round_settles_early) {
    ck_assert(servers_ok);
    static struct observations o;
    for (int k = 0; k < 2; k++) {
        memset(&o, 0, sizeof o);
        o.n_redis = 4;
        set_peer(&o.redis[0].p, T_MASTER, 0);
        set_peer(&o.redis[1].p, T_SILENT, 1);
        set_peer(&o.redis[2].p, T_TRICKLE, 2);
        set_peer(&o.redis[3].p, T_CLOSED, 3);
        struct probe_config pc = cfg();
        pc.settled = k == 0 ? settle_on_master : never_settle;
        settle_calls = 0;
        ri_err e = {0};
        double t0 = now_ms();
        ck_assert_int_eq(probe_round(&pc, &o, &e), 0);
        double took = now_ms() - t0;
        ck_assert_int_ge(settle_calls, 1);
        ck_assert_int_eq(o.redis[0].p.outcome, OUT_ANSWER);
        /* The closed port refuses at once, but the round may settle on the
         * master's answer first: then it was not awaited either. */
        if (k == 0)
            ck_assert_msg(o.redis[3].p.outcome == OUT_REFUSED ||
                          o.redis[3].p.outcome == OUT_NOT_AWAITED, "closed port: %s",
                          outcome_name(o.redis[3].p.outcome));
        else
            ck_assert_int_eq(o.redis[3].p.outcome, OUT_REFUSED);
        if (k == 0) {
            ck_assert_msg(took < TIMEOUT_MS / 2, "settled round took %.0f ms", took);
            ck_assert_int_eq(o.redis[1].p.outcome, OUT_NOT_AWAITED);
            ck_assert_int_eq(o.redis[2].p.outcome, OUT_NOT_AWAITED);
            ck_assert_ptr_nonnull(strstr(o.redis[1].p.detail, "decided without it"));
        } else {
            ck_assert_msg(took >= TIMEOUT_MS * 0.9, "unsettled round took only %.0f ms", took);
            ck_assert_int_eq(o.redis[1].p.outcome, OUT_TIMEOUT);
            ck_assert_int_eq(o.redis[2].p.outcome, OUT_TIMEOUT);
        }
    }
}
END_TEST

/* A needed answer (a sentinel of the majority) stays in progress at the TLS
 * gate until settled() has weighed it: if it settles the round, no
 * speculative handshake may start beside the caller deciding. Then it is
 * released. The gate counts needed probes in plain text too, so real
 * servers without TLS show it. The pods are not needed (no sentinel names
 * them). The silent one times out at 300 ms, after the sentinel was
 * weighed; the one behind a hung resolver keeps the round waiting, so that
 * timeout is looked at too (the last probe done ends a round unweighed). */
static int weigh_calls, weigh_bad, sentinel_seen;
static int record_needed(const struct observations *so_far, void *ctx) {
    (void)ctx;
    int done = so_far->sentinels[0].p.outcome == OUT_ANSWER, needed = gate_needed();
    int want = done && !sentinel_seen ? 1 : done ? 0 : 1; /* first look, later looks, running */
    if (needed != want) weigh_bad++;
    sentinel_seen |= done;
    weigh_calls++;
    return 0;
}

START_TEST(test_round_weighs_needed_answers) {
    ck_assert(servers_ok);
    static struct observations o;
    memset(&o, 0, sizeof o);
    o.n_redis = 3;
    o.n_sentinels = 1;
    set_peer(&o.redis[0].p, T_REPLICA, 0);
    set_peer(&o.redis[1].p, T_SILENT, 1);
    set_slow_peer(&o.redis[2].p, "redis-2.slowdns.test", 6379);
    set_peer(&o.sentinels[0].p, T_SENTINEL, 0);
    struct probe_config pc = cfg();
    pc.timeout_ms = 300;
    pc.settled = record_needed;
    weigh_calls = weigh_bad = sentinel_seen = 0;
    ri_err e = {0};
    ck_assert_int_eq(probe_round(&pc, &o, &e), 0);
    ck_assert_int_eq(o.sentinels[0].p.outcome, OUT_ANSWER);
    ck_assert_int_eq(o.redis[0].p.outcome, OUT_ANSWER);
    ck_assert_int_eq(o.redis[1].p.outcome, OUT_TIMEOUT);
    ck_assert_int_eq(sentinel_seen, 1);
    ck_assert_int_ge(weigh_calls, 2); /* the sentinel's first look, and the silent pod's */
    ck_assert_msg(weigh_bad == 0, "%d of %d looks saw the wrong needed count", weigh_bad, weigh_calls);
    ck_assert_int_eq(gate_needed(), 0); /* nothing left counted after the round */
    usleep(1300 * 1000); /* the resolver's thread finishes and frees the round */
}
END_TEST

/* A hung resolver: the round returns at the deadline, reports the phase,
 * and the stuck threads later free the round (LSan checks under make san). */
START_TEST(test_round_abandons) {
    ck_assert(servers_ok);
    static struct observations o;
    memset(&o, 0, sizeof o);
    o.n_redis = 2;
    o.n_sentinels = 1;
    set_peer(&o.redis[0].p, T_MASTER, 0);
    set_slow_peer(&o.redis[1].p, "redis-1.slowdns.test", 6379);
    set_slow_peer(&o.sentinels[0].p, "sentinel-0.slowdns.test", 26379);
    struct probe_config pc = cfg();
    ri_err e = {0};
    double t0 = now_ms();
    ck_assert_int_eq(probe_round(&pc, &o, &e), 0);
    double took = now_ms() - t0;
    fprintf(stderr, "probe_round: hung resolver, timeout %d ms: %.0f ms\n", TIMEOUT_MS, took);
    ck_assert_msg(took >= TIMEOUT_MS && took < TIMEOUT_MS * 1.3, "took %.0f ms", took);
    ck_assert_int_eq(o.redis[0].p.outcome, OUT_ANSWER);
    ck_assert_int_eq(o.redis[1].p.outcome, OUT_TIMEOUT);
    ck_assert_str_eq(o.redis[1].p.detail, "dns: no answer within 1000 ms");
    ck_assert_str_eq(o.redis[1].p.host, "redis-1.slowdns.test");
    ck_assert_int_eq(o.sentinels[0].p.outcome, OUT_TIMEOUT);
    ck_assert_str_eq(o.sentinels[0].p.detail, "dns: no answer within 1000 ms");
    usleep(800 * 1000);   /* let the stuck threads finish and free the round */
}
END_TEST

START_TEST(test_round_empty) {
    static struct observations o;
    memset(&o, 0, sizeof o);
    struct probe_config pc = cfg();
    ri_err e = {0};
    double t0 = now_ms();
    ck_assert_int_eq(probe_round(&pc, &o, &e), 0);
    ck_assert_msg(now_ms() - t0 < 50, "empty round waited");
}
END_TEST

/* ---- dns ---- */

struct dns_case {
    const char *host;
    enum outcome want;
    const char *addr;
};

static const struct dns_case dns_cases[] = {
    {"127.0.0.1", OUT_ANSWER, "127.0.0.1"},
    {"::1", OUT_ANSWER, "::1"},
    {"0:0::1", OUT_ANSWER, "::1"},              /* numeric form is normalised */
    {"localhost", OUT_ANSWER, NULL},
    {"redis-0.redis.ns.svc.invalid", OUT_NOT_FOUND, ""},
    {"", OUT_NOT_FOUND, ""},
    {"x.slowdns.test", OUT_DNS_FAILURE, ""},    /* EAI_AGAIN from the stand-in */
};

START_TEST(test_dns_resolve) {
    const struct dns_case *c = &dns_cases[_i];
    struct resolved r;
    char detail[160];
    enum outcome o = dns_resolve(c->host, 6379, &r, detail, sizeof detail);
    ck_assert_msg(o == c->want, "%s: %s (%s)", c->host, outcome_name(o), detail);
    if (c->addr) ck_assert_str_eq(r.addr, c->addr);
    if (o == OUT_ANSWER) {
        ck_assert_str_eq(detail, "");
        ck_assert_uint_gt(r.salen, 0);
    } else {
        ck_assert_msg(strncmp(detail, "dns: ", 5) == 0, "detail '%s'", detail);
    }
}
END_TEST

START_TEST(test_dns_wait) {
    char detail[160];
    double t0 = now_ms();
    ck_assert_int_eq(dns_wait("localhost", 1000, detail, sizeof detail), OUT_ANSWER);
    ck_assert_msg(now_ms() - t0 < 100, "resolvable name waited");
    t0 = now_ms();
    ck_assert_int_eq(dns_wait("redis-9.redis.ns.svc.invalid", 450, detail, sizeof detail), OUT_NOT_FOUND);
    double took = now_ms() - t0;
    ck_assert_msg(took >= 450 && took < 800, "waited %.0f ms", took);
}
END_TEST

/* ---- actions (run last: they change the replica's role) ---- */

START_TEST(test_actions) {
    ck_assert(servers_ok);
    ri_err e = {0};
    char code[32];
    struct admin_conn wrong = {"127.0.0.1", p_sentinel, "admin", "wrong" ADMIN_PASS, TIMEOUT_MS};
    struct admin_conn sentinel = {"127.0.0.1", p_sentinel, "admin", ADMIN_PASS, TIMEOUT_MS};
    struct admin_conn closed = {"127.0.0.1", p_closed, "admin", ADMIN_PASS, TIMEOUT_MS};
    struct admin_conn as_probe = {"127.0.0.1", p_replica, "probe", PROBE_PASS, TIMEOUT_MS};
    struct admin_conn replica = {"127.0.0.1", p_replica, "admin", ADMIN_PASS, TIMEOUT_MS};
    ck_assert_int_eq(admin_failover(&wrong, "mymaster", code, &e), EX_UNAVAILABLE);
    ck_assert_ptr_nonnull(strstr(e.msg, "auth-failed"));
    ck_assert_str_eq(code, "WRONGPASS");
    no_secret(e.msg);
    ck_assert_int_eq(admin_failover(&sentinel, "nosuch", code, &e), EX_UNAVAILABLE);
    ck_assert_ptr_nonnull(strstr(e.msg, "SENTINEL FAILOVER"));
    ck_assert_str_eq(code, "ERR");   /* "ERR No such master with that name" */
    ck_assert_int_eq(admin_promote(&closed, &e), EX_UNAVAILABLE);
    ck_assert_ptr_nonnull(strstr(e.msg, "refused"));
    ck_assert_int_eq(admin_promote(&as_probe, &e), EX_UNAVAILABLE);   /* the probe user may not */
    ck_assert_ptr_nonnull(strstr(e.msg, "NOPERM"));
    no_secret(e.msg);
    memset(&e, 0, sizeof e);
    ck_assert_int_eq(admin_promote(&replica, &e), 0);
    struct probe_config pc = cfg();
    struct redis_obs r = {.p = {.host = "127.0.0.1", .port = p_replica}};
    probe_redis(&pc, &r);
    ck_assert_int_eq(r.p.outcome, OUT_ANSWER);
    ck_assert_int_eq(r.role, ROLE_MASTER);
}
END_TEST

static Suite *make_suite(void) {
    Suite *s = suite_create("probe");
    TCase *tc = tcase_create("live");
    tcase_set_timeout(tc, 60);
    tcase_add_unchecked_fixture(tc, start_servers, stop_servers);
    tcase_add_loop_test(tc, test_redis_outcomes, 0, N(redis_cases));
    tcase_add_test(tc, test_master_fields);
    tcase_add_test(tc, test_replica_fields);
    tcase_add_loop_test(tc, test_sentinel_outcomes, 0, N(sentinel_cases));
    tcase_add_test(tc, test_round);
    tcase_add_test(tc, test_rounds_repeat);
    tcase_add_test(tc, test_round_abandons);
    tcase_add_test(tc, test_round_settles_early);
    tcase_add_test(tc, test_round_weighs_needed_answers);
    tcase_add_test(tc, test_round_empty);
    tcase_add_test(tc, test_actions);
    suite_add_tcase(s, tc);
    TCase *td = tcase_create("dns");
    tcase_add_loop_test(td, test_dns_resolve, 0, N(dns_cases));
    tcase_add_test(td, test_dns_wait);
    suite_add_tcase(s, td);
    return s;
}

CHECK_MAIN(make_suite)
