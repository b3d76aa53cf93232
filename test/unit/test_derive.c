/* test_derive.c: settings_require_member(), table-driven: a pod that would
 * act must be one of the configured members (the StatefulSet scaled
 * without the settings is EX_CONFIG, before any probe or write). */
#include "checkmain.h"
#include "config/settings.h"

#include <string.h>

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct {
    const char *pod, *redis_n, *sentinel_n;
    int is_sentinel, code;
    const char *msg;   /* substring of the error, or NULL */
} cases[] = {
    {"redis-cluster-server-0", "3", "3", 0, 0, NULL},
    {"redis-cluster-server-2", "3", "3", 0, 0, NULL},
    {"redis-cluster-server-3", "3", "3", 0, EX_CONFIG,
     "pod redis-cluster-server-3 has ordinal 3, but [cluster] redis-replicas is 3 (members 0..2)"},
    {"redis-cluster-server-4", "5", "3", 0, 0, NULL},           /* scaled together */
    {"redis-cluster-server-4", "3", "5", 0, EX_CONFIG, "redis-replicas is 3"},
    {"redis-cluster-sentinel-2", "1", "3", 1, 0, NULL},         /* sentinels count sentinels */
    {"redis-cluster-sentinel-3", "5", "3", 1, EX_CONFIG, "sentinel-replicas is 3 (members 0..2)"},
    {"redis-0", "1", "1", 0, 0, NULL},
    {"redis-1", "1", "1", 0, EX_CONFIG, "scale the settings together with the StatefulSet"},
    {"redis-cluster-router-7d9f-x2k4q", "3", "3", 0, 0, NULL},  /* no ordinal: named later */
};

START_TEST(test_member) {
    struct settings s;
    ri_err e = {0};
    settings_init(&s);
    ck_assert_int_eq(settings_set(&s, ORIGIN_FLAG, "t", "cluster", "pod-name", cases[_i].pod, &e), 0);
    ck_assert_int_eq(settings_set(&s, ORIGIN_FLAG, "t", "cluster", "redis-replicas", cases[_i].redis_n, &e), 0);
    ck_assert_int_eq(settings_set(&s, ORIGIN_FLAG, "t", "cluster", "sentinel-replicas", cases[_i].sentinel_n, &e), 0);
    ck_assert_int_eq(settings_set(&s, ORIGIN_FLAG, "t", "redis", "min-replicas-to-write", "0", &e), 0);
    ck_assert_msg(settings_finish(&s, &e) == 0, "%s", e.msg);
    int rc = settings_require_member(&s, cases[_i].is_sentinel, &e);
    ck_assert_msg(rc == cases[_i].code, "%s: rc %d, want %d (%s)", cases[_i].pod, rc, cases[_i].code, e.msg);
    if (cases[_i].msg) ck_assert_msg(strstr(e.msg, cases[_i].msg), "%s: message %s", cases[_i].pod, e.msg);
}
END_TEST

static Suite *make_suite(void) {
    Suite *su = suite_create("derive");
    TCase *tc = tcase_create("member");
    tcase_add_loop_test(tc, test_member, 0, NELEM(cases));
    suite_add_tcase(su, tc);
    return su;
}

CHECK_MAIN(make_suite)
