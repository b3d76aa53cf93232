/* discover.h: rounds of observation until the decision is safe, or the
 * deadline passes.
 *
 * Contract:
 *  - The peer list comes from settings: redis pods 0..redis-replicas-1 and
 *    sentinels 0..sentinel-replicas-1 by the host-name pattern; this pod's
 *    own slot is OUT_SELF and is never probed.
 *  - Every round probes all peers concurrently (probe_round), then calls the
 *    pure decision. ACT_WAIT retries after round-interval; at the deadline
 *    discover() returns EX_UNAVAILABLE (69) with the last round's reasons.
 *  - DISCOVER_ACT (render/run): waits first (bounded by dns-wait) until this
 *    pod's own name resolves, and carries out ACT_FAILOVER (SENTINEL
 *    FAILOVER on one sentinel that names this pod, paced as failover.h says)
 *    and ACT_PROMOTE (REPLICAOF NO ONE on the chosen peer) as the admin
 *    user, then keeps deciding.
 *    Without it (discover): writes and changes nothing; those decisions are
 *    final and reported.
 */
#ifndef RI_DISCOVER_H
#define RI_DISCOVER_H

#include "rules/decide.h"
#include "base/err.h"
#include "model/observation.h"
#include "net/probe.h"
#include "config/secrets.h"
#include "config/settings.h"

struct discover_result {
    struct observations obs;   /* the last round */
    struct decision dec;       /* its decision */
    int decided;               /* 1 if dec is final */
    int rounds;
    double elapsed_ms;
    char own_host[OBS_HOST_MAX];
    const char *own_dns;       /* outcome name of resolving own_host ("answer", "not-found", ...) */
};

#define DISCOVER_ACT  1   /* render/run: wait for own name, carry out actions */
#define DISCOVER_ONCE 2   /* a single round, whatever it decides */
#define DISCOVER_ALL  4   /* wait for every peer even once the decision has settled */

int discover(const struct settings *s, const struct secrets *sec, int is_sentinel, int flags,
             struct discover_result *r, ri_err *e);

/* The probe users of a round: the probe user (pu/pp, filled here) on redis
 * pods, the service user on sentinels; timeout probe-timeout, no settling. */
int discover_probe_config(const struct settings *s, const struct secrets *sec,
                          struct probe_config *pc, char *pu, size_t pulen, char *pp, size_t pplen,
                          ri_err *e);

/* A pod that renders (render, run; with or without a role override) must be
 * one of the configured members: its
 * ordinal below [cluster] redis-replicas (sentinel-replicas for a
 * sentinel). Otherwise the StatefulSet was scaled without the settings
 * (e.g. kubectl scale): EX_CONFIG, before anything is probed or written. A
 * pod without an ordinal passes here (later steps name POD_NAME). */
int discover_check_member(const struct settings *s, int is_sentinel, ri_err *e);

/* Fill the peer slots of o from settings (names, ports, ordinals, self). */
int discover_plan(const struct settings *s, int is_sentinel, struct observations *o, ri_err *e);

#endif
