/* test_lifecycle.c: the probe verdicts and the prestop steps of
 * docs/lifecycle.md, one table row per rule and per outcome.
 *
 * Tokens, one per peer:
 * sentinels   "=me"     answers: master is this pod (redis-0)
 *             "=N"      answers: master is redis-N
 *             "nil"     answers: no such master group
 *             any other outcome name: "timeout", "refused", "not-awaited", ...
 * redis pods  "M oN"    answered as master, offset N
 *             "R mN oN up|down [sync]"  replica of redis-N, offset, link state
 *             "L ..."   loading (with the other attributes)
 *             "?"       answered with an unknown role
 *             any other outcome name.
 * Pod i is redis-i.redis.ns.svc.cluster.local:6379; this pod is redis-0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkmain.h"
#include "tokens.h"
#include "rules/handover.h"
#include "rules/health.h"
#include "rules/tally.h"

#define NPEER 3
#define RHOST "redis-%d.redis.ns.svc.cluster.local"
#define SHOST "sentinel-%d.sentinel.ns.svc.cluster.local"

static void parse_sentinel(struct sentinel_obs *s, int i, const char *tok)
{
    memset(s, 0, sizeof *s);
    snprintf(s->p.host, sizeof s->p.host, SHOST, i);
    s->p.port = 26379;
    if (tok[0] != '=') { s->p.outcome = parse_outcome(tok); return; }
    s->p.outcome = OUT_ANSWER;
    snprintf(s->master_host, sizeof s->master_host, RHOST, strcmp(tok, "=me") == 0 ? 0 : atoi(tok + 1));
    s->master_port = 6379;
}

static void parse_redis(struct redis_obs *r, int i, const char *tok)
{
    memset(r, 0, sizeof *r);
    snprintf(r->p.host, sizeof r->p.host, RHOST, i);
    r->p.port = 6379;
    r->p.ordinal = i;
    r->second_offset = -1;
    if (!strchr("MRLI?", tok[0]) || (tok[1] != '\0' && tok[1] != ' ')) {
        r->p.outcome = parse_outcome(tok);
        return;
    }
    r->p.outcome = OUT_ANSWER;
    char buf[128];
    snprintf(buf, sizeof buf, "%s", tok);
    for (char *w = strtok(buf, " "); w; w = strtok(NULL, " ")) {
        if (strcmp(w, "M") == 0) r->role = ROLE_MASTER;
        else if (strcmp(w, "R") == 0) r->role = ROLE_REPLICA;
        else if (strcmp(w, "L") == 0) r->loading = 1;
        else if (strcmp(w, "?") == 0) r->role = ROLE_UNKNOWN;
        else if (strcmp(w, "I") == 0) r->role = ROLE_INIT;   /* redis-init's beacon */
        else if (strcmp(w, "up") == 0) r->link_up = 1;
        else if (strcmp(w, "down") == 0) r->link_up = 0;
        else if (strcmp(w, "sync") == 0) r->sync_in_progress = 1;
        else if (w[0] == 'o') r->offset = atoll(w + 1);
        else if (w[0] == 'c') r->connected_replicas = atoi(w + 1);
        else if (w[0] == 'm') {
            snprintf(r->master_host, sizeof r->master_host, RHOST, atoi(w + 1));
            r->master_port = 6379;
        } else ck_abort_msg("bad redis attribute '%s'", w);
    }
}

/* ---------------------------------------------------------------------------
 * Liveness / startup
 * ------------------------------------------------------------------------ */

