/* router.h: the master router in front of the cluster (docs/connecting.md).
 *
 *  - router_render() writes into the conf dir: haproxy.cfg (0600), the
 *    health check router-check (0700, a two-line sh wrapper) and
 *    router-check.ini (0600, the non-secret settings the check needs:
 *    HAProxy runs it with an empty environment). No credential is written
 *    anywhere: the check reads the secrets file itself.
 *  - router_check() is that check, for the server HAProxy names (name is
 *    "<redis-service>-<N>", addr and port where it routes): it probes the
 *    address and every sentinel (one round, bounded by probe-timeout) and
 *    returns 0 only when router_verdict() (rules/router.h) says route
 *    (role:master and named by a majority of the sentinels), else
 *    EX_UNAVAILABLE; EX_USAGE when the names are not HAProxy's.
 */
#ifndef RI_ENGINE_ROUTER_H
#define RI_ENGINE_ROUTER_H

#include "config/secrets.h"
#include "config/settings.h"

int router_render(const struct settings *s, ri_err *e);
int router_check(const struct settings *s, const struct secrets *sec, const char *name,
                 const char *addr, const char *port, ri_err *e);

#endif
