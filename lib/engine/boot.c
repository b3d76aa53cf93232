/* discover.c: the round loop around probe_round() and decide_*(). */
#include "engine/boot.h"
#include "net/beacon.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "net/dns.h"
#include "rules/failover.h"
#include "model/localdata.h"
#include "base/log.h"
#include "net/probe.h"
#include "engine/render.h"

/* ---------------------------------------------------------------------------
 * Plan: who to ask
 * ------------------------------------------------------------------------ */

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

int discover_check_member(const struct settings *s, int is_sentinel, ri_err *e) {
    int n = is_sentinel ? s->sentinel_replicas : s->redis_replicas;
    if (s->ordinal < n) return 0;
    return ri_fail(e, EX_CONFIG,
                   "pod %s has ordinal %d, but [cluster] %s-replicas is %d (members 0..%d): "
                   "scale the settings together with the StatefulSet",
                   s->pod_name, s->ordinal, is_sentinel ? "sentinel" : "redis", n, n - 1);
}

int discover_plan(const struct settings *s, int is_sentinel, struct observations *o, ri_err *e) {
    memset(o, 0, sizeof *o);
    o->is_sentinel = is_sentinel;
    o->self_ordinal = s->ordinal;
    o->redis_port = s->redis_port;
    o->n_redis = s->redis_replicas;
    o->n_sentinels = s->sentinel_replicas;
    if (o->n_redis > OBS_MAX_PEERS || o->n_sentinels > OBS_MAX_PEERS)
        return ri_fail(e, EX_CONFIG, "at most %d redis pods and %d sentinels", OBS_MAX_PEERS, OBS_MAX_PEERS);
    int rc = 0;
    if (s->ordinal >= 0) rc = render_own_host(s, is_sentinel, o->self_host, sizeof o->self_host, e);
    for (int i = 0; !rc && i < o->n_redis; i++)
        rc = plan_peer(s, s->redis_service, i, s->redis_port, !is_sentinel && i == s->ordinal,
                       &o->redis[i].p, e);
    for (int i = 0; !rc && i < o->n_sentinels; i++)
        rc = plan_peer(s, s->sentinel_service, i, s->sentinel_port, is_sentinel && i == s->ordinal,
                       &o->sentinels[i].p, e);
    return rc;
}

/* Clear last round's answers but keep the plan. */
static void reset_round(struct observations *o) {
    for (int i = 0; i < o->n_redis; i++) {
        struct peer_common p = o->redis[i].p;
        memset(&o->redis[i], 0, sizeof o->redis[i]);
        o->redis[i].p = p;
    }
    for (int i = 0; i < o->n_sentinels; i++) {
        struct peer_common p = o->sentinels[i].p;
        memset(&o->sentinels[i], 0, sizeof o->sentinels[i]);
        o->sentinels[i].p = p;
    }
}

/* ---------------------------------------------------------------------------
 * Actions (render/run only)
 * ------------------------------------------------------------------------ */

/* Ask the sentinel failover_next() picks, if its own state still calls for
 * it (failover.h), and note what happened in the pace. */
