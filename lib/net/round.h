/* round.h: every peer at once, bounded by one timeout.
 *
 * A round probes every configured redis pod and sentinel concurrently (one
 * thread each, probe.h). The caller gets the round back after at most about
 * one timeout, whatever the number of unresponsive peers: probes still stuck
 * (a hung resolver) are abandoned and reported as OUT_TIMEOUT; their threads
 * finish into memory they co-own.
 */
#ifndef RI_ROUND_H
#define RI_ROUND_H

#include "base/err.h"
#include "net/probe.h"

/* Probe every entry of o->redis[0..n_redis) and o->sentinels[0..n_sentinels)
 * whose p.host is set and p.outcome != OUT_SELF; fills the rest of each
 * entry (p.ordinal, p.host, p.port are kept; every other field is reset).
 * Other entries are left untouched. Returns within timeout_ms plus a margin
 * of 50 ms + timeout/10 (max 500 ms). Returns 0, EX_OSERR if threads
 * cannot be started (entries not started are OUT_ERROR), or the error of a
 * TLS set-up built in the background that failed (tls.h tls_ready). */
int probe_round(const struct probe_config *cfg, struct observations *o, ri_err *e);

/* Forget the last round's answers, keep the plan (each peer's slot), for
 * the next round. */
void round_forget(struct observations *o);

#endif
