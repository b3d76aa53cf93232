/* test_stepdown.c: when an empty fresh master steps down (rules F of
 * docs/decision.md, rules/stepdown.h), table-driven.
 *
 * This pod is redis-0. Peers: "I" a beacon with an empty data dir, "I d"
 * one that holds data, "M k5" / "R" a running master with keys / a replica,
 * "L" a server loading, or an outcome ("refused", "timeout"). Sentinels:
 * "=N" names redis-N, or an outcome. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkmain.h"
#include "rules/stepdown.h"
#include "tokens.h"

#define RHOST "redis-%d.redis.ns.svc.cluster.local"
#define SHOST "sentinel-%d.sentinel.ns.svc.cluster.local"

struct self { /* the local server */
    const char *outcome;
    enum role role;
    long long keys, offset;
    int replicas, backlog;
};

static const struct self FRESH = {"answer", ROLE_MASTER, 0, 0, 0, 0};

static const struct {
    const char *name;
    const char *start_rule;
    int fenced;
    struct self me;
    const char *redis[2]; /* redis-1, redis-2 */
    const char *sent[3];
    enum stepdown_step want;
    const char *rule;
    const char *reason; /* a substring */
} rows[] = {
    {"F1 not started by B5", "S5", 1, FRESH, {"I d", "I d"}, {"refused", "refused", "refused"},
     SD_DONE, "F1", "not started as a fresh cluster"},
    {"F1 started by an override", "override", 1, FRESH, {"I d", "I"}, {"refused", "refused", "refused"},
     SD_DONE, "F1", "not started as a fresh cluster"},
    {"F1 writes not fenced", "B5", 0, FRESH, {"I d", "I d"}, {"refused", "refused", "refused"},
     SD_DONE, "F1", "not fenced"},
    {"F1 a replica attached", "B5", 1, {"answer", ROLE_MASTER, 0, 0, 1, 1}, {"I d", "R"},
     {"=0", "=0", "=0"}, SD_DONE, "F1", "a replica has attached"},
    {"F1 a replica came and went (backlog)", "B5", 1, {"answer", ROLE_MASTER, 0, 0, 0, 1},
     {"I d", "I"}, {"refused", "refused", "refused"}, SD_DONE, "F1", "a replica has attached"},
    {"F1 the offset moved", "B5", 1, {"answer", ROLE_MASTER, 0, 14, 0, 0}, {"I d", "I"},
     {"refused", "refused", "refused"}, SD_DONE, "F1", "a replica has attached"},
    {"F1 it holds keys", "B5", 1, {"answer", ROLE_MASTER, 3, 0, 0, 0}, {"I d", "I"},
     {"refused", "refused", "refused"}, SD_DONE, "F1", "holds data"},
    {"F1 it is a replica now", "B5", 1, {"answer", ROLE_REPLICA, 0, 0, 0, 0}, {"I d", "I"},
     {"refused", "refused", "refused"}, SD_DONE, "F1", "no master"},
    {"F2 the local server does not answer", "B5", 1, {"timeout", ROLE_UNKNOWN, 0, 0, 0, 0},
     {"I d", "I d"}, {"refused", "refused", "refused"}, SD_STAY, "F2", "does not answer"},
    {"F2 empty beacons, no sentinel", "B5", 1, FRESH, {"I", "I"}, {"refused", "refused", "refused"},
     SD_STAY, "F2", "no peer reports data"},
    {"F2 peers not there yet", "B5", 1, FRESH, {"refused", "not-found"},
     {"refused", "refused", "refused"}, SD_STAY, "F2", "no peer reports data"},
    {"F2 a peer times out: no news", "B5", 1, FRESH, {"timeout", "I"},
     {"refused", "refused", "refused"}, SD_STAY, "F2", "no peer reports data"},
    {"F2 the sentinels name this master", "B5", 1, FRESH, {"I", "R"}, {"=0", "=0", "=0"}, SD_STAY,
     "F2", "no peer reports data"},
    {"F2 a minority names another pod", "B5", 1, FRESH, {"I", "I"}, {"=1", "refused", "timeout"},
     SD_STAY, "F2", "no peer reports data"},
    {"F3 a beacon holds data", "B5", 1, FRESH, {"I d", "I"}, {"refused", "refused", "refused"},
     SD_STEP_DOWN, "F3", "redis-1 holds data"},
    {"F3 the second peer holds data", "B5", 1, FRESH, {"I", "I d"}, {"=0", "=0", "=0"},
     SD_STEP_DOWN, "F3", "redis-2 holds data"},
    {"F3 a running master with keys", "B5", 1, FRESH, {"refused", "M k5"},
     {"refused", "refused", "refused"}, SD_STEP_DOWN, "F3", "redis-2 holds data"},
    {"F3 a peer still loading", "B5", 1, FRESH, {"L", "I"}, {"refused", "refused", "refused"},
     SD_STEP_DOWN, "F3", "redis-1 holds data"},
    {"F3 data before the sentinels", "B5", 1, FRESH, {"I d", "I"}, {"=1", "=1", "=1"},
     SD_STEP_DOWN, "F3", "holds data"},
    {"F4 a sentinel majority names another pod", "B5", 1, FRESH, {"I", "I"},
     {"=2", "=2", "refused"}, SD_STEP_DOWN, "F4", "2 of 3 sentinels name redis-2:6379"},
};

