/* test_failover.c: the pacing of redis-init's S2 failover request
 * (failover.h), one table row per rule.
 *
 * Sentinel tokens: "=me" answers: master is this pod (redis-0); "=N"
 * answers: master is redis-N; "=me:6380" this pod's name on another port;
 * any other outcome name ("timeout", "refused", ...). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkmain.h"
#include "tokens.h"
#include "rules/failover.h"

#define NPEER 3
#define RHOST "redis-%d.redis.ns.svc.cluster.local"
#define SHOST "sentinel-%d.sentinel.ns.svc.cluster.local"
#define NOW 100000.0
#define PATIENCE 10000.0
#define NEVER -1.0      /* in a row: no such event */

static void world(struct observations *o, const char *const sentinels[NPEER])
{
    memset(o, 0, sizeof *o);
    o->n_redis = o->n_sentinels = NPEER;
    o->redis_port = 6379;
    snprintf(o->self_host, sizeof o->self_host, RHOST, 0);
    for (int i = 0; i < NPEER; i++) {
        struct peer_common *p = &o->redis[i].p;
        snprintf(p->host, sizeof p->host, RHOST, i);
        p->port = 6379;
        p->outcome = i == 0 ? OUT_SELF : OUT_ANSWER;
    }
    for (int i = 0; i < NPEER; i++) {
        struct sentinel_obs *s = &o->sentinels[i];
        const char *tok = sentinels[i];
        snprintf(s->p.host, sizeof s->p.host, SHOST, i);
        s->p.port = 26379;
        if (tok[0] != '=') { s->p.outcome = parse_outcome(tok); continue; }
        s->p.outcome = OUT_ANSWER;
        int me = strncmp(tok, "=me", 3) == 0;
        snprintf(s->master_host, sizeof s->master_host, RHOST, me ? 0 : atoi(tok + 1));
        s->master_port = me && tok[3] == ':' ? atoi(tok + 4) : 6379;
    }
}

/* ---------------------------------------------------------------------------
 * failover_next: whom to ask
 * ------------------------------------------------------------------------ */

static const struct {
    const char *why;
    const char *sentinels[NPEER];
    int leader;
    double leader_ago, tried_ago;   /* ms before NOW, NEVER for none */
    int skipped;
    int want;
} next_rows[] = {
    {"first ask: the first sentinel that names this pod", {"=me", "=me", "=me"}, -1, NEVER, NEVER, -1, 0},
    {"a sentinel that names another master is never asked (it would fail that one over)",
     {"=1", "=me", "=me"}, -1, NEVER, NEVER, -1, 1},
    {"an unreachable sentinel is passed over", {"timeout", "=me", "=me"}, -1, NEVER, NEVER, -1, 1},
    {"no sentinel names this pod: nobody to ask", {"=1", "=1", "=2"}, -1, NEVER, NEVER, -1, -1},
    {"this pod's name on another port is another server", {"=me:6380", "refused", "=2"}, -1, NEVER,
     NEVER, -1, -1},
    {"at most one attempt per retry period", {"=me", "=me", "=me"}, -1, NEVER, 500, -1, -1},
    {"the retry period has passed", {"=me", "=me", "=me"}, -1, NEVER, 1000, -1, 0},
    {"after an accepted request, the same sentinel again (an aborted failover is retried there)",
     {"=me", "=me", "=me"}, 1, 2000, 1000, -1, 1},
    {"the leader unreachable: wait, never start a second failover elsewhere",
     {"=me", "timeout", "=me"}, 1, 2000, 1000, -1, -1},
    {"the leader names the new master, the others not yet: wait", {"=me", "=2", "=me"}, 1, 2000,
     1000, -1, -1},
    {"no sign of the leader's failover for failover-timeout: ask another",
     {"=me", "timeout", "=me"}, 1, PATIENCE, 1000, 1, 2},
    {"after a refusal, the next sentinel that names this pod", {"=me", "=me", "=me"}, -1, NEVER,
     1000, 0, 1},
    {"the rotation wraps around", {"=me", "=me", "=me"}, -1, NEVER, 1000, 2, 0},
    {"the rotation skips those that do not name this pod", {"=me", "=me", "=2"}, -1, NEVER, 1000, 1,
     0},
};

START_TEST(test_next)
{
    struct observations o;
    struct failover_pace p;
    world(&o, next_rows[_i].sentinels);
    failover_pace_init(&p);
    p.leader = next_rows[_i].leader;
    p.skipped = next_rows[_i].skipped;
    if (next_rows[_i].leader_ago != NEVER) p.leader_at = NOW - next_rows[_i].leader_ago;
    if (next_rows[_i].tried_ago != NEVER) p.tried_at = NOW - next_rows[_i].tried_ago;
    int got = failover_next(&o, &p, NOW, PATIENCE);
    ck_assert_msg(got == next_rows[_i].want, "row %d (%s): got %d, want %d", _i, next_rows[_i].why,
                  got, next_rows[_i].want);
}
END_TEST

/* ---------------------------------------------------------------------------
 * failover_check: the sentinel's own state right before the request
 * ------------------------------------------------------------------------ */

static const struct {
    const char *outcome, *flags;
    int master;          /* redis-N it names */
    int port;
    enum failover_verdict want;
} check_rows[] = {
    {"answer", "master", 0, 6379, FC_ASK},
    {"answer", "master,s_down", 0, 6379, FC_ASK},
    {"answer", "master,failover_in_progress", 0, 6379, FC_RUNNING},
    {"answer", "master,s_down,o_down,failover_in_progress,promoted", 0, 6379, FC_RUNNING},
    {"answer", "master", 2, 6379, FC_SWITCHED},
    {"answer", "master", 0, 6380, FC_SWITCHED},
    {"timeout", "", 0, 0, FC_UNREACHABLE},
    {"nil", "", 0, 0, FC_UNREACHABLE},
    {"auth-failed", "", 0, 0, FC_UNREACHABLE},
};

START_TEST(test_check)
{
    static const char *const all_me[NPEER] = {"=me", "=me", "=me"};
    struct observations o;
    struct sentinel_master_obs m;
    world(&o, all_me);
    memset(&m, 0, sizeof m);
    m.p.outcome = parse_outcome(check_rows[_i].outcome);
    snprintf(m.flags, sizeof m.flags, "%s", check_rows[_i].flags);
    if (m.p.outcome == OUT_ANSWER) {
        snprintf(m.master_host, sizeof m.master_host, RHOST, check_rows[_i].master);
        m.master_port = check_rows[_i].port;
    }
    ck_assert_int_eq(failover_check(&o, &m), check_rows[_i].want);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("failover");
    TCase *tc = tcase_create("pace");
    tcase_add_loop_test(tc, test_next, 0, sizeof next_rows / sizeof next_rows[0]);
    tcase_add_loop_test(tc, test_check, 0, sizeof check_rows / sizeof check_rows[0]);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(make_suite)
