/* test_rotation.c: rotation_sentinel_may_restart() and rotation_app_step(), row by row. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "checkmain.h"
#include "rules/rotation.h"

static const struct {
    enum outcome outcome;
    const char *flags;
    int reachable, quorum, replicas;
    int want;
    const char *why; /* a substring of the reason */
} rows[] = {
    {OUT_ANSWER, "master", 2, 2, 3, 1, "2 other sentinel(s) keep the quorum (2) and a majority (2 of 3)"},
    {OUT_ANSWER, "master", 1, 2, 3, 0, "without it, 1 other sentinel(s) answer: the quorum is 2"},
    {OUT_ANSWER, "master", 2, 1, 5, 0, "a failover needs 3 of 5"},   /* quorum yes, majority no */
    {OUT_ANSWER, "master", 3, 3, 5, 1, "keep the quorum (3) and a majority (3 of 5)"},
    {OUT_ANSWER, "master", 4, 4, 5, 1, NULL},
    {OUT_ANSWER, "master", 3, 4, 5, 0, "the quorum is 4"},           /* majority yes, quorum no */
    {OUT_ANSWER, "master,failover_in_progress", 2, 2, 3, 0, "running a failover"},
    {OUT_ANSWER, "master,s_down,o_down,failover_in_progress", 2, 2, 3, 0, "running a failover"},
    {OUT_ANSWER, "master,s_down", 2, 2, 3, 1, NULL}, /* a down master is the others' to fail over */
    {OUT_ANSWER, "master", 0, 1, 1, 0, "the quorum is 1"},           /* a lone sentinel never */
    {OUT_TIMEOUT, "", 2, 2, 3, 0, "does not answer about its group (timeout)"},
    {OUT_NIL_MASTER, "", 2, 2, 3, 0, "does not answer"},
};

START_TEST(may_restart) {
    struct sentinel_master_obs m;
    memset(&m, 0, sizeof m);
    m.p.outcome = rows[_i].outcome;
    snprintf(m.flags, sizeof m.flags, "%s", rows[_i].flags);
    m.reachable_sentinels = rows[_i].reachable;
    m.quorum = rows[_i].quorum;
    char why[200] = "";
    int got = rotation_sentinel_may_restart(&m, rows[_i].replicas, why, sizeof why);
    ck_assert_msg(got == rows[_i].want, "row %d: got %d (%s)", _i, got, why);
    ck_assert_msg(why[0], "row %d: no reason", _i);
    if (rows[_i].why) ck_assert_msg(strstr(why, rows[_i].why), "row %d: \"%s\"", _i, why);
}
END_TEST

/* The router and Webdis: what a renewal of which files does. */
static const struct {
    struct rotation_app_change c;
    enum rotation_app_step want;
} app_rows[] = {
    {{1, 0, 0, 0}, ROTATE_NOTHING},
    {{0, 0, 0, 0}, ROTATE_NOTHING},
    {{1, 1, 0, 0}, ROTATE_PUSH},    /* the router's own pair: runtime API */
    {{1, 0, 1, 0}, ROTATE_PUSH},    /* its client pair: runtime API */
    {{1, 1, 1, 0}, ROTATE_PUSH},
    {{1, 0, 0, 1}, ROTATE_RESTART}, /* a new CA bundle: never commit ssl ca-file */
    {{1, 1, 1, 1}, ROTATE_RESTART}, /* a CA rollover's reissue with a new bundle */
    {{0, 1, 0, 0}, ROTATE_RESTART}, /* Webdis cannot reload anything */
    {{0, 0, 0, 1}, ROTATE_RESTART},
    {{0, 0, 1, 0}, ROTATE_RESTART},
};

START_TEST(app_step) {
    enum rotation_app_step got = rotation_app_step(&app_rows[_i].c);
    ck_assert_msg(got == app_rows[_i].want, "row %d: got %d, want %d", _i, got, app_rows[_i].want);
}
END_TEST

static Suite *make_suite(void) {
    Suite *su = suite_create("rotation");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, may_restart, 0, (int)(sizeof rows / sizeof rows[0]));
    tcase_add_loop_test(tc, app_step, 0, (int)(sizeof app_rows / sizeof app_rows[0]));
    suite_add_tcase(su, tc);
    return su;
}

CHECK_MAIN(make_suite)
