/* tripwire.h: an idle connection to the pod's own server that wakes the
 * agent the moment the server closes it.
 *
 * Sentinel ends every reconfiguration of a server (SLAVEOF NO ONE on the
 * replica it promotes, SLAVEOF host port on the others) with CLIENT KILL
 * TYPE normal in the same MULTI/EXEC: when this connection drops, the new
 * role is in place. The agent then records it at once rather than at its
 * next poll, so a promoted pod's record names its new line a few ms after
 * the promotion, long before a replica can attach and acknowledge a write
 * (docs/decision.md, "How fresh the record is"). A server restart, an idle
 * timeout or an operator's CLIENT KILL trip it too: that costs one extra
 * look, nothing else. The agent also asks its periodic INFO on it
 * (tripwire_info()), which spares a connect and an AUTH ten times a
 * second; between two of them it is idle.
 */
#ifndef RI_TRIPWIRE_H
#define RI_TRIPWIRE_H

#include "base/err.h"
#include "model/observation.h"

struct tripwire;

/* Connect to host:port and AUTH (user, pass), bounded by timeout_ms. NULL
 * (e says why, never with the password) when the server does not take it. */
struct tripwire *tripwire_open(const char *host, int port, const char *user, const char *pass,
                               int timeout_ms, ri_err *e);

/* The descriptor to wait on: readable when it trips. */
int tripwire_fd(const struct tripwire *t);

/* Once readable: 1 when the server closed it (or sent what we never asked
 * for): close it and look. 0: nothing happened after all. */
int tripwire_tripped(const struct tripwire *t);

/* INFO replication and INFO persistence on it, each reply bounded by the
 * open's timeout: 0 and r's replication fields and loading filled (p and
 * keys untouched), or -1 on any error (then close it; a probe says why). */
int tripwire_info(struct tripwire *t, struct redis_obs *r);

void tripwire_close(struct tripwire *t);

#endif
