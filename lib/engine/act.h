/* act.h: carrying out the two decisions that are not a role (ACT_FAILOVER
 * and ACT_PROMOTE), the last step of a round of the boot loop. Each is a
 * write through net/admin.h as the admin user; what it did is logged, and
 * the next round observes its effect.
 *
 *  - act_failover(): asks the sentinel failover_next() picks for SENTINEL
 *    FAILOVER, if that sentinel's own state still calls for it
 *    (failover_check()), and notes the outcome in the pace (rules/failover.h).
 *  - act_promote(): REPLICAOF NO ONE on the peer the decision names; a
 *    refused request is repeated the next round, an accepted one not within
 *    ACT_PROMOTE_INTERVAL_MS (the next round sees the peer as master).
 */
#ifndef RI_ACT_H
#define RI_ACT_H

#include "config/secrets.h"
#include "config/settings.h"
#include "rules/decision.h"
#include "rules/failover.h"

#define ACT_PROMOTE_INTERVAL_MS 10000.0

void act_failover(const struct settings *s, const struct secrets *sec, const struct observations *o,
                  struct failover_pace *pace);

/* last_ms: when the last accepted request was sent (mono ms; -1e18 none);
 * updated when this one is accepted. */
void act_promote(const struct settings *s, const struct secrets *sec, const struct decision *d,
                 double *last_ms);

#endif
