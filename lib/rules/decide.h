/* decide.h: the role decision, a pure function of one round's observations.
 *
 * No I/O, no clock, no globals: the same observations always give the same
 * decision, and every rule is a row in docs/decision.md and in
 * test/unit/test_decide.c.
 */
#ifndef RI_DECIDE_H
#define RI_DECIDE_H

#include "model/observation.h"
#include "rules/decision.h"

/* redis-init: rules S1-S9, D1, P1, B1-B10 (decide.c). */
void decide_redis(const struct observations *o, struct decision *d);
/* sentinel-init: rules T1-T3; the sentinel's own slot is OUT_SELF
 * (decide_sentinel.c). */
void decide_sentinel(const struct observations *o, struct decision *d);

#endif
