/* rotation.h: may a sentinel restart now to load a renewed certificate?
 * (Sentinel cannot reload TLS, redis#12028; docs/tls.md "Rotation".)
 *
 * Pure: over what the sentinel itself says of its group (SENTINEL MASTER,
 * SENTINEL SENTINELS). A restart is safe only while the others, without
 * it, still reach the quorum (to agree the master is down) and a majority
 * of all sentinels (to authorize a failover), and never while this
 * sentinel is running a failover. Otherwise wait and say why.
 */
#ifndef RI_ROTATION_H
#define RI_ROTATION_H

#include <stddef.h>

#include "model/observation.h"

/* 1: restart now; 0: wait, why says what for. */
int rotation_sentinel_may_restart(const struct sentinel_master_obs *m, int sentinel_replicas,
                                  char *why, size_t whylen);

#endif
