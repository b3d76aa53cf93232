/* rotation.c: see rotation.h. */
#include "rules/rotation.h"

#include <stdio.h>
#include <string.h>

int rotation_sentinel_may_restart(const struct sentinel_master_obs *m, int sentinel_replicas,
                                  char *why, size_t whylen) {
    int majority = sentinel_replicas / 2 + 1;
    if (m->p.outcome != OUT_ANSWER) {
        snprintf(why, whylen, "this sentinel does not answer about its group (%s)",
                 outcome_name(m->p.outcome));
        return 0;
    }
    if (strstr(m->flags, "failover_in_progress")) {
        snprintf(why, whylen, "this sentinel is running a failover");
        return 0;
    }
    if (m->reachable_sentinels < m->quorum || m->reachable_sentinels < majority) {
        snprintf(why, whylen,
                 "without it, %d other sentinel(s) answer: the quorum is %d and a failover needs "
                 "%d of %d",
                 m->reachable_sentinels, m->quorum, majority, sentinel_replicas);
        return 0;
    }
    snprintf(why, whylen, "%d other sentinel(s) keep the quorum (%d) and a majority (%d of %d)",
             m->reachable_sentinels, m->quorum, majority, sentinel_replicas);
    return 1;
}

enum rotation_app_step rotation_app_step(const struct rotation_app_change *c) {
    if (!c->cert && !c->client && !c->ca) return ROTATE_NOTHING;
    if (!c->is_router || c->ca) return ROTATE_RESTART;
    return ROTATE_PUSH;
}
