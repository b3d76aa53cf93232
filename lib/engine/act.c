/* act.c: carrying out ACT_FAILOVER and ACT_PROMOTE (see act.h). */
#include "engine/act.h"

#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "engine/plan.h"
#include "net/admin.h"
#include "net/probe.h"

/* Ask the sentinel failover_next() picks, if its own state still calls for
 * it (failover.h), and note what happened in the pace. */
void act_failover(const struct settings *s, const struct secrets *sec, const struct observations *o,
                  struct failover_pace *pace) {
    double now = mono_ms();
    int i = failover_next(o, pace, now, s->failover_timeout_ms);
    if (i < 0) return;
    const struct sentinel_obs *so = &o->sentinels[i];
    struct admin_conn c;
    struct sentinel_master_obs m;
    plan_admin(sec, so->p.host, so->p.port, s->probe_timeout_ms, &c);
    memset(&m, 0, sizeof m);
    m.p = so->p;
    pace->tried_at = now;
    probe_sentinel_master(&m, c.user, c.pass, s->master_name, s->probe_timeout_ms);
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
    case FC_ASK: break;
    }
    ri_err e = {0};
    char code[32];
    if (admin_failover(&c, s->master_name, code, &e) == 0) {
        log_warn("asked sentinel to fail over: this pod is named master but has no data",
                 "sentinel", so->p.host, NULL);
        pace->leader = i;
        pace->leader_at = now;
    } else if (strcmp(code, "INPROG") == 0) {
        pace->leader = i; /* it started one between our two requests */
        pace->leader_at = now;
    } else {
        pace->skipped = i;
        log_warn("sentinel refused the failover request", "sentinel", so->p.host, "error", e.msg,
                 NULL);
    }
}

void act_promote(const struct settings *s, const struct secrets *sec, const struct decision *d,
                 double *last_ms) {
    if (mono_ms() - *last_ms < ACT_PROMOTE_INTERVAL_MS) return;
    ri_err e = {0};
    struct admin_conn c;
    plan_admin(sec, d->host, d->port, s->probe_timeout_ms, &c);
    if (admin_promote(&c, &e) == 0) {
        log_warn("promoted the most up-to-date peer: this bootstrap pod is empty", "peer", d->host,
                 NULL);
        *last_ms = mono_ms();
        return;
    }
    log_error("could not promote peer", "peer", d->host, "error", e.msg, NULL);
}
