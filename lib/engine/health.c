/* health.c: one probe of the pod's own server (see health.h): observe,
 * then judge with rules/health.h. */
#include "engine/health.h"

#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "config/creds.h"
#include "config/credstate.h"
#include "engine/plan.h"
#include "engine/record.h"
#include "engine/role.h"
#include "net/probe.h"
#include "net/round.h"

/* The probe user's credentials, wiped on the way out. */
struct creds {
    char user[SET_NAME_MAX];
    char pass[256];
};

static int finish(enum health_kind kind, const struct verdict *v, ri_err *e) {
    if (v->code == HEALTH_PASS) {
        log_debug("check passed", "probe", health_kind_name(kind), "rule", v->rule, "reason",
                  v->reason, NULL);
        return 0;
    }
    return ri_fail(e, v->code, "%s check failed (rule %s): %s", health_kind_name(kind), v->rule,
                   v->reason);
}

static int left_ms(double deadline) {
    double left = deadline - mono_ms();
    return left < 1 ? 1 : (int)left;
}

/* ---------------------------------------------------------------------------
 * Liveness and startup: PING
 * ------------------------------------------------------------------------ */

/* The secrets hold passwords the pod's state file does not record yet (its
 * agent has not started their rotation), or the agent is adding them now
 * (accept: the state file is written before the server's ACL changes). */
static int secrets_ahead(const struct settings *s, int sentinel, const struct secrets *sec) {
    struct creds_set set;
    struct creds_state cs;
    char gen[CREDS_GEN_LEN + 1];
    ri_err e = {0};
    if (creds_collect(sec, s, &set, &e) || role_credstate(s, sentinel, &cs, &e)) return 0;
    creds_generation(&set, gen);
    int ahead = cs.gen[0] && (cs.phase == CREDS_ACCEPT || strcmp(cs.gen, gen) != 0);
    credstate_free(&cs);
    return ahead;
}

static int ping_local(const struct settings *s, int sentinel, const struct secrets *sec,
                      const struct creds *c, struct verdict *v) {
    struct peer_common p;
    struct ping_obs po = {0};
    plan_local(&p, sentinel ? s->sentinel_port : s->redis_port);
    po.outcome = probe_ping(&p, c->user, c->pass, s->check_timeout_ms, po.err_code);
    memcpy(po.detail, p.detail, sizeof po.detail);
    if (po.outcome == OUT_AUTH_FAILED) po.secrets_ahead = secrets_ahead(s, sentinel, sec);
    health_alive(&po, v);
    return v->code;
}

/* ---------------------------------------------------------------------------
 * Redis readiness: the local server, and the sentinels if it is a master
 * ------------------------------------------------------------------------ */

struct redis_round {
    struct observations obs; /* redis[0] = the local server */
    struct redis_health_obs view;
    int self_port;
};

static void round_view(const struct observations *o, struct redis_health_obs *v) {
    v->local = o->redis[0];
    v->n_sentinels = o->n_sentinels;
    memcpy(v->sentinels, o->sentinels, sizeof v->sentinels);
    memcpy(v->self_host, o->self_host, sizeof v->self_host);
    v->self_port = o->redis_port;
}

static int redis_round_settled(const struct observations *so_far, void *ctx) {
    struct redis_health_obs *v = ctx;
    round_view(so_far, v);
    return health_redis_settled(v);
}

static int redis_readiness(const struct settings *s, const struct secrets *sec,
                           const struct creds *c, int timeout_ms, struct verdict *v, ri_err *e) {
    struct redis_round *rr = calloc(1, sizeof *rr);
    struct redis_health_obs *scratch = calloc(1, sizeof *scratch);
    struct probe_config pc;
    char pu[SET_NAME_MAX], pp[256];
    int rc = rr && scratch ? 0 : ri_fail(e, EX_OSERR, "out of memory");
    if (!rc) rc = plan_peers(s, 0, &rr->obs, e);
    if (!rc) rc = plan_probe_config(s, sec, &pc, pu, sizeof pu, pp, sizeof pp, e);
    if (!rc) {
        rr->obs.n_redis = 1; /* only the local server, by loopback */
        plan_local(&rr->obs.redis[0].p, s->redis_port);
        pc.redis_user = c->user;
        pc.redis_pass = c->pass;
        pc.timeout_ms = timeout_ms;
        pc.settled = redis_round_settled;
        pc.settled_ctx = scratch;
        rc = probe_round(&pc, &rr->obs, e);
    }
    if (!rc) {
        round_view(&rr->obs, &rr->view);
        health_redis_ready(&rr->view, v);
        record_refresh(s->data_dir, &rr->obs.redis[0]);
    }
    explicit_bzero(pp, sizeof pp);
    free(scratch);
    free(rr);
    return rc;
}

/* ---------------------------------------------------------------------------
 * Sentinel readiness: its view of the group, then the master it names
 * ------------------------------------------------------------------------ */

static int sentinel_readiness(const struct settings *s, const struct creds *c, double deadline,
                              struct verdict *v) {
    struct sentinel_health_obs *o = calloc(1, sizeof *o);
    if (!o) return EX_OSERR;
    o->n_sentinels = s->sentinel_replicas;
    plan_local(&o->own.p, s->sentinel_port);
    o->master.p.outcome = OUT_ERROR;
    probe_sentinel_master(&o->own, c->user, c->pass, s->master_name, left_ms(deadline));
    if (o->own.p.outcome == OUT_ANSWER) {
        struct probe_config pc = {
            .timeout_ms = left_ms(deadline), .redis_user = c->user, .redis_pass = c->pass};
        memset(&o->master.p, 0, sizeof o->master.p);
        memcpy(o->master.p.host, o->own.master_host, sizeof o->master.p.host);
        o->master.p.port = o->own.master_port;
        probe_redis(&pc, &o->master);
    }
    health_sentinel_ready(o, v);
    free(o);
    return 0;
}

int health_probe(int is_sentinel, enum health_kind kind, const struct settings *s,
                 const struct secrets *sec, ri_err *e) {
    double deadline = mono_ms() + s->check_timeout_ms;
    struct creds c;
    struct verdict v;
    int rc = secrets_probe_credentials(sec, c.user, sizeof c.user, c.pass, sizeof c.pass, e);
    if (rc) return rc;
    int sent = is_sentinel;
    if (kind != HEALTH_READINESS) ping_local(s, sent, sec, &c, &v);
    else if (sent)
        rc = sentinel_readiness(s, &c, deadline, &v) ? ri_fail(e, EX_OSERR, "out of memory") : 0;
    else rc = redis_readiness(s, sec, &c, s->check_timeout_ms, &v, e);
    explicit_bzero(&c, sizeof c);
    return rc ? rc : finish(kind, &v, e);
}
