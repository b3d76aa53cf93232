/* test_credentials.c: creds_decide(), row by row: a world of three members
 * (the rows set each one's answer) and this pod's own phase. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "checkmain.h"
#include "rules/credentials.h"

#define G  "3f2a9c1d07e4"
#define G0 "0123456789ab" /* an older generation */

/* One member: answered, marker generation, phase, finish, accepts the new. */
struct m {
    int answered;
    const char *gen;
    enum creds_phase phase;
    int finish, accepts_new;
};
#define DOWN       {0, "", CREDS_NONE, 0, 0}
#define FRESH      {1, "", CREDS_NONE, 0, 0}
#define ACCEPT     {1, G, CREDS_ACCEPT, 0, 1}
#define USE        {1, G, CREDS_USE, 0, 1}
#define DONE       {1, G, CREDS_DONE, 0, 1}
#define FINISH     {1, G, CREDS_USE, 1, 1}

/* The three members m0, m1, m2 of a row. */
static void members(const struct m r[3], struct creds_member ms[3], char names[3][8]) {
    for (int i = 0; i < 3; i++) {
        snprintf(names[i], 8, "m%d", i);
        memset(&ms[i], 0, sizeof ms[i]);
        ms[i].name = names[i];
        ms[i].answered = r[i].answered;
        snprintf(ms[i].gen, sizeof ms[i].gen, "%s", r[i].gen);
        ms[i].phase = r[i].phase;
        ms[i].finish = r[i].finish;
        ms[i].accepts_new = r[i].accepts_new;
    }
}

static const struct {
    const char *what;
    enum creds_phase own;
    struct m members[3];
    long long since, grace; /* all_use_since (0: not yet), grace; now is 100000 */
    int by_command;
    enum creds_step want;
    int all_use;
    long long wait_ms;
    const char *why; /* a substring of the reason */
} rows[] = {
    {"a new generation: accept at once, whatever the others say", CREDS_NONE,
     {DOWN, FRESH, FRESH}, 0, 1000, 0, CREDS_STEP_ACCEPT, 0, 0, "accepting both passwords"},
    {"every member accepts: use", CREDS_ACCEPT, {ACCEPT, ACCEPT, ACCEPT}, 0, 1000, 0,
     CREDS_STEP_USE, 0, 0, "every member (3) accepts"},
    {"a member already at use counts as accepting", CREDS_ACCEPT, {ACCEPT, USE, ACCEPT}, 0, 1000,
     0, CREDS_STEP_USE, 0, 0, NULL},
    {"a member down holds use, and is named", CREDS_ACCEPT, {ACCEPT, DOWN, ACCEPT}, 0, 1000, 0,
     CREDS_STEP_WAIT, 0, 0, "m1 does not answer: it must accept the new passwords first"},
    {"a member without the marker holds use", CREDS_ACCEPT, {ACCEPT, ACCEPT, FRESH}, 0, 1000, 0,
     CREDS_STEP_WAIT, 0, 0, "m2 has not yet: it must accept"},
    {"a marker of an older generation is no accept", CREDS_ACCEPT,
     {ACCEPT, {1, G0, CREDS_DONE, 0, 1}, ACCEPT}, 0, 1000, 0, CREDS_STEP_WAIT, 0, 0,
     "m1 has not yet"},
    {"the marker says accept, the ACL lacks a new password: the ACL wins", CREDS_ACCEPT,
     {ACCEPT, {1, G, CREDS_ACCEPT, 0, 0}, ACCEPT}, 0, 1000, 0, CREDS_STEP_WAIT, 0, 0,
     "m1 marks accept but its ACL lacks a new password"},
    {"at use: a member still at accept holds the drop", CREDS_USE, {USE, ACCEPT, USE}, 0, 1000, 0,
     CREDS_STEP_WAIT, 0, 0, "m1 has not yet: it must use the new passwords first"},
    {"at use: a member down holds the drop", CREDS_USE, {USE, USE, DOWN}, 0, 1000, 0,
     CREDS_STEP_WAIT, 0, 0, "m2 does not answer"},
    {"every member at use, first seen now: the grace starts", CREDS_USE, {USE, USE, USE}, 0, 1000,
     0, CREDS_STEP_WAIT, 1, 1000, "the old ones go when the grace ends, in 1000 ms"},
    {"every member at use, grace partly over", CREDS_USE, {USE, USE, USE}, 99600, 1000, 0,
     CREDS_STEP_WAIT, 1, 600, "in 600 ms"},
    {"every member at use, grace over: drop", CREDS_USE, {USE, USE, DONE}, 99000, 1000, 0,
     CREDS_STEP_DROP, 1, 0, "the grace (1000 ms) is over"},
    {"grace 0: drop as soon as every member uses", CREDS_USE, {USE, USE, USE}, 0, 0, 0,
     CREDS_STEP_DROP, 1, 0, NULL},
    {"drop = command: never by time", CREDS_USE, {USE, USE, USE}, 1, 1000, 1, CREDS_STEP_WAIT, 1,
     0, "`credentials finish` drops the old ones"},
    {"a finish mark drops, even with a member behind", CREDS_USE, {USE, FINISH, ACCEPT}, 0, 1000,
     1, CREDS_STEP_DROP, 0, 0, "m1 holds the finish mark"},
    {"a finish mark of an older generation does not", CREDS_USE,
     {USE, {1, G0, CREDS_USE, 1, 1}, USE}, 0, 1000, 1, CREDS_STEP_WAIT, 0, 0, "m1 has not yet"},
    {"done: nothing more", CREDS_DONE, {DOWN, DOWN, DOWN}, 0, 1000, 0, CREDS_STEP_NOTHING, 0, 0,
     "is rolled out"},
};

