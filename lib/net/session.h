/* probe_int.h: what probe.c (one peer) shares with probe_round.c (many at
 * once). Internal to those two files. */
#ifndef RI_PROBE_INT_H
#define RI_PROBE_INT_H

#include <pthread.h>
#include "base/clock.h"
#include "net/probe.h"


enum phase { PH_DNS = 0, PH_CONNECT, PH_AUTH, PH_QUERY };
extern const char *const probe_phase_names[];  /* indexed by enum phase */

/* Where a running probe is, so that an abandoned one can be reported by
 * phase. mu is NULL for probes on the calling thread. */
struct tracker {
    pthread_mutex_t *mu;
    int *phase;
    char *addr;   /* 64 bytes */
};

/* Probe one peer, started at t0, reporting its phase through tr (may be NULL). */
void probe_redis_tracked(const struct probe_config *cfg, struct redis_obs *r, double t0,
                         const struct tracker *tr);
void probe_sentinel_tracked(const struct probe_config *cfg, struct sentinel_obs *so, double t0,
                            const struct tracker *tr);

/* Reset everything but ordinal, host and port. */
void probe_clear_redis(struct redis_obs *r);
void probe_clear_sentinel(struct sentinel_obs *so);

#endif
