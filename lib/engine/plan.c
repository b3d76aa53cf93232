/* plan.c: who to ask, and as whom (see plan.h). */
#include "engine/plan.h"

#include <stdio.h>
#include <string.h>

static int plan_peer(const struct settings *s, const char *service, int i, int port, int is_self,
                     struct peer_common *p, ri_err *e) {
    memset(p, 0, sizeof *p);
    p->ordinal = i;
    p->port = port;
    int rc = settings_host(s, service, i, p->host, sizeof p->host, e);
    if (rc) return rc;
    p->outcome = is_self ? OUT_SELF : OUT_ERROR;
    if (!is_self) snprintf(p->detail, sizeof p->detail, "not probed yet");
    return 0;
}

int plan_peers(const struct settings *s, int is_sentinel, struct observations *o, ri_err *e) {
    memset(o, 0, sizeof *o);
    o->is_sentinel = is_sentinel;
    o->self_ordinal = s->ordinal;
    o->redis_port = s->redis_port;
    o->fence = s->min_replicas_to_write;
    o->n_redis = s->redis_replicas;
    o->n_sentinels = s->sentinel_replicas;
    if (o->n_redis > OBS_MAX_PEERS || o->n_sentinels > OBS_MAX_PEERS)
        return ri_fail(e, EX_CONFIG, "at most %d redis pods and %d sentinels", OBS_MAX_PEERS,
                       OBS_MAX_PEERS);
    int rc = 0;
    if (s->ordinal >= 0)
        rc = settings_own_host(s, is_sentinel, o->self_host, sizeof o->self_host, e);
    for (int i = 0; !rc && i < o->n_redis; i++)
        rc = plan_peer(s, s->redis_service, i, s->redis_port, !is_sentinel && i == s->ordinal,
                       &o->redis[i].p, e);
    for (int i = 0; !rc && i < o->n_sentinels; i++)
        rc = plan_peer(s, s->sentinel_service, i, s->sentinel_port, is_sentinel && i == s->ordinal,
                       &o->sentinels[i].p, e);
    return rc;
}

int plan_probe_config(const struct settings *s, const struct secrets *sec, struct probe_config *pc,
                      char *pu, size_t pulen, char *pp, size_t pplen, ri_err *e) {
    memset(pc, 0, sizeof *pc);
    pc->timeout_ms = s->probe_timeout_ms;
    pc->master_name = s->master_name;
    int rc = secrets_probe_credentials(sec, pu, pulen, pp, pplen, e);
    if (!rc) rc = secrets_require_username(sec, SECRET_SERVICE_USER, &pc->sentinel_user, e);
    if (!rc) rc = secrets_require(sec, SECRET_SERVICE_PASS, &pc->sentinel_pass, e);
    pc->redis_user = pu;
    pc->redis_pass = pp;
    return rc;
}

void plan_admin(const struct secrets *sec, const char *host, int port, int timeout_ms,
                struct admin_conn *c) {
    c->host = host;
    c->port = port;
    c->user = secrets_get(sec, SECRET_ADMIN_USER, NULL);
    c->pass = secrets_get(sec, SECRET_ADMIN_PASS, NULL);
    c->timeout_ms = timeout_ms;
}

void plan_local(struct peer_common *p, int port) {
    memset(p, 0, sizeof *p);
    p->ordinal = -1;
    snprintf(p->host, sizeof p->host, "%s", LOCAL_HOST);
    p->port = port;
}
