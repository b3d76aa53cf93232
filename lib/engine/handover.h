/* handover.h: handing the master role over before the server stops, as
 * the `prestop` hook runs it: observe, let the pure step function
 * (rules/handover.h) choose, carry the step out, repeat. One bound,
 * prestop-timeout, covers everything. The write pause itself is given the
 * time left as its own timeout, so even if this process is killed the
 * server never stays paused past the bound. Every round also refreshes the
 * history record (record.h).
 *
 * handover_redis(): pause, let the replicas catch up, make the sentinels
 * fail over, follow the new master, unpause; a replica returns at once.
 * handover_sentinel(): waits only while this sentinel leads a failover.
 * Both return 0 when done or there was nothing to do, EX_UNAVAILABLE when
 * they could not (e names the rule and the reason). */
#ifndef RI_ENGINE_HANDOVER_H
#define RI_ENGINE_HANDOVER_H

#include "config/secrets.h"
#include "config/settings.h"
#include "rules/handover.h"

/* Optional: asked between rounds; nonzero ends the handover (rule H17,
 * unpausing first): the agent's way to stop at a second SIGTERM. */
struct handover_stop {
    int (*stop)(void *ctx);
    void *ctx;
};

int handover_redis(const struct settings *s, const struct secrets *sec,
                   const struct handover_stop *hs, ri_err *e);
int handover_sentinel(const struct settings *s, const struct secrets *sec,
                      const struct handover_stop *hs, ri_err *e);

#endif