START_TEST(decide) {
    struct creds_member ms[3];
    char names[3][8];
    members(rows[_i].members, ms, names);
    struct creds_world w = {.gen = G, .own = rows[_i].own, .members = ms, .n = 3,
                            .now_ms = 100000, .all_use_since = rows[_i].since,
                            .grace_ms = rows[_i].grace, .drop_by_command = rows[_i].by_command};
    struct creds_verdict v;
    creds_decide(&w, &v);
    ck_assert_msg(v.step == rows[_i].want, "%s: step %d, want %d (%s)", rows[_i].what, v.step,
                  rows[_i].want, v.why);
    ck_assert_msg(v.all_use == rows[_i].all_use, "%s: all_use %d", rows[_i].what, v.all_use);
    ck_assert_msg(v.wait_ms == rows[_i].wait_ms, "%s: wait %lld ms", rows[_i].what,
                  (long long)v.wait_ms);
    ck_assert_msg(v.why[0], "%s: no reason", rows[_i].what);
    if (rows[_i].why)
        ck_assert_msg(strstr(v.why, rows[_i].why), "%s: \"%s\"", rows[_i].what, v.why);
}
END_TEST

START_TEST(phase_names) {
    for (enum creds_phase p = CREDS_NONE; p <= CREDS_DONE; p++)
        ck_assert_int_eq(creds_phase_parse(creds_phase_name(p)), p);
    ck_assert_int_eq(creds_phase_parse("finish"), CREDS_NONE);
    ck_assert_int_eq(creds_phase_parse(""), CREDS_NONE);
}
END_TEST

/* The marker: its rules as written, and its channels as read back. */
static const struct {
    const char *channels;
    const char *gen;
    enum creds_phase phase;
    int finish;
} marker_rows[] = {
    {"&redis-init:" G ":accept", G, CREDS_ACCEPT, 0},
    {"&redis-init:" G ":use &redis-init:" G ":finish", G, CREDS_USE, 1},
    {"&redis-init:" G ":finish &redis-init:" G ":done", G, CREDS_DONE, 1}, /* any order */
    {"&redis-init:" G ":accept &redis-init:" G ":use", G, CREDS_USE, 0},   /* the furthest */
    {"&redis-init:" G0 ":finish &redis-init:" G ":use", G, CREDS_USE, 0},  /* another G's finish */
    {"", "", CREDS_NONE, 0},
    {"&redis-init:" G ":finish", "", CREDS_NONE, 0},        /* finish alone is no phase */
    {"&redis-init:" G ":later", "", CREDS_NONE, 0},         /* no phase of ours */
    {"&redis-init:3F2A9C1D07E4:use", "", CREDS_NONE, 0},     /* not lowercase hex */
    {"&redis-init:3f2a9c1d07:use", "", CREDS_NONE, 0},       /* too short */
    {"&other:" G ":use &* redis-init:" G ":use", "", CREDS_NONE, 0},
    {"  &redis-init:" G ":done  ", G, CREDS_DONE, 0},         /* spaces around */
};

