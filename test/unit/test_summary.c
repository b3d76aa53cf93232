/* test_summary.c: the decision summary (counts and the one line that goes
 * to the termination message and the metrics), a row per situation. */
#include "checkmain.h"
#include "tokens.h"
#include "rules/summary.h"

#include <stdio.h>
#include <string.h>

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define NP 5

/* Sentinel tokens: "=N" names redis-N, "=other" a host that is no pod, or
 * an outcome. Redis tokens: "M" / "R" / "?" (answered, role unknown), or
 * an outcome ("self" for this pod). */
static const struct row {
    const char *name;
    const char *sent[NP], *redis[NP];
    enum action action;
    const char *rule, *host;
    const char *want;
} rows[] = {
    {"replica, all answer", {"=1", "=1", "=1"}, {"self", "M", "R"}, ACT_FOLLOW, "S5", "redis-1",
     "replica of redis-1:6379 (rule S5); sentinels: 3 of 3 answered, 3 agree; redis peers: 2 of 2 "
     "answered, 0 timed out, 0 unknown; 40 ms, 1 round"},
    {"bootstrap master", {"nil", "nil", "nil"}, {"self", "refused", "not-found"}, ACT_MASTER, "B5",
     "", "master (rule B5); sentinels: 0 of 3 answered, 0 agree; redis peers: 0 of 2 answered, 0 "
         "timed out, 0 unknown; 40 ms, 1 round"},
    {"split vote, timeouts", {"=1", "=2", "timeout"}, {"self", "M", "timeout"}, ACT_FOLLOW, "S5",
     "redis-1",
     "replica of redis-1:6379 (rule S5); sentinels: 2 of 3 answered, 1 agree; redis peers: 1 of 2 "
     "answered, 1 timed out, 1 unknown; 40 ms, 1 round"},
    {"unknowns that are not timeouts", {"=1", "=1", "auth-failed"},
     {"self", "?", "dns-failure", "error"}, ACT_FOLLOW, "S5", "redis-1",
     "replica of redis-1:6379 (rule S5); sentinels: 2 of 3 answered, 2 agree; redis peers: 1 of 3 "
     "answered, 0 timed out, 3 unknown; 40 ms, 1 round"},
    {"sentinel monitor", {"self", "=0", "=0"}, {"M", "R", "R"}, ACT_MONITOR, "T1", "redis-0",
     "sentinel of redis-0:6379 (rule T1); sentinels: 2 of 2 answered, 2 agree; redis peers: 3 of 3 "
     "answered, 0 timed out, 0 unknown; 40 ms, 1 round"},
    {"one name, one pod that is none", {"=other", "=other", "=1"}, {"self", "M"}, ACT_WAIT, "S7", "",
     "wait (rule S7); sentinels: 3 of 3 answered, 2 agree; redis peers: 1 of 1 answered, 0 timed "
     "out, 0 unknown; 40 ms, 1 round"},
};

static void build(const struct row *w, struct observations *o, struct decision *d) {
    memset(o, 0, sizeof *o);
    memset(d, 0, sizeof *d);
    for (int i = 0; i < NP && w->sent[i]; i++, o->n_sentinels++) {
        struct sentinel_obs *s = &o->sentinels[i];
        snprintf(s->p.host, sizeof s->p.host, "sentinel-%d", i);
        s->p.port = 26379;
        if (w->sent[i][0] == '=') {
            s->p.outcome = OUT_ANSWER;
            s->master_port = 6379;
            if (strcmp(w->sent[i], "=other") == 0) snprintf(s->master_host, OBS_HOST_MAX, "old.example");
            else snprintf(s->master_host, OBS_HOST_MAX, "redis-%s", w->sent[i] + 1);
        } else {
            s->p.outcome = parse_outcome(w->sent[i]);
        }
    }
    for (int i = 0; i < NP && w->redis[i]; i++, o->n_redis++) {
        struct redis_obs *r = &o->redis[i];
        snprintf(r->p.host, sizeof r->p.host, "redis-%d", i);
        r->p.port = 6379;
        const char *t = w->redis[i];
        if (!strcmp(t, "M") || !strcmp(t, "R") || !strcmp(t, "?")) {
            r->p.outcome = OUT_ANSWER;
            r->role = t[0] == 'M' ? ROLE_MASTER : t[0] == 'R' ? ROLE_REPLICA : ROLE_UNKNOWN;
        } else {
            r->p.outcome = parse_outcome(t);
        }
    }
    d->action = w->action;
    d->rule = w->rule;
    snprintf(d->host, sizeof d->host, "%s", w->host);
    d->port = w->host[0] ? 6379 : 0;
}

START_TEST(test_row) {
    static struct observations o;
    struct decision d;
    struct decision_summary s;
    char line[512];
    build(&rows[_i], &o, &d);
    summarize_decision(&o, &d, 40.2, 1, &s);
    summary_line(&s, line, sizeof line);
    ck_assert_msg(strcmp(line, rows[_i].want) == 0, "%s:\n got  %s\n want %s", rows[_i].name, line,
                  rows[_i].want);
}
END_TEST

START_TEST(test_override) {
    struct decision_summary s = {.rule = "override", .action = ACT_FOLLOW, .master = "10.0.0.5",
                                 .master_port = 6380};
    char line[256];
    summary_line(&s, line, sizeof line);
    ck_assert_str_eq(line, "replica of 10.0.0.5:6380 (override on the command line; nothing observed)");
}
END_TEST

START_TEST(test_cut_short) {
    static struct observations o;
    struct decision d;
    struct decision_summary s;
    char line[24];
    build(&rows[0], &o, &d);
    summarize_decision(&o, &d, 1234.6, 3, &s);
    int n = summary_line(&s, line, sizeof line);
    ck_assert_int_gt(n, (int)sizeof line);
    ck_assert_uint_eq(strlen(line), sizeof line - 1);
    ck_assert_int_eq(s.rounds, 3);
}
END_TEST

static Suite *make_suite(void) {
    Suite *s = suite_create("summary");
    TCase *tc = tcase_create("summary");
    tcase_add_loop_test(tc, test_row, 0, NELEM(rows));
    tcase_add_test(tc, test_override);
    tcase_add_test(tc, test_cut_short);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(make_suite)
