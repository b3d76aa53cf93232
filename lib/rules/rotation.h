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

/* What a renewal does to the router's HAProxy or to Webdis, from which of
 * their files changed (agent/rotate_app.c, docs/tls.md "The router and
 * Webdis"). Webdis cannot reload: any change restarts it. HAProxy takes
 * renewed pairs through its runtime API, but a new CA bundle only by a
 * restart (HAProxy 2.6 crashes on a second `commit ssl ca-file` once a
 * certificate was committed in between). */
enum rotation_app_step {
    ROTATE_NOTHING = 0,
    ROTATE_PUSH,    /* set/commit the changed pairs, confirm by a handshake */
    ROTATE_RESTART, /* rewrite the files, restart the program */
};
struct rotation_app_change {
    int is_router;        /* else Webdis */
    int cert, client, ca; /* which part changed */
};
enum rotation_app_step rotation_app_step(const struct rotation_app_change *c);

#endif