START_TEST(marker_parse) {
    struct creds_member m;
    memset(&m, 0x55, sizeof m);
    creds_marker_parse(marker_rows[_i].channels, &m);
    ck_assert_msg(strcmp(m.gen, marker_rows[_i].gen) == 0, "row %d: gen \"%s\"", _i, m.gen);
    ck_assert_msg(m.phase == marker_rows[_i].phase, "row %d: phase %d", _i, m.phase);
    ck_assert_msg(m.finish == marker_rows[_i].finish, "row %d: finish %d", _i, m.finish);
}
END_TEST

START_TEST(marker_rules) {
    char out[128];
    ck_assert_int_eq(creds_marker_rules(G, CREDS_USE, 0, out, sizeof out), 0);
    ck_assert_str_eq(out, "resetchannels &redis-init:" G ":use");
    ck_assert_int_eq(creds_marker_rules(G, CREDS_DONE, 1, out, sizeof out), 0);
    ck_assert_str_eq(out, "resetchannels &redis-init:" G ":done &redis-init:" G ":finish");
    /* What is written reads back. */
    struct creds_member m;
    creds_marker_parse(out + strlen("resetchannels "), &m);
    ck_assert(strcmp(m.gen, G) == 0 && m.phase == CREDS_DONE && m.finish);
    ck_assert_int_eq(creds_marker_rules("3f2a", CREDS_USE, 0, out, sizeof out), -1);
    ck_assert_int_eq(creds_marker_rules(G, CREDS_NONE, 0, out, sizeof out), -1);
    ck_assert_int_eq(creds_marker_rules(G, CREDS_USE, 1, out, 20), -1);
    /* finish, added to a marker at use, reads back as use and finish */
    char both[160];
    ck_assert_int_eq(creds_finish_rule(G, out, sizeof out), 0);
    ck_assert_str_eq(out, "&redis-init:" G ":finish");
    snprintf(both, sizeof both, "&redis-init:" G ":use %s", out);
    creds_marker_parse(both, &m);
    ck_assert(strcmp(m.gen, G) == 0 && m.phase == CREDS_USE && m.finish);
    ck_assert_int_eq(creds_finish_rule("3f2a", out, sizeof out), -1);
    ck_assert_int_eq(creds_finish_rule(G, out, 10), -1);
}
END_TEST

/* `credentials finish`: every member at use (or done) for G, one still at use. */
static const struct {
    const char *what;
    struct m members[3];
    enum creds_finish want;
    const char *why;
} finish_rows[] = {
    {"every member at use: mark", {USE, USE, USE}, CREDS_FINISH_MARK, "every member (3) uses"},
    {"some already dropped (an earlier finish, or the grace): mark the rest", {DONE, USE, USE},
     CREDS_FINISH_MARK, NULL},
    {"every member done: nothing to finish", {DONE, DONE, DONE}, CREDS_FINISH_ROLLED_OUT,
     "is rolled out"},
    {"a member at accept: its links may use the old passwords", {USE, ACCEPT, USE},
     CREDS_FINISH_BEHIND, "m1 is at accept for generation " G},
    {"a member of another generation is behind", {USE, USE, {1, G0, CREDS_DONE, 0, 1}},
     CREDS_FINISH_BEHIND, "m2 is at none"},
    {"a member without a marker is behind", {FRESH, USE, USE}, CREDS_FINISH_BEHIND, "m0"},
    {"a member down: never a guess", {USE, DOWN, DONE}, CREDS_FINISH_DOWN, "m1 does not answer"},
    {"a member down is named before one behind", {ACCEPT, ACCEPT, DOWN}, CREDS_FINISH_DOWN,
     "m2 does not answer"},
};

START_TEST(finish) {
    struct creds_member ms[3];
    char names[3][8], why[200] = "";
    members(finish_rows[_i].members, ms, names);
    enum creds_finish got = creds_finish_decide(G, ms, 3, why, sizeof why);
    ck_assert_msg(got == finish_rows[_i].want, "%s: %d (%s)", finish_rows[_i].what, got, why);
    ck_assert_msg(why[0], "%s: no reason", finish_rows[_i].what);
    if (finish_rows[_i].why)
        ck_assert_msg(strstr(why, finish_rows[_i].why), "%s: \"%s\"", finish_rows[_i].what, why);
}
END_TEST

static Suite *make_suite(void) {
    Suite *s = suite_create("credentials");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, decide, 0, sizeof rows / sizeof rows[0]);
    tcase_add_test(tc, phase_names);
    tcase_add_loop_test(tc, marker_parse, 0, sizeof marker_rows / sizeof marker_rows[0]);
    tcase_add_test(tc, marker_rules);
    tcase_add_loop_test(tc, finish, 0, sizeof finish_rows / sizeof finish_rows[0]);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(make_suite)