static const struct {
    const char *outcome, *err;
    int code;
    const char *rule;
    int ahead; /* the secrets are ahead of the server */
} alive_rows[] = {
    {"answer", "", HEALTH_PASS, "L1", 0},
    {"error", "LOADING", HEALTH_PASS, "L2", 0},
    {"error", "BUSY", HEALTH_PASS, "L2", 0},
    {"error", "MASTERDOWN", HEALTH_PASS, "L2", 0},
    {"auth-failed", "LOADING", HEALTH_PASS, "L2", 0},   /* AUTH itself answered LOADING: alive */
    {"auth-failed", "WRONGPASS", HEALTH_AUTH, "L3", 0},
    {"auth-failed", "NOPERM", HEALTH_AUTH, "L3", 0},
    /* a rotation about to start here: the new probe password, not yet taken */
    {"auth-failed", "WRONGPASS", HEALTH_PASS, "L5", 1},
    {"refused", "", HEALTH_DOWN, "L4", 1},
    {"answer", "", HEALTH_PASS, "L1", 1},
    {"error", "ERR", HEALTH_DOWN, "L4", 0},
    {"refused", "", HEALTH_DOWN, "L4", 0},
    {"timeout", "", HEALTH_DOWN, "L4", 0},
    {"not-found", "", HEALTH_DOWN, "L4", 0},
    {"error", "", HEALTH_DOWN, "L4", 0},
};

START_TEST(alive)
{
    struct ping_obs p = {.outcome = parse_outcome(alive_rows[_i].outcome),
                         .secrets_ahead = alive_rows[_i].ahead};
    struct verdict v;
    snprintf(p.err_code, sizeof p.err_code, "%s", alive_rows[_i].err);
    snprintf(p.detail, sizeof p.detail, "detail");
    health_alive(&p, &v);
    ck_assert_int_eq(v.code, alive_rows[_i].code);
    ck_assert_str_eq(v.rule, alive_rows[_i].rule);
    ck_assert(v.reason[0]);
}
END_TEST

/* ---------------------------------------------------------------------------
 * Redis readiness
 * ------------------------------------------------------------------------ */

static const struct {
    const char *name, *local, *sent[NPEER];
    int code;
    const char *rule, *reason;
    int settled;
} ready_rows[] = {
    {"down: refused", "refused", {"=me", "=me", "=me"}, HEALTH_DOWN, "R1", "does not answer", 1},
    {"down: timeout", "timeout", {"=me", "=me", "=me"}, HEALTH_DOWN, "R1", "timeout", 1},
    {"auth refused", "auth-failed", {"=me", "=me", "=me"}, HEALTH_AUTH, "R1", "refused the probe user", 1},
    {"local outstanding", "not-awaited", {"=me", "=me", "=me"}, HEALTH_DOWN, "R1", "not-awaited", 0},
    {"loading replica", "L R m1 up", {"=1", "=1", "=1"}, HEALTH_NOT_READY, "R2", "loading", 1},
    {"loading master", "L M", {"=me", "=me", "=me"}, HEALTH_NOT_READY, "R2", "loading", 1},
    {"replica link down", "R m1 down", {"=1", "=1", "=1"}, HEALTH_NOT_READY, "R3", "link down", 1},
    {"replica syncing", "R m1 down sync", {"=1", "=1", "=1"}, HEALTH_NOT_READY, "R4", "full sync", 1},
    {"replica syncing, link up", "R m1 up sync", {"=1", "=1", "=1"}, HEALTH_NOT_READY, "R4", "full sync", 1},
    {"replica linked", "R m1 up o5", {"=1", "=1", "=1"}, HEALTH_PASS, "R5", "link up", 1},
    {"replica ignores sentinels", "R m1 up", {"timeout", "timeout", "timeout"}, HEALTH_PASS, "R5", "", 1},
    {"unknown role", "?", {"=me", "=me", "=me"}, HEALTH_NOT_READY, "R6", "unknown role", 1},
    {"still deciding (beacon)", "I", {"=me", "=me", "=me"}, HEALTH_NOT_READY, "R6",
     "still deciding", 1},
    {"master, all name it", "M", {"=me", "=me", "=me"}, HEALTH_PASS, "R7", "3 of 3", 1},
    {"master, majority, one dead", "M", {"=me", "=me", "timeout"}, HEALTH_PASS, "R7", "2 of 3", 1},
    {"master, majority formed early", "M", {"=me", "=me", "not-awaited"}, HEALTH_PASS, "R7", "", 1},
    {"stale master", "M", {"=1", "=1", "=me"}, HEALTH_NOT_READY, "R8", "stale master: 2 of 3", 1},
    {"stale master, one dead", "M", {"=2", "timeout", "=2"}, HEALTH_NOT_READY, "R8", "redis-2", 1},
    {"stale, formed early", "M", {"=1", "=1", "not-awaited"}, HEALTH_NOT_READY, "R8", "", 1},
    {"bootstrap: sentinels refused", "M", {"refused", "refused", "not-found"}, HEALTH_PASS, "R9", "no sentinel", 1},
    {"sentinels time out", "M", {"timeout", "timeout", "timeout"}, HEALTH_NOT_READY, "R10", "stale", 1},
    {"one down, two time out", "M", {"refused", "timeout", "timeout"}, HEALTH_NOT_READY, "R10", "1 down", 1},
    {"minority names me", "M", {"=me", "refused", "refused"}, HEALTH_NOT_READY, "R10", "only 1 of 3", 1},
    {"split vote", "M", {"=me", "=1", "timeout"}, HEALTH_NOT_READY, "R10", "only 1 of 3", 1},
    {"nil masters", "M", {"nil", "nil", "nil"}, HEALTH_NOT_READY, "R10", "3 answered", 1},
    {"auth failures", "M", {"auth-failed", "auth-failed", "auth-failed"}, HEALTH_NOT_READY, "R10", "", 1},
    {"outstanding may decide", "M", {"=me", "refused", "not-awaited"}, HEALTH_NOT_READY, "R10", "", 0},
    {"outstanding, none yet", "M", {"not-awaited", "not-awaited", "not-awaited"}, HEALTH_NOT_READY, "R10", "", 0},
};

