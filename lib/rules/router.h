/* router.h: the master router's health verdict, a pure function.
 *
 * HAProxy asks `redis-init router-check` about one server (a redis pod, at
 * the address HAProxy routes to). The check probes that address and every
 * sentinel, then router_verdict() says whether clients may be sent there:
 * only when the pod answers role:master AND a majority of the configured
 * sentinels (sentinel-replicas / 2 + 1, not the quorum) name it. A sentinel
 * that times out or fails counts as not naming it, so a stale master that
 * lost the sentinels gets no traffic, and nothing is routed while the
 * sentinels disagree.
 */
#ifndef RI_ROUTER_H
#define RI_ROUTER_H

#include <stddef.h>

#include "model/observation.h"

struct router_verdict {
    int up;        /* 1: route to it */
    int named;     /* sentinels that name it */
    int majority;  /* how many must */
    char why[200]; /* one line for humans */
};

/* o->redis[0] is the server as probed at its routing address (p.addr or
 * p.host an IP); own_host is its pod's DNS name, port its port. Sentinels
 * o->sentinels[0..n_sentinels) as probed. A sentinel names the server when
 * its answer is own_host (host_equal) or the routing address, with the
 * same port. */
void router_verdict(const struct observations *o, const char *own_host, int port,
                    struct router_verdict *v);

#endif
