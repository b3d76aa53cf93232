/* expo.h: the Prometheus text exposition format (0.0.4), written into a
 * buf: each family's # HELP and # TYPE lines, then its samples.
 *
 *   expo_family(b, "redis_init_role_changes_total", "counter", "Role changes seen.");
 *   expo_sample(b, "redis_init_role_changes_total", NULL, 3);
 *   expo_sample(b, "redis_init_decision_info", (const char *[]){"rule", "B5", NULL}, 1);
 *
 * Label values are escaped as the format requires (\\, \", \n); names and
 * HELP texts are the caller's constants. Values print as integers when
 * they are whole, else with 17 significant digits; NaN and infinities as
 * the format spells them. Every function returns 0, or -1 when out of
 * memory (the buffer then holds a prefix; the caller drops it). */
#ifndef RI_EXPO_H
#define RI_EXPO_H

#include "base/buf.h"

int expo_family(struct buf *b, const char *name, const char *type, const char *help);
/* labels: key, value pairs ended by NULL, or NULL for none. */
int expo_sample(struct buf *b, const char *name, const char *const *labels, double value);

#endif