static void act_failover(const struct settings *s, const struct secrets *sec,
                         const struct observations *o, struct failover_pace *pace) {
    double now = mono_ms();
    int i = failover_next(o, pace, now, s->failover_timeout_ms);
    if (i < 0) return;
    const char *user = secrets_get(sec, SECRET_ADMIN_USER, NULL);
    const char *pass = secrets_get(sec, SECRET_ADMIN_PASS, NULL);
    const struct sentinel_obs *so = &o->sentinels[i];
    struct sentinel_master_obs m;
    memset(&m, 0, sizeof m);
    m.p = so->p;
    pace->tried_at = now;
    probe_sentinel_master(&m, user, pass, s->master_name, s->probe_timeout_ms);
    switch (failover_check(o, &m)) {
    case FC_RUNNING:
        pace->leader = i;
        pace->leader_at = now;
        return;
    case FC_SWITCHED:
        log_info("sentinel names another master now: not asking it to fail over", "sentinel",
                 so->p.host, "master", m.master_host, NULL);
        return;
    case FC_UNREACHABLE:
        pace->skipped = i;
        log_warn("could not read the sentinel's state before the failover request", "sentinel",
                 so->p.host, "error", m.p.detail, NULL);
        return;
    case FC_ASK:
        break;
    }
    ri_err e = {0};
    char code[32];
    if (probe_sentinel_failover(so->p.host, so->p.port, user, pass, s->master_name,
                                s->probe_timeout_ms, code, &e) == 0) {
        log_warn("asked sentinel to fail over: this pod is named master but has no data",
                 "sentinel", so->p.host, NULL);
        pace->leader = i;
        pace->leader_at = now;
    } else if (strcmp(code, "INPROG") == 0) {
        pace->leader = i;     /* it started one between our two requests */
        pace->leader_at = now;
    } else {
        pace->skipped = i;
        log_warn("sentinel refused the failover request", "sentinel", so->p.host, "error", e.msg, NULL);
    }
}

/* 1 when the peer accepted REPLICAOF NO ONE. */
static int act_promote(const struct settings *s, const struct secrets *sec, const struct decision *d) {
    ri_err e = {0};
    const char *user = secrets_get(sec, SECRET_ADMIN_USER, NULL);
    const char *pass = secrets_get(sec, SECRET_ADMIN_PASS, NULL);
    if (probe_replicaof_no_one(d->host, d->port, user, pass, s->probe_timeout_ms, &e) == 0) {
        log_warn("promoted the most up-to-date peer: this bootstrap pod is empty", "peer", d->host, NULL);
        return 1;
    }
    log_error("could not promote peer", "peer", d->host, "error", e.msg, NULL);
    return 0;
}

/* ---------------------------------------------------------------------------
 * The loop
 * ------------------------------------------------------------------------ */

/* REPLICAOF NO ONE, once accepted, shows in the next round; the interval
 * only spaces out requests the peer refused. */
#define PROMOTE_INTERVAL_MS 10000.0

static int is_final(enum action a, int act) {
    if (a == ACT_MASTER || a == ACT_FOLLOW || a == ACT_MONITOR) return 1;
    return !act && (a == ACT_FAILOVER || a == ACT_PROMOTE);
}

/* Log a waiting decision only when its reasons change: one line per state. */
static void log_wait(const struct decision *d, char *last, size_t lastlen, int round) {
    if (d->n_reasons == 0 || strncmp(last, d->reasons[0], lastlen) == 0) return;
    char rb[24];
    snprintf(last, lastlen, "%s", d->reasons[0]);
    log_info("waiting", "rule", d->rule ? d->rule : "", "round", log_int(rb, round),
             "reason", d->reasons[0], NULL);
}

/* probe_config.settled: stop the round once the decision cannot change. */
static int round_settled(const struct observations *so_far, void *ctx) {
    struct decision d;
    if (*(const int *)ctx) decide_sentinel(so_far, &d);
    else decide_redis(so_far, &d);
    return decision_settled(&d);
}