static void ready_obs(struct redis_health_obs *o, const char *local, const char *const sent[NPEER])
{
    memset(o, 0, sizeof *o);
    parse_redis(&o->local, 0, local);
    snprintf(o->self_host, sizeof o->self_host, RHOST, 0);
    o->self_port = 6379;
    o->n_sentinels = NPEER;
    for (int i = 0; i < NPEER; i++) parse_sentinel(&o->sentinels[i], i, sent[i]);
}

START_TEST(redis_ready)
{
    static struct redis_health_obs o;
    struct verdict v;
    ready_obs(&o, ready_rows[_i].local, ready_rows[_i].sent);
    health_redis_ready(&o, &v);
    ck_assert_msg(v.code == ready_rows[_i].code, "%s: code %d, want %d (%s)", ready_rows[_i].name,
                  v.code, ready_rows[_i].code, v.reason);
    ck_assert_msg(strcmp(v.rule, ready_rows[_i].rule) == 0, "%s: rule %s, want %s",
                  ready_rows[_i].name, v.rule, ready_rows[_i].rule);
    ck_assert_msg(strstr(v.reason, ready_rows[_i].reason), "%s: reason '%s' lacks '%s'",
                  ready_rows[_i].name, v.reason, ready_rows[_i].reason);
    ck_assert_int_eq(health_redis_settled(&o), ready_rows[_i].settled);
}
END_TEST

/* A settled verdict is final: every outcome of the outstanding sentinels
 * gives the same verdict. */
START_TEST(settled_is_final)
{
    static const char *const outcomes[] = {"=me", "=1", "=2", "nil", "refused", "timeout"};
    static struct redis_health_obs o;
    struct verdict want, got;
    if (!ready_rows[_i].settled) return;
    ready_obs(&o, ready_rows[_i].local, ready_rows[_i].sent);
    health_redis_ready(&o, &want);
    for (int k = 0; k < 6; k++) {
        for (int i = 0; i < NPEER; i++)
            if (strcmp(ready_rows[_i].sent[i], "not-awaited") == 0)
                parse_sentinel(&o.sentinels[i], i, outcomes[k]);
        health_redis_ready(&o, &got);
        ck_assert_msg(got.code == want.code, "%s: outstanding -> %s changes the verdict",
                      ready_rows[_i].name, outcomes[k]);
    }
}
END_TEST

