/* router.c: the master router's health verdict (see router.h). */
#include "rules/router.h"

#include <stdio.h>
#include <string.h>

#include "rules/tally.h"

static int names_server(const struct sentinel_obs *s, const struct redis_obs *r,
                        const char *own_host, int port) {
    if (s->p.outcome != OUT_ANSWER || s->master_port != port) return 0;
    if (host_equal(s->master_host, own_host)) return 1;
    return (r->p.addr[0] && strcmp(s->master_host, r->p.addr) == 0) ||
           strcmp(s->master_host, r->p.host) == 0;
}

void router_verdict(const struct observations *o, const char *own_host, int port,
                    struct router_verdict *v) {
    const struct redis_obs *r = &o->redis[0];
    memset(v, 0, sizeof *v);
    v->majority = sentinel_majority(o->n_sentinels);
    for (int i = 0; i < o->n_sentinels; i++)
        v->named += names_server(&o->sentinels[i], r, own_host, port);
    if (r->p.outcome != OUT_ANSWER) {
        snprintf(v->why, sizeof v->why, "no answer: %s (%s)", outcome_name(r->p.outcome),
                 r->p.detail);
    } else if (r->role != ROLE_MASTER) {
        snprintf(v->why, sizeof v->why, "role %s, not master", role_name(r->role));
    } else if (v->named < v->majority) {
        snprintf(v->why, sizeof v->why, "master, but only %d of %d sentinels name it (need %d)",
                 v->named, o->n_sentinels, v->majority);
    } else {
        v->up = 1;
        snprintf(v->why, sizeof v->why, "master, named by %d of %d sentinels", v->named,
                 o->n_sentinels);
    }
}
