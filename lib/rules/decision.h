/* decision.h: what a decision is: an action, the rule that chose it, its
 * target, and the reasons and warnings that explain it.
 *
 * The rule ids (e.g. "S1") are stable and appear in logs and `discover
 * --json`; docs/decision.md is their table. */
#ifndef RI_DECISION_H
#define RI_DECISION_H

#include "model/observation.h"
#include "rules/explain.h"

enum action {
    ACT_WAIT = 0, /* not safe to decide yet: retry the round (exit 69 at the deadline) */
    ACT_MASTER,   /* redis-init: start as master (no replicaof) */
    ACT_FOLLOW,   /* redis-init: replicaof host port */
    ACT_FAILOVER, /* redis-init: sentinels name this empty pod; ask them to fail over, then retry */
    ACT_PROMOTE,  /* redis-init (bootstrap pod, empty): REPLICAOF NO ONE on the most
                     up-to-date data-holding peer, then retry (it will be followed) */
    ACT_MONITOR,  /* sentinel-init: sentinel monitor host port */
    ACT__COUNT
};

/* "wait", "master", "follow", "failover", "promote", "monitor". */
const char *action_name(enum action a);

#define DEC_MAX_REASONS 8

/* Every field is set (the struct is zeroed first, so two decisions from the
 * same observations compare equal byte for byte). */
struct decision {
    enum action action;
    const char *rule; /* rule id from docs/decision.md, e.g. "S1"; static */
    /* FOLLOW/MONITOR: the master; PROMOTE: the peer to promote; MASTER: this
     * pod; FAILOVER: the data holder expected to take over (informational);
     * WAIT: the master in question if there is one, else "". Host names are
     * the pod's own name even when sentinels answered with its IP. */
    char host[OBS_HOST_MAX];
    int port;
    int peer_index; /* index in observations.redis, -1 if none */
    /* reasons[0] is the decisive sentence (log it alone when space is short);
     * the rest is context: outcome counts and the peers that did not answer. */
    int n_reasons;
    char reasons[DEC_MAX_REASONS][DEC_REASON_MAX];
    int n_warnings; /* e.g. split brain; never change the action */
    char warnings[DEC_MAX_REASONS][DEC_REASON_MAX];
};

/* Set action, rule and target (peer >= 0 copies its host and port,
 * otherwise host/port, which may be NULL/0). */
void dec_set(struct decision *d, enum action a, const char *rule, const struct observations *o,
             int peer, const char *host, int port);

/* The ordered reason/warning lists; full lists drop further entries (the
 * decisive reason is always added first). */
void dec_reason(struct decision *d, const char *fmt, ...) DEC_FMT(2, 3);
void dec_warn(struct decision *d, const char *fmt, ...) DEC_FMT(2, 3);

/* 1 when no observation still outstanding could change d, so a round may
 * stop waiting for slow or dead peers (probe_config.settled). True only for
 * rules that rest on a sentinel majority already formed (two disjoint
 * majorities cannot exist) plus this pod's and the named master's own state:
 * S5 (FOLLOW an answering master that guard D accepts) and T1 (MONITOR).
 * Every other rule waits for the whole round; S1 too, since S9 looks at
 * every peer's history. */
int decision_settled(const struct decision *d);

#endif