int discover_probe_config(const struct settings *s, const struct secrets *sec,
                          struct probe_config *pc, char *pu, size_t pulen, char *pp, size_t pplen,
                          ri_err *e) {
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

/* This pod's history: the record redis-init keeps on the volume, else the
 * RDB's aux fields (a lower bound: the RDB was written before the AOF tail).
 * Without data there is no history to defend. */
static void self_history(const struct settings *s, struct observations *o) {
    char why[160];
    history_read(s->data_dir, &o->self_hist, why, sizeof why);
    if (why[0])
        log_warn("ignoring the history record", "file", HISTORY_FILE, "reason", why, NULL);
    if (!o->self_hist.known && o->self_data.replid[0] && o->self_data.offset >= 0)
        history_from_live(&o->self_hist, 0, o->self_data.replid, o->self_data.offset, NULL, -1);
    if (!o->self_data.has_data) {
        memset(&o->self_hist, 0, sizeof o->self_hist);
        o->self_hist.parent_offset = -1;
    }
}

static void wait_own_name(const struct settings *s, struct discover_result *r, double deadline) {
    char detail[160];
    double budget = deadline - mono_ms();
    if (budget > s->dns_wait_ms) budget = s->dns_wait_ms;
    enum outcome oc = dns_wait(r->own_host, budget > 0 ? (int)budget : 0, detail, sizeof detail);
    r->own_dns = outcome_name(oc);
    if (oc != OUT_ANSWER)
        log_warn("own host name does not resolve yet; peers cannot reach this pod by name",
                 "host", r->own_host, "outcome", r->own_dns, "detail", detail, NULL);
}

int discover(const struct settings *s, const struct secrets *sec, int is_sentinel, int flags,
             struct discover_result *r, ri_err *e) {
    int act = flags & DISCOVER_ACT;
    double start = mono_ms(), deadline = start + s->deadline_ms;
    char probe_user[64], probe_pass[256], last_wait[DEC_REASON_MAX] = "";
    double last_promote = -1e18;
    struct failover_pace pace;
    struct beacon *beacon = NULL;
    struct probe_config pc;
    memset(r, 0, sizeof *r);
    failover_pace_init(&pace);
    r->own_dns = "not-checked";
    int rc = discover_plan(s, is_sentinel, &r->obs, e);
    if (!rc) rc = discover_probe_config(s, sec, &pc, probe_user, sizeof probe_user, probe_pass, sizeof probe_pass, e);
    if (!(flags & DISCOVER_ALL)) {
        pc.settled = round_settled;
        pc.settled_ctx = &is_sentinel;
    }
    if (!rc && !is_sentinel) rc = localdata_inspect(s->data_dir, &r->obs.self_data, e);
    if (rc) goto out;
    if (!is_sentinel) self_history(s, &r->obs);
    /* Peers deciding at the same time must see what this pod holds. */
    if (act && !is_sentinel)
        beacon = beacon_start(s->bind, s->redis_port, probe_user, probe_pass,
                              r->obs.self_data.has_data, &r->obs.self_hist);
    snprintf(r->own_host, sizeof r->own_host, "%s", r->obs.self_host);
    if (act && r->own_host[0]) wait_own_name(s, r, deadline);

    r->obs.fresh_start_wait_ms = s->fresh_start_wait_ms;
    double first_round = mono_ms();
    for (;;) {
        reset_round(&r->obs);
        r->obs.waited_ms = (long long)(mono_ms() - first_round);
        if ((rc = probe_round(&pc, &r->obs, e))) goto out;
        r->rounds++;
        if (is_sentinel) decide_sentinel(&r->obs, &r->dec);
        else decide_redis(&r->obs, &r->dec);
        if (is_final(r->dec.action, act)) { r->decided = 1; break; }
        if (act && r->dec.action == ACT_FAILOVER) {
            act_failover(s, sec, &r->obs, &pace);
        } else if (act && r->dec.action == ACT_PROMOTE) {
            if (mono_ms() - last_promote >= PROMOTE_INTERVAL_MS && act_promote(s, sec, &r->dec))
                last_promote = mono_ms();
        } else {
            log_wait(&r->dec, last_wait, sizeof last_wait, r->rounds);
        }
        if ((flags & DISCOVER_ONCE) || mono_ms() + s->round_interval_ms >= deadline) {
            rc = ri_fail(e, EX_UNAVAILABLE, "no safe decision after %d round(s) in %.0f ms (rule %s): %s",
                         r->rounds, mono_ms() - start, r->dec.rule ? r->dec.rule : "?",
                         r->dec.n_reasons ? r->dec.reasons[0] : "no reason recorded");
            break;
        }
        sleep_ms(s->round_interval_ms);
    }
out:
    beacon_stop(beacon);
    explicit_bzero(probe_pass, sizeof probe_pass);
    r->elapsed_ms = mono_ms() - start;
    return rc;
}
