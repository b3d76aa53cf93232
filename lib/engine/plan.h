/* plan.h: who to ask, and as whom: the first step of every command that
 * observes (the boot loop, check, prestop, router-check).
 *
 * Contract:
 *  - plan_peers() fills the slots of a round from the settings: redis pods
 *    0..redis-replicas-1 and sentinels 0..sentinel-replicas-1 by the
 *    host-name pattern; this pod's own slot is OUT_SELF and is never probed.
 *  - plan_probe_config() gives a round its users: the least-privilege probe
 *    user on redis pods (pu/pp, filled here; wipe pp after the round), the
 *    service user on sentinels; timeout probe-timeout, no settling.
 *  - plan_admin() is the admin user's connection to one peer, for the
 *    writes (net/admin.h).
 *  - check and prestop ask the pod's own server on LOCAL_HOST, never
 *    through DNS (plan_local()).
 */
#ifndef RI_PLAN_H
#define RI_PLAN_H

#include <stddef.h>

#include "config/secrets.h"
#include "config/settings.h"
#include "model/observation.h"
#include "net/admin.h"
#include "net/probe.h"

#define LOCAL_HOST "127.0.0.1"

int plan_peers(const struct settings *s, int is_sentinel, struct observations *o, ri_err *e);

int plan_probe_config(const struct settings *s, const struct secrets *sec, struct probe_config *pc,
                      char *pu, size_t pulen, char *pp, size_t pplen, ri_err *e);

/* The admin user's connection to host:port (NULL credentials when the
 * secrets lack them: the write then fails with NOAUTH, logged). */
void plan_admin(const struct secrets *sec, const char *host, int port, int timeout_ms,
                struct admin_conn *c);

/* A peer slot for the pod's own server on LOCAL_HOST:port. */
void plan_local(struct peer_common *p, int port);

#endif
