/* test_observe.c: outcome and role names, classification, host matching. */
#include "checkmain.h"
#include "model/observation.h"

#include <stdio.h>
#include <string.h>

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

struct outcome_case {
    enum outcome o;
    const char *name;
    int unknown, down;
};

/* Every outcome: name (stable, used in JSON), and which class it is in.
 * answer, nil-master and self are neither: they are definite answers. */
static const struct outcome_case outcome_cases[] = {
    {OUT_ANSWER, "answer", 0, 0},         {OUT_NIL_MASTER, "nil-master", 0, 0},
    {OUT_NOT_FOUND, "not-found", 0, 1},   {OUT_DNS_FAILURE, "dns-failure", 1, 0},
    {OUT_REFUSED, "refused", 0, 1},       {OUT_TIMEOUT, "timeout", 1, 0},
    {OUT_AUTH_FAILED, "auth-failed", 1, 0}, {OUT_ERROR, "error", 1, 0},
    {OUT_NOT_AWAITED, "not-awaited", 1, 0}, {OUT_SELF, "self", 0, 0},
};

START_TEST(test_outcomes) {
    const struct outcome_case *c = &outcome_cases[_i];
    ck_assert_str_eq(outcome_name(c->o), c->name);
    ck_assert_int_eq(outcome_is_unknown(c->o), c->unknown);
    ck_assert_int_eq(outcome_is_down(c->o), c->down);
}
END_TEST

START_TEST(test_outcome_table_complete) {
    ck_assert_int_eq(N(outcome_cases), OUT__COUNT);
    ck_assert_str_eq(outcome_name(OUT__COUNT), "invalid");
    ck_assert_str_eq(outcome_name((enum outcome)-1), "invalid");
    ck_assert_str_eq(role_name(ROLE_UNKNOWN), "unknown");
    ck_assert_str_eq(role_name(ROLE_MASTER), "master");
    ck_assert_str_eq(role_name(ROLE_REPLICA), "replica");
    ck_assert_str_eq(role_name((enum role)42), "unknown");
}
END_TEST

struct host_case {
    const char *a, *b;
    int eq;
};

static const struct host_case host_cases[] = {
    {"redis-0.redis.ns.svc.cluster.local", "redis-0.redis.ns.svc.cluster.local", 1},
    {"Redis-0.REDIS.ns.svc.cluster.local", "redis-0.redis.ns.svc.cluster.local", 1},
    {"redis-0.redis.ns.svc.cluster.local.", "redis-0.redis.ns.svc.cluster.local", 1},
    {"redis-0.redis.ns.svc.cluster.local", "redis-0.redis.ns.svc.cluster.local.", 1},
    {"redis-0.redis.ns.svc.cluster.local..", "redis-0.redis.ns.svc.cluster.local", 0},  /* one dot only */
    {"redis-0.redis", "redis-0.redis.ns.svc.cluster.local", 0},  /* no search-domain guessing */
    {"redis-0", "redis-1", 0},
    {"", "", 1},
    {".", "", 1},
    {"a", "", 0},
    {"10.0.0.1", "10.0.0.1", 1},
};

START_TEST(test_host_equal) {
    const struct host_case *c = &host_cases[_i];
    ck_assert_msg(host_equal(c->a, c->b) == c->eq, "'%s' vs '%s'", c->a, c->b);
    ck_assert_msg(host_equal(c->b, c->a) == c->eq, "'%s' vs '%s' (swapped)", c->b, c->a);
}
END_TEST

START_TEST(test_host_equal_null) {
    ck_assert_int_eq(host_equal(NULL, "a"), 0);
    ck_assert_int_eq(host_equal("a", NULL), 0);
}
END_TEST

static struct observations obs;

static void setup_obs(void) {
    memset(&obs, 0, sizeof obs);
    obs.n_redis = 4;
    const char *addrs[] = {"10.0.0.10", "10.0.0.11", "fd00::12", "10.0.0.13"};
    const enum outcome outs[] = {OUT_ANSWER, OUT_ANSWER, OUT_ANSWER, OUT_TIMEOUT};
    for (int i = 0; i < 4; i++) {
        struct peer_common *p = &obs.redis[i].p;
        p->ordinal = i;
        snprintf(p->host, sizeof p->host, "redis-%d.redis.ns.svc.cluster.local", i);
        p->port = 6379;
        snprintf(p->addr, sizeof p->addr, "%s", addrs[i]);
        p->outcome = outs[i];
    }
    obs.redis[3].p.port = 6380;
}

struct find_case {
    const char *host;
    int port, want;
};

static const struct find_case find_cases[] = {
    {"redis-1.redis.ns.svc.cluster.local", 6379, 1},
    {"REDIS-1.redis.ns.svc.cluster.local.", 6379, 1},
    {"redis-1.redis.ns.svc.cluster.local", 6380, -1},    /* port must match */
    {"10.0.0.10", 6379, 0},                               /* by resolved address */
    {"10.0.0.10", 6380, -1},
    {"fd00:0:0:0::12", 6379, 2},                          /* IPv6, other spelling */
    {"10.0.0.13", 6380, -1},                              /* did not answer: address not trusted */
    {"10.0.0.99", 6379, -1},
    {"redis-9.redis.ns.svc.cluster.local", 6379, -1},
    {"", 6379, -1},
    {"redis-3.redis.ns.svc.cluster.local", 6380, 3},      /* by name, any outcome */
};

START_TEST(test_find_redis) {
    const struct find_case *c = &find_cases[_i];
    ck_assert_msg(obs_find_redis(&obs, c->host, c->port) == c->want, "%s:%d", c->host, c->port);
}
END_TEST

START_TEST(test_find_bounds) {
    ck_assert_int_eq(obs_find_redis(&obs, NULL, 6379), -1);
    ck_assert_int_eq(obs_find_redis(NULL, "x", 6379), -1);
    obs.n_redis = 2;   /* entries beyond n_redis are not configured peers */
    ck_assert_int_eq(obs_find_redis(&obs, "redis-2.redis.ns.svc.cluster.local", 6379), -1);
    obs.n_redis = 1000;
    ck_assert_int_eq(obs_find_redis(&obs, "redis-9.redis.ns.svc.cluster.local", 6379), -1);
}
END_TEST

static Suite *make_suite(void) {
    Suite *s = suite_create("observe");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, test_outcomes, 0, N(outcome_cases));
    tcase_add_test(tc, test_outcome_table_complete);
    tcase_add_loop_test(tc, test_host_equal, 0, N(host_cases));
    tcase_add_test(tc, test_host_equal_null);
    suite_add_tcase(s, tc);
    TCase *tf = tcase_create("find");
    tcase_add_checked_fixture(tf, setup_obs, NULL);
    tcase_add_loop_test(tf, test_find_redis, 0, N(find_cases));
    tcase_add_test(tf, test_find_bounds);
    suite_add_tcase(s, tf);
    return s;
}

CHECK_MAIN(make_suite)
