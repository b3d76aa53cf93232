/* watch.c: the agent module that keeps the history record fresh: every
 * [lifecycle] watch-interval, and at once when its tripwire to the server
 * drops (net/tripwire.h: Sentinel's reconfigurations close it), it asks
 * the local server for INFO (as the probe user) and lets engine/record.c
 * write when rules/recording.h says the record is due. A server that does
 * not answer, or refuses the probe user, costs one log line (and one more
 * when it answers again), never anything else. */
#include <stdlib.h>
#include <string.h>

#include "agent/module.h"
#include "base/clock.h"
#include "base/log.h"
#include "engine/plan.h"
#include "engine/record.h"
#include "net/probe.h"
#include "net/tripwire.h"

struct watch {
    char user[SET_NAME_MAX], pass[256];
    struct probe_config pc;
    struct redis_obs me;
    int answered;          /* the server has answered once */
    enum outcome reported; /* the last failure logged, OUT_ANSWER when none */
    struct tripwire *tw;   /* NULL until the server takes it (again) */
};

static int watch_start(const struct agent_ctx *ctx, void **state) {
    const struct agent_config *cfg = ctx->cfg;
    if (cfg->is_sentinel || cfg->app) return 1;
    struct watch *w = calloc(1, sizeof *w);
    ri_err e = {0};
    if (!w) return 1;
    if (secrets_probe_credentials(cfg->sec, w->user, sizeof w->user, w->pass, sizeof w->pass, &e)) {
        log_error("cannot watch the server: no probe credentials", "error", e.msg, NULL);
        free(w);
        return 1;
    }
    w->pc.timeout_ms = cfg->s->check_timeout_ms;
    w->pc.redis_user = w->user;
    w->pc.redis_pass = w->pass;
    w->reported = OUT_ANSWER;
    *state = w;
    return 0;
}

/* One line when the server stops answering (or refuses), one when it is
 * back; a server still starting (refused, loading) is no news. */
static void report(struct watch *w) {
    enum outcome o = w->me.p.outcome;
    if (o == OUT_ANSWER) {
        if (w->reported != OUT_ANSWER)
            log_info("watching the server again; the history record is kept fresh", NULL);
        w->answered = 1;
        w->reported = OUT_ANSWER;
        return;
    }
    if (o == w->reported || (!w->answered && o == OUT_REFUSED)) return;
    w->reported = o;
    log_warn("cannot watch the server; the history record is not kept fresh meanwhile", "outcome",
             outcome_name(o), "detail", w->me.p.detail, NULL);
}

/* On the tripwire while it is open (no connect, no AUTH); else, or when
 * that fails, a probe of its own, which also says why. */
static void ask(const struct agent_config *cfg, struct watch *w) {
    plan_local(&w->me.p, cfg->s->redis_port);
    if (w->tw) {
        if (tripwire_info(w->tw, &w->me) == 0) {
            w->me.p.outcome = OUT_ANSWER;
            return;
        }
        tripwire_close(w->tw);
        w->tw = NULL;
    }
    probe_redis(&w->pc, &w->me);
}

/* What the metrics show: the role and its changes, and when the record
 * last matched the server (said it already, or was just written). */
static void note(struct agent_stats *st, const struct redis_obs *me, enum recording_verdict v) {
    if (me->role != st->role) {
        if (st->role != ROLE_UNKNOWN) st->role_changes++;
        st->role = me->role;
    }
    if (v == REC_SAME || v == REC_LINE || v == REC_OFFSET) st->record_in_step_ms = mono_ms();
}

static void look(const struct agent_ctx *ctx, struct watch *w) {
    const struct agent_config *cfg = ctx->cfg;
    ask(cfg, w);
    report(w);
    if (w->me.p.outcome != OUT_ANSWER) return;
    note(ctx->stats, &w->me, record_keep(cfg->s->data_dir, &w->me));
    if (!w->tw) {
        ri_err e = {0}; /* the probe above says why it would fail */
        w->tw = tripwire_open(LOCAL_HOST, cfg->s->redis_port, w->user, w->pass,
                              cfg->s->check_timeout_ms, &e);
    }
}

static int watch_tick(const struct agent_ctx *ctx, void *state) {
    look(ctx, state);
    return ctx->cfg->s->watch_interval_ms;
}

static int watch_fd(void *state) {
    const struct watch *w = state;
    return w->tw ? tripwire_fd(w->tw) : -1;
}

/* The tripwire dropped: the role may have changed this instant. */
static void watch_readable(const struct agent_ctx *ctx, void *state) {
    struct watch *w = state;
    if (!tripwire_tripped(w->tw)) return;
    tripwire_close(w->tw);
    w->tw = NULL;
    look(ctx, w);
}

static void watch_stop(void *state) {
    struct watch *w = state;
    if (!w) return;
    tripwire_close(w->tw);
    explicit_bzero(w->pass, sizeof w->pass);
    free(w);
}

const struct agent_module agent_watch = {
    .name = "watch",
    .start = watch_start,
    .tick = watch_tick,
    .fd = watch_fd,
    .readable = watch_readable,
    .stop = watch_stop,
};
