/* decide.h: the role decision, a pure function of one round's observations.
 *
 * No I/O, no clock, no globals: the same observations always give the same
 * decision, and every rule is a row in docs/decision.md and in
 * test/unit/test_decide.c. The rule ids (e.g. "S1") are stable and appear in
 * logs and `discover --json`.
 */
#ifndef RI_DECIDE_H
#define RI_DECIDE_H

#include "observe.h"

enum action {
    ACT_WAIT = 0,     /* not safe to decide yet: retry the round (exit 69 at the deadline) */
    ACT_MASTER,       /* redis-init: start as master (no replicaof) */
    ACT_FOLLOW,       /* redis-init: replicaof host port */
    ACT_FAILOVER,     /* redis-init: sentinels name this empty pod; ask them to fail over, then retry */
    ACT_PROMOTE,      /* redis-init (bootstrap pod, empty): REPLICAOF NO ONE on the most
                         up-to-date data-holding peer, then retry (it will be followed) */
    ACT_MONITOR,      /* sentinel-init: sentinel monitor host port */
    ACT__COUNT
};

/* "wait", "master", "follow", "failover", "promote", "monitor". */
const char *action_name(enum action a);

#define DEC_MAX_REASONS 8
#define DEC_REASON_MAX  240

struct decision {
    enum action action;
    const char *rule;                 /* rule id from docs/decision.md, e.g. "S1" */
    char host[OBS_HOST_MAX];          /* FOLLOW/MONITOR: master; PROMOTE: the peer */
    int port;
    int peer_index;                   /* index in observations.redis, -1 if none */
    int n_reasons;                    /* why, in order, for humans */
    char reasons[DEC_MAX_REASONS][DEC_REASON_MAX];
    int n_warnings;                   /* e.g. split brain */
    char warnings[DEC_MAX_REASONS][DEC_REASON_MAX];
};

void decide_redis(const struct observations *o, struct decision *d);
void decide_sentinel(const struct observations *o, struct decision *d);

/* Majority of n configured sentinels: n/2 + 1. */
int sentinel_majority(int n);

#endif