/* ---------------------------------------------------------------------------
 * Sentinel readiness
 * ------------------------------------------------------------------------ */

static const struct {
    const char *name, *own, *master;
    int replicas, others, code;
    const char *rule;
} sent_rows[] = {
    {"down", "refused", "-", 0, 0, HEALTH_DOWN, "Q1"},
    {"timeout", "timeout", "-", 0, 0, HEALTH_DOWN, "Q1"},
    {"auth refused", "auth-failed", "-", 0, 0, HEALTH_AUTH, "Q1"},
    {"not monitoring", "nil", "-", 0, 0, HEALTH_NOT_READY, "Q2"},
    {"master does not answer", "answer", "refused", 2, 2, HEALTH_NOT_READY, "Q3"},
    {"master is a replica", "answer", "R m1 up", 2, 2, HEALTH_NOT_READY, "Q3"},
    {"knows no replicas yet", "answer", "M c2", 0, 2, HEALTH_NOT_READY, "Q4"},
    {"knows one of two replicas", "answer", "M c2", 1, 2, HEALTH_NOT_READY, "Q4"},
    {"knows its peers by config but reaches none", "answer", "M c2", 2, 0, HEALTH_NOT_READY, "Q5"},
    {"one peer is enough for 3", "answer", "M c2", 2, 1, HEALTH_PASS, "Q6"},
    {"all known", "answer", "M c2", 2, 2, HEALTH_PASS, "Q6"},
    {"a down replica it still knows", "answer", "M c1", 2, 2, HEALTH_PASS, "Q6"},
};

START_TEST(sentinel_ready)
{
    static struct sentinel_health_obs o;
    struct verdict v;
    memset(&o, 0, sizeof o);
    o.n_sentinels = 3;
    o.own.p.outcome = parse_outcome(sent_rows[_i].own);
    snprintf(o.own.master_host, sizeof o.own.master_host, RHOST, 0);
    o.own.master_port = 6379;
    /* Configured known-* peers are always listed; only reach counts. */
    o.own.num_replicas = 2;
    o.own.num_other_sentinels = 2;
    o.own.reachable_replicas = sent_rows[_i].replicas;
    o.own.reachable_sentinels = sent_rows[_i].others;
    if (strcmp(sent_rows[_i].master, "-") == 0) o.master.p.outcome = OUT_ERROR;
    else parse_redis(&o.master, 0, sent_rows[_i].master);
    health_sentinel_ready(&o, &v);
    ck_assert_msg(v.code == sent_rows[_i].code && strcmp(v.rule, sent_rows[_i].rule) == 0,
                  "%s: %d %s, want %d %s (%s)", sent_rows[_i].name, v.code, v.rule,
                  sent_rows[_i].code, sent_rows[_i].rule, v.reason);
}
END_TEST

/* Five sentinels: a majority is 3, so two other sentinels are needed. */
START_TEST(sentinel_ready_five)
{
    static struct sentinel_health_obs o;
    struct verdict v;
    memset(&o, 0, sizeof o);
    o.n_sentinels = 5;
    o.own.p.outcome = OUT_ANSWER;
    snprintf(o.own.master_host, sizeof o.own.master_host, RHOST, 0);
    o.own.master_port = 6379;
    parse_redis(&o.master, 0, "M c0");
    o.own.num_other_sentinels = 4;
    o.own.reachable_sentinels = 1;
    health_sentinel_ready(&o, &v);
    ck_assert_str_eq(v.rule, "Q5");
    o.own.reachable_sentinels = 2;
    health_sentinel_ready(&o, &v);
    ck_assert_str_eq(v.rule, "Q6");
}
END_TEST

/* ---------------------------------------------------------------------------
 * prestop (redis)
 * ------------------------------------------------------------------------ */

#define BOUND 20000.0

struct ps_row {
    const char *name;
    double now;
    int paused;
    long long pause_off;
    int failover_sent;
    double tried_at;
    int unpaused;
    const char *redis[NPEER];     /* redis-0 is this pod */
    const char *sent[NPEER];
    enum handover_step step;
    int code;
    const char *rule;
    int target;
};

