/* handover.c: the handover runner (see handover.h): observe, let
 * handover_next() choose, carry out the step, repeat. */
#include "engine/handover.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/log.h"
#include "engine/plan.h"
#include "engine/record.h"
#include "model/handovers.h"
#include "net/admin.h"
#include "net/probe.h"
#include "net/round.h"

#define ROUND_GAP_MS 50 /* between observations while waiting */

struct handover_run {
    const struct settings *s;
    const char *admin_user, *admin_pass;
    double t0;
    struct handover_obs po;
    struct probe_config pc;
    char probe_user[SET_NAME_MAX], probe_pass[256];
};

static double elapsed(const struct handover_run *r) { return mono_ms() - r->t0; }

static int time_left(const struct handover_run *r) {
    double left = r->s->prestop_timeout_ms - elapsed(r);
    return left < 1 ? 1 : (int)left;
}

/* The admin user's connection to the local server, bounded by what is left. */
static void local_admin(const struct handover_run *r, struct admin_conn *c) {
    int t = r->s->check_timeout_ms < time_left(r) ? r->s->check_timeout_ms : time_left(r);
    c->host = LOCAL_HOST;
    c->port = r->s->redis_port;
    c->user = r->admin_user;
    c->pass = r->admin_pass;
    c->timeout_ms = t;
}

static void unpause(struct handover_run *r) {
    struct admin_conn c;
    ri_err e = {0};
    local_admin(r, &c);
    if (admin_unpause(&c, &e) == 0) {
        r->po.st.unpaused = 1;
        log_info("writes unpaused", NULL);
    } else {
        log_warn("could not unpause; the pause ends by itself at the bound", "error", e.msg, NULL);
        sleep_ms(ROUND_GAP_MS);
    }
}

static void do_pause(struct handover_run *r) {
    struct admin_conn c;
    char ms[24];
    int pause_ms = time_left(r);
    ri_err e = {0};
    local_admin(r, &c);
    if (admin_pause_writes(&c, pause_ms, &e) != 0) {
        log_warn("could not pause writes; retrying", "error", e.msg, NULL);
        sleep_ms(ROUND_GAP_MS);
        return;
    }
    r->po.st.paused = 1;
    /* No write runs after PAUSE WRITE returns: this INFO is the final offset. */
    struct redis_obs *me = &r->po.round.redis[r->po.self];
    probe_redis(&r->pc, me);
    if (me->p.outcome == OUT_ANSWER) r->po.st.pause_offset = me->offset;
    char off[24];
    log_info("writes paused", "for_ms", log_int(ms, pause_ms), "offset",
             log_int(off, r->po.st.pause_offset), NULL);
}

static void do_failover(struct handover_run *r, int sentinel) {
    const struct sentinel_obs *so = &r->po.round.sentinels[sentinel];
    struct admin_conn c = {so->p.host, so->p.port, r->admin_user, r->admin_pass,
                           r->s->check_timeout_ms};
    ri_err e = {0};
    r->po.st.failover_tried_at = elapsed(r);
    if (admin_failover(&c, r->s->master_name, NULL, &e) == 0) {
        r->po.st.failover_sent = 1;
        log_info("sentinel accepted the failover", "sentinel", so->p.host, NULL);
    } else {
        log_warn("sentinel refused the failover; will ask again", "sentinel", so->p.host, "error",
                 e.msg, NULL);
    }
}

static void do_demote(struct handover_run *r, int peer) {
    const struct redis_obs *m = &r->po.round.redis[peer];
    struct admin_conn c;
    ri_err e = {0};
    local_admin(r, &c);
    if (admin_follow(&c, m->p.host, m->p.port, &e) == 0) {
        log_info("following the new master", "master", m->p.host, NULL);
    } else {
        log_warn("could not follow the new master; retrying", "error", e.msg, NULL);
        sleep_ms(ROUND_GAP_MS);
    }
}

static int setup(struct handover_run *r, const struct settings *s, const struct secrets *sec,
                 ri_err *e) {
    int rc;
    r->s = s;
    r->t0 = mono_ms();
    r->po.bound_ms = s->prestop_timeout_ms;
    r->po.st.pause_offset = -1;
    r->po.st.failover_tried_at = -1;
    r->po.self = s->ordinal;
    if ((rc = secrets_require_username(sec, SECRET_ADMIN_USER, &r->admin_user, e)) ||
        (rc = secrets_require(sec, SECRET_ADMIN_PASS, &r->admin_pass, e)) ||
        (rc = plan_peers(s, 0, &r->po.round, e)) ||
        (rc = plan_probe_config(s, sec, &r->pc, r->probe_user, sizeof r->probe_user, r->probe_pass,
                                sizeof r->probe_pass, e)))
        return rc;
    if (s->ordinal < 0 || s->ordinal >= r->po.round.n_redis)
        return ri_fail(e, EX_CONFIG,
                       "pod \"%s\" (ordinal %d) is none of the %d configured redis pods",
                       s->pod_name, s->ordinal, r->po.round.n_redis);
    /* Our own slot is probed too, by loopback; sentinels name us by self_host. */
    struct peer_common *me = &r->po.round.redis[s->ordinal].p;
    snprintf(me->host, sizeof me->host, "%s", LOCAL_HOST);
    me->outcome = OUT_ERROR;
    return 0;
}

