/* stepdown.h: when an empty fresh master steps down (rules F of
 * docs/decision.md). Pure: agent/heal.c observes and carries it out.
 *
 * B5 starts an empty pod 0 as the master of a fresh cluster when no
 * answering pod holds data. A peer whose name did not exist yet may hold
 * data all the same (after a full outage, when pod 0's volume was empty):
 * it then refuses the empty master (guard D) and waits. The master can
 * give way because it provably holds and acknowledged nothing:
 *  - it was started by B5, with write fencing (min-replicas-to-write >= 1);
 *  - it is a master with no key, no replica, and no replication backlog:
 *    Redis creates the backlog when the first replica attaches, so none
 *    ever did, and with fencing no write was ever accepted.
 * While that holds, it steps down as soon as a peer reports data (keys, a
 * load in progress, or a beacon that holds data) or a sentinel majority
 * names another pod; the pod then decides again (engine/role.h). Once a
 * replica attaches or anything is written it is a member like any other
 * master, and the rule is done with it for good. */
#ifndef RI_STEPDOWN_H
#define RI_STEPDOWN_H

#include "model/observation.h"
#include "rules/explain.h"

enum stepdown_step {
    SD_STAY = 0,  /* keep serving; look again next round */
    SD_STEP_DOWN, /* stop the server and decide again */
    SD_DONE,      /* not (or no longer) an empty fresh master: stop looking */
};

struct stepdown_obs {
    const char *start_rule;           /* the rule that made this server what it is ("B5") */
    int fenced;                       /* min-replicas-to-write >= 1 */
    struct redis_obs self;            /* the local server (INFO, from 127.0.0.1) */
    const struct observations *round; /* the peers and sentinels; this pod's slot OUT_SELF */
};

struct stepdown_verdict {
    enum stepdown_step step;
    const char *rule; /* "F1".."F4"; static */
    char reason[DEC_REASON_MAX];
};

void stepdown_next(const struct stepdown_obs *o, struct stepdown_verdict *v);

/* "stay", "step-down", "done". */
const char *stepdown_step_name(enum stepdown_step s);

#endif