static const struct ps_row ps_rows[] = {
    /* before the pause */
    {"local down", 0, 0, -1, 0, -1, 0, {"refused", "R m0 up", "R m0 up"}, {"=me", "=me", "=me"}, PS_DONE, HEALTH_DOWN, "H1", -1},
    {"replica", 0, 0, -1, 0, -1, 0, {"R m1 up", "M", "R m1 up"}, {"=1", "=1", "=1"}, PS_DONE, 0, "H2", -1},
    {"unknown role", 0, 0, -1, 0, -1, 0, {"?", "R m0 up", "R m0 up"}, {"=me", "=me", "=me"}, PS_DONE, HEALTH_DOWN, "H1", -1},
    {"no sentinel answers", 0, 0, -1, 0, -1, 0, {"M", "R m0 up", "R m0 up"}, {"refused", "timeout", "not-found"}, PS_DONE, HEALTH_DOWN, "H3", -1},
    {"stale master", 0, 0, -1, 0, -1, 0, {"M", "M", "R m1 up"}, {"=1", "=1", "=me"}, PS_DONE, 0, "H4", -1},
    {"no majority yet", 0, 0, -1, 0, -1, 0, {"M", "R m0 up", "R m0 up"}, {"=me", "timeout", "nil"}, PS_WAIT, 0, "H5", -1},
    {"no linked replica", 0, 0, -1, 0, -1, 0, {"M", "R m0 down", "refused"}, {"=me", "=me", "=me"}, PS_DONE, HEALTH_DOWN, "H6", -1},
    {"replicas of another", 0, 0, -1, 0, -1, 0, {"M", "R m2 up", "M"}, {"=me", "=me", "=me"}, PS_DONE, HEALTH_DOWN, "H6", -1},
    {"pause", 0, 0, -1, 0, -1, 0, {"M o10", "R m0 up o10", "R m0 down"}, {"=me", "=me", "timeout"}, PS_PAUSE, 0, "H7", -1},
    /* paused */
    {"offset unknown", 5, 1, -1, 0, -1, 0, {"M o10", "R m0 up o10", "R m0 up o10"}, {"=me", "=me", "=me"}, PS_WAIT, 0, "H8", -1},
    {"a replica behind", 5, 1, 100, 0, -1, 0, {"M o100", "R m0 up o100", "R m0 up o90"}, {"=me", "=me", "=me"}, PS_WAIT, 0, "H8", -1},
    {"a down replica is not waited for", 5, 1, 100, 0, -1, 0, {"M o100", "R m0 up o100", "R m0 down o10"}, {"=me", "=me", "=me"}, PS_FAILOVER, 0, "H9", 0},
    {"caught up: ask the first naming me", 5, 1, 100, 0, -1, 0, {"M o100", "R m0 up o100", "R m0 up o120"}, {"timeout", "=me", "=me"}, PS_FAILOVER, 0, "H9", 1},
    {"refused a moment ago", 300, 1, 100, 0, 100, 0, {"M o100", "R m0 up o100", "R m0 up o100"}, {"=me", "=me", "=me"}, PS_WAIT, 0, "H8", -1},
    {"refused, ask again", 700, 1, 100, 0, 100, 0, {"M o100", "R m0 up o100", "R m0 up o100"}, {"=me", "=me", "=me"}, PS_FAILOVER, 0, "H9", 0},
    {"caught up, no sentinel names me", 5, 1, 100, 0, -1, 0, {"M o100", "R m0 up o100", "R m0 up o100"}, {"timeout", "=1", "nil"}, PS_WAIT, 0, "H8", -1},
    /* failover accepted */
    {"not promoted yet", 900, 1, 100, 1, 800, 0, {"M o100", "R m0 up o100", "R m0 up o100"}, {"=me", "=me", "=me"}, PS_WAIT, 0, "H11", -1},
    {"promoted, named by one: follow it", 900, 1, 100, 1, 800, 0, {"M o100", "M o100", "R m0 down o100"}, {"=1", "=me", "=me"}, PS_DEMOTE, 0, "H13", 1},
    {"promoted behind the pause", 900, 1, 100, 1, 800, 0, {"M o100", "M o90", "R m0 up o100"}, {"=1", "=1", "=1"}, PS_WAIT, 0, "H12", 1},
    {"demoted: unpause", 950, 1, 100, 1, 800, 0, {"R m1 down o100", "M o100", "R m0 down o100"}, {"=1", "=me", "=me"}, PS_UNPAUSE, 0, "H10", -1},
    {"converted by sentinel: unpause", 950, 1, 100, 1, 800, 0, {"R m1 up o100", "M o100", "R m1 up o100"}, {"=me", "=me", "=1"}, PS_UNPAUSE, 0, "H10", -1},
    {"unpaused, majority not yet", 1000, 1, 100, 1, 800, 1, {"R m1 up o100", "M o120", "R m1 up o100"}, {"=1", "=me", "=me"}, PS_WAIT, 0, "H14", 1},
    {"handed over", 1000, 1, 100, 1, 800, 1, {"R m1 up o100", "M o120", "R m1 up o120"}, {"=1", "=1", "timeout"}, PS_DONE, 0, "H15", 1},
    {"handed over, local gone", 1000, 1, 100, 1, 800, 1, {"refused", "M o120", "R m1 up o120"}, {"=1", "=1", "=1"}, PS_DONE, 0, "H15", 1},
    /* the bound */
    {"timeout before pause", BOUND, 0, -1, 0, -1, 0, {"M", "R m0 up", "R m0 up"}, {"=me", "timeout", "timeout"}, PS_DONE, HEALTH_DOWN, "H16", -1},
    {"timeout paused", BOUND + 1, 1, 100, 0, -1, 0, {"M o100", "R m0 up o90", "R m0 up o90"}, {"=me", "=me", "=me"}, PS_DONE, HEALTH_DOWN, "H16", -1},
    {"timeout after failover", BOUND, 1, 100, 1, 800, 0, {"M o100", "R m0 up o100", "R m0 up o100"}, {"=me", "=me", "=me"}, PS_DONE, HEALTH_DOWN, "H16", -1},
};

