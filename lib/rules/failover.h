/* failover.h: when redis-init asks a sentinel to fail over (rule S2: the
 * sentinels name this pod master, its data dir is empty, a peer holds data).
 *
 * Contract (both functions are pure):
 *  - failover_next() picks the sentinel to ask this round, or -1:
 *    - only a sentinel that names this pod: one that has already switched
 *      would fail over the new master;
 *    - once a sentinel has taken a request (or answered that a failover
 *      runs), only that one, until it has shown no sign of its failover for
 *      failover-timeout: another sentinel asked meanwhile would start a
 *      second failover beside the first (a forced failover skips the
 *      leader election);
 *    - at most once per FAILOVER_RETRY_MS: Sentinel accepts the request
 *      before it selects a replica, and can still abort it
 *      (-failover-abort-no-good-slave when replica links were reset a moment
 *      earlier, as +fix-slave-config does after a pod changed its IP); the
 *      same sentinel then takes the next request.
 *  - failover_check() reads that sentinel's own state (SENTINEL MASTER),
 *    taken right before the request: ask only when it still names this pod
 *    and runs no failover, which only an aborted (or never started) failover
 *    leaves behind.
 */
#ifndef RI_FAILOVER_H
#define RI_FAILOVER_H

#include "model/observation.h"

#define FAILOVER_RETRY_MS 1000.0

struct failover_pace {
    int leader;       /* sentinel that took a request or runs a failover, -1 none */
    double leader_at; /* last time it did (ms, mono clock) */
    int skipped;      /* last sentinel that refused or did not answer, -1 none */
    double tried_at;  /* last attempt of any outcome */
};

void failover_pace_init(struct failover_pace *p);

/* The index in o->sentinels to ask now, or -1 to wait. */
int failover_next(const struct observations *o, const struct failover_pace *p, double now_ms,
                  double patience_ms);

enum failover_verdict {
    FC_ASK,         /* names this pod, no failover running: send SENTINEL FAILOVER */
    FC_RUNNING,     /* its failover runs: wait for it */
    FC_SWITCHED,    /* it names another master now: the next round follows it */
    FC_UNREACHABLE, /* no usable answer */
};
enum failover_verdict failover_check(const struct observations *o,
                                     const struct sentinel_master_obs *m);

#endif
