/* boot.c: the boot loop (see boot.h): plan, then rounds of observe, decide,
 * act. */
#include "engine/boot.h"

#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "engine/act.h"
#include "engine/plan.h"
#include "engine/record.h"
#include "model/localdata.h"
#include "net/beacon.h"
#include "net/dns.h"
#include "net/round.h"
#include "rules/decide.h"

static void decide(const struct observations *o, struct decision *d) {
    if (o->is_sentinel) decide_sentinel(o, d);
    else decide_redis(o, d);
}

static int is_final(enum action a, int act) {
    if (a == ACT_MASTER || a == ACT_FOLLOW || a == ACT_MONITOR) return 1;
    return !act && (a == ACT_FAILOVER || a == ACT_PROMOTE);
}

/* Log a waiting decision only when its reasons change: one line per state. */
static void log_wait(const struct decision *d, char *last, size_t lastlen, int round) {
    if (d->n_reasons == 0 || strncmp(last, d->reasons[0], lastlen) == 0) return;
    char rb[24];
    snprintf(last, lastlen, "%s", d->reasons[0]);
    log_info("waiting", "rule", d->rule ? d->rule : "", "round", log_int(rb, round), "reason",
             d->reasons[0], NULL);
}

/* probe_config.settled: stop the round once the decision cannot change. */
static int round_settled(const struct observations *so_far, void *ctx) {
    struct decision d;
    (void)ctx;
    decide(so_far, &d);
    return decision_settled(&d);
}

/* This pod's data and history: the record redis-init keeps on the volume,
 * else the RDB's aux fields (a lower bound: the RDB was written before the
 * AOF tail). Without data there is no history to defend, and a pod that
 * acts forgets the record: a server started on an empty data dir must not
 * inherit the lineage of data that is gone (record.h). */
static int observe_self(const struct settings *s, struct observations *o, int act, ri_err *e) {
    char why[160];
    int rc = localdata_inspect(s->data_dir, &o->self_data, e);
    if (rc) return rc;
    history_read(s->data_dir, &o->self_hist, why, sizeof why);
    if (why[0]) log_warn("ignoring the history record", "file", HISTORY_FILE, "reason", why, NULL);
    if (!o->self_hist.known && o->self_data.replid[0] && o->self_data.offset >= 0)
        history_from_live(&o->self_hist, 0, o->self_data.replid, o->self_data.offset, NULL, -1);
    if (!o->self_data.has_data) {
        if (act && o->self_hist.known) record_forget(s->data_dir);
        memset(&o->self_hist, 0, sizeof o->self_hist);
        o->self_hist.parent_offset = -1;
    }
    return 0;
}

static void wait_own_name(const struct settings *s, struct boot_result *r, double deadline) {
    char detail[160];
    double budget = deadline - mono_ms();
    if (budget > s->dns_wait_ms) budget = s->dns_wait_ms;
    enum outcome oc = dns_wait(r->own_host, budget > 0 ? (int)budget : 0, detail, sizeof detail);
    r->own_dns = outcome_name(oc);
    if (oc != OUT_ANSWER)
        log_warn("own host name does not resolve yet; peers cannot reach this pod by name", "host",
                 r->own_host, "outcome", r->own_dns, "detail", detail, NULL);
}

/* The loop proper: observe, decide, act, until a final decision. */
static int rounds(const struct settings *s, const struct secrets *sec,
                  const struct probe_config *pc, int flags, double start, struct boot_result *r,
                  ri_err *e) {
    int act = flags & BOOT_ACT, rc;
    double deadline = start + s->deadline_ms, first_round = mono_ms(), last_promote = -1e18;
    char last_wait[DEC_REASON_MAX] = "";
    struct failover_pace pace;
    failover_pace_init(&pace);
    r->obs.fresh_start_wait_ms = s->fresh_start_wait_ms;
    r->obs.adopt_set = s->adopt_ordinal >= 0;
    r->obs.adopt_ordinal = s->adopt_ordinal;
    for (;;) {
        round_forget(&r->obs);
        r->obs.waited_ms = (long long)(mono_ms() - first_round);
        if ((rc = probe_round(pc, &r->obs, e))) return rc;
        r->rounds++;
        decide(&r->obs, &r->dec);
        if (is_final(r->dec.action, act)) {
            r->decided = 1;
            return 0;
        }
        if (act && r->dec.action == ACT_FAILOVER) act_failover(s, sec, &r->obs, &pace);
        else if (act && r->dec.action == ACT_PROMOTE) act_promote(s, sec, &r->dec, &last_promote);
        else log_wait(&r->dec, last_wait, sizeof last_wait, r->rounds);
        if ((flags & BOOT_ONCE) || mono_ms() + s->round_interval_ms >= deadline)
            return ri_fail(e, EX_UNAVAILABLE,
                           "no safe decision after %d round(s) in %.0f ms (rule %s): %s", r->rounds,
                           mono_ms() - start, r->dec.rule ? r->dec.rule : "?",
                           r->dec.n_reasons ? r->dec.reasons[0] : "no reason recorded");
        sleep_ms(s->round_interval_ms);
    }
}

int boot_decide(const struct settings *s, const struct secrets *sec, int is_sentinel, int flags,
                struct boot_result *r, ri_err *e) {
    int act = flags & BOOT_ACT;
    double start = mono_ms();
    char probe_user[64], probe_pass[256];
    struct beacon *beacon = NULL;
    struct probe_config pc;
    memset(r, 0, sizeof *r);
    r->own_dns = "not-checked";
    int rc = plan_peers(s, is_sentinel, &r->obs, e);
    if (!rc)
        rc = plan_probe_config(s, sec, &pc, probe_user, sizeof probe_user, probe_pass,
                               sizeof probe_pass, e);
    if (!(flags & BOOT_ALL)) pc.settled = round_settled;
    if (!rc && !is_sentinel) rc = observe_self(s, &r->obs, act, e);
    if (!rc) {
        /* Peers deciding at the same time must see what this pod holds. */
        if (act && !is_sentinel)
            beacon = beacon_start(s->bind, s->redis_port, probe_user, probe_pass,
                                  r->obs.self_data.has_data, &r->obs.self_hist);
        snprintf(r->own_host, sizeof r->own_host, "%s", r->obs.self_host);
        if (act && r->own_host[0]) wait_own_name(s, r, start + s->deadline_ms);
        rc = rounds(s, sec, &pc, flags, start, r, e);
    }
    beacon_stop(beacon);
    explicit_bzero(probe_pass, sizeof probe_pass);
    r->elapsed_ms = mono_ms() - start;
    return rc;
}