/* H17: told to stop (a second SIGTERM to the init), in every phase, even
 * before the bound and while every step would go on. */
static const struct {
    const char *name;
    int paused, failover_sent;
    const char *want_reason;
} interrupted_rows[] = {
    {"interrupted before the pause", 0, 0, "interrupted before pausing"},
    {"interrupted while paused", 1, 0, "interrupted before the failover"},
    {"interrupted after the failover", 1, 1, "interrupted before the handover"},
};

START_TEST(interrupted)
{
    static struct handover_obs o;
    struct handover_decision d;
    memset(&o, 0, sizeof o);
    o.now_ms = 5;
    o.bound_ms = BOUND;
    o.st = (struct handover_state){interrupted_rows[_i].paused, 100, interrupted_rows[_i].failover_sent,
                                   -1, 0, 1};
    o.round.redis_port = 6379;
    snprintf(o.round.self_host, sizeof o.round.self_host, RHOST, 0);
    o.round.n_redis = o.round.n_sentinels = NPEER;
    const char *redis[NPEER] = {"M o100", "R m0 up o100", "R m0 up o100"};
    for (int i = 0; i < NPEER; i++) {
        parse_redis(&o.round.redis[i], i, redis[i]);
        parse_sentinel(&o.round.sentinels[i], i, "=me");
    }
    snprintf(o.round.redis[0].p.host, sizeof o.round.redis[0].p.host, "127.0.0.1");
    handover_next(&o, &d);
    ck_assert_int_eq(d.step, PS_DONE);
    ck_assert_int_eq(d.code, EX_UNAVAILABLE);
    ck_assert_str_eq(d.rule, "H17");
    ck_assert_str_eq(d.reason, interrupted_rows[_i].want_reason);
}
END_TEST