/* For the metrics of the next agent (model/handovers.h). */
static void count_handover(const char *data_dir, int rc, const char *rule) {
    enum handover_result res = rc                                 ? HANDOVER_FAILED
                               : rule && strcmp(rule, "H15") == 0 ? HANDED_OVER
                                                                  : HANDOVER_NOTHING;
    if (handovers_note(data_dir, res, rule, (long long)time(NULL)) < 0)
        log_warn("cannot count the handover on the data volume", "dir", data_dir, "result",
                 handover_result_name(res), NULL);
}

static int stopped(const struct handover_stop *hs) { return hs && hs->stop && hs->stop(hs->ctx); }

int handover_redis(const struct settings *s, const struct secrets *sec,
                   const struct handover_stop *hs, ri_err *e) {
    struct handover_run *r = calloc(1, sizeof *r);
    struct handover_decision d = {.rule = "-"};
    char last[DEC_REASON_MAX] = "";
    if (!r) return ri_fail(e, EX_OSERR, "out of memory");
    int rc = setup(r, s, sec, e);
    while (!rc) {
        int left = time_left(r);
        if (left >= s->check_timeout_ms) {
            r->pc.timeout_ms = s->check_timeout_ms;
            if ((rc = probe_round(&r->pc, &r->po.round, e))) break;
            struct redis_obs *me = &r->po.round.redis[r->po.self];
            if (r->po.st.paused && r->po.st.pause_offset < 0 && me->p.outcome == OUT_ANSWER)
                r->po.st.pause_offset = me->offset;
            record_refresh(s->data_dir, me);
            r->po.now_ms = elapsed(r);
        } else {
            /* A round with less than its probe budget could only see
             * timeouts and read them as a dead server (H1): the bound is
             * reached (H16) one check-timeout early. */
            r->po.now_ms = r->po.bound_ms;
        }
        r->po.st.interrupted = stopped(hs);
        handover_next(&r->po, &d);
        if (strcmp(last, d.reason) != 0) {
            log_info("handover", "rule", d.rule, "reason", d.reason, NULL);
            snprintf(last, sizeof last, "%s", d.reason);
        }
        switch (d.step) {
        case PS_WAIT: sleep_ms(ROUND_GAP_MS); break;
        case PS_PAUSE: do_pause(r); break;
        case PS_FAILOVER: do_failover(r, d.target); break;
        case PS_DEMOTE: do_demote(r, d.target); break;
        case PS_UNPAUSE: unpause(r); break;
        case PS_DONE:
            if (r->po.st.paused && !r->po.st.unpaused) unpause(r);
            rc = d.code ? ri_fail(e, d.code, "handover (rule %s): %s", d.rule, d.reason) : 0;
            goto out;
        }
    }
out:
    explicit_bzero(r->probe_pass, sizeof r->probe_pass);
    free(r);
    count_handover(s->data_dir, rc, d.rule);
    return rc;
}

int handover_sentinel(const struct settings *s, const struct secrets *sec,
                      const struct handover_stop *hs, ri_err *e) {
    char user[SET_NAME_MAX], pass[256];
    struct sentinel_master_obs own;
    struct handover_decision d;
    double t0 = mono_ms();
    int logged_wait = 0;
    int rc = secrets_probe_credentials(sec, user, sizeof user, pass, sizeof pass, e);
    while (!rc) {
        double now = mono_ms() - t0, left = s->prestop_timeout_ms - now;
        memset(&own, 0, sizeof own);
        snprintf(own.p.host, sizeof own.p.host, "%s", LOCAL_HOST);
        own.p.port = s->sentinel_port;
        probe_sentinel_master(&own, user, pass, s->master_name,
                              left < s->check_timeout_ms ? (left < 1 ? 1 : (int)left)
                                                         : s->check_timeout_ms);
        /* Told to stop: as if the bound were reached (G3 if it still leads). */
        now = stopped(hs) ? s->prestop_timeout_ms : mono_ms() - t0;
        handover_sentinel_next(&own, now, s->prestop_timeout_ms, &d);
        if (d.step == PS_DONE) {
            log_info("handover", "rule", d.rule, "reason", d.reason, NULL);
            rc = d.code ? ri_fail(e, d.code, "handover (rule %s): %s", d.rule, d.reason) : 0;
            break;
        }
        if (!logged_wait++) log_info("handover", "rule", d.rule, "reason", d.reason, NULL);
        sleep_ms(100);
    }
    explicit_bzero(pass, sizeof pass);
    return rc;
}
