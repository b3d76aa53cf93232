/* heal.c: the agent module that lets an empty fresh master step down
 * (rules/stepdown.h): while this pod's server is a master started by B5
 * that holds and acknowledged nothing, it looks at the peers every
 * [discovery] round-interval, and asks the init to stop the server and
 * decide again as soon as a peer reports data or a sentinel majority names
 * another pod. Done for good once the cluster formed around the master. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/module.h"
#include "base/log.h"
#include "engine/plan.h"
#include "net/probe.h"
#include "net/round.h"
#include "rules/stepdown.h"

struct heal {
    struct observations round; /* the plan; each round's answers */
    struct probe_config pc;
    char user[SET_NAME_MAX], pass[256];
    struct redis_obs me;
    char last[DEC_REASON_MAX];
};

static int heal_start(const struct agent_ctx *ctx, void **state) {
    const struct agent_config *cfg = ctx->cfg;
    ri_err e = {0};
    if (cfg->is_sentinel || cfg->app || !cfg->boot.rule || strcmp(cfg->boot.rule, "B5") != 0 ||
        cfg->s->min_replicas_to_write < 1)
        return 1;
    struct heal *h = calloc(1, sizeof *h);
    if (!h) return 1;
    if (plan_peers(cfg->s, 0, &h->round, &e) ||
        plan_probe_config(cfg->s, cfg->sec, &h->pc, h->user, sizeof h->user, h->pass,
                          sizeof h->pass, &e)) {
        log_error("cannot look at the peers of this fresh master", "error", e.msg, NULL);
        explicit_bzero(h->pass, sizeof h->pass);
        free(h);
        return 1;
    }
    log_info("a fresh cluster: stepping down if a peer turns out to hold data", NULL);
    *state = h;
    return 0;
}

static int heal_tick(const struct agent_ctx *ctx, void *state) {
    const struct agent_config *cfg = ctx->cfg;
    struct heal *h = state;
    struct stepdown_verdict v;
    ri_err e = {0};
    plan_local(&h->me.p, cfg->s->redis_port);
    probe_redis(&h->pc, &h->me);
    round_forget(&h->round);
    if (probe_round(&h->pc, &h->round, &e)) {
        log_warn("cannot look at the peers", "error", e.msg, NULL);
        return cfg->s->round_interval_ms;
    }
    struct stepdown_obs o = {cfg->boot.rule, cfg->s->min_replicas_to_write >= 1, h->me, &h->round};
    stepdown_next(&o, &v);
    if (strcmp(h->last, v.reason) != 0) {
        snprintf(h->last, sizeof h->last, "%s", v.reason);
        if (v.step == SD_STEP_DOWN) log_warn("step-down", "rule", v.rule, "reason", v.reason, NULL);
        else
            log_info("step-down", "rule", v.rule, "step", stepdown_step_name(v.step), "reason",
                     v.reason, NULL);
    }
    if (v.step == SD_STEP_DOWN) ctx->step_down(ctx->owner);
    return v.step == SD_STAY ? cfg->s->round_interval_ms : -1;
}

static void heal_stop(void *state) {
    struct heal *h = state;
    if (!h) return;
    explicit_bzero(h->pass, sizeof h->pass);
    free(h);
}

const struct agent_module agent_heal = {
    .name = "heal",
    .start = heal_start,
    .tick = heal_tick,
    .stop = heal_stop,
};