START_TEST(prestop_rows)
{
    static struct handover_obs o;
    const struct ps_row *r = &ps_rows[_i];
    struct handover_decision d;
    memset(&o, 0, sizeof o);
    o.now_ms = r->now;
    o.bound_ms = BOUND;
    o.st = (struct handover_state){r->paused, r->pause_off, r->failover_sent, r->tried_at, r->unpaused, 0};
    o.self = 0;
    o.round.redis_port = 6379;
    o.round.self_ordinal = 0;
    snprintf(o.round.self_host, sizeof o.round.self_host, RHOST, 0);
    o.round.n_redis = o.round.n_sentinels = NPEER;
    for (int i = 0; i < NPEER; i++) {
        parse_redis(&o.round.redis[i], i, r->redis[i]);
        parse_sentinel(&o.round.sentinels[i], i, r->sent[i]);
    }
    /* This pod is probed by loopback in prestop: its slot does not carry its name. */
    snprintf(o.round.redis[0].p.host, sizeof o.round.redis[0].p.host, "127.0.0.1");
    handover_next(&o, &d);
    ck_assert_msg(d.step == r->step && d.code == r->code && strcmp(d.rule, r->rule) == 0 &&
                      d.target == r->target,
                  "%s: step %d code %d rule %s target %d, want %d %d %s %d (%s)", r->name, d.step,
                  d.code, d.rule, d.target, r->step, r->code, r->rule, r->target, d.reason);
    ck_assert(d.reason[0]);
}
END_TEST

/* ---------------------------------------------------------------------------
 * prestop (sentinel)
 * ------------------------------------------------------------------------ */

static const struct {
    const char *outcome, *flags;
    double now;
    enum handover_step step;
    int code;
    const char *rule;
} sps_rows[] = {
    {"answer", "master", 0, PS_DONE, 0, "G1"},
    {"answer", "master,s_down", 0, PS_DONE, 0, "G1"},
    {"nil", "", 0, PS_DONE, 0, "G1"},
    {"refused", "", 0, PS_DONE, 0, "G1"},
    {"answer", "master,s_down,o_down,failover_in_progress", 10, PS_WAIT, 0, "G2"},
    {"answer", "master,failover_in_progress", BOUND, PS_DONE, HEALTH_DOWN, "G3"},
};

START_TEST(sentinel_prestop)
{
    struct sentinel_master_obs own;
    struct handover_decision d;
    memset(&own, 0, sizeof own);
    own.p.outcome = parse_outcome(sps_rows[_i].outcome);
    snprintf(own.flags, sizeof own.flags, "%s", sps_rows[_i].flags);
    handover_sentinel_next(&own, sps_rows[_i].now, BOUND, &d);
    ck_assert_int_eq(d.step, sps_rows[_i].step);
    ck_assert_int_eq(d.code, sps_rows[_i].code);
    ck_assert_str_eq(d.rule, sps_rows[_i].rule);
}
END_TEST

START_TEST(kind_names)
{
    ck_assert_str_eq(health_kind_name(HEALTH_READINESS), "readiness");
    ck_assert_str_eq(health_kind_name(HEALTH_LIVENESS), "liveness");
    ck_assert_str_eq(health_kind_name(HEALTH_STARTUP), "startup");
    ck_assert_str_eq(health_kind_name((enum health_kind)9), "unknown");
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static Suite *make_suite(void)
{
    Suite *s = suite_create("lifecycle");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, alive, 0, N(alive_rows));
    tcase_add_loop_test(tc, redis_ready, 0, N(ready_rows));
    tcase_add_loop_test(tc, settled_is_final, 0, N(ready_rows));
    tcase_add_loop_test(tc, sentinel_ready, 0, N(sent_rows));
    tcase_add_test(tc, sentinel_ready_five);
    tcase_add_loop_test(tc, interrupted, 0, (int)(sizeof interrupted_rows / sizeof interrupted_rows[0]));
    tcase_add_loop_test(tc, prestop_rows, 0, N(ps_rows));
    tcase_add_loop_test(tc, sentinel_prestop, 0, N(sps_rows));
    tcase_add_test(tc, kind_names);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(make_suite)
