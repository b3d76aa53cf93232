/* cmd_router.h: the master router (seed 001's proxy) in front of the cluster.
 *
 *  - cmd_router() writes into the conf dir: haproxy.cfg (0600), the health
 *    check router-check (0700, a two-line sh wrapper) and router-check.ini
 *    (0600, the non-secret settings the check needs: HAProxy runs it with an
 *    empty environment). No credential is written anywhere: the check reads
 *    the secrets file itself.
 *  - cmd_router_check() is that check: HAProxy names the server in
 *    HAPROXY_SERVER_NAME / _ADDR / _PORT; it probes the address and every
 *    sentinel (one round, bounded by probe-timeout) and returns 0 only when
 *    router_verdict() says route (role:master and named by a majority of
 *    the sentinels), else EX_UNAVAILABLE.
 */
#ifndef RI_CMD_ROUTER_H
#define RI_CMD_ROUTER_H

#include "err.h"
#include "secrets.h"
#include "settings.h"

int cmd_router(const struct settings *s, ri_err *e);
int cmd_router_check(const struct settings *s, const struct secrets *sec, ri_err *e);

#endif
