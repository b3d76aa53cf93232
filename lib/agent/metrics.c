/* metrics.c: the agent module that serves the pod's own metrics
 * (docs/observability.md) on [metrics] address:port, off when the port is
 * 0. Each scrape asks the local server (INFO clients replication
 * errorstats) or sentinel (SENTINEL MASTER) as the probe user, bounded by
 * [lifecycle] check-timeout, and renders engine/metrics_text.h with what
 * the other modules saw (agent_stats). A port that cannot be taken costs
 * one error line and no metrics, never the server. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/module.h"
#include "base/clock.h"
#include "base/log.h"
#include "engine/metrics_text.h"
#include "engine/plan.h"
#include "net/http.h"
#include "net/probe.h"

#ifndef RI_VERSION
#define RI_VERSION "dev"
#endif

/* One slow scrape must not hold the agent's loop long. */
#define SCRAPE_EXTRA_MS 500

struct metrics {
    int fd;
    char user[SET_NAME_MAX], pass[256];
    const struct agent_ctx *ctx;
};

static int metrics_start(const struct agent_ctx *ctx, void **state) {
    const struct agent_config *cfg = ctx->cfg;
    const struct settings *s = cfg->s;
    if (cfg->app || s->metrics_port == 0) return 1;
    struct metrics *m = calloc(1, sizeof *m);
    ri_err e = {0};
    if (!m) return 1;
    if (secrets_probe_credentials(cfg->sec, m->user, sizeof m->user, m->pass, sizeof m->pass, &e)) {
        log_error("no metrics: no probe credentials", "error", e.msg, NULL);
        free(m);
        return 1;
    }
    m->fd = http_listen(s->metrics_address, s->metrics_port, &e);
    if (m->fd < 0) {
        log_error("no metrics: cannot listen ([metrics] address, port)", "error", e.msg, NULL);
        explicit_bzero(m->pass, sizeof m->pass);
        free(m);
        return 1;
    }
    char port[24];
    log_info("serving metrics", "address", s->metrics_address[0] ? s->metrics_address : "*", "port",
             log_int(port, s->metrics_port), "path", "/metrics", NULL);
    m->ctx = ctx;
    *state = m;
    return 0;
}

static int body(void *arg, struct buf *b) {
    struct metrics *m = arg;
    const struct agent_config *cfg = m->ctx->cfg;
    const struct agent_stats *st = m->ctx->stats;
    const struct settings *s = cfg->s;
    struct server_stats ss;
    struct sentinel_master_obs so;
    struct handover_counts hc;
    struct metrics_view v = {
        .program = cfg->is_sentinel ? "sentinel-init" : "redis-init",
        .version = RI_VERSION,
        .s = s,
        .boot = &cfg->boot,
        .uptime_s = (mono_ms() - st->started_ms) / 1000.0,
        .role = st->role,
        .role_changes = st->role_changes,
        .record_age_s =
            st->record_in_step_ms > 0 ? (mono_ms() - st->record_in_step_ms) / 1000.0 : -1,
    };
    if (cfg->is_sentinel) {
        memset(&so, 0, sizeof so);
        plan_local(&so.p, s->sentinel_port);
        probe_sentinel_master(&so, m->user, m->pass, s->master_name, s->check_timeout_ms);
        v.sentinel = &so;
    } else {
        memset(&ss, 0, sizeof ss);
        plan_local(&ss.p, s->redis_port);
        probe_stats(&ss, m->user, m->pass, s->check_timeout_ms);
        v.stats = &ss;
        handovers_read(s->data_dir, &hc);
        v.handovers = &hc;
    }
    return metrics_text(&v, b);
}

static int metrics_fd(void *state) { return ((struct metrics *)state)->fd; }

static void metrics_readable(const struct agent_ctx *ctx, void *state) {
    struct metrics *m = state;
    struct http_route r = {"/metrics", "text/plain; version=0.0.4; charset=utf-8", body, m};
    http_serve(m->fd, &r, ctx->cfg->s->check_timeout_ms + SCRAPE_EXTRA_MS);
}

/* Nothing periodic: the scrapes come to it. */
static int metrics_tick(const struct agent_ctx *ctx, void *state) {
    (void)ctx, (void)state;
    return 60 * 60 * 1000;
}

static void metrics_stop(void *state) {
    struct metrics *m = state;
    if (!m) return;
    close(m->fd);
    explicit_bzero(m->pass, sizeof m->pass);
    free(m);
}

const struct agent_module agent_metrics = {
    .name = "metrics",
    .start = metrics_start,
    .tick = metrics_tick,
    .fd = metrics_fd,
    .readable = metrics_readable,
    .stop = metrics_stop,
};
