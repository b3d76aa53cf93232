/* cmd_check.c: `check`, the Kubernetes probe. It asks the pod's own server
 * on the loopback address (never through DNS), plus the sentinels where the
 * rule needs them, as the least-privilege probe user; the verdict is a pure
 * function (lib/check.c). One budget, check-timeout, bounds everything:
 * probes run concurrently, and what is still running at the end counts as
 * unknown. */
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "commands/command.h"
#include "engine/boot.h"
#include "base/fsutil.h"
#include "base/log.h"
#include "net/probe.h"


/* The probe user's credentials, wiped on the way out. */
struct creds {
    char user[SET_NAME_MAX];
    char pass[256];
};

static int finish(enum probe_kind probe, const struct verdict *v, ri_err *e)
{
    if (v->code == CHECK_PASS) {
        log_debug("check passed", "probe", probe_kind_name(probe), "rule", v->rule, "reason",
                  v->reason, NULL);
        return 0;
    }
    return ri_fail(e, v->code, "%s check failed (rule %s): %s", probe_kind_name(probe), v->rule,
                   v->reason);
}

static void set_local(struct peer_common *p, int port)
{
    memset(p, 0, sizeof *p);
    p->ordinal = -1;
    strcpy(p->host, LOCAL_HOST);
    p->port = port;
}

static int left_ms(double deadline)
{
    double left = deadline - mono_ms();
    return left < 1 ? 1 : (int)left;
}

/* ---------------------------------------------------------------------------
 * Liveness and startup: PING
 * ------------------------------------------------------------------------ */

static int check_ping(int port, const struct creds *c, int timeout_ms, struct verdict *v)
{
    struct peer_common p;
    struct ping_obs po;
    set_local(&p, port);
    po.outcome = probe_ping(&p, c->user, c->pass, timeout_ms, po.err_code);
    memcpy(po.detail, p.detail, sizeof po.detail);
    check_alive(&po, v);
    return v->code;
}

/* ---------------------------------------------------------------------------
 * Redis readiness: the local server, and the sentinels if it is a master
 * ------------------------------------------------------------------------ */

struct redis_round {
    struct observations obs;        /* redis[0] = the local server */
    struct redis_check_obs view;
    int self_port;
};

static void round_view(const struct observations *o, struct redis_check_obs *v)
{
    v->local = o->redis[0];
    v->n_sentinels = o->n_sentinels;
    memcpy(v->sentinels, o->sentinels, sizeof v->sentinels);
    memcpy(v->self_host, o->self_host, sizeof v->self_host);
    v->self_port = o->redis_port;
}

static int redis_round_settled(const struct observations *so_far, void *ctx)
{
    struct redis_check_obs *v = ctx;
    round_view(so_far, v);
    return check_redis_settled(v);
}

static int check_redis_readiness(const struct settings *s, const struct secrets *sec,
                                 const struct creds *c, int timeout_ms, struct verdict *v,
                                 ri_err *e)
{
    struct redis_round *rr = calloc(1, sizeof *rr);
    struct redis_check_obs *scratch = calloc(1, sizeof *scratch);
    struct probe_config pc;
    char pu[SET_NAME_MAX], pp[256];
    int rc = rr && scratch ? 0 : ri_fail(e, EX_OSERR, "out of memory");
    if (!rc) rc = discover_plan(s, 0, &rr->obs, e);
    if (!rc) rc = discover_probe_config(s, sec, &pc, pu, sizeof pu, pp, sizeof pp, e);
    if (!rc) {
        rr->obs.n_redis = 1;          /* only the local server, by loopback */
        set_local(&rr->obs.redis[0].p, s->redis_port);
        pc.redis_user = c->user;
        pc.redis_pass = c->pass;
        pc.timeout_ms = timeout_ms;
        pc.settled = redis_round_settled;
        pc.settled_ctx = scratch;
        rc = probe_round(&pc, &rr->obs, e);
    }
    if (!rc) {
        round_view(&rr->obs, &rr->view);
        check_redis_ready(&rr->view, v);
        record_history(s, &rr->obs.redis[0]);
    }
    explicit_bzero(pp, sizeof pp);
    free(scratch);
    free(rr);
    return rc;
}

/* ---------------------------------------------------------------------------
 * The history record (lib/history.h)
 * ------------------------------------------------------------------------ */

/* Only states whose history is the data set's: a master, or a replica
 * whose link is up and not in a full sync (its data is then a prefix of its
 * master's stream). A loading server or a broken link says nothing new. */
void record_history(const struct settings *s, const struct redis_obs *me)
{
    if (me->p.outcome != OUT_ANSWER || me->loading || !me->hist.known)
        return;
    if (me->role != ROLE_MASTER &&
        !(me->role == ROLE_REPLICA && me->link_up && !me->sync_in_progress))
        return;
    /* No data dir here (a probe run outside the pod): nothing to record. */
    if (fs_is_dir(s->data_dir) != 1)
        return;
    struct history old, next;
    char why[160];
    ri_err e = {0};
    static int warned;           /* prestop rounds come every 50 ms: say it once */
    history_read(s->data_dir, &old, why, sizeof why);
    history_refresh(&old, &me->hist, &next);
    if (history_write(s->data_dir, &next, &e) && !warned++)
        log_warn("cannot record the replication history; a cold start may wait for an operator",
                 "dir", s->data_dir, "error", e.msg, NULL);
}

/* ---------------------------------------------------------------------------
 * Sentinel readiness: its view of the group, then the master it names
 * ------------------------------------------------------------------------ */

static int check_sentinel_readiness(const struct settings *s, const struct creds *c,
                                    double deadline, struct verdict *v)
{
    struct sentinel_check_obs *o = calloc(1, sizeof *o);
    if (!o) return EX_OSERR;
    o->n_sentinels = s->sentinel_replicas;
    set_local(&o->own.p, s->sentinel_port);
    o->master.p.outcome = OUT_ERROR;
    probe_sentinel_master(&o->own, c->user, c->pass, s->master_name, left_ms(deadline));
    if (o->own.p.outcome == OUT_ANSWER) {
        struct probe_config pc = {.timeout_ms = left_ms(deadline), .redis_user = c->user,
                                  .redis_pass = c->pass};
        memset(&o->master.p, 0, sizeof o->master.p);
        memcpy(o->master.p.host, o->own.master_host, sizeof o->master.p.host);
        o->master.p.port = o->own.master_port;
        probe_redis(&pc, &o->master);
    }
    check_sentinel_ready(o, v);
    free(o);
    return 0;
}

int cmd_check(enum ri_kind kind, enum probe_kind probe, const struct settings *s,
              const struct secrets *sec, ri_err *e)
{
    double deadline = mono_ms() + s->check_timeout_ms;
    struct creds c;
    struct verdict v;
    int rc = secrets_probe_credentials(sec, c.user, sizeof c.user, c.pass, sizeof c.pass, e);
    if (rc) return rc;
    int sent = kind == KIND_SENTINEL;
    if (probe != PROBE_READINESS)
        check_ping(sent ? s->sentinel_port : s->redis_port, &c, s->check_timeout_ms, &v);
    else if (sent)
        rc = check_sentinel_readiness(s, &c, deadline, &v) ? ri_fail(e, EX_OSERR, "out of memory") : 0;
    else
        rc = check_redis_readiness(s, sec, &c, s->check_timeout_ms, &v, e);
    explicit_bzero(&c, sizeof c);
    return rc ? rc : finish(probe, &v, e);
}
