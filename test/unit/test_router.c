/* test_router.c: the master router's verdict, table-driven. */
#include "checkmain.h"
#include "rules/router.h"

#include <stdio.h>
#include <string.h>

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define OWN "redis-cluster-server-1.redis-cluster-server.ns.svc.cluster.local"
#define OTHER "redis-cluster-server-0.redis-cluster-server.ns.svc.cluster.local"

/* Each sentinel: 'o' names OWN, 'O' names OWN with a trailing dot and upper
 * case, 'i' names the routing IP, 'p' OWN on another port, 'x' names OTHER,
 * 't' timed out, 'n' nil-master, 'a' auth failed. */
static const struct {
    const char *sentinels;
    enum outcome redis_outcome;
    enum role role;
    int up, named;
} cases[] = {
    {"ooo", OUT_ANSWER, ROLE_MASTER, 1, 3},
    {"oox", OUT_ANSWER, ROLE_MASTER, 1, 2},
    {"oxx", OUT_ANSWER, ROLE_MASTER, 0, 1},   /* a stale master: the majority moved on */
    {"ott", OUT_ANSWER, ROLE_MASTER, 0, 1},   /* timeouts do not count as naming it */
    {"ttt", OUT_ANSWER, ROLE_MASTER, 0, 0},   /* no sentinel: never route on role alone */
    {"ona", OUT_ANSWER, ROLE_MASTER, 0, 1},
    {"oOt", OUT_ANSWER, ROLE_MASTER, 1, 2},   /* host names compare like DNS */
    {"oit", OUT_ANSWER, ROLE_MASTER, 1, 2},   /* a sentinel that announces IPs */
    {"opt", OUT_ANSWER, ROLE_MASTER, 0, 1},   /* same host, other port */
    {"ooo", OUT_ANSWER, ROLE_REPLICA, 0, 3},  /* named, but not (yet) promoted */
    {"ooo", OUT_ANSWER, ROLE_UNKNOWN, 0, 3},
    {"ooo", OUT_TIMEOUT, ROLE_UNKNOWN, 0, 3}, /* named, but unreachable from the router */
    {"ooo", OUT_REFUSED, ROLE_UNKNOWN, 0, 3},
    {"ooooo", OUT_ANSWER, ROLE_MASTER, 1, 5},
    {"ooxxx", OUT_ANSWER, ROLE_MASTER, 0, 2}, /* 2 of 5 is no majority */
    {"oooxx", OUT_ANSWER, ROLE_MASTER, 1, 3},
    {"o", OUT_ANSWER, ROLE_MASTER, 1, 1},
    {"oo", OUT_ANSWER, ROLE_MASTER, 1, 2},
    {"ot", OUT_ANSWER, ROLE_MASTER, 0, 1},    /* 2 sentinels: both must */
};

static struct observations O;

START_TEST(verdict_table) {
    memset(&O, 0, sizeof O);
    const char *sv = cases[_i].sentinels;
    O.n_redis = 1;
    snprintf(O.redis[0].p.host, sizeof O.redis[0].p.host, "10.0.0.11");
    snprintf(O.redis[0].p.addr, sizeof O.redis[0].p.addr, "10.0.0.11");
    O.redis[0].p.port = 6379;
    O.redis[0].p.outcome = cases[_i].redis_outcome;
    O.redis[0].role = cases[_i].role;
    O.n_sentinels = (int)strlen(sv);
    for (int i = 0; sv[i]; i++) {
        struct sentinel_obs *s = &O.sentinels[i];
        s->p.outcome = sv[i] == 't' ? OUT_TIMEOUT : sv[i] == 'n' ? OUT_NIL_MASTER
                       : sv[i] == 'a' ? OUT_AUTH_FAILED : OUT_ANSWER;
        s->master_port = sv[i] == 'p' ? 6380 : 6379;
        const char *h = sv[i] == 'x' ? OTHER : sv[i] == 'i' ? "10.0.0.11"
                        : sv[i] == 'O' ? "REDIS-CLUSTER-SERVER-1.redis-cluster-server.ns.svc.cluster.local." : OWN;
        snprintf(s->master_host, sizeof s->master_host, "%s", h);
    }
    struct router_verdict v;
    router_verdict(&O, OWN, 6379, &v);
    ck_assert_msg(v.up == cases[_i].up, "case %d (%s): up %d, want %d: %s", _i, sv, v.up, cases[_i].up, v.why);
    ck_assert_int_eq(v.named, cases[_i].named);
    ck_assert_int_eq(v.majority, O.n_sentinels / 2 + 1);
    ck_assert(v.why[0] != '\0');
}
END_TEST

static Suite *make_suite(void) {
    Suite *s = suite_create("router");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, verdict_table, 0, NELEM(cases));
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(make_suite)