static void parse_peer(struct redis_obs *r, const char *tok) {
    r->second_offset = -1;
    if (tok[0] == 'I') {
        r->p.outcome = OUT_ANSWER;
        r->role = ROLE_INIT;
        r->init_has_data = strchr(tok, 'd') != NULL;
    } else if (tok[0] == 'M' || tok[0] == 'R' || tok[0] == 'L') {
        r->p.outcome = OUT_ANSWER;
        r->role = tok[0] == 'R' ? ROLE_REPLICA : ROLE_MASTER;
        r->keys = tok[0] == 'M' && strchr(tok, 'k') ? atoll(strchr(tok, 'k') + 1) : 0;
        r->loading = tok[0] == 'L';
    } else {
        r->p.outcome = parse_outcome(tok);
    }
}

START_TEST(step) {
    static struct observations o;
    struct stepdown_obs so;
    struct stepdown_verdict v;
    memset(&o, 0, sizeof o);
    memset(&so, 0, sizeof so);
    o.redis_port = 6379;
    o.self_ordinal = 0;
    snprintf(o.self_host, sizeof o.self_host, RHOST, 0);
    o.n_redis = 3;
    o.n_sentinels = 3;
    for (int i = 0; i < 3; i++) {
        struct redis_obs *r = &o.redis[i];
        r->p.ordinal = i;
        snprintf(r->p.host, sizeof r->p.host, RHOST, i);
        r->p.port = 6379;
        if (i == 0) r->p.outcome = OUT_SELF;
        else parse_peer(r, rows[_i].redis[i - 1]);
        struct sentinel_obs *s = &o.sentinels[i];
        snprintf(s->p.host, sizeof s->p.host, SHOST, i);
        s->p.port = 26379;
        const char *t = rows[_i].sent[i];
        if (t[0] == '=') {
            s->p.outcome = OUT_ANSWER;
            snprintf(s->master_host, sizeof s->master_host, RHOST, atoi(t + 1));
            s->master_port = 6379;
        } else {
            s->p.outcome = parse_outcome(t);
        }
    }
    const struct self *me = &rows[_i].me;
    so.start_rule = rows[_i].start_rule;
    so.fenced = rows[_i].fenced;
    so.self.p.outcome = parse_outcome(me->outcome);
    so.self.role = me->role;
    so.self.keys = me->keys;
    so.self.offset = me->offset;
    so.self.connected_replicas = me->replicas;
    so.self.backlog_active = me->backlog;
    so.round = &o;
    stepdown_next(&so, &v);
    ck_assert_msg(v.step == rows[_i].want && strcmp(v.rule, rows[_i].rule) == 0,
                  "%s: %s %s (%s), want %s %s", rows[_i].name, stepdown_step_name(v.step), v.rule,
                  v.reason, stepdown_step_name(rows[_i].want), rows[_i].rule);
    ck_assert_msg(strstr(v.reason, rows[_i].reason), "%s: reason \"%s\" lacks \"%s\"", rows[_i].name,
                  v.reason, rows[_i].reason);
}
END_TEST

START_TEST(names) {
    ck_assert_str_eq(stepdown_step_name(SD_STAY), "stay");
    ck_assert_str_eq(stepdown_step_name(SD_STEP_DOWN), "step-down");
    ck_assert_str_eq(stepdown_step_name(SD_DONE), "done");
    ck_assert_str_eq(stepdown_step_name((enum stepdown_step)5), "unknown");
}
END_TEST

static Suite *make_suite(void) {
    Suite *s = suite_create("stepdown");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, step, 0, (int)(sizeof rows / sizeof rows[0]));
    tcase_add_test(tc, names);
    suite_add_tcase(s, tc);
    return s;
}

CHECK_MAIN(make_suite)
