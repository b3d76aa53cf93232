/* decide.h: the role decision, a pure function of one round's observations.
 *
 * No I/O, no clock, no globals: the same observations always give the same
 * decision, and every rule is a row in docs/decision.md and in
 * test/unit/test_decide.c. The rule ids (e.g. "S1") are stable and appear in
 * logs and `discover --json`.
 */
#ifndef RI_DECIDE_H
#define RI_DECIDE_H

#include "model/observation.h"

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

/* Every field is set (the struct is zeroed first, so two decisions from the
 * same observations compare equal byte for byte). */
struct decision {
    enum action action;
    const char *rule;                 /* rule id from docs/decision.md, e.g. "S1"; static */
    /* FOLLOW/MONITOR: the master; PROMOTE: the peer to promote; MASTER: this
     * pod; FAILOVER: the data holder expected to take over (informational);
     * WAIT: the master in question if there is one, else "". Host names are
     * the pod's own name even when sentinels answered with its IP. */
    char host[OBS_HOST_MAX];
    int port;
    int peer_index;                   /* index in observations.redis, -1 if none */
    /* reasons[0] is the decisive sentence (log it alone when space is short);
     * the rest is context: outcome counts and the peers that did not answer.
     * Sentences longer than DEC_REASON_MAX are cut and end in "...". */
    int n_reasons;
    char reasons[DEC_MAX_REASONS][DEC_REASON_MAX];
    int n_warnings;                   /* e.g. split brain; never change the action */
    char warnings[DEC_MAX_REASONS][DEC_REASON_MAX];
};

/* redis-init: rules S1-S9, D1, P1, B1-B10 (lib/decide.c). */
void decide_redis(const struct observations *o, struct decision *d);
/* sentinel-init: rules T1-T3; the sentinel's own slot is OUT_SELF
 * (lib/decide_sentinel.c). */
void decide_sentinel(const struct observations *o, struct decision *d);

/* 1 when no observation still outstanding could change d, so a round may
 * stop waiting for slow or dead peers (probe_config.settled). True only for
 * rules that rest on a sentinel majority already formed (two disjoint
 * majorities cannot exist) plus this pod's and the named master's own state:
 * S5 (FOLLOW an answering master that guard D accepts) and T1 (MONITOR).
 * Every other rule waits for the whole round; S1 too, since S9 looks at
 * every peer's history. */
int decision_settled(const struct decision *d);

/* Majority of n configured sentinels: n/2 + 1. */
int sentinel_majority(int n);

#endif
